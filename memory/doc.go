// Package memory estimates the peak memory of the server a strategy
// stands for, as a real CPython 3.11 server on Linux would hold it: a
// base per process, a cost per thread (its resident stack and its kernel
// memory), one per asyncio task in flight, and the interpreter's shared
// pages once (docs/model.md, "Memory"). Estimate applies a strategy's
// costs (strategies.Config.Memory: a runtime profile's, or those that
// calibrate/memory.py measured on the development machine,
// strategies.DefaultRuntime's) to what one of its runs held at peak.
package memory

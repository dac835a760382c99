// Package memory estimates the peak memory of the server a strategy
// stands for, as a real CPython 3.11 server on Linux would hold it: a
// base per process, a cost per thread (its resident stack and its kernel
// memory), one per asyncio task in flight, and the interpreter's shared
// pages once (docs/model.md, "Memory"). Default holds the costs that
// calibrate/memory.py measured on the development machine
// (calibrate/measurements/memory.json); Estimate applies them to a
// strategy and what one of its runs held at peak.
package memory

// Package strategies implements asyncsim's concurrency strategies as
// drivers of the sim engine: a blocking server of single-threaded worker
// processes (KindBlocking), a thread pool with an optional Python-style
// GIL (KindThreaded), and cooperative event loops with optional executors
// for blocking calls (KindEventLoop). New returns the driver of a Config.
//
// Schemas declares each kind's parameters — keys, bounds, defaults,
// checks and documentation — in one table: the workload parser reads it,
// and Reference renders it as the README's table, so that adding a kind
// or a parameter touches only this package. The semantics each driver
// follows are stated in docs/model.md.
package strategies

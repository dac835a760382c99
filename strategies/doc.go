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
//
// Two opt-in runtime models follow CPython rather than the exact rules
// (docs/runtimes.md): gil_handover: cpython, whose hand-overs are drawn
// from the strategy's own random stream (Config.Seed, Config.Replication,
// Config.Name), and loop_model: asyncio or uvloop, run by a driver of
// their own so that the default loop's path is untouched. Their defaults
// come from a Runtime, DefaultRuntime unless a runtime profile says
// otherwise.
package strategies

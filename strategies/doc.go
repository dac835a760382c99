// Package strategies implements asyncsim's concurrency strategies as
// drivers of the sim engine: a blocking server of single-threaded workers
// (Blocking), a thread pool with an optional Python-style GIL (Threaded),
// and cooperative event loops with optional executors for blocking calls
// (EventLoop). Each follows the semantics stated in docs/model.md exactly.
package strategies

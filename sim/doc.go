// Package sim is asyncsim's deterministic discrete-event core: a virtual
// clock in integer nanoseconds, a typed event queue ordered by (time,
// sequence), processor sharing of the machine's cores, contexts with
// recorded states, the task and step model, and the statistics of a run.
//
// It also keeps what a real service adds to that model (see Config's
// Resources and Clients): pools of limited resources that tasks hold
// (Engine.Acquire, Engine.Release), full queues that refuse arrivals
// (Engine.Reject, Engine.Retransmit), and clients that give up on an
// attempt after a timeout and send it again; each attempt ends with an
// Outcome. A run that uses none of them pays for them only a few tests.
//
// A run is single-threaded and driven only by its event queue and its task
// source: the same source and strategy always give the same result. The
// package knows nothing of files, flags or terminals; strategies drive it
// through the Strategy interface and the Engine's methods.
package sim

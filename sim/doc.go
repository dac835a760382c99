// Package sim is asyncsim's deterministic discrete-event core: a virtual
// clock in integer nanoseconds, a typed event queue ordered by (time,
// sequence), processor sharing of the machine's cores, contexts with
// recorded states, the task and step model, and the statistics of a run.
//
// A run is single-threaded and driven only by its event queue and its task
// source: the same source and strategy always give the same result. The
// package knows nothing of files, flags or terminals; strategies drive it
// through the Strategy interface and the Engine's methods.
package sim

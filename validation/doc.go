// Package validation checks asyncsim against results known from queueing
// theory: M/M/1, M/D/1, M/M/c (Erlang C), M/G/1 under first-come-first-served
// service (Pollaczek–Khinchine) and under processor sharing, Little's law,
// the interactive response-time law of closed-loop clients, CPython's GIL
// convoy effect and executor saturation; and, for the services model,
// Erlang B for a full queue without waiting room (backlog: 0), the M/M/c/K
// queue for a finite backlog, Erlang C for the wait at a pool of a
// limited resource, and Little's law for a pool's queue of waiters.
//
// Each scenario is a workload written in the YAML users write, parsed with
// workloads.Parse and run with experiment.Run over several replications.
// Every figure is compared with its theoretical value under a tolerance
// stated with the scenario: Run returns a Report, which prints as a table
// or as the Markdown of docs/validation.md. `asyncsim selfcheck` runs it.
package validation

// Package capacity answers the sizing questions of a workload: how much
// load each strategy sustains (Capacity), and the smallest value of some
// parameters that meets latency objectives at a given load (Plan).
//
// Both scale the open arrival classes together (workloads.Spec.ScaleOpen)
// and search by bisection, running each probe's replications in parallel
// and keeping them, keyed by strategy, parameter values, rate and
// replication, so that a step that needs more replications of a point
// runs only those it lacks. A probe is stable as experiment.Assess
// judges a run's strategy (its offered demand below capacity, its tasks in
// flight not growing); an objective
// (Objective, "p99<200ms") compares a statistic of the output contract
// with a threshold.
//
// The package knows nothing of files, flags or terminals: it returns
// typed values and errors, and asyncsim capacity and asyncsim plan word
// them.
package capacity

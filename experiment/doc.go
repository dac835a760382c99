// Package experiment runs a workload: every selected strategy, every
// replication, each an independent deterministic simulation, in parallel
// across runs, and gathers their statistics in a fixed order so that the
// result never depends on how many runs went at once.
package experiment

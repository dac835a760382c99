// Package workloads loads and validates asyncsim workload files and turns
// them into deterministic task streams.
//
// A workload is a YAML document that names the machine, one or more task
// classes (open arrivals or closed-loop clients, each task a list of cpu,
// io and blocking_io steps whose durations may be random, in repeat,
// hold and gather blocks) and the strategies to compare. Parse and Load check a document completely before
// anything runs: every problem is reported as an Error that names the
// file, line and column, and suggests the right spelling of a mistyped key
// or strategy kind. No input makes them panic. The YAML machinery (file
// reading within a size limit, decoding, positioned errors, merge keys,
// durations and distributions) is internal/schema's; the strategies'
// parameters are read from their schema in package strategies. A
// workload, or one of its strategies, may name a runtime profile (runtime:
// FILE, relative to the workload; ParseRuntime reads the calibration
// kit's format) whose values become the defaults of the runtime models'
// parameters. It may also name data files, relative to it: an
// arrival.trace of arrival instants, replayed a chunk at a time whenever
// a replication runs (never read whole), and {empirical: FILE}
// distributions of logged durations; a bad line of one is an Error in
// that file.
//
// Spec.Source generates the tasks of one replication lazily. All
// randomness is drawn from streams derived from (seed, replication, class
// name, purpose[, client]), so the same workload always yields the same
// tasks, every strategy sees identical tasks, and editing one class never
// changes the samples of another.
//
// The package embeds a set of commented example workloads (see Examples);
// DefaultExample reproduces the Tornado time.sleep story.
package workloads

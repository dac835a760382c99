// Package sweep runs parameter sweeps: a family of workloads made from one
// base workload by substituting values at dotted paths, each grid point run
// like `asyncsim run`, the points in parallel, and every row gathered into
// one CSV and one JSON file whose bytes never depend on how many points ran
// at once.
//
// A sweep file names a base workload (a file relative to the sweep file, an
// embedded example, or a mapping written inline), the parameters to vary
// and their values, an optional replications override and a plot:
//
//	workload: web-service
//	replications: 5
//	vary:
//	  - path: strategies.threads-gil.threads   # list items by name or index
//	    values: [1, 2, 4, 8, 16, 32]
//	  - path: tasks.api.arrival.interarrival
//	    values: [{exp: 10ms}, {exp: 5ms}]
//	plot: {x: strategies.threads-gil.threads, y: [latency_p99_s], log_x: true}
//
// The grid is the cartesian product of the values (the first parameter
// varies slowest), or with `zip: true` the values taken one to one. Parse
// and Load validate every point before anything runs; a problem is a
// workloads.Error naming the file, line and column, the point and the
// path, with a suggestion for a misspelt name.
//
// Each figure draws one metric against the plot's x parameter, or against
// the arrival rate a varied interarrival or per_second sets (plot.x: rate,
// see ArrivalPath and RateValue); a parameter whose value each x value
// determines (the other paths of a zipped sweep) goes along with x rather
// than making lines or panels. Titles and axes are named in words unless
// plot.title, plot.x_label and plot.y_label say otherwise.
//
// Run executes the points (or one shard of them: the points whose index
// mod N is K) in parallel, appending each finished point's rows to a
// journal in the output folder and flushing them at once, so that a killed
// or interrupted sweep resumes where it stopped. A finished unsharded run
// writes sweep.csv, sweep.json and one figure per plotted metric; a shard
// keeps its journal, sweep.shard-K-of-N.csv, which Merge joins with the
// other shards into exactly the files an unsharded run writes. Each journal
// carries a hash of the expanded sweep, as sweep.json does, so that the
// files of different sweeps are never mixed: Run refuses a folder holding
// another sweep's files, and Merge shards of different sweeps. Every line
// of a journal or shard is checked when it is read, and a bad one refused
// with its line number. A Run or Merge holds its folder's lock (see
// LockName) while it works.
package sweep

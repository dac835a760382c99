// Package figures is the figure pipeline of asyncsim's run, plot and
// sweep commands: what a run records for its figures, the data behind
// them, and the one writer of figure files.
//
// A run's figures are gathered in three steps. Record sets up a Recording
// for a run and Attach hooks it into the run's experiment.Options: it
// records replication 0 of every strategy (a timeline.Recorder each) for
// the timelines, the utilization series and the trace. After the run,
// Recording.Run pairs the recordings with the experiment's results into a
// plots.Run, whose latency distributions, of every task and of each class
// of a workload of several, pool every replication the same way at every
// run size (see Latencies and ClassLatencies). WriteRun writes the data files,
// trace.json and the figures into an output folder.
//
// Write is the one writer of figure files: the run figures of WriteRun,
// those 'asyncsim plot' redraws and a sweep's. It renders every figure
// before writing any, writes each whole or not at all, and then removes
// the figures of the same set that an earlier run left in the folder (by
// asyncsim's own naming scheme: no other file is touched).
package figures

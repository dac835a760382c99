package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"asyncsim/experiment"
	"asyncsim/figures"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/report"
	"asyncsim/sim"
	"asyncsim/workloads"
)

const runUsage = `
Usage: asyncsim run [FILE|EXAMPLE] [flags]

Simulates the workload in FILE (or the embedded example of that name, or
the default example "tornado" when none is given) under each of its
strategies, all seeing the identical tasks, and prints the comparison.

With --by-class it also prints each task class's figures under each
strategy (requests, succeeded, failed, rejected, timeouts and latencies):
a second table after the comparison, or with --format csv the CSV of
summary_by_class.csv instead of the summary's. JSON rows always hold them,
in their "classes" object, so --format json refuses --by-class.

With --out DIR it also writes, into DIR: summary.csv, summary.json,
summary_by_class.csv and tasks.csv (one row per attempt, with its
attempt number and outcome); the figures makespan.png (for open
arrivals latency_percentiles.png), latency.png, utilization.png (and
utilization-2.png ... past six strategies) and timeline-NAME.png per strategy (NAME its name, each byte other than
letters, digits and ._+- written %XX); trace.json (Chrome trace events, for Perfetto or
chrome://tracing); and the data behind the figures (figures.json,
latency.csv, utilization.csv, timeline.csv), from which 'asyncsim plot
DIR' redraws them. Timelines and traces cover a window of virtual time:
by default the start of the run, until 40 tasks have completed;
--timeline-window 0s:2s chooses it.
`

func runCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", runUsage, stdout)
	format := fs.String("format", "table", "output `FORMAT`: table, json or csv")
	byClass := fs.Bool("by-class", false, "also print the figures of each task class: a table after the comparison, or with --format csv the by-class CSV instead of the summary's (not with --format json, whose rows hold them)")
	mem := fs.Bool("memory", false, "also print each strategy's estimated peak memory (memory_peak_mib, in every CSV and JSON row) by part: a table after the comparison")
	out := fs.String("out", "", "also write the summaries, tasks.csv, figures, trace.json and figure data into `DIR`")
	seed := fs.Uint64("seed", 0, "override the workload's random seed with `N`")
	reps := fs.Int("replications", 0, "run `N` replications instead of the workload's number")
	var only stringList
	fs.Var(&only, "strategy", "run only the strategy of this `NAME` (repeatable)")
	jobs := addJobsFlag(fs, "run `N` simulations at once (default: one per CPU); results never depend on it")
	maxEvents := fs.Int64("max-events", 0, "stop a run that needs more than `N` events (0: no limit)")
	var until sim.Time
	fs.Var(durationFlag{&until}, "until", "end each run at virtual time `DURATION` and report what it did by then: tasks completed, throughput and utilization over the window up to it, tasks left in flight (overrides the workload's horizon; 0: the workload's, or none)")
	maxWork := addMaxWorkFlag(fs)
	var window windowFlag
	fs.Var(&window, "timeline-window", "draw timelines and write trace.json for the virtual time `FROM:TO` (e.g. 0s:2s; either may be left out; default: the start of the run, until 40 tasks completed)")
	fig := addFigureFlags(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("run: one workload at a time, got %d: %v", len(pos), pos)
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return usagef("run: unknown --format %q%s (want table, json or csv)", *format, suggestion(*format, []string{"table", "json", "csv"}))
	}
	if *mem && *format != "table" {
		return usagef("run: --memory is for the table: every CSV and JSON row holds memory_peak_mib")
	}
	if *byClass && *format == "json" {
		return usagef("run: --by-class is for the table and CSV: with --format json every row holds its classes' figures in \"classes\"")
	}
	spec, err := loadWorkload(pos)
	if err != nil {
		return err
	}
	seedSet, repsSet, outSet := false, false, false
	fs.Visit(func(f *flag.Flag) {
		seedSet = seedSet || f.Name == "seed"
		repsSet = repsSet || f.Name == "replications"
		outSet = outSet || f.Name == "out"
	})
	if outSet {
		if err := checkOutDir("run", *out); err != nil {
			return err
		}
	}
	if seedSet {
		spec.Seed = *seed
	}
	if repsSet {
		if *reps < 1 || *reps > workloads.MaxReplications {
			return usagef("run: --replications must be between 1 and %d, not %d", workloads.MaxReplications, *reps)
		}
		spec.Replications = *reps
	}
	if *maxEvents < 0 {
		return usagef("run: --max-events must not be negative")
	}
	if until > 0 {
		if until <= spec.Warmup {
			return usagef("run: --until %v must come after the warm-up (%v): a run must count something", until, spec.Warmup)
		}
		spec.Horizon = until
	}
	if err := fig.check("run"); err != nil {
		return err
	}
	cfgs, err := experiment.Select(spec, only)
	if err != nil {
		return usageError{err}
	}
	if err := workloads.CheckBudget(spec, cfgs, workloads.Limits{Until: spec.Horizon, MaxEvents: *maxEvents}, *maxWork); err != nil {
		return err
	}
	opts := experiment.Options{Jobs: *jobs, Strategies: only, MaxEvents: *maxEvents}
	in := watchSignals("run", stderr)
	defer in.release()
	var rec *figures.Recording
	var spool *taskSpool
	if outSet {
		rec = recordFigures(spec, len(cfgs), window, &opts)
		names := make([]string, len(cfgs))
		for i, c := range cfgs {
			names[i] = c.Name
		}
		if spool, err = newTaskSpool(spec, names); err != nil {
			return err
		}
		in.onInterrupt(func() { spool.remove() })
		defer spool.remove()
		opts.OnTask, opts.Done = spool.hook(opts.OnTask), spool.done
	}
	res, err := experiment.Run(spec, opts)
	if err != nil {
		return err
	}
	if outSet {
		figs := rec.Run(res)
		if err := figs.CheckWindow(); err != nil {
			return usagef("run: --timeline-window %s: %v", &window, err)
		}
		if err := writeOutputs(*out, res, spool, in); err != nil {
			return err
		}
		if err := in.write(func() error { return writeFigureOutputs(*out, figs, fig, *jobs) }); err != nil {
			return err
		}
	}
	switch {
	case *format == "json":
		return report.JSON(stdout, res)
	case *format == "csv" && *byClass:
		return report.ClassCSV(stdout, res)
	case *format == "csv":
		return report.CSV(stdout, res)
	}
	if err := report.Table(stdout, res); err != nil {
		return err
	}
	for _, more := range []struct {
		on    bool
		table func(io.Writer, *experiment.Result) error
	}{{*byClass, report.ClassTable}, {*mem, report.MemoryTable}} {
		if !more.on {
			continue
		}
		if _, err := io.WriteString(stdout, "\n"); err != nil {
			return err
		}
		if err := more.table(stdout, res); err != nil {
			return err
		}
	}
	return nil
}

// loadWorkload loads the one positional argument, a file or an embedded
// example, or the default example when there is none.
func loadWorkload(pos []string) (*workloads.Spec, error) {
	name := workloads.DefaultExample
	if len(pos) == 1 {
		name = pos[0]
	}
	spec, err := workloads.Load(name)
	if err != nil {
		if isInputError(err) {
			return nil, err
		}
		return nil, usageError{err}
	}
	return spec, nil
}

// checkOutDir refuses an --out that cannot be an output folder: an empty
// name, or one that exists and is not a directory.
func checkOutDir(cmd, dir string) error {
	if dir == "" {
		return usagef("%s: --out needs a directory name, got an empty one", cmd)
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usagef("%s: --out %s exists and is not a directory", cmd, dir)
	}
	return nil
}

// windowFlag is --timeline-window FROM:TO, in Go duration syntax.
type windowFlag struct {
	from, to sim.Time
	set      bool
}

func (w *windowFlag) String() string {
	if w == nil || !w.set {
		return ""
	}
	s := w.from.String() + ":"
	if w.to > 0 {
		s += w.to.String()
	}
	return s
}

func (w *windowFlag) Set(v string) error {
	a, b, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Errorf("want FROM:TO, like 0s:2s or 1s: (to the end), got %q", v)
	}
	var from, to sim.Time
	for _, x := range []struct {
		s string
		t *sim.Time
	}{{a, &from}, {b, &to}} {
		if x.s == "" {
			continue
		}
		if err := (durationFlag{x.t}).Set(x.s); err != nil {
			return err
		}
	}
	if b != "" && to <= from {
		return fmt.Errorf("the window's end %v must come after its start %v", to, from)
	}
	*w = windowFlag{from: from, to: to, set: true}
	return nil
}

// recordFigures sets opts up to record what the figures and the trace
// need, in window.
func recordFigures(spec *workloads.Spec, n int, window windowFlag, opts *experiment.Options) *figures.Recording {
	rec := figures.Record(spec, n, figures.Window{From: window.from, To: window.to, Auto: !window.set})
	rec.Attach(opts)
	return rec
}

// writeFigureOutputs writes the figure data, trace.json and the figures
// into dir, each file whole or not at all.
func writeFigureOutputs(dir string, r *plots.Run, fig *figureFlags, jobs int) error {
	if _, err := figures.WriteRun(dir, r, fig.style, jobs); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	return nil
}

// writeOutputs writes the run's summaries and tasks.csv into dir, each
// whole or not at all, and each while in keeps a signal waiting.
func writeOutputs(dir string, res *experiment.Result, spool *taskSpool, in *interrupter) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		// Removed if a signal stops the run before anything is in it.
		in.onInterrupt(func() { os.Remove(dir) })
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer, *experiment.Result) error
	}{
		{"summary.csv", report.CSV},
		{"summary.json", report.JSON},
		{"summary_by_class.csv", report.ClassCSV},
	}
	for _, f := range files {
		err := in.write(func() error {
			return atomicfile.Write(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, res) })
		})
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	if err := in.write(func() error { return spool.writeTo(dir, in.interrupted) }); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	return nil
}

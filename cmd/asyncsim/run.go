package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/report"
	"asyncsim/sim"
	"asyncsim/workloads"
)

const runUsage = `
Usage: asyncsim run [FILE|EXAMPLE] [flags]

Simulates the workload in FILE (or the embedded example of that name, or
the default example "tornado" when none is given) under each of its
strategies, all seeing the identical tasks, and prints the comparison.
`

func runCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", runUsage, stdout)
	format := fs.String("format", "table", "output `FORMAT`: table, json or csv")
	out := fs.String("out", "", "also write summary.csv, summary.json and tasks.csv into `DIR`")
	seed := fs.Uint64("seed", 0, "override the workload's random seed with `N`")
	reps := fs.Int("replications", 0, "run `N` replications instead of the workload's number")
	var only stringList
	fs.Var(&only, "strategy", "run only the strategy of this `NAME` (repeatable)")
	jobs := fs.Int("jobs", 0, "run `N` simulations at once (default: one per CPU)")
	maxEvents := fs.Int64("max-events", 0, "stop a run that needs more than `N` events (0: no limit)")
	var until sim.Time
	fs.Var(durationFlag{&until}, "until", "stop a run whose virtual time passes `DURATION` (0: no limit)")
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
	spec, err := loadWorkload(pos)
	if err != nil {
		return err
	}
	seedSet, repsSet := false, false
	fs.Visit(func(f *flag.Flag) {
		seedSet = seedSet || f.Name == "seed"
		repsSet = repsSet || f.Name == "replications"
	})
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
	if _, err := experiment.Select(spec, only); err != nil {
		return usageError{err}
	}
	res, err := experiment.Run(spec, experiment.Options{
		Jobs: *jobs, Strategies: only, Tasks: *out != "", MaxEvents: *maxEvents, Until: until,
	})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeOutputs(*out, res); err != nil {
			return err
		}
	}
	switch *format {
	case "json":
		return report.JSON(stdout, res)
	case "csv":
		return report.CSV(stdout, res)
	}
	return report.Table(stdout, res)
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

// writeOutputs writes the run's files into dir, each whole or not at all.
func writeOutputs(dir string, res *experiment.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer, *experiment.Result) error
	}{
		{"summary.csv", report.CSV},
		{"summary.json", report.JSON},
		{"tasks.csv", report.TasksCSV},
	}
	for _, f := range files {
		err := atomicfile.Write(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, res) })
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	return nil
}

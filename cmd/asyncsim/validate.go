package main

import (
	"fmt"
	"io"

	"asyncsim/workloads"
)

const validateUsage = `
Usage: asyncsim validate FILE|EXAMPLE...

Loads and checks each workload without running it, and prints every
problem found as FILE:LINE:COL: message, or the work it would take to
simulate (see --max-work). Exits 2 if any is invalid, or needs more work
than --max-work allows.
`

func validateCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", validateUsage, stdout)
	maxWork := addMaxWorkFlag(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("validate: name at least one workload file")
	}
	var failed error
	for _, p := range pos {
		spec, err := workloads.Load(p)
		if err == nil {
			err = workloads.CheckBudget(spec, spec.Strategies, workloads.Limits{}, *maxWork)
		}
		if err != nil {
			if !isInputError(err) {
				err = usageError{err}
			}
			if failed == nil {
				failed = err
			} else {
				fmt.Fprintf(stderr, "asyncsim: %s\n", message(err))
			}
			continue
		}
		work := workloads.EstimateWork(spec, spec.Strategies, workloads.Limits{})
		tasks := plural(int(spec.Tasks()), "task", "tasks")
		for _, c := range spec.Classes {
			if c.Rate != nil && c.Count == 0 {
				// A Poisson stream whose count is its rate's: an expectation.
				tasks = "about " + tasks
				break
			}
		}
		fmt.Fprintf(stdout, "%s: ok: workload %s, %s, %s per replication, %s; %s\n", p, spec.Name,
			plural(len(spec.Classes), "task class", "task classes"), tasks,
			plural(len(spec.Strategies), "strategy", "strategies"), work.Describe())
	}
	return failed
}

// plural writes n with the singular or plural noun: "1 task", "2 tasks".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

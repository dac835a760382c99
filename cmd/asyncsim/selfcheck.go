package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"asyncsim/internal/atomicfile"
	"asyncsim/validation"
)

const selfcheckUsage = `
Usage: asyncsim selfcheck [--quick] [--markdown FILE] [flags]

Simulates scenarios whose answers queueing theory knows (M/M/1, M/D/1,
M/M/c, M/G/1 first-come-first-served and processor sharing, Little's law,
closed-loop clients, the GIL convoy effect, executor saturation, and of
services: Erlang B for backlog: 0, M/M/c/K for a finite backlog, Erlang C
for a pool, Little's law for a pool's queue) and prints
each figure beside its theoretical value, with the 95% confidence interval
over replications, the relative error and the tolerance. Exits 1 if any
check fails. The full form takes about ten seconds on two cores;
--quick runs shorter simulations.
`

func selfcheckCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("selfcheck", selfcheckUsage, stdout)
	quick := fs.Bool("quick", false, "run the short form: fewer tasks and replications, wider intervals")
	markdown := fs.String("markdown", "", "also write the report as Markdown to `FILE` (the project's is docs/validation.md)")
	jobs := addJobsFlag(fs, "run `N` simulations at once (default: one per CPU); results never depend on it")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("selfcheck: takes no arguments, got %q", pos)
	}
	rep, err := validation.Run(validation.Options{Quick: *quick, Jobs: *jobs})
	if err != nil {
		return err
	}
	if err := rep.WriteTable(stdout); err != nil {
		return err
	}
	if *markdown != "" {
		if err := os.MkdirAll(filepath.Dir(*markdown), 0o755); err != nil {
			return fmt.Errorf("selfcheck: %w", err)
		}
		if err := atomicfile.Write(*markdown, rep.WriteMarkdown); err != nil {
			return fmt.Errorf("selfcheck: %w", err)
		}
	}
	if failed := rep.Failed(); len(failed) > 0 {
		return fmt.Errorf("selfcheck: %d of %d checks failed", len(failed), len(rep.Checks))
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"asyncsim/sweep"
)

const sweepUsage = `
Usage: asyncsim sweep FILE|EXAMPLE --out DIR [flags]
       asyncsim sweep --list
       asyncsim sweep --show EXAMPLE

Runs a parameter sweep: every point of the grid that FILE (or the
embedded example sweep of that name) describes is its base workload with
the varied values substituted, run like 'asyncsim run'. Points run in
parallel; each point's rows are written to DIR as soon as it finishes, so
an interrupted sweep (Ctrl-C, a kill, a crash) continues with --resume.
At the end DIR holds sweep.csv and sweep.json (the same bytes whatever
--jobs) and one figure per plotted metric, sweep-METRIC.png (or .svg,
.pdf: --figure-format).

A sweep refuses a folder another sweep or merge is using, one holding
another sweep's files, and one whose journal holds finished points unless
told what to do with them: --resume keeps them, --restart discards them.

With --shard K/N only the points whose index mod N is K run, into
DIR/sweep.shard-K-of-N.csv; 'asyncsim merge DIR' joins the N shards into
exactly the files an unsharded run writes (for Slurm job arrays and
Kubernetes Indexed Jobs).
`

func sweepCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", sweepUsage, stdout)
	out := fs.String("out", "", "write the results into `DIR` (required to run)")
	jobs := addJobsFlag(fs, "run `N` points at once (default: one per CPU); results never depend on it")
	resume := fs.Bool("resume", false, "keep the points already complete in DIR and run only the others")
	restart := fs.Bool("restart", false, "discard DIR's journal and any other sweep's files there, and start over")
	quiet := fs.Bool("quiet", false, "show no progress bar (there is none when stderr is not a terminal)")
	shardFlag := fs.String("shard", "", "run only shard `K/N`: the points whose index mod N is K (0 <= K < N)")
	noFigures := fs.Bool("no-figures", false, "write no figures ('asyncsim plot DIR' draws them later)")
	figFormat := fs.String("figure-format", "png", "write the figures as `FORMAT`: png, svg or pdf")
	dryRun := fs.Bool("dry-run", false, "validate the sweep and list its points without running anything")
	maxWork := addMaxWorkFlag(fs)
	list := fs.Bool("list", false, "list the embedded example sweeps")
	show := fs.String("show", "", "print the YAML of the example sweep `NAME`, to copy and edit")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch {
	case *list:
		if len(pos) > 0 {
			return usagef("sweep: --list takes no sweep file")
		}
		listSweeps(stdout)
		return nil
	case *show != "":
		if len(pos) > 0 {
			return usagef("sweep: --show takes no sweep file")
		}
		ex, ok := sweep.LookupExample(strings.TrimSuffix(*show, ".yaml"))
		if !ok {
			return usagef("sweep: no example sweep named %q%s (see 'asyncsim sweep --list')", *show, suggestion(*show, sweepNames()))
		}
		_, err := stdout.Write(ex.YAML)
		return err
	}
	switch {
	case len(pos) == 0:
		return usagef("sweep: name a sweep file or an example sweep (see 'asyncsim sweep --list')")
	case len(pos) > 1:
		return usagef("sweep: one sweep at a time, got %d: %v", len(pos), pos)
	case *resume && *restart:
		return usagef("sweep: --resume keeps the finished points, --restart discards them: choose one")
	case *out == "" && !*dryRun:
		return usagef("sweep: --out DIR is required: the folder for sweep.csv, sweep.json and the figures")
	}
	format, err := figureFormat("sweep", *figFormat)
	if err != nil {
		return err
	}
	k, n := 0, 0
	if *shardFlag != "" {
		if k, n, err = parseShard(*shardFlag); err != nil {
			return err
		}
	}
	s, err := sweep.Load(pos[0])
	if err != nil {
		if isInputError(err) {
			return err
		}
		return usageError{err}
	}
	if err := s.CheckBudget(*maxWork); err != nil {
		return err
	}
	if *dryRun {
		printPoints(stdout, s, k, n)
		return nil
	}

	if os.Getenv("GOGC") == "" {
		// A sweep's live heap is a few points' worth of tasks: trading a
		// little memory for a quarter as many collections keeps the
		// cores simulating (see sweep.GCPercent).
		defer debug.SetGCPercent(debug.SetGCPercent(sweep.GCPercent))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		stop() // a second Ctrl-C ends the program at once
		if !*quiet {
			fmt.Fprint(stderr, "\nasyncsim: interrupted: stopping the points running before their next replication (Ctrl-C again to quit now)\n")
		}
	}()

	var bar *progressbar.ProgressBar
	opts := sweep.Options{Dir: *out, Jobs: *jobs, Shard: k, Shards: n, Resume: *resume, Restart: *restart, NoFigures: *noFigures, FigureFormat: format}
	if !*quiet && isTerminal(stderr) {
		opts.Progress = func(done, todo int) {
			if done == 0 {
				if todo > 0 {
					bar = newBar(stderr, s, todo, len(s.Points))
				}
				return
			}
			bar.Set(done)
		}
	}
	start := time.Now()
	res, err := sweep.Run(ctx, s, opts)
	if bar != nil {
		bar.Exit()
		fmt.Fprintln(stderr)
	}
	var dirErr *sweep.DirError
	switch {
	case errors.As(err, &dirErr):
		return usageError{fmt.Errorf("sweep: %w", err)}
	case err != nil && !errors.Is(err, sweep.ErrInterrupted):
		return fmt.Errorf("sweep: %w", err)
	}
	what := fmt.Sprintf("%d points", res.Points)
	if n > 0 {
		what = fmt.Sprintf("shard %d of %d: %d of the %d points", k, n, res.Points, len(s.Points))
	}
	if res.Resumed > 0 {
		what += fmt.Sprintf(" (%d already done)", res.Resumed)
	}
	fmt.Fprintf(stdout, "%s: %s, %s each\n", s.Workload, what, replications(s.Replications))
	if err != nil { // interrupted
		journal := sweep.JournalName
		if n > 0 {
			journal = sweep.ShardName(k, n)
		}
		return fmt.Errorf("sweep: interrupted with %d of %d points done, kept in %s; run the same command with --resume to finish",
			res.Resumed+res.Ran, res.Points, filepath.Join(*out, journal))
	}
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	if n > 0 {
		fmt.Fprintf(stdout, "when every shard is done: asyncsim merge %s\n", *out)
	}
	if !*quiet && isTerminal(stderr) {
		fmt.Fprintf(stderr, "%d points in %s\n", res.Ran, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// replications returns "1 replication", "5 replications".
func replications(n int) string {
	if n == 1 {
		return "1 replication"
	}
	return strconv.Itoa(n) + " replications"
}

// parseShard parses --shard K/N.
func parseShard(v string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(v, "/")
	k, errK := strconv.Atoi(ks)
	n, errN := strconv.Atoi(ns)
	if !ok || errK != nil || errN != nil || n < 1 || k < 0 || k >= n {
		return 0, 0, usagef("sweep: --shard wants K/N with 0 <= K < N, like 0/4; got %q", v)
	}
	return k, n, nil
}

// newBar returns the progress bar of a sweep with todo points left to run.
func newBar(w io.Writer, s *sweep.Sweep, todo, total int) *progressbar.ProgressBar {
	desc := s.Workload
	if todo < total {
		desc += fmt.Sprintf(" (%d of %d to run)", todo, total)
	}
	return progressbar.NewOptions(todo,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("points"),
		progressbar.OptionShowIts(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(true),
	)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// listSweeps prints the embedded example sweeps.
func listSweeps(w io.Writer) {
	all := sweep.Examples()
	width := 0
	for _, ex := range all {
		width = max(width, len(ex.Name))
	}
	for _, ex := range all {
		fmt.Fprintf(w, "%-*s  %s\n", width, ex.Name, ex.Description)
	}
	fmt.Fprint(w, "\nRun one with 'asyncsim sweep NAME --out DIR'; print its YAML with 'asyncsim sweep --show NAME'.\n")
}

func sweepNames() []string {
	var names []string
	for _, ex := range sweep.Examples() {
		names = append(names, ex.Name)
	}
	return names
}

// printPoints lists a sweep's points (those of shard k of n, if n > 1).
func printPoints(w io.Writer, s *sweep.Sweep, k, n int) {
	runs := 0
	for _, pt := range s.Points {
		runs += len(pt.Spec.Strategies) * s.Replications
	}
	fmt.Fprintf(w, "%s: %d points, %d simulations (%s each); hash %s\n", s.Workload, len(s.Points), runs, replications(s.Replications), s.Hash)
	cols := []string{"point"}
	for _, v := range s.Vary {
		cols = append(cols, v.Path)
	}
	cols = append(cols, "strategies")
	rows := [][]string{cols}
	for _, pt := range s.Points {
		if n > 0 && pt.Index%n != k {
			continue
		}
		row := append([]string{strconv.Itoa(pt.Index)}, pt.Values...)
		rows = append(rows, append(row, strings.Join(pt.Strategies(), ",")))
	}
	widths := make([]int, len(cols))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(&b, "%-*s", widths[i], c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

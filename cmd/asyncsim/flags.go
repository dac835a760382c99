package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"asyncsim/sim"
	"asyncsim/workloads"
)

// errHelp reports that a command printed its help: exit code 0.
var errHelp = errors.New("help requested")

// flagSet is a command's flags, its usage text and where help goes.
type flagSet struct {
	*flag.FlagSet
	usage  string
	stdout io.Writer
}

// newFlagSet returns a flag set that reports errors instead of exiting
// and prints its usage only when asked to (-h, --help).
func newFlagSet(name, usage string, stdout io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{fs, usage, stdout}
}

// printUsage prints the command's usage text, then its flags as the
// README writes them, with two dashes; a command without flags has no
// "Flags:" heading.
func (fs *flagSet) printUsage() {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(fs.usage) + "\n")
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			b.WriteString("\nFlags:\n")
			first = false
		}
		b.WriteString("  --" + f.Name)
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			b.WriteString(" " + name)
		}
		b.WriteString("\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t"))
		if _, err := strconv.ParseFloat(f.DefValue, 64); err == nil || f.DefValue == "true" {
			if f.DefValue != "0" {
				fmt.Fprintf(&b, " (default %s)", f.DefValue)
			}
		} else if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(&b, " (default %q)", f.DefValue)
		}
		b.WriteString("\n")
	})
	io.WriteString(fs.stdout, b.String())
}

// parse parses args allowing flags before, between and after positional
// arguments ("run tornado --format json"), and returns the positional ones.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return nil, errHelp
			}
			return nil, usagef("%s: %s (see 'asyncsim %s --help')", fs.Name(), fs.describe(err), fs.Name())
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// singleDash matches a flag as the flag package's messages name it.
var singleDash = regexp.MustCompile(`(^|[ :])-([a-z])`)

// describe words an error of the flag package as the README names flags,
// with two dashes, and suggests the nearest flag for an unknown one.
func (fs *flagSet) describe(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag --" + name
		// Suggestion words its answer for a YAML key: ; did you mean "x"?
		if s := suggestion(name, names); s != "" {
			msg += "; did you mean --" + strings.TrimSuffix(strings.TrimPrefix(s, `; did you mean "`), `"?`) + "?"
		}
		return msg
	}
	return singleDash.ReplaceAllString(msg, "$1--$2")
}

// jobsFlag is --jobs N: how many simulations, points or figures go at
// once. N must be at least 1; left out, it is one per CPU (0 inside).
type jobsFlag struct{ n *int }

// addJobsFlag adds --jobs to fs, with usage (which should say that the
// default is one per CPU), and returns where its value goes.
func addJobsFlag(fs *flagSet, usage string) *int {
	n := new(int)
	fs.Var(jobsFlag{n}, "jobs", usage)
	return n
}

func (j jobsFlag) String() string {
	if j.n == nil || *j.n == 0 {
		return ""
	}
	return strconv.Itoa(*j.n)
}

func (j jobsFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("want a number of jobs, at least 1, got %q (leave --jobs out for one per CPU)", v)
	}
	*j.n = n
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// durationFlag is a virtual-time flag in Go duration syntax.
type durationFlag struct{ t *sim.Time }

func (d durationFlag) String() string {
	if d.t == nil || *d.t == 0 {
		return ""
	}
	return d.t.String()
}

func (d durationFlag) Set(v string) error {
	x, err := time.ParseDuration(v)
	if err != nil || x < 0 {
		return fmt.Errorf("want a non-negative duration like 10s or 500ms, got %q", v)
	}
	*d.t = sim.Time(x)
	return nil
}

func suggestion(word string, candidates []string) string {
	return workloads.Suggestion(word, candidates)
}

func isInputError(err error) bool {
	var list workloads.ErrorList
	var one *workloads.Error
	var work *workloads.WorkError
	return errors.As(err, &list) || errors.As(err, &one) || errors.As(err, &work)
}

// addMaxWorkFlag adds --max-work to fs and returns where its value goes.
func addMaxWorkFlag(fs *flagSet) *float64 {
	n := new(float64)
	*n = workloads.DefaultMaxWork
	fs.Var(maxWorkFlag{n}, "max-work", "refuse a workload estimated to need more than `N` steps and GIL hand-overs, over all its runs")
	return n
}

// maxWorkFlag is --max-work N: a positive number, such as 1e10.
type maxWorkFlag struct{ n *float64 }

func (f maxWorkFlag) String() string {
	if f.n == nil {
		return ""
	}
	return strconv.FormatFloat(*f.n, 'g', -1, 64)
}

func (f maxWorkFlag) Set(v string) error {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || !(n > 0) || math.IsInf(n, 1) {
		return fmt.Errorf("want a positive number of steps like 1e10, got %q", v)
	}
	*f.n = n
	return nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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

func (fs *flagSet) printUsage() {
	fmt.Fprintf(fs.stdout, "%s\n\nFlags:\n", strings.TrimSpace(fs.usage))
	fs.SetOutput(fs.stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
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
			return nil, usagef("%s: %v (see 'asyncsim %s --help')", fs.Name(), err, fs.Name())
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
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
	return errors.As(err, &list) || errors.As(err, &one)
}

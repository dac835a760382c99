// Command asyncsim simulates a workload under several concurrency
// strategies — a blocking server, a thread pool with or without a GIL, an
// event loop with or without an executor — in deterministic virtual time,
// and reports makespan, latency, utilization and more.
//
// Usage:
//
//	asyncsim run [FILE|EXAMPLE] [flags]   simulate and print a comparison table
//	asyncsim validate FILE...             check workload files without running them
//	asyncsim examples [NAME]              list the embedded examples, or print one
//	asyncsim plot DIR                     redraw the figures of a run or a sweep
//	asyncsim sweep FILE|EXAMPLE --out DIR run a parameter sweep
//	asyncsim merge DIR                    join a sharded sweep's shards
//	asyncsim import-log FILE --out DIR    turn an access log into a workload
//	asyncsim selfcheck                    check the simulator against queueing theory
//	asyncsim bench                        measure the simulator's speed
//
// Run "asyncsim help COMMAND" for a command's flags, and "asyncsim help
// strategies" for the parameters of each strategy kind.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// strategiesHelp is the heading of 'asyncsim help strategies', above the
// strategies' reference table generated from their schema.
const strategiesHelp = "The parameters of each strategy kind (a strategy of a workload's\nstrategies list):\n\n"

// Exit codes of the output contract.
const (
	exitOK    = 0
	exitRun   = 1 // a run failed
	exitUsage = 2 // bad usage or bad input
)

// usageError is bad usage or bad input: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "simulate a workload under its strategies and print the comparison", runCommand},
		{"validate", "check workload files without running them", validateCommand},
		{"examples", "list the embedded example workloads, or print one's YAML", examplesCommand},
		{"plot", "redraw the figures from the data files an earlier run wrote", plotCommand},
		{"sweep", "run a parameter sweep: a grid of workloads, in parallel, resumable, shardable", sweepCommand},
		{"merge", "join the shard files of a sharded sweep into its sweep.csv and sweep.json", mergeCommand},
		{"import-log", "turn an access log (nginx, gunicorn, csv) into a workload that replays it", importLogCommand},
		{"selfcheck", "check the simulator against queueing theory and print the comparison", selfcheckCommand},
		{"bench", "measure the simulator's speed on the reference workloads", benchCommand},
	}
}

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" && len(args) == 1 {
		mainUsage(stdout)
		return exitOK
	}
	name := args[0]
	if name == "help" && args[1] == "strategies" {
		fmt.Fprint(stdout, strategiesHelp+strategies.Reference())
		return exitOK
	}
	if name == "help" {
		name, args = args[1], []string{"--help"}
	} else {
		args = args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(args, stdout, stderr), stderr)
		}
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	fmt.Fprintf(stderr, "asyncsim: unknown command %q%s\nRun 'asyncsim --help' for the list of commands.\n", name, suggestion(name, names))
	return exitUsage
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "asyncsim: %s\n", message(err))
	var ue usageError
	if errors.As(err, &ue) || isInputError(err) {
		return exitUsage
	}
	return exitRun
}

// message returns err's text in the command line's words: the budgets
// the core reports as typed errors are named by the flags that set them.
func message(err error) string {
	msg := err.Error()
	var eb *sim.EventBudgetError
	if errors.As(err, &eb) {
		msg = strings.Replace(msg, eb.Error(), fmt.Sprintf("more than --max-events %d events, at virtual time %v: %v",
			eb.Limit, eb.At, sim.ErrBudget), 1)
	}
	var he *sim.HorizonError
	if errors.As(err, &he) {
		msg = strings.Replace(msg, he.Error(), fmt.Sprintf("virtual time would pass --until %v with %d tasks in flight: %v",
			he.Until, he.InFlight, sim.ErrBudget), 1)
	}
	var de *sim.DeadlockError
	if errors.As(err, &de) {
		msg = strings.Replace(msg, de.Error(), deadlockMessage(de), 1)
	}
	var we *workloads.WorkError
	if errors.As(err, &we) {
		msg = strings.Replace(msg, we.Error(), fmt.Sprintf("%s; --max-work %s would allow it",
			we.Error(), strconv.FormatFloat(math.Ceil(we.Work.Total()), 'g', 3, 64)), 1)
	}
	return msg
}

// deadlockMessage words a deadlock: the resources that tasks wait for,
// how many wait for each, and the likely cause.
func deadlockMessage(de *sim.DeadlockError) string {
	parts := make([]string, len(de.Waiting))
	for i, w := range de.Waiting {
		switch {
		case i > 0:
			parts[i] = fmt.Sprintf("%d for %s", w.Tasks, w.Resource)
		case w.Tasks == 1:
			parts[i] = fmt.Sprintf("1 task waits for %s", w.Resource)
		default:
			parts[i] = fmt.Sprintf("%d tasks wait for %s", w.Tasks, w.Resource)
		}
	}
	return fmt.Sprintf("deadlock at virtual time %v: %s, and no task will give a unit back "+
		"(do two task classes take these resources in opposite orders?)", de.At, joinAnd(parts))
}

// joinAnd lists items as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `asyncsim simulates a workload under several concurrency strategies in
deterministic virtual time and compares makespan, latency and utilization.

Usage:
  asyncsim COMMAND [ARGS] [FLAGS]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'asyncsim run' to compare the strategies on the default example,
'asyncsim help COMMAND' (or COMMAND --help) for a command's flags, and
'asyncsim help strategies' for the strategies' parameters.

Exit codes: 0 success, 1 a failed run, 2 bad usage or bad input; 130 or
143 when SIGINT or SIGTERM stopped a run.
`)
}

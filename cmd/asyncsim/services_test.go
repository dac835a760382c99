package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// TestDeadlockMessage: a deadlock is worded as a failed run (exit code 1)
// naming each resource waited for and how many tasks wait for it.
func TestDeadlockMessage(t *testing.T) {
	tests := []struct {
		waiting []sim.ResourceWaiters
		want    string
	}{
		{[]sim.ResourceWaiters{{Resource: "db", Tasks: 3}, {Resource: "cache", Tasks: 2}},
			"3 tasks wait for db and 2 for cache"},
		{[]sim.ResourceWaiters{{Resource: "db", Tasks: 1}},
			"1 task waits for db"},
		{[]sim.ResourceWaiters{{Resource: "a", Tasks: 2}, {Resource: "b", Tasks: 1}, {Resource: "c", Tasks: 4}},
			"2 tasks wait for a, 1 for b and 4 for c"},
	}
	for _, tt := range tests {
		err := fmt.Errorf("run: %w", &experiment.RunError{Strategy: "gthread", Replication: 1,
			Err: &sim.DeadlockError{At: 1500 * sim.Millisecond, Waiting: tt.waiting}})
		want := "asyncsim: run: strategy gthread, replication 1: deadlock at virtual time 1.5s: " + tt.want +
			", and no task will give a unit back (do two task classes take these resources in opposite orders?)\n"
		var stderr bytes.Buffer
		if code := exitCode(err, &stderr); code != exitRun || stderr.String() != want {
			t.Errorf("exit %d, %q; want %d, %q", code, stderr.String(), exitRun, want)
		}
	}
}

// TestByClassFlag: --by-class prints the table by class after the
// comparison, or the by-class CSV with --format csv, and is refused with
// --format json, whose rows hold the classes already.
func TestByClassFlag(t *testing.T) {
	code, out, errOut := asyncsim(t, "run", "tornado", "--by-class")
	if code != 0 {
		t.Fatalf("run --by-class: exit %d, %s", code, errOut)
	}
	_, plain, _ := asyncsim(t, "run", "tornado")
	rest, ok := strings.CutPrefix(out, plain+"\nBy task class:\n\n")
	if !ok {
		t.Fatalf("run --by-class does not print the comparison, then the table by class:\n%s", out)
	}
	// tornado has one class, request, under its four strategies.
	if lines := strings.Split(strings.TrimSuffix(rest, "\n"), "\n"); len(lines) != 5 ||
		!strings.HasPrefix(lines[0], "STRATEGY") || !strings.Contains(lines[1], " request ") {
		t.Errorf("table by class:\n%s", rest)
	}
	code, out, errOut = asyncsim(t, "run", "tornado", "--by-class", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "strategy,kind,class,requests,succeeded,failed,rejected,timeouts,latency_mean_s,latency_p50_s,latency_p99_s\n") {
		t.Errorf("run --by-class --format csv: exit %d, %s%s", code, out, errOut)
	}
	code, out, errOut = asyncsim(t, "run", "tornado", "--by-class", "--format", "json")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "--by-class is for the table and CSV") {
		t.Errorf("run --by-class --format json: exit %d, %q, %q; want exit 2 and a message", code, out, errOut)
	}
}

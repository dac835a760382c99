package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeWorkload writes a workload file into a fresh directory.
func writeWorkload(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// failsWith runs args with --out and expects exit code 1, nothing on
// stdout, nothing written, and stderr containing want.
func failsWith(t *testing.T, want string, args ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := asyncsim(t, append(args, "--out", out)...)
	if code != 1 || stdout != "" || !strings.Contains(stderr, want) {
		t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and %q", args, code, stdout, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%v: a stopped run created %s", args, out)
	}
}

// A billion tasks is the most a workload may ask for, and is accepted: it
// runs in bounded memory (latencies beyond ten million go to a sketch),
// and --until or --max-events stop it early with a message.
const billion = `name: billion
tasks:
  - name: request
    count: 1000000000
    arrival: {interarrival: {exp: 1ms}}
    steps: [{cpu: {exp: 500us}}]
strategies:
  - {name: sync, kind: blocking}
`

func TestHugeWorkloadStopsAtBudget(t *testing.T) {
	path := writeWorkload(t, billion)
	code, out, errOut := asyncsim(t, "validate", path)
	if code != 0 || !strings.Contains(out, "1000000000 tasks per replication") {
		t.Fatalf("validate: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	failsWith(t, "strategy sync, replication 0: virtual time would pass --until 10s with ", "run", path, "--until", "10s")
	failsWith(t, "strategy sync, replication 0: more than --max-events 100000 events, at virtual time ", "run", path, "--max-events", "100000")
}

// TestBurstStopsAtInFlightCap: a million and one tasks arriving at once
// would hold more tasks in flight than a run may (sim.DefaultMaxInFlight),
// so the run stops with a message instead of growing its memory without
// bound. It takes about a second and 300 MB.
func TestBurstStopsAtInFlightCap(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a million arrivals")
	}
	path := writeWorkload(t, `name: burst
tasks:
  - name: request
    count: 1000001
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking}
`)
	failsWith(t, "asyncsim: strategy sync, replication 0: 1000001 tasks in flight at virtual time 0s, more than the 1000000 a run may hold in memory (tasks arrive faster than they complete, or too many at once): run stopped by its budget\n",
		"run", path)
}

// TestOutOpensOneSpool: with --out, 2 strategies × 600 replications run
// under a limit of 64 open files, which one spool file per run (1,200 of
// them, all open until tasks.csv was written) used to exceed with "too
// many open files" once every simulation had finished.
func TestOutOpensOneSpool(t *testing.T) {
	path := writeWorkload(t, `name: many
replications: 600
tasks:
  - name: request
    count: 2
    steps: [{cpu: 1ms}]
strategies:
  - {name: a, kind: blocking}
  - {name: b, kind: event_loop}
`)
	out := filepath.Join(t.TempDir(), "out")
	cmd := subprocess(t, []string{"ASYNCSIM_NOFILE=64", "TMPDIR=" + t.TempDir()}, "run", path, "--out", out, "--jobs", "2", "--format", "csv")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run --out under 64 open files: %v\n%s", err, b)
	}
	tasks, err := os.ReadFile(filepath.Join(out, "tasks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(tasks), "\n"), "\n")
	// A header, then 2 strategies × 600 replications × 2 tasks, in the
	// contract's order: by strategy, then replication.
	if len(lines) != 1+2*600*2 {
		t.Fatalf("tasks.csv has %d lines; want %d", len(lines), 1+2*600*2)
	}
	for i, line := range lines[1:] {
		run, task := i/2, i%2
		want := fmt.Sprintf("%s,%d,%d,request,", []string{"a", "b"}[run/600], run%600, task)
		if !strings.HasPrefix(line, want) {
			t.Fatalf("tasks.csv line %d = %q; want it to start %q", i+2, line, want)
		}
	}
}

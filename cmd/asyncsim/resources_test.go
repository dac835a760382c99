package main

import (
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

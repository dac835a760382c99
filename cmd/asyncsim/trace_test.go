package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTraceWorkload: a workload that replays a trace beside it, with
// gathers and an empirical distribution, validates and runs under every
// strategy kind.
func TestTraceWorkload(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("trace.txt", "# six arrivals, two at once\n0\n0.1\n0.1\n0.2\n0.35\n1\n")
	write("w.yaml", `name: replay
resources: [{name: db, capacity: 2}]
tasks:
  - name: page
    arrival: {trace: trace.txt, speed: 1.5}
    steps:
      - cpu: 1ms
      - gather:
          - [{io: 30ms}]
          - [{cpu: 500us}, {hold: db, steps: [{io: {empirical: [5ms, 10ms, 40ms]}}]}]
      - gather: {count: 5, steps: [{io: {exp: 20ms}}]}
strategies:
  - {kind: blocking, workers: 4}
  - {kind: threaded, threads: 8}
  - {kind: event_loop}
`)
	file := filepath.Join(dir, "w.yaml")
	// 6 tasks of 20 steps (cpu; gather, branch, io, branch, cpu, acquire,
	// io, release; gather and 5 × branch, io) under 3 strategies.
	code, out, errOut := asyncsim(t, "validate", file)
	if want := file + ": ok: workload replay, 1 task class, 6 tasks per replication, 3 strategies; about 360 steps to simulate in 3 runs (strategies × replications)\n"; code != 0 || out != want || errOut != "" {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errOut, want)
	}
	code, out, errOut = asyncsim(t, "run", file, "--format", "csv")
	if code != 0 || errOut != "" {
		t.Fatalf("run: exit %d, stderr %q", code, errOut)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != 4 {
		t.Fatalf("run: %d CSV lines; want a header and 3 rows:\n%s", len(rows), out)
	}
	for _, row := range rows[1:] {
		if !strings.Contains(row, ",6,") {
			t.Errorf("row %q does not count 6 tasks", row)
		}
	}
}

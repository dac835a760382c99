package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/workloads"
)

// TestRunChangedTrace: a trace file that changes between the parse and
// the run fails the run (a replay cut short would give figures of other
// arrivals), naming the file.
func TestRunChangedTrace(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.txt")
	if err := os.WriteFile(trace, []byte("0\n0.5\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := workloads.Parse(filepath.Join(dir, "w.yaml"), []byte(
		"name: w\ntasks: [{name: a, arrival: {trace: trace.txt}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(spec, Options{}); err != nil {
		t.Fatalf("Run of the trace as parsed: %v", err)
	}
	if err := os.WriteFile(trace, []byte("0\n0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(spec, Options{})
	if want := "trace " + trace + " changed since the workload was read: it lists 2 arrivals where it had 3"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Run of a changed trace: %v; want an error saying %q", err, want)
	}
}

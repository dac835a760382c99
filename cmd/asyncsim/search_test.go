package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSearchBadInput checks that each bad input of capacity and plan is
// refused with its message and exit code 2, writing nothing.
func TestSearchBadInput(t *testing.T) {
	closed := filepath.Join(t.TempDir(), "closed.yaml")
	if err := os.WriteFile(closed, []byte(`name: closed
tasks:
  - name: c
    clients: {count: 4, requests: 10}
    steps: [{cpu: 1ms}]
strategies: [{kind: blocking}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := []string{"plan", "plan-pool", "--at", "300/s"}
	cases := []struct {
		name string
		args []string
	}{
		{"no comparison", []string{"capacity", "web-service", "--slo", "p99 200ms"}},
		{"no threshold", []string{"capacity", "web-service", "--slo", "p99<"}},
		{"no statistic", []string{"capacity", "web-service", "--slo", "<200ms"}},
		{"unknown statistic", []string{"capacity", "web-service", "--slo", "p98<200ms"}},
		{"misspelt statistic", []string{"capacity", "web-service", "--slo", "latency_p99<200ms"}},
		{"wrong unit", []string{"capacity", "web-service", "--slo", "p99<200MiB"}},
		{"not a number", []string{"capacity", "web-service", "--slo", "rejected<lots%"}},
		{"unknown resource statistic", []string{"capacity", "plan-pool", "--slo", "resource.dv.wait_mean_s<1ms"}},
		{"unknown strategy", []string{"capacity", "web-service", "--strategy", "prefrok"}},
		{"memory unit on a time", []string{"capacity", "web-service", "--slo", "wait_mean_s<2GiB"}},
		{"capacity of closed workload", []string{"capacity", closed}},
		{"plan without slo", []string{"plan", "plan-pool", "--vary", "threads=1..8"}},
		{"plan without vary", []string{"plan", "plan-pool", "--slo", "p99<200ms"}},
		{"empty range", append(plan, "--slo", "p99<200ms", "--vary", "threads=8..1")},
		{"malformed range", append(plan, "--slo", "p99<200ms", "--vary", "threads=1-8")},
		{"no path", append(plan, "--slo", "p99<200ms", "--vary", "=1..8")},
		{"unknown parameter", append(plan, "--slo", "p99<200ms", "--vary", "thread=1..8")},
		{"not an integer parameter", append(plan, "--slo", "p99<200ms", "--vary", "gil=0..1")},
		{"out of bounds", append(plan, "--slo", "p99<200ms", "--vary", "threads=0..8")},
		{"unknown path", append(plan, "--slo", "p99<200ms", "--vary", "resources.dv.capacity=1..8")},
		{"invalid value", append(plan, "--slo", "p99<200ms", "--vary", "resources.db.capacity=0..8")},
		{"varied twice", append(plan, "--slo", "p99<200ms", "--vary", "threads=1..8", "--vary", "threads=2..4")},
		{"bad rate", []string{"plan", "plan-pool", "--at", "fast", "--slo", "p99<200ms", "--vary", "threads=1..8"}},
		{"at on closed workload", []string{"plan", closed, "--at", "300/s", "--slo", "p99<200ms", "--vary", "workers=1..8"}},
		{"max replications", append(plan, "--slo", "p99<200ms", "--vary", "threads=1..8", "--max-replications", "1")},
	}
	var b strings.Builder
	for _, tc := range cases {
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		code := Main(append(tc.args, "--out", out), &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("%s: exit code %d, want %d; stderr %s", tc.name, code, exitUsage, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Errorf("%s: wrote to stdout: %s", tc.name, stdout.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: wrote %s", tc.name, out)
		}
		fmt.Fprintf(&b, "# %s\n%s\n", tc.name, strings.ReplaceAll(stderr.String(), closed, "closed.yaml"))
	}
	golden(t, "search-bad-input.txt", b.String())
}

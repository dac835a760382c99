package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/capacity"
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
		{"work budget", []string{"capacity", "web-service", "--max-work", "1000"}},
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

// TestCapacityCommand checks capacity's JSON against the pool that binds
// plan-pool: 5 connections held 20 ms on average (the exponential query)
// serve 5/0.020 = 250 queries/s, whatever the concurrency, so both
// strategies' capacity is at most 250/s: the middle of a bracket of 1%
// that holds 250/s where the offered demand decides (gthread), and where
// the growth of the tasks in flight decides (asyncio, for which
// experiment.Assess computes no offered demand) a little lower, as a queue at
// ρ = 0.99 makes excursions a run of 6,000 requests takes for growth:
// 3% is allowed. --out writes capacity.json and capacity.png.
func TestCapacityCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := asyncsim(t, "capacity", "plan-pool", "--format", "json", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Capacities []struct {
			Strategy string  `json:"strategy"`
			Rate     float64 `json:"rate_per_s"`
			CI95     float64 `json:"ci95"`
			Binding  string  `json:"binding"`
			Why      string  `json:"why"`
		} `json:"capacities"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Capacities) != 2 {
		t.Fatalf("%d capacities, want 2: %s", len(got.Capacities), stdout)
	}
	for _, c := range got.Capacities {
		if c.Rate < 0.97*250 || c.Rate > 250 || c.Binding != "stable" || !strings.Contains(c.Why, "units of db") {
			t.Errorf("%s: capacity %v/s bound by %q (%s), want 242.5..250/s, the db pool", c.Strategy, c.Rate, c.Binding, c.Why)
		}
	}
	for _, f := range []string{"capacity.json", "capacity.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestPlanCommand checks plan's JSON shape on plan-pool: an answer per
// strategy with the values of the parameters that apply to it (threads
// only to the threaded one), every point in runs, and a figure per
// objective.
func TestPlanCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := asyncsim(t, "plan", "plan-pool", "--slo", "p99<200ms", "--at", "300/s",
		"--vary", "threads=1..64", "--vary", "resources.db.capacity=1..32", "--format", "json", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Answers []struct {
			Strategy string         `json:"strategy"`
			Values   map[string]int `json:"values"`
			Met      bool           `json:"met"`
		} `json:"answers"`
		Runs []struct {
			Verdict string `json:"verdict"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Answers) != 2 || len(got.Runs) == 0 {
		t.Fatalf("answers %d, runs %d: %s", len(got.Answers), len(got.Runs), stdout)
	}
	// 300 requests/s hold 300 × 20 ms = 6 connections busy on average:
	// fewer than 7 is overloaded, so every answer has at least 7.
	for _, a := range got.Answers {
		_, hasThreads := a.Values["threads"]
		if !a.Met || a.Values["resources.db.capacity"] < 7 || hasThreads != (a.Strategy == "gthread") {
			t.Errorf("%s: %v met %v", a.Strategy, a.Values, a.Met)
		}
	}
	for _, f := range []string{"plan.json", "plan-latency_p99_s.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestObjectiveCell(t *testing.T) {
	parse := func(text string) capacity.Objective {
		o, err := capacity.ParseObjective(text)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	tests := []struct {
		objective string
		est       capacity.Estimate
		want      string
	}{
		{"p99<200ms", capacity.Estimate{Mean: 0.1767, CI95: 0.02239}, "176.7 ms ±22.39 ms"},
		// 23.8 MiB ± 1/64 MiB = 16 KiB, to four digits (report.Bytes).
		{"memory<2GiB", capacity.Estimate{Mean: 23.8, CI95: 1.0 / 64}, "23.80 MiB ±16.00 KiB"},
		{"rejected<1%", capacity.Estimate{Mean: 0.0042, CI95: 0.001}, "0.42% ±0.1%"},
	}
	for _, tt := range tests {
		if got := objectiveCell(parse(tt.objective), tt.est); got != tt.want {
			t.Errorf("objectiveCell(%s, %+v) = %q; want %q", tt.objective, tt.est, got, tt.want)
		}
	}
}

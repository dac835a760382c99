package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBench(t *testing.T) {
	code, out, errOut := asyncsim(t, "bench", "--tasks", "2000", "--repeat", "3", "--json")
	if code != 0 {
		t.Fatalf("bench: exit %d, stderr %s", code, errOut)
	}
	var results []benchResult
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatalf("bench --json is not JSON: %v", err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Workload)
	}
	// The yardstick runs right before the workload whose model it is.
	want := []string{"bench-blocking", "bench-gather", "hand-written", "bench-loop", "bench-pool", "bench-threaded", "bench-threaded-gil"}
	if !slices.Equal(names, want) {
		t.Fatalf("bench measured %v; want %v", names, want)
	}
	for _, r := range results {
		// Every task arrives, and runs cpu, io and cpu: at least 4 events.
		if r.Tasks != 2000 || r.Events < 4*r.Tasks || r.TasksPerSecond <= 0 || r.PeakRSSMiB <= 0 || r.Runs != 3 {
			t.Errorf("%s: %+v", r.Workload, r)
		}
		// Only bench-loop is measured against the yardstick.
		if (r.VsYardstick > 0) != (r.Workload == "bench-loop") {
			t.Errorf("%s: vs_yardstick %v", r.Workload, r.VsYardstick)
		}
	}
}

func TestBenchScaleWritesFigure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bench")
	code, out, errOut := asyncsim(t, "bench", "bench-loop", "--scale", "1e3,2000", "--out", dir)
	if code != 0 {
		t.Fatalf("bench --scale: exit %d, stderr %s", code, errOut)
	}
	// Each size: the yardstick's row, bench-loop's, and how they compare.
	var rows []string
	for _, line := range strings.Split(out, "\n") {
		// A row ends in TASKS, TASKS/S, EVENTS/S, NS/EVENT, ALLOCS/EVENT
		// and a peak such as "20 MiB".
		if f := strings.Fields(line); len(f) >= 8 && f[len(f)-1] == "MiB" {
			rows = append(rows, f[0]+" "+f[len(f)-7])
		}
	}
	if want := []string{"hand-written 1000", "bench-loop 1000", "hand-written 2000", "bench-loop 2000"}; !slices.Equal(rows, want) {
		t.Errorf("bench --scale printed rows %q; want %q:\n%s", rows, want, out)
	}
	for _, want := range []string{"\nbench-loop (1000 tasks) ran at ", "\nbench-loop (2000 tasks) ran at "} {
		if !strings.Contains(out, want) {
			t.Errorf("bench --scale printed no %q:\n%s", want, out)
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "bench.csv"))
	if err != nil || strings.Count(string(csv), "\n") != 5 {
		t.Errorf("bench.csv = %q, %v; want a header and four rows", csv, err)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "bench.png")); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("bench.png missing or not a PNG: %v", err)
	}
	for _, args := range [][]string{
		{"bench", "bench-lop"},
		{"bench", "--scale", "1e3,x"},
		{"bench", "--scale", "1e3", "--tasks", "5"},
		{"bench", "--repeat", "0"},
	} {
		if code, _, _ := asyncsim(t, args...); code != 2 {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
}

func TestMedianRun(t *testing.T) {
	for _, tc := range []struct {
		speeds []float64
		want   float64
	}{
		{[]float64{5}, 5},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2}, // of the two middle runs, the slower
	} {
		var runs []benchResult
		for _, v := range tc.speeds {
			runs = append(runs, benchResult{TasksPerSecond: v})
		}
		if got := medianRun(runs); got.TasksPerSecond != tc.want || got.Runs != len(tc.speeds) {
			t.Errorf("medianRun(%v) = %v of %d runs; want %v of %d", tc.speeds, got.TasksPerSecond, got.Runs, tc.want, len(tc.speeds))
		}
	}
}

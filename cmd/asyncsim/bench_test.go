package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBench(t *testing.T) {
	code, out, errOut := asyncsim(t, "bench", "--tasks", "2000", "--json")
	if code != 0 {
		t.Fatalf("bench: exit %d, stderr %s", code, errOut)
	}
	var results []benchResult
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatalf("bench --json is not JSON: %v", err)
	}
	if len(results) != 4 {
		t.Fatalf("bench measured %d workloads; want the 4 references", len(results))
	}
	for _, r := range results {
		// Every task arrives, and runs cpu, io and cpu: at least 4 events.
		if r.Tasks != 2000 || r.Events < 4*r.Tasks || r.TasksPerSecond <= 0 || r.PeakRSSMiB <= 0 {
			t.Errorf("%s: %+v", r.Workload, r)
		}
	}
}

func TestBenchScaleWritesFigure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bench")
	code, out, errOut := asyncsim(t, "bench", "bench-loop", "--scale", "1e3,2000", "--out", dir)
	if code != 0 {
		t.Fatalf("bench --scale: exit %d, stderr %s", code, errOut)
	}
	if strings.Count(out, "bench-loop") != 2 {
		t.Errorf("bench --scale printed:\n%s", out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "bench.csv"))
	if err != nil || strings.Count(string(csv), "\n") != 3 {
		t.Errorf("bench.csv = %q, %v; want a header and two rows", csv, err)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "bench.png")); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("bench.png missing or not a PNG: %v", err)
	}
	for _, args := range [][]string{
		{"bench", "bench-lop"},
		{"bench", "--scale", "1e3,x"},
		{"bench", "--scale", "1e3", "--tasks", "5"},
	} {
		if code, _, _ := asyncsim(t, args...); code != 2 {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
}

package main

import (
	"encoding/json"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"asyncsim/internal/drawcheck"
	"asyncsim/plots"
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

// TestBenchFigureOneSize checks the bench figure of a single run size:
// issue 15 found a "speed against run size" plot of one point per line,
// the yardstick's dot hidden behind bench-loop's. It is a bar per
// workload, the yardstick's bar just below bench-loop's and apart from
// it, each labelled with its speed; with several sizes it is the scale
// plot.
func TestBenchFigureOneSize(t *testing.T) {
	results := []benchResult{
		{Workload: "bench-blocking", TasksPerSecond: 3e6, Tasks: 1000},
		{Workload: yardstickName, Strategy: yardstickModel + " model", TasksPerSecond: 4e6, Tasks: 1000},
		{Workload: yardstickModel, TasksPerSecond: 2e6, Tasks: 1000, VsYardstick: 0.5},
	}
	c := benchFigure(results, false).Record(1200, 800)
	for _, v := range c.Check(drawcheck.Options{}) {
		t.Error(v)
	}
	var rows []string
	bars := map[string]vg.Rectangle{}
	for _, tx := range c.Texts() {
		if tx.Note.Role == drawcheck.CategoryLabel {
			rows = append(rows, tx.Text)
		}
		if strings.Contains(tx.Text, "M tasks/s") {
			bars[tx.Text] = tx.Box
		}
	}
	// Category labels are drawn bottom up.
	if want := []string{"hand-written yardstick", "bench-loop", "bench-blocking"}; !slices.Equal(rows, want) {
		t.Errorf("rows %q; want %q", rows, want)
	}
	// 2e6 tasks/s is 2.00 M; 0.5 of the yardstick's 4e6.
	for _, label := range []string{"3.00 M tasks/s", "4.00 M tasks/s", "2.00 M tasks/s · 0.50× the yardstick"} {
		if _, ok := bars[label]; !ok {
			t.Errorf("no bar labelled %q (labels %v)", label, bars)
		}
	}
	// The bars: the two workloads' colours and the yardstick's grey.
	barColors := []color.Color{plots.StrategyColor(0), plots.StrategyColor(1), color.Gray{0x55}}
	var fills []vg.Rectangle
	for _, m := range c.Marks() {
		if m.Op == "fill" && slices.Contains(barColors, m.Color) {
			fills = append(fills, m.Box)
		}
	}
	for i, a := range fills {
		for _, b := range fills[i+1:] {
			if a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y && a.Min.X < b.Max.X && b.Min.X < a.Max.X {
				t.Errorf("bars %v and %v overlap", a, b)
			}
		}
	}
	if len(fills) != 3 {
		t.Errorf("%d bars; want 3", len(fills))
	}
	scale := []benchResult{{Workload: "w", Tasks: 1000, TasksPerSecond: 1e6}, {Workload: "w", Tasks: 10000, TasksPerSecond: 2e6}}
	// The scale plot, checked as any figure: its size axis, from 1,000
	// to 10,000, with at least three labelled ticks.
	for _, v := range benchFigure(scale, true).Record(1200, 800).Check(drawcheck.Options{}) {
		t.Errorf("scale plot: %v", v)
	}
}

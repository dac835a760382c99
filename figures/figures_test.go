package figures

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg/draw"

	"asyncsim/experiment"
	"asyncsim/plots"
	"asyncsim/sim"
	"asyncsim/workloads"
)

func sketchOf(ts ...sim.Time) *sim.QuantileSketch {
	var s sim.QuantileSketch
	for _, t := range ts {
		s.Add(t)
	}
	return &s
}

// TestLatencies checks that a strategy's latency distribution pools every
// replication, exactly or from the engine's sketches. Before, a run of
// more than sim.ExactLatencies tasks showed replication 0's sketch only
// (issue 11, item 4): here replication 1's latencies are ten times
// replication 0's, so a distribution without them has a median of 1 ms.
func TestLatencies(t *testing.T) {
	ms := sim.Millisecond
	rep0 := []sim.Time{1 * ms, 1 * ms, 1 * ms}
	rep1 := []sim.Time{10 * ms, 10 * ms, 10 * ms, 10 * ms}
	tests := []struct {
		name     string
		sr       experiment.StrategyResult
		n        int64
		median   sim.Time
		sketched bool
	}{
		{"exact", experiment.StrategyResult{Latencies: [][]sim.Time{rep0, rep1}, Sketches: []*sim.QuantileSketch{nil, nil}}, 7, 10 * ms, false},
		{"sketches", experiment.StrategyResult{Latencies: [][]sim.Time{nil, nil}, Sketches: []*sim.QuantileSketch{sketchOf(rep0...), sketchOf(rep1...)}}, 7, 10 * ms, true},
		{"mixed", experiment.StrategyResult{Latencies: [][]sim.Time{rep0, nil}, Sketches: []*sim.QuantileSketch{nil, sketchOf(rep1...)}}, 7, 10 * ms, true},
		{"no tasks", experiment.StrategyResult{Latencies: [][]sim.Time{nil}, Sketches: []*sim.QuantileSketch{nil}}, 0, 0, false},
	}
	for _, tt := range tests {
		n, cdf := Latencies(&tt.sr)
		if n != tt.n {
			t.Errorf("%s: %d latencies; want %d", tt.name, n, tt.n)
		}
		if tt.n == 0 {
			if cdf != nil {
				t.Errorf("%s: CDF %v; want none", tt.name, cdf)
			}
			continue
		}
		median, _ := plots.Quantile(cdf, 0.5)
		if d := float64(median-tt.median) / float64(tt.median); d < -sim.SketchAccuracy || d > sim.SketchAccuracy || !tt.sketched && d != 0 {
			t.Errorf("%s: median %v; want %v", tt.name, median, tt.median)
		}
		if last := cdf[len(cdf)-1]; last.Count != tt.n || last.Fraction != 1 {
			t.Errorf("%s: last point %+v; want all %d latencies", tt.name, last, tt.n)
		}
	}
}

// TestClassLatencies checks each class's pooled latency distribution:
// class 0 has rep0 then rep1's latencies (7: median 10 ms, as in
// TestLatencies), class 1 one latency of 2 ms per replication, one of
// them in a sketch; without latencies per class (the engine before
// issue 13) there is no split.
func TestClassLatencies(t *testing.T) {
	ms := sim.Millisecond
	rep0 := []sim.Time{1 * ms, 1 * ms, 1 * ms}
	rep1 := []sim.Time{10 * ms, 10 * ms, 10 * ms, 10 * ms}
	if got := ClassLatencies(&experiment.StrategyResult{}, 2); got != nil {
		t.Errorf("no latencies per class: %v; want nil", got)
	}
	sr := experiment.StrategyResult{ClassLatencies: [][]sim.Latencies{
		{{Exact: rep0}, {Exact: []sim.Time{2 * ms}}},
		{{Exact: rep1}, {Sketch: sketchOf(2 * ms)}},
	}}
	got := ClassLatencies(&sr, 2)
	if len(got) != 2 {
		t.Fatalf("%d classes; want 2", len(got))
	}
	for k, want := range []struct {
		n      int64
		median sim.Time
		exact  bool
	}{{7, 10 * ms, true}, {2, 2 * ms, false}} {
		cl := got[k]
		median, _ := plots.Quantile(cl.CDF, 0.5)
		if d := float64(median-want.median) / float64(want.median); cl.Latencies != want.n ||
			d < -sim.SketchAccuracy || d > sim.SketchAccuracy || want.exact && d != 0 {
			t.Errorf("class %d: %d latencies, median %v; want %d, %v", k, cl.Latencies, median, want.n, want.median)
		}
		if last := cl.CDF[len(cl.CDF)-1]; last.Count != want.n || last.Fraction != 1 {
			t.Errorf("class %d: last point %+v; want all %d latencies", k, last, want.n)
		}
	}
}

func blank(name string) plots.Figure { return plots.Figure{Name: name, Draw: func(draw.Canvas) {}} }

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteIsWholeOrNothing checks that a figure that fails to render
// leaves the folder as it was: no figure written, none removed.
func TestWriteIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "timeline-old.png"), nil, 0o644)
	bad := plots.Figure{Name: "timeline-bad", Draw: func(draw.Canvas) { panic("broken") }}
	_, err := Write(dir, []plots.Figure{blank("makespan"), bad, blank("latency")}, Options{Style: DefaultStyle, Set: RunSet})
	if err == nil {
		t.Fatal("no error for a figure that panics")
	}
	if got := files(t, dir); !slices.Equal(got, []string{"timeline-old.png"}) {
		t.Errorf("the folder holds %v; want it untouched", got)
	}
}

// TestWriteRemovesStale checks which files Write removes: figures of its
// set that it did not write, in its format or, with AllFormats, in any;
// never another set's figures, other files or directories.
func TestWriteRemovesStale(t *testing.T) {
	// utilization-2 is a page of the utilization figure; utilization-02
	// and utilization-1 are no figure's names.
	before := []string{"latency.svg", "latency_percentiles.pdf", "makespan.png", "sweep-x.png", "timeline-a.png", "timeline-b.pdf",
		"timeline-b.png", "timeline-b.png.txt", "timeline-c.gif", "trace.json", "utilization.pdf", "utilization-02.png",
		"utilization-1.png", "utilization-2.png"}
	tests := []struct {
		set        Set
		allFormats bool
		want       []string
	}{
		{RunSet, false, []string{"latency.svg", "latency_percentiles.pdf", "makespan.png", "sweep-x.png", "timeline-a.png", "timeline-b.pdf",
			"timeline-b.png.txt", "timeline-c.gif", "timeline-d.png", "trace.json", "utilization-02.png", "utilization-1.png",
			"utilization.pdf"}},
		{RunSet, true, []string{"makespan.png", "sweep-x.png", "timeline-a.png", "timeline-b.png.txt", "timeline-c.gif",
			"timeline-d.png", "trace.json", "utilization-02.png", "utilization-1.png"}},
		{SweepSet, true, []string{"latency.svg", "latency_percentiles.pdf", "makespan.png", "timeline-a.png", "timeline-b.pdf", "timeline-b.png",
			"timeline-b.png.txt", "timeline-c.gif", "timeline-d.png", "trace.json", "utilization-02.png", "utilization-1.png",
			"utilization-2.png", "utilization.pdf"}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for _, name := range before {
			os.WriteFile(filepath.Join(dir, name), nil, 0o644)
		}
		os.Mkdir(filepath.Join(dir, "timeline-dir.png"), 0o755)
		figs := []plots.Figure{blank("makespan"), blank("timeline-a"), blank("timeline-d")}
		style := Style{Format: plots.PNG, Width: plots.MinWidth, Height: plots.MinHeight}
		got, err := Write(dir, figs, Options{Style: style, Set: tt.set, AllFormats: tt.allFormats})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{filepath.Join(dir, "makespan.png"), filepath.Join(dir, "timeline-a.png"), filepath.Join(dir, "timeline-d.png")}; !slices.Equal(got, want) {
			t.Errorf("Write returned %v; want %v", got, want)
		}
		want := append(tt.want, "timeline-dir.png")
		slices.Sort(want)
		if left := files(t, dir); !slices.Equal(left, want) {
			t.Errorf("%s set, all formats %v: left %v; want %v", tt.set.Name, tt.allFormats, left, want)
		}
	}
}

// TestWriteRunByClass runs the web-service example (two classes) into a
// folder: its figures' data pool each class's latencies, which add up to
// all the latencies, and the folder gets the latency figure by class and
// its data; a run of the tornado example (one class) into the same
// folder then removes both, which would no longer match.
func TestWriteRunByClass(t *testing.T) {
	dir := t.TempDir()
	style := Style{Format: plots.PNG, Width: plots.MinWidth, Height: plots.MinHeight}
	for _, tt := range []struct {
		example string
		byClass bool
	}{{"web-service", true}, {"tornado", false}} {
		spec, err := workloads.Load(tt.example)
		if err != nil {
			t.Fatal(err)
		}
		opts := experiment.Options{}
		rec := Record(spec, len(spec.Strategies), Window{Auto: true})
		rec.Attach(&opts)
		res, err := experiment.Run(spec, opts)
		if err != nil {
			t.Fatal(err)
		}
		r := rec.Run(res)
		if tt.byClass {
			if want := []string{spec.Classes[0].Name, spec.Classes[1].Name}; !slices.Equal(r.Classes, want) {
				t.Errorf("%s: classes %v; want %v", tt.example, r.Classes, want)
			}
			for _, s := range r.Strategies {
				var n int64
				for _, c := range s.Classes {
					n += c.Latencies
				}
				if len(s.Classes) != 2 || n != s.Latencies {
					t.Errorf("%s %s: %d classes of %d latencies in all; want 2 of %d", tt.example, s.Name, len(s.Classes), n, s.Latencies)
				}
			}
		}
		if _, err := WriteRun(dir, r, style, 1); err != nil {
			t.Fatal(err)
		}
		left := files(t, dir)
		for _, name := range []string{plots.LatencyByClassCSV, plots.LatencyByClassName + ".png"} {
			if slices.Contains(left, name) != tt.byClass {
				t.Errorf("after %s: %s there: %v; want %v", tt.example, name, !tt.byClass, tt.byClass)
			}
		}
	}
}

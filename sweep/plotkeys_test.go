package sweep

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"asyncsim/internal/drawcheck"
	"asyncsim/plots"
)

// TestPlotKeys checks plot.title, plot.x_label and plot.y_label: one
// text for every figure or one per metric, written into sweep.json and
// drawn.
func TestPlotKeys(t *testing.T) {
	s := mustParse(t, `
workload: base.yaml
vary: [{path: tasks.request.arrival.interarrival, values: [{exp: 5ms}, {exp: 2ms}]}]
plot:
  x: rate
  y: [latency_p99_s, makespan_s]
  title: {latency_p99_s: Tail latency against load}
  x_label: offered load (requests/s)
  y_label: the figure
`)
	pl := s.Plot
	if pl.X != RateX || pl.Title["latency_p99_s"] != "Tail latency against load" || pl.Title["makespan_s"] != "" ||
		pl.XLabel != "offered load (requests/s)" || pl.YLabel["latency_p99_s"] != "the figure" || pl.YLabel["makespan_s"] != "the figure" {
		t.Fatalf("plot %+v", pl)
	}
	dir := t.TempDir()
	run(t, s, Options{Dir: dir, Jobs: 1})
	data, err := os.ReadFile(filepath.Join(dir, JSONName))
	if err != nil {
		t.Fatal(err)
	}
	want := `"plot": {"x": "rate", "y": ["latency_p99_s", "makespan_s"], "log_x": false, "log_y": false, ` +
		`"title": {"latency_p99_s": "Tail latency against load"}, "x_label": "offered load (requests/s)", ` +
		`"y_label": {"latency_p99_s": "the figure", "makespan_s": "the figure"}},`
	if !strings.Contains(string(data), want) {
		t.Errorf("sweep.json lacks\n%s\nin\n%s", want, data)
	}
	figs, err := Figures(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, tx := range figs[0].Record(1200, 800).Texts() {
		texts = append(texts, tx.Text)
	}
	all := strings.Join(texts, "\n")
	for _, w := range []string{"Tail latency against load", "offered load (requests/s)", "the figure (ms)"} {
		if !strings.Contains(all, w) {
			t.Errorf("the figure does not draw %q: %q", w, texts)
		}
	}
}

// TestBadPlotKeys checks the positioned errors of the plot keys.
func TestBadPlotKeys(t *testing.T) {
	vary := "workload: base.yaml\nvary: [{path: tasks.request.count, values: [1, 2]}]\n"
	for _, tt := range []struct{ src, want string }{
		{vary + "plot: {title: {latency_p9_s: x}}\n",
			`sweep.yaml:3:16: unknown field "latency_p9_s" in plot.title; did you mean "latency_p99_s"?`},
		{vary + "plot: {y: [makespan_s], y_label: {latency_p99_s: x}}\n",
			`sweep.yaml:3:35: unknown field "latency_p99_s" in plot.y_label (expected one of makespan_s)`},
		{vary + "plot: {x_label: [a]}\n",
			`sweep.yaml:3:17: plot.x_label: expected a string`},
		{vary + "plot: {titel: x}\n",
			`sweep.yaml:3:8: unknown field "titel" in plot; did you mean "title"?`},
		{vary + "plot: {x: rate}\n",
			`sweep.yaml:3:11: plot.x: rate needs a varied arrival: a path like tasks.NAME.arrival.interarrival or tasks.NAME.arrival.per_second (the varied paths: tasks.request.count)`},
		{"workload: base.yaml\nvary: [{path: tasks.request.arrival.interarrival, values: [{pareto: {min: 1ms, alpha: 0.5}}]}]\nplot: {x: rate}\n",
			`sweep.yaml:3:11: plot.x: rate: value {pareto: {min: 1ms, alpha: 0.5}} of tasks.request.arrival.interarrival (vary[0].values[0]) has no mean rate to draw`},
	} {
		_, err := parseSweep(t, tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want %s", tt.src, err, tt.want)
		}
	}
}

// TestRateValue checks the rates that plot.x: rate draws: an
// interarrival's inverse mean (a lognormal's mean is median·e^(σ²/2):
// 10 ms·e^0.5 = 16.487 ms, 60.65 per second), a rate as it is.
func TestRateValue(t *testing.T) {
	for _, tt := range []struct {
		v            string
		interarrival bool
		want         float64
		ok           bool
	}{
		{"{exp: 5ms}", true, 200, true},
		{"4ms", true, 250, true},
		{"{uniform: [1ms, 3ms]}", true, 500, true},
		{"{lognormal: {median: 10ms, sigma: 1}}", true, 1 / (0.01 * math.Exp(0.5)), true},
		{"{pareto: {min: 1ms, alpha: 0.5}}", true, 0, false}, // an infinite mean
		{"300", false, 300, true},
		{"0", false, 0, false},
		{"fast", true, 0, false},
	} {
		got, ok := RateValue(tt.v, tt.interarrival)
		if ok != tt.ok || ok && math.Abs(got-tt.want) > 1e-9*tt.want {
			t.Errorf("RateValue(%q, %t) = %v, %t; want %v, %t", tt.v, tt.interarrival, got, ok, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		paths []string
		i     int
		inter bool
	}{
		{[]string{"tasks.a.count", "tasks.a.arrival.interarrival"}, 1, true},
		{[]string{"tasks.a.arrival.rate.1.per_second", "tasks.b.arrival.per_second"}, 0, false},
		{[]string{"tasks.a.arrival.start"}, -1, false},
	} {
		if i, inter := ArrivalPath(tt.paths); i != tt.i || inter != tt.inter {
			t.Errorf("ArrivalPath(%q) = %d, %t; want %d, %t", tt.paths, i, inter, tt.i, tt.inter)
		}
	}
}

// TestZippedLoadSweepDrawn runs a zipped load sweep, the count paired
// with the interarrival so that each point runs about as long, as issue
// 15 tried it, and checks its figures: one panel, a line of every point
// per strategy, nothing drawn amiss at three sizes.
func TestZippedLoadSweepDrawn(t *testing.T) {
	s := mustParse(t, `
workload: base.yaml
zip: true
vary:
  - path: tasks.request.count
    values: [10, 13, 20, 25, 33, 40, 50, 67, 80, 100]
  - path: tasks.request.arrival.interarrival
    values: [{exp: 10ms}, {exp: 8ms}, {exp: 5ms}, {exp: 4ms}, {exp: 3ms}, {exp: 2.5ms}, {exp: 2ms}, {exp: 1.5ms}, {exp: 1.25ms}, {exp: 1ms}]
plot: {y: [latency_p99_s, cpu_utilization]}
`)
	dir := t.TempDir()
	run(t, s, Options{Dir: dir, Jobs: 1, NoFigures: true})
	tbl, err := readTable(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, metric := range s.Plot.Y {
		d := tbl.plotData(metric)
		if len(d.Panels) != 1 || len(d.Panels[0].Lines) != 3 {
			t.Fatalf("%s: %d panels; want 1 of 3 lines", metric, len(d.Panels))
		}
		fig := plots.SweepFigure(d)
		for _, sz := range [][2]int{{plots.MinWidth, plots.MinHeight}, {1200, 800}, {2400, 1600}} {
			for _, v := range fig.Record(sz[0], sz[1]).Check(drawcheck.Options{}) {
				t.Errorf("%s at %dx%d: %v", metric, sz[0], sz[1], v)
			}
		}
	}
}

// TestExampleSweepFiguresDrawn draws the figures of every example sweep
// at three sizes, from a table of its points and strategies with made-up
// statistics (running pool-size's 512 points takes minutes), and checks
// what is drawn.
func TestExampleSweepFiguresDrawn(t *testing.T) {
	for _, ex := range Examples() {
		s, err := Load(ex.Name)
		if err != nil {
			t.Fatal(err)
		}
		tbl := &table{hdr: s.header(0, 1), paths: s.paths()}
		tbl.cols = append(s.paths(), "strategy", "kind", "tasks")
		for _, m := range s.Plot.Y {
			tbl.cols = append(tbl.cols, m, m+"_ci95")
		}
		for _, pt := range s.Points {
			g := group{point: pt.Index}
			for k, name := range pt.Strategies() {
				row := append(append([]string{}, pt.Values...), name, "threaded", "100")
				for j := range s.Plot.Y {
					// Positive, growing with the point and the strategy
					// over some decades, as latencies do.
					v := 1e-3 * float64(1+k) * math.Pow(1.3, float64(pt.Index%17)) * float64(1+j)
					row = append(row, strconv.FormatFloat(v, 'g', -1, 64), strconv.FormatFloat(v/10, 'g', -1, 64))
				}
				g.rows = append(g.rows, row)
			}
			tbl.groups = append(tbl.groups, g)
		}
		for _, fig := range tbl.figures() {
			for _, sz := range [][2]int{{plots.MinWidth, plots.MinHeight}, {1200, 800}, {2400, 1600}} {
				if testing.Short() && sz[0] != plots.MinWidth {
					continue
				}
				for _, v := range fig.Record(sz[0], sz[1]).Check(drawcheck.Options{}) {
					t.Errorf("%s: %s at %dx%d: %v", ex.Name, fig.Name, sz[0], sz[1], v)
				}
			}
		}
	}
}

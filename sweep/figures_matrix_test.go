package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"asyncsim/internal/drawcheck"
	"asyncsim/internal/golden"
	"asyncsim/plots"
)

// The kinds of sweep of the drawn-figure matrix.
const (
	gridKind = "grid" // interarrival × threads × io: lines by threads, panels by io
	zipKind  = "zip"  // count zipped with interarrival, as issue 15 tried it
	logKind  = "logx" // switch intervals from 100 µs to 50 ms, both axes logarithmic
	rateKind = "rate" // the zipped sweep against the arrival rate
)

// syntheticTable returns the table of a sweep of the given kind with n
// strategies, each pair of which has identical figures (the lines that
// hid each other). A point's p99 latency is that of an M/M/1 queue's
// sojourn time, −ln(0.01)·s/(1−ρ) for a service time s at load ρ =
// s/interarrival, and its run is unstable from ρ = 0.95 on, which gives
// latencies from milliseconds to seconds: the ranges of real sweeps.
func syntheticTable(n int, kind string) *table {
	var paths []string
	var values [][]string
	interarrivals := []string{"{exp: 20ms}", "{exp: 10ms}", "{exp: 5ms}", "{exp: 4ms}", "{exp: 3.333ms}",
		"{exp: 2.857ms}", "{exp: 2.5ms}", "{exp: 2ms}", "{exp: 1.667ms}", "{exp: 1.25ms}"}
	switch kind {
	case gridKind:
		paths = []string{"tasks.api.arrival.interarrival", "strategies.s.threads", "tasks.api.steps.1.io"}
		values = [][]string{interarrivals[:8], {"1", "2", "4"}, {"5ms", "50ms"}}
	case zipKind, rateKind:
		paths = []string{"tasks.api.count", "tasks.api.arrival.interarrival"}
		values = [][]string{{"400", "500", "667", "800", "1000", "1250", "1600", "2000", "2500", "3000"}, interarrivals}
	case logKind:
		paths = []string{"strategies.gil.switch_interval"}
		values = [][]string{{"100us", "200us", "500us", "1ms", "2ms", "5ms", "10ms", "20ms", "50ms"}}
	}
	t := &table{hdr: header{Workload: "synthetic", Replications: 3, Plot: Plot{X: paths[0], Y: []string{"latency_p99_s", "cpu_utilization"}}}, paths: paths}
	switch kind {
	case logKind:
		t.hdr.Plot.LogX, t.hdr.Plot.LogY = true, true
	case rateKind:
		t.hdr.Plot.X = RateX
	}
	t.cols = append(append([]string{}, paths...), "strategy", "kind", "tasks", "latency_p99_s", "latency_p99_s_ci95", "cpu_utilization", stableColumn)
	var points [][]string
	if kind == zipKind || kind == rateKind {
		for i := range values[0] {
			points = append(points, []string{values[0][i], values[1][i]})
		}
	} else {
		points = [][]string{{}}
		for _, vs := range values {
			var next [][]string
			for _, p := range points {
				for _, v := range vs {
					next = append(next, append(append([]string{}, p...), v))
				}
			}
			points = next
		}
	}
	t.hdr.Points = len(points)
	for pt, vals := range points {
		g := group{point: pt}
		for k := range n {
			gap := 0.004
			if i := indexOf(paths, "tasks.api.arrival.interarrival"); i >= 0 {
				gap, _ = AxisValue(vals[i])
			}
			if i := indexOf(paths, "strategies.gil.switch_interval"); i >= 0 {
				d, _ := AxisValue(vals[i])
				gap = 0.0011 + d/10
			}
			s := 0.001 * (1 + float64(k/2)*0.15) // strategies in identical pairs
			rho := s / gap
			p99 := math.Log(100) * s / max(1-rho, 0.02)
			row := append(append([]string{}, vals...), fmt.Sprintf("strategy-%d", k), "event_loop", "1000",
				strconv.FormatFloat(p99, 'g', -1, 64), strconv.FormatFloat(p99*0.2, 'g', -1, 64),
				strconv.FormatFloat(min(rho, 1), 'g', -1, 64), strconv.FormatBool(rho < 0.95))
			g.rows = append(g.rows, row)
		}
		t.groups = append(t.groups, g)
	}
	return t
}

// TestFigureMatrix draws every sweep figure of every kind of sweep, with
// 1 to 32 strategies, at the smallest accepted size, the default and
// twice it, and checks what is drawn (drawcheck): no text over another,
// nothing off the canvas, tick labels that do not overprint, at least
// three labelled ticks an axis, every legend entry with its marks.
func TestFigureMatrix(t *testing.T) {
	sizes := [][2]int{{plots.MinWidth, plots.MinHeight}, {1200, 800}, {2400, 1600}}
	for _, kind := range []string{gridKind, zipKind, logKind, rateKind} {
		for _, n := range []int{1, 2, 6, 12, 32} {
			tbl := syntheticTable(n, kind)
			for _, fig := range tbl.figures() {
				for _, sz := range sizes {
					if testing.Short() && n != 32 && sz[0] != plots.MinWidth {
						continue
					}
					c := fig.Record(sz[0], sz[1])
					for _, v := range c.Check(drawcheck.Options{}) {
						t.Errorf("%s sweep, %d strategies, %s at %dx%d: %v", kind, n, fig.Name, sz[0], sz[1], v)
					}
				}
			}
		}
	}
}

// TestZippedSweepOneAxis checks that a zipped sweep's paths are one
// axis: issue 15 drew count zipped with interarrival as 10 panels of one
// point each.
func TestZippedSweepOneAxis(t *testing.T) {
	for _, kind := range []string{zipKind, rateKind} {
		d := syntheticTable(4, kind).plotData("latency_p99_s")
		if len(d.Panels) != 1 || len(d.Styles) != 0 {
			t.Fatalf("%s: %d panels and %d line styles; want 1 and 0", kind, len(d.Panels), len(d.Styles))
		}
		for _, l := range d.Panels[0].Lines {
			if len(l.X) != 10 {
				t.Errorf("%s: a line of %d points; want 10", kind, len(l.X))
			}
		}
		if !strings.Contains(d.Subtitle, "paired with each x") {
			t.Errorf("%s: subtitle %q does not say what goes along with x", kind, d.Subtitle)
		}
	}
}

// TestRateAxis checks plot.x: rate: the x values of a varied
// interarrival are its inverse means, 1/{exp: 2.5ms} = 400 per second,
// and the axis says so.
func TestRateAxis(t *testing.T) {
	d := syntheticTable(1, rateKind).plotData("latency_p99_s")
	want := []float64{50, 100, 200, 250, 300.03, 350.01, 400, 500, 599.88, 800}
	xs := d.Panels[0].Lines[0].X
	for i := range want {
		// 1/3.333ms = 300.03, 1/2.857ms = 350.01, 1/1.667ms = 599.88,
		// to two decimals.
		if math.Abs(xs[i]-want[i]) > 0.01 {
			t.Errorf("x[%d] = %v; want %v", i, xs[i], want[i])
		}
	}
	if d.XLabel != "api arrival rate (per second)" || d.XUnit != plots.SweepPlain {
		t.Errorf("x label %q, unit %v; want %q, plain", d.XLabel, d.XUnit, "api arrival rate (per second)")
	}
}

// TestUnstablePoints checks that the rows whose stable column is false,
// and only they, are marked, and that without the column none is.
func TestUnstablePoints(t *testing.T) {
	tbl := syntheticTable(1, zipKind)
	d := tbl.plotData("latency_p99_s")
	l := d.Panels[0].Lines[0]
	// s = 1 ms: ρ = s/interarrival reaches 0.95 at 1/1.0526 ms; of the
	// ten interarrivals only 1.25 ms (ρ = 0.8) is above... none are
	// unstable but the rule's boundary: check against the rows.
	for i, row := range tbl.groups {
		unstable := row.rows[0][len(tbl.cols)-1] == "false"
		if got := i < len(l.Unstable) && l.Unstable[i]; got != unstable {
			t.Errorf("point %d: unstable %t; want %t", i, got, unstable)
		}
	}
	tbl.cols[len(tbl.cols)-1] = "other"
	if d := tbl.plotData("latency_p99_s"); d.Panels[0].Lines[0].Unstable != nil {
		t.Errorf("without a stable column, points are marked unstable: %v", d.Panels[0].Lines[0].Unstable)
	}
}

// TestReadableNames checks the default titles and axis labels: issue 15
// found raw paths ("latency_p99_s vs tasks.api.arrival.interarrival").
func TestReadableNames(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"tasks.api.arrival.interarrival", "api interarrival"},
		{"tasks.api.arrival.per_second", "api arrivals per second"},
		{"tasks.request.steps.1.blocking_io", "request step 2 blocking IO"},
		{"tasks.request.count", "request tasks"},
		{"strategies.gil.switch_interval", "gil: switch interval"},
		{"strategies.threads.threads", "threads"},
		{"strategies.t.gil", "t: GIL"},
		{"machine.cores", "cores"},
	} {
		if got := pathLabel(tt.path); got != tt.want {
			t.Errorf("pathLabel(%q) = %q; want %q", tt.path, got, tt.want)
		}
	}
	for _, tt := range []struct{ metric, want string }{
		{"latency_p99_s", "p99 latency"},
		{"latency_mean_s", "mean latency"},
		{"cpu_utilization", "CPU utilization"},
		{"resource.db.utilization", "db utilization"},
		{"resource.db.wait_mean_s", "db wait mean"},
		{"wasted_cpu_s", "CPU time wasted on abandoned requests"},
		{"timeouts", "timeouts"},
	} {
		if got := metricLabel(tt.metric); got != tt.want {
			t.Errorf("metricLabel(%q) = %q; want %q", tt.metric, got, tt.want)
		}
	}
	d := syntheticTable(2, gridKind).plotData("latency_p99_s")
	if want := "synthetic: p99 latency vs api interarrival"; d.Title != want {
		t.Errorf("title %q; want %q", d.Title, want)
	}
	if want := "threads: 1"; d.Styles[0] != want {
		t.Errorf("line style %q; want %q", d.Styles[0], want)
	}
}

// TestFigureGolden keeps the recorded drawing of two reference sweep
// figures, so that a change of their look is a reviewed diff.
func TestFigureGolden(t *testing.T) {
	for _, tt := range []struct {
		kind string
		n    int
	}{{zipKind, 6}, {gridKind, 2}} {
		fig := syntheticTable(tt.n, tt.kind).figures()[0]
		golden.Check(t, fmt.Sprintf("figure-%s-%d.txt", tt.kind, tt.n), []byte(fig.Record(1200, 800).Operations()))
	}
}

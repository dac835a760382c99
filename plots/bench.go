package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScalingSeries is one reference workload's simulation speed at several
// run sizes.
type ScalingSeries struct {
	Name string
	// Tasks and TasksPerSecond are parallel: the run sizes and the speed
	// measured at each.
	Tasks          []float64
	TasksPerSecond []float64
}

// ScalingFigure draws simulated tasks per second of wall time against the
// number of tasks in the run, one line per reference workload, on a
// logarithmic size axis: the figure of 'asyncsim bench --out'.
func ScalingFigure(title, subtitle string, lines []ScalingSeries) Figure {
	return Figure{Name: "bench", Draw: func(c draw.Canvas) {
		c = header(c, title, subtitle)
		var items []legendItem
		for i, s := range lines {
			items = append(items, legendItem{label: s.Name, color: StrategyColor(i), kind: swatchLine, key: s.Name})
		}
		c = legendRow(c, items)
		p := newPlot()
		p.Add(grid(true, true))
		p.X.Label.Text = "tasks simulated in one run"
		p.Y.Label.Text = "simulation speed (million tasks per second of wall time)"
		p.X.Scale = plot.LogScale{}
		p.Y.Min = 0
		for i, s := range lines {
			xys := make(plotter.XYs, len(s.Tasks))
			for j := range s.Tasks {
				xys[j] = plotter.XY{X: s.Tasks[j], Y: s.TasksPerSecond[j] / 1e6}
			}
			line, points, err := plotter.NewLinePoints(xys)
			if err != nil {
				note(c, fmt.Sprintf("%s: %v", s.Name, err))
				return
			}
			line.Color, line.Width = StrategyColor(i), vg.Points(2)
			points.Color, points.Shape, points.Radius = StrategyColor(i), draw.CircleGlyph{}, vg.Points(3)
			p.Add(series{s.Name, line}, series{s.Name, points})
		}
		// A margin at each end, so that the first size's label stays
		// clear of the y axis's lowest; powers of ten over a wide range of
		// sizes, finer labels over a narrow one (1e4,3e4 would have the
		// lone label 10k).
		p.X.Min, p.X.Max = p.X.Min/1.1, p.X.Max*1.1
		p.X.Tick.Marker = decadeTicks{}
		if p.X.Max/p.X.Min < 1000 {
			dc := p.DataCanvas(c)
			p.X.Tick.Marker = fitTicks(sweepTickers(SweepPlain, true, nil), p.X, dc.Max.X-dc.Min.X, true)
		}
		p.Draw(c)
	}}
}

// BenchBar is one bar of the bench figure of a single run size: a
// reference workload's simulation speed, or the yardstick's.
type BenchBar struct {
	// Name labels the bar.
	Name string
	// TasksPerSecond is the speed measured.
	TasksPerSecond float64
	// Yardstick marks the hand-written simulator's bar, drawn in grey.
	Yardstick bool
	// Note follows the bar's value ("0.65× the yardstick"), or is empty.
	Note string
}

// BenchBarsFigure draws simulated tasks per second of wall time as one
// horizontal bar per measurement, the first on top, each labelled with
// its value: the figure of 'asyncsim bench --out' at a single run size,
// where the yardstick's bar sits beside (just below) the workload whose
// model it simulates.
func BenchBarsFigure(title, subtitle string, bars []BenchBar) Figure {
	return Figure{Name: "bench", Draw: func(c draw.Canvas) {
		c = header(c, title, subtitle)
		if len(bars) == 0 {
			note(c, "no measurements")
			return
		}
		rows := make([]barRow, len(bars))
		k := 0
		for i, b := range bars {
			v := finite(b.TasksPerSecond)
			col := StrategyColor(k)
			if b.Yardstick {
				col = mutedColor
			} else {
				k++
			}
			label := strconv.FormatFloat(v/1e6, 'f', 2, 64) + " M tasks/s"
			if b.Note != "" {
				label += " · " + b.Note
			}
			rows[i] = barRow{name: b.Name, label: label, bars: []bar{{value: v, color: col, height: 1, key: b.Name}}}
		}
		// drawBars's axis in millions of tasks a second.
		drawBars(c, rows, timeFormat{factor: 1e-6, unit: "million tasks per second of wall time"}, "simulation speed")
	}}
}

// decadeTicks marks each power of ten of a logarithmic axis with a short
// label ("10k", "1M") and the values between with unlabelled minor ticks.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for decade := math.Pow(10, math.Floor(math.Log10(lo))); decade <= hi*(1+1e-9); decade *= 10 {
		for m := 1.0; m < 10; m++ {
			v := m * decade
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 {
				t.Label = shortCount(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// shortCount writes a power of ten briefly: 1, 10, 100, 1k, 10k, 1M, 1G.
func shortCount(v float64) string {
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', -1, 64) + "G"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

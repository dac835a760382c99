package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"asyncsim/sim"
	"asyncsim/timeline"
)

// UtilizationFigures returns the utilization figures: small multiples
// over virtual time, one row per strategy, the CPU utilization (busy
// cores over cores) on the left and the tasks in flight on the right, all
// on shared axes so that rows compare at a glance; from replication 0's
// time bins merged to a common width, at most MaxPlotBins of them. A run
// of more than UtilizationRows strategies gets pages of as many rows each
// (utilization, utilization-2, …, see UtilizationNames), all on the same
// axes.
func UtilizationFigures(r *Run) []Figure {
	pages := max(1, (len(r.Strategies)+UtilizationRows-1)/UtilizationRows)
	per := (len(r.Strategies) + pages - 1) / pages
	var figs []Figure
	for k, name := range UtilizationNames(pages) {
		from, to := k*per, min((k+1)*per, len(r.Strategies))
		figs = append(figs, Figure{Name: name, Draw: func(c draw.Canvas) { drawUtilization(c, r, from, to, k, pages) }})
	}
	return figs
}

// UtilizationRows is the most strategies a utilization figure shows: the
// rows that the smallest figure (MinHeight) has room for, with three
// labelled ticks on each panel's axes.
const UtilizationRows = 6

// MaxPlotBins is the most time bins a line of the utilization figure
// has: enough for a smooth curve, few enough to draw fast.
const MaxPlotBins = 300

// drawUtilization draws page k of pages, of strategies from to to.
func drawUtilization(c draw.Canvas, r *Run, from, to, k, pages int) {
	var end, width sim.Time
	for _, s := range r.Strategies {
		if s.Series == nil || len(s.Series.Bins) == 0 {
			continue
		}
		end = max(end, s.Series.Bins[len(s.Series.Bins)-1].End)
		width = max(width, s.Series.Width)
	}
	width = max(width, 1)
	for end > width*MaxPlotBins {
		width *= 2
	}
	sub := "Over virtual time, in " + formatDuration(width.Seconds()) + " bins"
	if r.Replications > 1 {
		sub += " · the first of " + plural(int64(r.Replications), "replication")
	}
	if pages > 1 {
		sub += " · page " + itoa(k+1) + " of " + itoa(pages) + ": strategies " + itoa(from+1) + "–" + itoa(to) +
			" of " + itoa(len(r.Strategies)) + ", on the axes of every page"
	}
	c = header(c, r.Workload+": CPU utilization and tasks in flight over time", sub)
	strategies := r.Strategies[from:to]
	n := len(strategies)
	if end <= 0 || n == 0 {
		note(c, "nothing ran")
		return
	}
	factor, unit := timeUnit(end.Seconds())

	type row struct{ util, flight plotter.XYs }
	rows := make([]row, len(r.Strategies))
	peak := 0.0
	for i, s := range r.Strategies {
		if s.Series == nil || len(s.Series.Bins) == 0 {
			continue
		}
		bins := rebin(rounded(s.Series.Bins), width)
		cores := float64(max(s.Series.Cores, r.Cores, 1))
		for _, b := range bins {
			x := b.Start.Seconds() * factor
			rows[i].util = append(rows[i].util, plotter.XY{X: x, Y: 100 * b.Busy / cores})
			rows[i].flight = append(rows[i].flight, plotter.XY{X: x, Y: b.InFlight})
			peak = max(peak, b.InFlight)
		}
		// The last bin runs to the end of the run, when nothing runs and
		// no task is in flight any more.
		last := bins[len(bins)-1]
		x := last.End.Seconds() * factor
		rows[i].util = append(rows[i].util, plotter.XY{X: x, Y: 100 * last.Busy / cores}, plotter.XY{X: x, Y: 0})
		rows[i].flight = append(rows[i].flight, plotter.XY{X: x, Y: last.InFlight}, plotter.XY{X: x, Y: 0})
	}
	if peak <= 0 {
		peak = 1
	}
	rows = rows[from:to]
	flightTop, flightTicks := flightAxis(peak)

	// Column headings, then a grid of panels.
	headSty := textStyle(sansFont, labelSize, textColor)
	headH := headSty.Rectangle("Mg").Size().Y + 2
	heads := c
	c.Max.Y -= headH
	grid2 := make([][]*plot.Plot, n)
	for i, s := range strategies {
		col := StrategyColor(s.Color)
		fillCol := tint(col, 0.22)
		util, flight := newPlot(), newPlot()
		util.Y.Min, util.Y.Max = 0, 100
		util.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0%"}, {Value: 50, Label: "50%"}, {Value: 100, Label: "100%"}}
		flight.Y.Min, flight.Y.Max = 0, flightTop
		flight.Y.Tick.Marker = flightTicks
		for k, p := range []*plot.Plot{util, flight} {
			p.X.Min, p.X.Max = 0, end.Seconds()*factor
			pts := rows[i].util
			if k == 1 {
				pts = rows[i].flight
			}
			// The area, then the grid over it, then the line.
			if len(pts) > 0 {
				p.Add(&plotter.Line{XYs: pts, StepStyle: plotter.PostStep, FillColor: fillCol})
			}
			p.Add(grid(true, true))
			if len(pts) > 0 {
				p.Add(&plotter.Line{XYs: pts, StepStyle: plotter.PostStep, LineStyle: draw.LineStyle{Color: col, Width: 1.3}})
			}
			if i < n-1 {
				p.X.Tick.Marker = unlabeled{niceTicks{}}
			} else {
				p.X.Label.Text = "virtual time (" + unit + ")"
			}
		}
		grid2[i] = []*plot.Plot{util, flight}
	}
	nameH := textStyle(boldFont, legendSize, textColor).Rectangle("Mg").Size().Y + 2
	tiles := draw.Tiles{Rows: n, Cols: 2, PadX: 22, PadY: nameH + 4, PadTop: nameH}
	cs := plot.Align(grid2, tiles, c)
	nameSty := textStyle(boldFont, legendSize, textColor)
	for i, s := range strategies {
		for k := range 2 {
			grid2[i][k].Draw(cs[i][k])
		}
		dc := grid2[i][0].DataCanvas(cs[i][0])
		sty := nameSty
		sty.Color = StrategyColor(s.Color)
		c.FillText(sty, vg.Point{X: dc.Min.X, Y: dc.Max.Y + 2}, elide(s.Name, c))
	}
	// Headings over the two columns, aligned with their data areas.
	// Their long forms where they fit the column, else the short ones.
	left := grid2[0][0].DataCanvas(cs[0][0]).Min.X
	right := grid2[0][1].DataCanvas(cs[0][1]).Min.X
	for k, h := range [][2]string{
		{"CPU utilization (busy share of " + plural(int64(r.Cores), "core") + ")", "CPU utilization"},
		{"tasks in flight (arrived, not yet completed)", "tasks in flight"},
	} {
		x, room := left, right-left-8
		if k == 1 {
			x, room = right, heads.Max.X-right
		}
		text := h[0]
		if headSty.Width(text) > room {
			text = h[1]
		}
		heads.FillText(headSty, vg.Point{X: x, Y: heads.Max.Y - headH + 3}, text)
	}
}

// flightAxis returns the top of the axis of tasks in flight up to peak
// and its ticks: three or four at a round step (0, 10, 20 for a peak of
// 14; 0, 2, 4, 6 for one of 4.2), which the shortest panel has room to
// label.
func flightAxis(peak float64) (top float64, ticks niceTicks) {
	step := niceStep(peak, 2)
	if step >= peak { // one step would hold it all: the next round step down
		step = niceStep(step/2.5, 1)
	}
	return math.Ceil(peak/step-1e-9) * step, niceTicks{step: step}
}

// tint mixes a share of col into white, opaque: every backend draws it
// alike, where translucent fills are not.
func tint(col color.Color, share float64) color.Color {
	r, g, b, _ := col.RGBA()
	mix := func(v uint32) uint8 { return uint8(math.Round(255 - share*(255-float64(v>>8)))) }
	return color.NRGBA{mix(r), mix(g), mix(b), 0xff}
}

// rounded returns the bins with their means rounded as utilization.csv
// keeps them.
func rounded(bins []timeline.Bin) []timeline.Bin {
	out := make([]timeline.Bin, len(bins))
	for i, b := range bins {
		b.Busy, b.InFlight = roundSig(b.Busy), roundSig(b.InFlight)
		out[i] = b
	}
	return out
}

// rebin merges bins that start at multiples of their width into bins of
// the given width (a multiple of theirs), averaging over time.
func rebin(bins []timeline.Bin, width sim.Time) []timeline.Bin {
	var out []timeline.Bin
	for _, b := range bins {
		k := b.Start / width
		if n := len(out); n > 0 && out[n-1].Start/width == k {
			o := &out[n-1]
			a, l := float64(o.End-o.Start), float64(b.End-b.Start)
			if a+l > 0 {
				o.Busy = (o.Busy*a + b.Busy*l) / (a + l)
				o.InFlight = (o.InFlight*a + b.InFlight*l) / (a + l)
			}
			o.End = b.End
			continue
		}
		out = append(out, b)
	}
	return out
}

// unlabeled keeps a ticker's marks but drops their labels: for a panel
// whose time axis is labelled by the panel below.
type unlabeled struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (u unlabeled) Ticks(lo, hi float64) []plot.Tick {
	ts := u.Ticker.Ticks(lo, hi)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

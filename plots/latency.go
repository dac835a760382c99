package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LatencyFigure returns the latency figure: the empirical distribution
// function of the latency of succeeded requests (from their first send),
// one step line per strategy, with its p50 and p99 marked, on a
// logarithmic time axis when the latencies span more than two decades.
func LatencyFigure(r *Run) Figure {
	return Figure{Name: LatencyName, Draw: func(c draw.Canvas) { drawLatency(c, r) }}
}

// Marks of the percentiles on the latency CDF.
var (
	p50Glyph = draw.CircleGlyph{}
	p99Glyph = draw.PyramidGlyph{}
)

func drawLatency(c draw.Canvas, r *Run) {
	sub := "Empirical distribution of request latency (completion − first send; succeeded requests)"
	var tasks int64 = -1
	for _, s := range r.Strategies {
		if tasks == -1 || tasks == s.Latencies {
			tasks = s.Latencies
		} else {
			tasks = -2
		}
	}
	if tasks >= 0 {
		sub += " · " + plural(tasks, "request") + " per strategy"
	}
	if r.Replications > 1 {
		sub += ", " + plural(int64(r.Replications), "replication") + " pooled"
	}
	c = header(c, r.Workload+": latency distribution by strategy", sub)
	c = latencyLegend(c, r)
	cdfs := make([][]CDFPoint, len(r.Strategies))
	for i, s := range r.Strategies {
		cdfs[i] = s.CDF
	}
	ax, ok := newLatencyAxis(cdfs)
	if !ok {
		note(c, "no task latencies to show")
		return
	}
	p := latencyPlot(ax, r, cdfs)
	p.Y.Label.Text = "requests ≤ this latency"
	p.Draw(c)
}

// LatencyByClassFigure returns the latency figure by class, for a run of
// several task classes: a panel per class, each with the empirical
// distribution function of the class's latency, one step line per
// strategy in the colours of the latency figure, on the time axis that
// the class's latencies call for.
func LatencyByClassFigure(r *Run) Figure {
	return Figure{Name: LatencyByClassName, Draw: func(c draw.Canvas) { drawLatencyByClass(c, r) }}
}

// byClass reports whether a run has the data of a latency figure by
// class: several classes, and their latencies for every strategy.
func byClass(r *Run) bool {
	if len(r.Classes) < 2 {
		return false
	}
	for _, s := range r.Strategies {
		if len(s.Classes) != len(r.Classes) {
			return false
		}
	}
	return len(r.Strategies) > 0
}

func drawLatencyByClass(c draw.Canvas, r *Run) {
	sub := "Empirical distribution of each class's request latency (a panel per class), a line per strategy"
	if r.Replications > 1 {
		sub += " · " + plural(int64(r.Replications), "replication") + " pooled"
	}
	c = header(c, r.Workload+": latency distribution by class", sub)
	c = latencyLegend(c, r)
	if !byClass(r) {
		note(c, "no classes to show")
		return
	}
	n := len(r.Classes)
	// One y label, outside the panels; each panel labels its own time axis.
	outer := c
	c = insideLabels(c, false)

	cells, cols := panelGrid(c, n)
	for k, name := range r.Classes {
		cdfs := make([][]CDFPoint, len(r.Strategies))
		for i, s := range r.Strategies {
			cdfs[i] = s.Classes[k].CDF
		}
		ax, ok := newLatencyAxis(cdfs)
		if !ok { // an empty panel, on the axis of one millisecond
			ax = latencyAxis{factor: 1e3, xmax: 1, label: "latency (ms)"}
		}
		p := latencyPlot(ax, r, cdfs)
		if !ax.log { // about a tick per 50 points of a panel's width
			p.X.Tick.Marker = niceTicks{parts: min(max(int((c.Max.X-c.Min.X)/vg.Length(cols)/50), 2), 6)}
		}
		p.Title.Text = elide(name, c)
		if !ok {
			p.Title.Text += " (no latencies)"
		}
		p.Title.TextStyle = textStyle(sansFont, labelSize, textColor)
		p.Title.TextStyle.XAlign = draw.XCenter
		p.Title.TextStyle.YAlign = draw.YTop
		p.Title.Padding = 3
		cells[k/cols][k%cols] = p
	}
	canvases := plot.Align(cells, draw.Tiles{Rows: len(cells), Cols: cols, PadX: 14, PadY: 10}, c)
	if !fits(cells, canvases) {
		note(c, tooSmall)
		return
	}
	drawSharedLabels(outer, "", "requests ≤ this latency")
	for i := range cells {
		for j, p := range cells[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// latencyLegend draws the legend of the latency figures: the strategies,
// and the percentiles' marks.
func latencyLegend(c draw.Canvas, r *Run) draw.Canvas {
	var items []legendItem
	for _, s := range r.Strategies {
		items = append(items, legendItem{label: elide(s.Name, c), color: StrategyColor(s.Color), kind: swatchLine,
			dashes: lineDashes(s.Color), key: s.Name})
	}
	items = append(items,
		legendItem{label: "p50", color: textColor, kind: swatchGlyph, glyph: p50Glyph},
		legendItem{label: "p99", color: textColor, kind: swatchGlyph, glyph: p99Glyph})
	return legendRow(c, items)
}

// latencyAxis is the time axis of latency plots.
type latencyAxis struct {
	log        bool
	factor     float64 // from seconds to the axis's unit
	xmin, xmax float64
	label      string
}

// newLatencyAxis returns the axis that shows every latency of cdfs:
// logarithmic when they span more than two decades. It reports false
// when there are none above zero.
func newLatencyAxis(cdfs [][]CDFPoint) (latencyAxis, bool) {
	lo, hi := math.Inf(1), 0.0
	for _, cdf := range cdfs {
		for _, p := range cdf {
			if x := p.Latency.Seconds(); x > 0 {
				lo = min(lo, x)
			}
			hi = max(hi, p.Latency.Seconds())
		}
	}
	if hi <= 0 {
		return latencyAxis{}, false
	}
	if hi/lo > 100 {
		return latencyAxis{log: true, factor: 1, xmin: lo / 1.5, xmax: hi * 1.5, label: "latency (logarithmic scale)"}, true
	}
	factor, unit := timeUnit(hi)
	return latencyAxis{factor: factor, xmin: 0, xmax: hi * factor * 1.04, label: "latency (" + unit + ")"}, true
}

// latencyPlot returns a plot of the distribution functions cdfs, one per
// strategy of r (in its order), with their p50 and p99 marked.
func latencyPlot(ax latencyAxis, r *Run, cdfs [][]CDFPoint) *plot.Plot {
	p := newPlot()
	if ax.log {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTimeTicks{}
	}
	p.X.Label.Text = ax.label
	p.X.Min, p.X.Max = ax.xmin, ax.xmax
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0%"}, {Value: 25, Label: "25%"}, {Value: 50, Label: "50%"},
		{Value: 75, Label: "75%"}, {Value: 100, Label: "100%"}}
	p.Add(grid(true, true), &guides{values: []float64{50, 99}, labels: []string{"p50", "p99"}})

	n := len(r.Strategies)
	var marks []plot.Plotter
	for i, s := range r.Strategies {
		cdf := cdfs[i]
		if len(cdf) == 0 {
			continue
		}
		col := StrategyColor(s.Color)
		x := func(t float64) float64 {
			if ax.log {
				return math.Max(t, ax.xmin)
			}
			return t * ax.factor
		}
		pts := make(plotter.XYs, 0, len(cdf)+2)
		pts = append(pts, plotter.XY{X: x(cdf[0].Latency.Seconds()), Y: 0})
		for _, pt := range cdf {
			pts = append(pts, plotter.XY{X: x(pt.Latency.Seconds()), Y: 100 * pt.Fraction})
		}
		pts = append(pts, plotter.XY{X: ax.xmax, Y: 100 * cdf[len(cdf)-1].Fraction})
		line := &plotter.Line{XYs: pts, StepStyle: plotter.PostStep,
			LineStyle: draw.LineStyle{Color: col, Width: casedWidth(i, n), Dashes: lineDashes(s.Color)}}
		p.Add(series{s.Name, line})
		for _, m := range []struct {
			q     float64
			glyph draw.GlyphDrawer
		}{{0.50, p50Glyph}, {0.99, p99Glyph}} {
			if t, ok := Quantile(cdf, m.q); ok {
				marks = append(marks, series{s.Name, &mark{x: x(t.Seconds()), y: 100 * m.q, glyph: m.glyph, color: col,
					radius: vg.Length(2.8 + 2.4*casedShare(i, n))}})
			}
		}
	}
	p.Add(marks...)
	return p
}

// casedShare is 1 for the first of n strategies and 0 for the last:
// earlier strategies are drawn wider, under later ones, so that
// identical curves show every colour, one inside the other.
func casedShare(i, n int) float64 {
	if n <= 1 {
		return 0
	}
	return float64(n-1-i) / float64(n-1)
}

// casedWidth is the line width of strategy i of n (see casedShare).
func casedWidth(i, n int) vg.Length { return vg.Length(1.6 + 1.8*casedShare(i, n)) }

// mark is one filled glyph with a thin white outline, so that smaller
// marks drawn over bigger ones at the same place leave a visible ring.
type mark struct {
	x, y   float64
	glyph  draw.GlyphDrawer
	color  color.Color
	radius vg.Length
}

// Plot implements plot.Plotter.
func (m *mark) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := vg.Point{X: trX(m.x), Y: trY(m.y)}
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: m.color, Radius: m.radius, Shape: m.glyph}, pt)
	var outline draw.GlyphDrawer = draw.RingGlyph{}
	if _, ok := m.glyph.(draw.PyramidGlyph); ok {
		outline = draw.TriangleGlyph{}
	}
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: color.White, Radius: m.radius, Shape: outline}, pt)
}

// guides draws labelled horizontal reference lines across the plot.
type guides struct {
	values []float64
	labels []string
}

// Plot implements plot.Plotter.
func (g *guides) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := textStyle(sansFont, noteSize, mutedColor)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	for i, v := range g.values {
		y := trY(v)
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{0xa0}, Width: 0.7, Dashes: []vg.Length{3, 3}}, c.Min.X, y, c.Max.X, y)
		c.FillText(sty, vg.Point{X: c.Min.X + 4, Y: y - 1.5}, g.labels[i])
	}
}

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
// function of task latency, one step line per strategy, with its p50 and
// p99 marked, on a logarithmic time axis when the latencies span more than
// two decades.
func LatencyFigure(r *Run) Figure {
	return Figure{Name: LatencyName, Draw: func(c draw.Canvas) { drawLatency(c, r) }}
}

// Marks of the percentiles on the latency CDF.
var (
	p50Glyph = draw.CircleGlyph{}
	p99Glyph = draw.PyramidGlyph{}
)

func drawLatency(c draw.Canvas, r *Run) {
	sub := "Empirical distribution of task latency (completion − arrival)"
	var tasks int64 = -1
	for _, s := range r.Strategies {
		if tasks == -1 || tasks == s.Latencies {
			tasks = s.Latencies
		} else {
			tasks = -2
		}
	}
	if tasks >= 0 {
		sub += " · " + plural(tasks, "task") + " per strategy"
	}
	if r.Replications > 1 {
		sub += ", " + plural(int64(r.Replications), "replication") + " pooled"
	}
	c = header(c, r.Workload+": latency distribution by strategy", sub)

	lo, hi := math.Inf(1), 0.0
	for _, s := range r.Strategies {
		for _, p := range s.CDF {
			if x := p.Latency.Seconds(); x > 0 {
				lo = min(lo, x)
			}
			hi = max(hi, p.Latency.Seconds())
		}
	}
	var items []legendItem
	for _, s := range r.Strategies {
		items = append(items, legendItem{label: elide(s.Name, c), color: StrategyColor(s.Color), kind: swatchLine, dashes: lineDashes(s.Color)})
	}
	items = append(items,
		legendItem{label: "p50", color: textColor, kind: swatchGlyph, glyph: p50Glyph},
		legendItem{label: "p99", color: textColor, kind: swatchGlyph, glyph: p99Glyph})
	c = legendRow(c, items)
	if hi <= 0 {
		note(c, "no task latencies to show")
		return
	}

	p := newPlot()
	logX := hi/lo > 100
	factor := 1.0
	var xmin, xmax float64
	if logX {
		xmin, xmax = lo/1.5, hi*1.5
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTimeTicks{}
		p.X.Label.Text = "latency (logarithmic scale)"
	} else {
		var unit string
		factor, unit = timeUnit(hi)
		xmin, xmax = 0, hi*factor*1.04
		p.X.Label.Text = "latency (" + unit + ")"
	}
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0%"}, {Value: 25, Label: "25%"}, {Value: 50, Label: "50%"},
		{Value: 75, Label: "75%"}, {Value: 100, Label: "100%"}}
	p.Y.Label.Text = "tasks with at most this latency"
	p.Add(grid(true, true), &guides{values: []float64{50, 99}, labels: []string{"p50", "p99"}})

	n := len(r.Strategies)
	var marks []plot.Plotter
	for i, s := range r.Strategies {
		if len(s.CDF) == 0 {
			continue
		}
		col := StrategyColor(s.Color)
		x := func(t float64) float64 {
			if logX {
				return math.Max(t, xmin)
			}
			return t * factor
		}
		pts := make(plotter.XYs, 0, len(s.CDF)+2)
		pts = append(pts, plotter.XY{X: x(s.CDF[0].Latency.Seconds()), Y: 0})
		for _, pt := range s.CDF {
			pts = append(pts, plotter.XY{X: x(pt.Latency.Seconds()), Y: 100 * pt.Fraction})
		}
		pts = append(pts, plotter.XY{X: xmax, Y: 100 * s.CDF[len(s.CDF)-1].Fraction})
		line := &plotter.Line{XYs: pts, StepStyle: plotter.PostStep,
			LineStyle: draw.LineStyle{Color: col, Width: casedWidth(i, n), Dashes: lineDashes(s.Color)}}
		p.Add(line)
		for _, m := range []struct {
			q     float64
			glyph draw.GlyphDrawer
		}{{0.50, p50Glyph}, {0.99, p99Glyph}} {
			if t, ok := Quantile(s.CDF, m.q); ok {
				marks = append(marks, &mark{x: x(t.Seconds()), y: 100 * m.q, glyph: m.glyph, color: col,
					radius: vg.Length(2.8 + 2.4*casedShare(i, n))})
			}
		}
	}
	p.Add(marks...)
	p.Draw(c)
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

package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MakespanFigure returns the makespan figure: one horizontal bar per
// strategy, the first at the top, in the strategy's colour and labelled
// with its value; with several replications the bar is the mean and an
// error bar shows the 95% confidence interval.
func MakespanFigure(r *Run) Figure {
	return Figure{Name: MakespanName, Draw: func(c draw.Canvas) { drawMakespan(c, r) }}
}

func drawMakespan(c draw.Canvas, r *Run) {
	sub := "Time from the first arrival to the last completion; shorter is better · " + plural(int64(r.Cores), "core")
	withCI := r.Replications > 1
	if withCI {
		sub += " · mean of " + plural(int64(r.Replications), "replication") + " ± 95% confidence interval"
	} else {
		sub += " · 1 replication"
	}
	c = header(c, r.Workload+": makespan by strategy", sub)
	n := len(r.Strategies)
	if n == 0 {
		note(c, "no strategies")
		return
	}
	top := 0.0
	for _, s := range r.Strategies {
		top = max(top, finite(s.Makespan)+ciOf(s, withCI))
	}
	factor, unit := timeUnit(top)
	bars := &hbars{labelStyle: textStyle(sansFont, legendSize, textColor)}
	bars.labelStyle.YAlign = draw.YCenter
	names := make([]string, n)
	for i, s := range r.Strategies {
		names[n-1-i] = elide(s.Name, c)
		label := formatSeconds(finite(s.Makespan))
		if withCI {
			label += " ± " + formatDuration(ciOf(s, true))
		}
		bars.values = append(bars.values, finite(s.Makespan)*factor)
		bars.ci = append(bars.ci, ciOf(s, withCI)*factor)
		bars.colors = append(bars.colors, StrategyColor(s.Color))
		bars.labels = append(bars.labels, label)
	}
	p := newPlot()
	p.Add(grid(true, false), bars)
	p.NominalY(names...)
	categorical(&p.Y)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.Y.Tick.Label.Font.Size = labelSize
	p.X.Label.Text = "makespan (" + unit + ")"
	p.X.Min = 0
	hi := top * factor
	if hi <= 0 {
		hi = 1
	}
	// Leave room right of the longest bar for its label.
	p.X.Max = hi
	var widest vg.Length
	for _, l := range bars.labels {
		widest = max(widest, bars.labelStyle.Width(l))
	}
	dc := p.DataCanvas(c)
	if room := dc.Max.X - dc.Min.X; room > 0 {
		frac := float64(widest+12) / float64(room)
		p.X.Max = hi / math.Max(0.3, 1-frac)
	}
	p.Draw(c)
}

func ciOf(s Strategy, withCI bool) float64 {
	if !withCI {
		return 0
	}
	return finite(s.MakespanCI95)
}

// finite returns x, or 0 for NaN and infinities.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// hbars draws horizontal bars at y = n−1−i for value i (the first on
// top), with error bars and a label right of each.
type hbars struct {
	values, ci []float64
	colors     []color.Color
	labels     []string
	labelStyle text.Style
}

// Plot implements plot.Plotter.
func (b *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(b.values)
	slot := trY(1) - trY(0)
	half := min(slot*0.32, 20)
	capH := half * 0.45
	for i, v := range b.values {
		y := trY(float64(n - 1 - i))
		x0, x1 := trX(0), trX(v)
		c.FillPolygon(b.colors[i], rectPoints(vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}))
		end := x1
		if e := b.ci[i]; e > 0 {
			lo, hi := trX(math.Max(0, v-e)), trX(v+e)
			sty := draw.LineStyle{Color: textColor, Width: 1.2}
			c.StrokeLine2(sty, lo, y, hi, y)
			c.StrokeLine2(sty, lo, y-capH, lo, y+capH)
			c.StrokeLine2(sty, hi, y-capH, hi, y+capH)
			end = max(end, hi)
		}
		c.FillText(b.labelStyle, vg.Point{X: end + 6, Y: y}, b.labels[i])
	}
}

// DataRange implements plot.DataRanger.
func (b *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	for i, v := range b.values {
		xmax = max(xmax, v+b.ci[i])
	}
	return 0, xmax, -0.5, float64(len(b.values)) - 0.5
}

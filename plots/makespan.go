package plots

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MakespanFigure returns the makespan figure: one horizontal bar per
// strategy, the first at the top, in the strategy's colour and labelled
// with its value; with several replications the bar is the mean and an
// error bar shows the 95% confidence interval. Strategies that one column
// has no room for continue in further columns, on the same axis.
func MakespanFigure(r *Run) Figure {
	return Figure{Name: MakespanName, Draw: func(c draw.Canvas) { drawMakespan(c, r) }}
}

func drawMakespan(c draw.Canvas, r *Run) {
	withCI := r.Replications > 1
	c = header(c, r.Workload+": makespan by strategy", "Time from the first arrival to the last completion; shorter is better · "+
		plural(int64(r.Cores), "core")+replicationsText(r))
	if len(r.Strategies) == 0 {
		note(c, "no strategies")
		return
	}
	var all []float64
	for _, s := range r.Strategies {
		all = append(all, finite(s.Makespan))
	}
	f := newTimeFormat(all)
	rows := make([]barRow, len(r.Strategies))
	for i, s := range r.Strategies {
		ci := ciIf(s.MakespanCI95, withCI)
		label := f.format(finite(s.Makespan))
		if withCI {
			label += " ± " + f.format(ci)
		}
		rows[i] = barRow{name: s.Name, label: label,
			bars: []bar{{value: finite(s.Makespan), ci: ci, color: StrategyColor(s.Color), height: 1, key: s.Name}}}
	}
	drawBars(c, rows, f, "makespan")
}

// PercentilesFigure returns the latency percentiles figure, the first
// figure of a run of open arrivals (whose makespans say little: the last
// arrival sets them): per strategy a light bar to the 99th percentile of
// request latency (p99) and a dark one inside it to the median (p50),
// labelled with both; with several replications the bars are means and
// error bars show their 95% confidence intervals.
func PercentilesFigure(r *Run) Figure {
	return Figure{Name: PercentilesName, Draw: func(c draw.Canvas) { drawPercentiles(c, r) }}
}

func drawPercentiles(c draw.Canvas, r *Run) {
	withCI := r.Replications > 1
	c = header(c, r.Workload+": latency percentiles by strategy", "Median (p50, dark) and 99th percentile (p99, light) "+
		"of request latency, succeeded requests; shorter is better"+replicationsText(r))
	if len(r.Strategies) == 0 {
		note(c, "no strategies")
		return
	}
	var all []float64
	for _, s := range r.Strategies {
		all = append(all, finite(s.P50), finite(s.P99))
	}
	f := newTimeFormat(all)
	rows := make([]barRow, len(r.Strategies))
	for i, s := range r.Strategies {
		col := StrategyColor(s.Color)
		rows[i] = barRow{name: s.Name, label: "p50 " + f.number(finite(s.P50)) + " · p99 " + f.format(finite(s.P99)),
			short: f.number(finite(s.P50)) + " · " + f.format(finite(s.P99)),
			bars: []bar{
				{value: finite(s.P99), ci: ciIf(s.P99CI95, withCI), color: tint(col, 0.45), height: 1},
				{value: finite(s.P50), ci: ciIf(s.P50CI95, withCI), color: col, height: 0.45, key: s.Name},
			}}
	}
	drawBars(c, rows, f, "request latency")
}

// replicationsText says what the bars of a bar chart are: " · 1
// replication", or the mean of several with confidence intervals.
func replicationsText(r *Run) string {
	if r.Replications > 1 {
		return " · mean of " + plural(int64(r.Replications), "replication") + " ± 95% confidence interval"
	}
	return " · 1 replication"
}

// barRow is one strategy's row of a bar chart: its bars, drawn in order
// over one another, and the label right of them, or its short form
// where the label leaves the bars too little room.
type barRow struct {
	name, label, short string
	bars               []bar
}

// bar is one bar of a row: its value and the half-width of its
// confidence interval (0: none), its colour and its height as a share of
// the row's bar height; key names the strategy for drawcheck.
type bar struct {
	value, ci float64
	color     color.Color
	height    float64
	key       string
}

// barLabelSize is the font size of the strategy names and values of bar
// charts.
const barLabelSize = labelSize

// drawBars draws rows of horizontal bars in c, the first at the top, in
// as many columns as their names need to be legible, each column on the
// same value axis, labelled "what (unit)".
func drawBars(c draw.Canvas, rows []barRow, f timeFormat, what string) {
	labelSty := textStyle(sansFont, barLabelSize, textColor)
	labelSty.YAlign = draw.YCenter
	// A row must hold its name; the axis below takes about 34 points.
	rowH := labelSty.Rectangle("Mg").Size().Y + 3
	const axisH, colGap = 34, 18
	perCol := max(1, int((c.Max.Y-c.Min.Y-axisH)/rowH))
	cols := (len(rows) + perCol - 1) / perCol
	perCol = (len(rows) + cols - 1) / cols
	colW := (c.Max.X - c.Min.X - colGap*vg.Length(cols-1)) / vg.Length(cols)

	top := 0.0
	for _, r := range rows {
		for _, b := range r.bars {
			top = max(top, b.value+b.ci)
		}
	}
	hi := top * f.factor
	if hi <= 0 {
		hi = 1
	}
	plots := make([]*plot.Plot, cols)
	canvases := make([]draw.Canvas, cols)
	widest := func(short bool) vg.Length {
		var w vg.Length
		for _, r := range rows {
			l := r.label
			if short && r.short != "" {
				l = r.short
			}
			w = max(w, labelSty.Width(l))
		}
		return w
	}
	// Names take at most two fifths of a column (at about 5.8 points a
	// character).
	nameChars := max(8, int(colW*0.4/5.8))
	var hbs []*hbars
	for k := range cols {
		cc := c
		cc.Min.X = c.Min.X + vg.Length(k)*(colW+colGap)
		cc.Max.X = cc.Min.X + colW
		canvases[k] = cc
		part := rows[k*perCol : min((k+1)*perCol, len(rows))]
		hb := &hbars{labelStyle: labelSty, factor: f.factor, slots: perCol}
		hbs = append(hbs, hb)
		names := make([]string, perCol)
		for i, r := range part {
			names[perCol-1-i] = elideTo(r.name, nameChars)
			hb.rows = append(hb.rows, r)
		}
		p := newPlot()
		p.Add(grid(true, false), hb)
		p.NominalY(names...)
		categorical(&p.Y)
		p.Y.Min, p.Y.Max = -0.6, float64(perCol)-0.4
		p.Y.Tick.Label.Font.Size = barLabelSize
		p.X.Label.Text = what + " (" + f.unit + ")"
		p.X.Min, p.X.Max = 0, hi
		plots[k] = p
	}
	// Leave room right of the longest bar for its label: the short
	// labels if the long ones would leave the bars under half the axis.
	room := vg.Length(math.Inf(1))
	for k, p := range plots {
		dc := p.DataCanvas(canvases[k])
		room = min(room, dc.Max.X-dc.Min.X)
	}
	frac := float64(widest(false)+12) / float64(room)
	if frac > 0.5 {
		frac = float64(widest(true)+12) / float64(room)
		for _, hb := range hbs {
			hb.short = true
		}
	}
	xMax := hi / math.Max(0.2, 1-frac)
	for k, p := range plots {
		p.X.Max = xMax
		dc := p.DataCanvas(canvases[k])
		// About a tick per 60 points of the axis, from two parts.
		p.X.Tick.Marker = niceTicks{parts: min(max(int((dc.Max.X-dc.Min.X)/60), 2), 6)}
		p.Draw(canvases[k])
	}
}

func ciIf(ci float64, withCI bool) float64 {
	if !withCI {
		return 0
	}
	return finite(ci)
}

// finite returns x, or 0 for NaN and infinities.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// timeFormat writes every time of a figure in one unit, the one its
// largest time calls for, and with one number of decimals, those that
// give its smallest time four significant digits (at most six): "10.020
// s ± 0.614 s", never "± 614 ms" beside "± 614.4 ms".
type timeFormat struct {
	factor   float64
	unit     string
	decimals int
}

// newTimeFormat returns the format of the times xs, in seconds: one unit
// and one number of decimals for them all, so that the labels of a
// figure compare at a glance. The unit is the smallest value's, unless
// the largest would then take more than five digits (p50 17.3 ms beside
// p99 13079.0 ms, not 0.01726 s); the decimals give the smallest value
// four significant digits, but the largest at most six.
func newTimeFormat(xs []float64) timeFormat {
	top, low := 0.0, math.Inf(1)
	for _, x := range xs {
		top = max(top, x)
		if x > 0 {
			low = min(low, x)
		}
	}
	f := timeFormat{}
	f.factor, f.unit = timeUnit(top)
	if math.IsInf(low, 1) {
		return f
	}
	if factor, unit := timeUnit(low); top*factor < 1e5 {
		f.factor, f.unit = factor, unit
	}
	digits := func(x float64) int { return int(math.Floor(math.Log10(x*f.factor))) + 1 }
	f.decimals = min(max(4-digits(low), 0), max(6-digits(top), 0), 6)
	return f
}

// number formats x seconds without the unit.
func (f timeFormat) number(x float64) string {
	return strconv.FormatFloat(x*f.factor, 'f', f.decimals, 64)
}

// format formats x seconds with the unit.
func (f timeFormat) format(x float64) string { return f.number(x) + " " + f.unit }

// hbars draws the rows of a bar chart at y = slots−1−i for row i (the
// first on top), with error bars and a label right of each.
type hbars struct {
	rows []barRow
	// factor converts the rows' seconds to the axis's unit.
	factor float64
	// slots is the number of rows the axis has room for.
	slots      int
	labelStyle text.Style
	// short chooses the rows' short labels.
	short bool
}

// Plot implements plot.Plotter.
func (b *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	slot := trY(1) - trY(0)
	full := min(slot*0.32, 20)
	for i, r := range b.rows {
		y := trY(float64(b.slots - 1 - i))
		end := trX(0)
		for _, br := range r.bars {
			half := full * vg.Length(br.height)
			v := br.value * b.factor
			drawcheckSeries(c, br.key, func() {
				c.FillPolygon(br.color, rectPoints(vg.Rectangle{Min: vg.Point{X: trX(0), Y: y - half}, Max: vg.Point{X: trX(v), Y: y + half}}))
			})
			end = max(end, trX(v))
			if e := br.ci * b.factor; e > 0 {
				lo, hi := trX(math.Max(0, v-e)), trX(v+e)
				capH := max(half*0.9, 2.5)
				sty := draw.LineStyle{Color: textColor, Width: 1.2}
				c.StrokeLine2(sty, lo, y, hi, y)
				c.StrokeLine2(sty, lo, y-capH, lo, y+capH)
				c.StrokeLine2(sty, hi, y-capH, hi, y+capH)
				end = max(end, hi)
			}
		}
		label := r.label
		if b.short && r.short != "" {
			label = r.short
		}
		c.FillText(b.labelStyle, vg.Point{X: end + 6, Y: y}, label)
	}
}

// DataRange implements plot.DataRanger.
func (b *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	for _, r := range b.rows {
		for _, br := range r.bars {
			xmax = max(xmax, (br.value+br.ci)*b.factor)
		}
	}
	return 0, xmax, -0.5, float64(b.slots) - 0.5
}

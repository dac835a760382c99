package plots

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SweepUnit is how the values on a sweep figure's axis read.
type SweepUnit int

// The units of a sweep axis.
const (
	// SweepPlain values are counts, rates or sizes.
	SweepPlain SweepUnit = iota
	// SweepSeconds are shown in the unit their size calls for (ms, µs, ...).
	SweepSeconds
	// SweepFraction values are shown as percentages.
	SweepFraction
)

// SweepPlot is the data of one sweep figure: a metric against a varied
// parameter, one line per strategy and per value of a second parameter
// (drawn as markers and dashes, or as colours when there is one strategy),
// small multiples (panels) for the values of any further parameters, and
// 95% confidence intervals as error bars.
type SweepPlot struct {
	// Name is the figure's file name without extension
	// ("sweep-latency_p99_s").
	Name string
	// Title and Subtitle head the figure.
	Title, Subtitle string
	// XLabel and YLabel name the axes, without units; XUnit and YUnit say
	// how their values read.
	XLabel, YLabel string
	XUnit, YUnit   SweepUnit
	// XCategories, when not nil, makes x categorical: line points have x
	// 0, 1, ... for these labels.
	XCategories []string
	// LogX and LogY make the axes logarithmic; points not above zero are
	// left out.
	LogX, LogY bool
	// Strategies are the strategies' names; line i's colour is
	// StrategyColor(Colors[i]).
	Strategies []string
	Colors     []int
	// Styles label the values of the parameter drawn as line styles
	// ("io=5ms"), or are empty. With StyleByColor (a figure of one
	// strategy) they are drawn in the strategy palette instead.
	Styles       []string
	StyleByColor bool
	// Panels are the small multiples, in reading order; one panel draws
	// as a single plot.
	Panels []SweepPanel
	// Note is a small remark in the bottom right corner.
	Note string
}

// SweepPanel is one panel of a sweep figure.
type SweepPanel struct {
	// Title names the panel's values of the other parameters, or is empty.
	Title string
	// Lines are the panel's lines.
	Lines []SweepLine
}

// SweepLine is one line of a sweep panel: its points (drawn in order of
// X), each with the half-width of its 95% confidence interval (zero: no
// error bar).
type SweepLine struct {
	// Strategy and Style index SweepPlot.Strategies and Styles.
	Strategy, Style int
	X, Y, CI        []float64
}

// sweepGlyphs and sweepDashes draw the values of the line-style parameter.
var (
	sweepGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{},
		draw.CrossGlyph{}, draw.RingGlyph{}, draw.PlusGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}}
	sweepDashes = [][]vg.Length{nil, {6, 3}, {2, 2}, {8, 3, 2, 3}, {12, 4}, {1, 3}, {4, 4}, {10, 2, 2, 2, 2, 2}}
)

// SweepFigure returns the figure drawn from d.
func SweepFigure(d *SweepPlot) Figure {
	return Figure{Name: d.Name, Draw: func(c draw.Canvas) { drawSweep(c, d) }}
}

func drawSweep(c draw.Canvas, d *SweepPlot) {
	c = header(c, d.Title, d.Subtitle)
	var items []legendItem
	for i, name := range d.Strategies {
		if d.StyleByColor && len(d.Styles) > 0 {
			break
		}
		items = append(items, legendItem{label: elide(name, c), color: StrategyColor(d.Colors[i]), kind: swatchLine})
	}
	for i, s := range d.Styles {
		if d.StyleByColor {
			items = append(items, legendItem{label: elide(s, c), color: StrategyColor(i), kind: swatchLine})
		} else {
			items = append(items, legendItem{label: elide(s, c), color: mutedColor, kind: swatchGlyph, glyph: sweepGlyphs[i%len(sweepGlyphs)]})
		}
	}
	c = legendRow(c, items)
	if d.Note != "" {
		note(c, d.Note)
		sty := textStyle(sansFont, noteSize, mutedColor)
		c.Min.Y += sty.Rectangle(d.Note).Size().Y + 4
	}
	n := len(d.Panels)
	if n == 0 {
		note(c, "no data")
		return
	}

	// The data's range, shared by every panel.
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range d.Panels {
		for _, l := range p.Lines {
			for i := range l.X {
				x, y, e := l.X[i], l.Y[i], sweepFinite(l.CI[i])
				if !sweepKeep(d, x, y) {
					continue
				}
				xlo, xhi = min(xlo, x), max(xhi, x)
				lo := y - e
				if d.LogY && lo <= 0 {
					lo = y
				}
				ylo, yhi = min(ylo, lo), max(yhi, y+e)
			}
		}
	}
	if math.IsInf(xlo, 0) {
		note(c, "no data to plot")
		return
	}
	if !d.LogY && ylo > 0 {
		ylo = 0
	}
	if yhi <= ylo {
		yhi = ylo + 1
		if d.LogY {
			yhi = ylo * 10
		}
	}
	if xhi <= xlo { // one x: a range around it
		if d.LogX {
			xlo, xhi = xlo*0.5, xhi*2 // not ±0.5 first: below 0.5 that is below 0
		} else {
			xlo, xhi = xlo-0.5, xhi+0.5
		}
	}
	if d.XCategories != nil {
		xlo, xhi = -0.5, float64(len(d.XCategories))-0.5
	}
	yFactor, yUnitName := sweepScale(d.YUnit, d.LogY, math.Max(math.Abs(ylo), math.Abs(yhi)))
	xFactor, xUnitName := sweepScale(d.XUnit, d.LogX || d.XCategories != nil, math.Max(math.Abs(xlo), math.Abs(xhi)))
	// One label per axis, outside the panels: gonum would shrink each
	// panel to the size of its own.
	outer := c
	c = insideLabels(c, true)

	cells, cols := panelGrid(c, n)
	rows := len(cells)
	for k, panel := range d.Panels {
		p := newPlot()
		p.Add(grid(true, true))
		if n > 1 && panel.Title != "" {
			p.Title.Text = panel.Title
			p.Title.TextStyle = textStyle(sansFont, labelSize, textColor)
			p.Title.TextStyle.XAlign = draw.XCenter
			p.Title.TextStyle.YAlign = draw.YTop
			p.Title.Padding = 3
		}
		r, col := k/cols, k%cols
		sweepAxis(&p.X, d.XUnit, d.LogX, xFactor, d.XCategories, sweepXs(d))
		sweepAxis(&p.Y, d.YUnit, d.LogY, yFactor, nil, nil)
		p.X.Min, p.X.Max = xlo*xFactor, xhi*xFactor
		p.Y.Min, p.Y.Max = ylo*yFactor, yhi*yFactor
		if d.LogY {
			p.Y.Min, p.Y.Max = p.Y.Min/1.15, p.Y.Max*1.15
		} else {
			p.Y.Max += (p.Y.Max - p.Y.Min) * 0.04
		}
		if d.LogX && d.XCategories == nil {
			p.X.Min, p.X.Max = p.X.Min/1.08, p.X.Max*1.08
		} else if d.XCategories == nil {
			pad := (p.X.Max - p.X.Min) * 0.03
			p.X.Min, p.X.Max = p.X.Min-pad, p.X.Max+pad
		}
		for _, l := range panel.Lines {
			sweepAddLine(p, d, l, xFactor, yFactor)
		}
		cells[r][col] = p
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 14, PadY: 10}
	canvases := plot.Align(cells, tiles, c)
	if !fits(cells, canvases) {
		note(c, tooSmall)
		return
	}
	drawSharedLabels(outer, d.XLabel+xUnitName, d.YLabel+yUnitName)
	for r := range cells {
		for col, p := range cells[r] {
			if p != nil {
				p.Draw(canvases[r][col])
			}
		}
	}
}

// insideLabels returns the part of c that drawSharedLabels leaves: all
// but its left side, and its bottom with an x label.
func insideLabels(c draw.Canvas, x bool) draw.Canvas {
	h := textStyle(sansFont, labelSize, textColor).Height("M")
	c.Min.X += h + 4
	if x {
		c.Min.Y += h + 4
	}
	return c
}

// drawSharedLabels draws the x axis's label (if any) centred at the
// bottom of c and the y axis's up its left side.
func drawSharedLabels(c draw.Canvas, x, y string) {
	sty := textStyle(sansFont, labelSize, textColor)
	h := sty.Height("M")
	descent := sty.FontExtents().Descent
	sty.XAlign = draw.XCenter
	if x != "" {
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Min.Y + descent}, x)
	}
	sty.Rotation = math.Pi / 2
	c.FillText(sty, vg.Point{X: c.Min.X + h - descent, Y: (c.Min.Y + c.Max.Y) / 2}, y)
}

// tooSmall is the note of a figure whose panels have no room left for
// their data once their labels, markers and error bars are placed.
const tooSmall = "too small to draw: a larger --figure-size gives the labels room"

// fits reports whether every plot of cells has a data area of finite,
// positive size in its canvas: a label, marker or error bar wider than
// its panel leaves none, and gonum's padding arithmetic then divides by
// zero.
func fits(cells [][]*plot.Plot, canvases [][]draw.Canvas) bool {
	for r := range cells {
		for col, p := range cells[r] {
			if p == nil {
				continue
			}
			c := canvases[r][col]
			if !finiteRect(c.Rectangle) {
				return false
			}
			if d := p.DataCanvas(c); !finiteRect(d.Rectangle) {
				return false
			}
		}
	}
	return true
}

// finiteRect reports whether r's corners are finite numbers and r has a
// positive width and height.
func finiteRect(r vg.Rectangle) bool {
	w, h := float64(r.Max.X-r.Min.X), float64(r.Max.Y-r.Min.Y)
	return w > 0 && h > 0 && !math.IsInf(w, 0) && !math.IsInf(h, 0) &&
		!math.IsInf(float64(r.Min.X), 0) && !math.IsInf(float64(r.Min.Y), 0)
}

// panelGrid lays n panels out on c in the columns whose panels come
// closest to 4:3, and returns the empty grid (rows of cols cells) and
// cols.
func panelGrid(c draw.Canvas, n int) (cells [][]*plot.Plot, cols int) {
	cols, best := 1, math.Inf(1)
	for k := 1; k <= n; k++ {
		r := (n + k - 1) / k
		aspect := float64((c.Max.X-c.Min.X)/vg.Length(k)) / float64((c.Max.Y-c.Min.Y)/vg.Length(r))
		if score := math.Abs(math.Log(aspect / (4.0 / 3))); score < best-1e-9 {
			cols, best = k, score
		}
	}
	cells = make([][]*plot.Plot, (n+cols-1)/cols)
	for r := range cells {
		cells[r] = make([]*plot.Plot, cols)
	}
	return cells, cols
}

// sweepMax bounds the magnitude of the values a sweep figure draws, far
// beyond any statistic's, so that the axes' arithmetic (padding, decades)
// stays finite.
const sweepMax = 1e100

// sweepKeep reports whether a point can be drawn on d's axes.
func sweepKeep(d *SweepPlot, x, y float64) bool {
	if !(math.Abs(x) <= sweepMax) || !(math.Abs(y) <= sweepMax) {
		return false // NaN, infinite or out of bounds
	}
	return (!d.LogX || d.XCategories != nil || x > 1/sweepMax) && (!d.LogY || y > 1/sweepMax)
}

func sweepFinite(x float64) float64 {
	if !(x >= 0 && x <= sweepMax) {
		return 0
	}
	return x
}

// sweepXs returns the distinct x values of the figure, sorted.
func sweepXs(d *SweepPlot) []float64 {
	var xs []float64
	for _, p := range d.Panels {
		for _, l := range p.Lines {
			xs = append(xs, l.X...)
		}
	}
	slices.Sort(xs)
	return slices.Compact(xs)
}

// sweepScale returns the factor that turns an axis's values into the unit
// shown and the unit's label suffix (" (ms)"). Logarithmic and categorical
// time axes keep seconds, and fractions stay fractions: their tick labels
// carry the units.
func sweepScale(u SweepUnit, logOrCategorical bool, top float64) (float64, string) {
	switch u {
	case SweepSeconds:
		if logOrCategorical {
			return 1, ""
		}
		f, name := timeUnit(top)
		return f, " (" + name + ")"
	}
	return 1, ""
}

// sweepAxis sets an axis's scale and ticks. An axis with a few distinct
// values (xs) is labelled at exactly those values.
func sweepAxis(a *plot.Axis, u SweepUnit, log bool, factor float64, categories []string, xs []float64) {
	switch {
	case categories != nil:
		ticks := make([]plot.Tick, len(categories))
		for i, s := range categories {
			ticks[i] = plot.Tick{Value: float64(i), Label: s}
		}
		a.Tick.Marker = plot.ConstantTicks(ticks)
		return
	case log:
		a.Scale = plot.LogScale{}
	}
	if len(xs) > 0 && len(xs) <= 12 {
		ticks := make([]plot.Tick, 0, len(xs))
		for _, x := range xs {
			if log && x <= 0 {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: x * factor, Label: sweepTickLabel(u, x, factor)})
		}
		if !sweepCrowded(ticks, log) {
			a.Tick.Marker = plot.ConstantTicks(ticks)
			return
		}
	}
	switch {
	case log:
		a.Tick.Marker = sweepLogTicks{unit: u}
	case u == SweepFraction:
		a.Tick.Marker = niceTicks{suffix: "%", scale: 100}
	default:
		a.Tick.Marker = niceTicks{}
	}
}

// sweepCrowded reports whether value ticks would be too close together
// to read: the closest pair nearer than a fiftieth of the axis (in log
// space on a logarithmic axis).
func sweepCrowded(ticks []plot.Tick, log bool) bool {
	if len(ticks) < 3 {
		return false
	}
	pos := func(v float64) float64 {
		if log {
			return math.Log(v)
		}
		return v
	}
	span := pos(ticks[len(ticks)-1].Value) - pos(ticks[0].Value)
	for i := 1; i < len(ticks); i++ {
		if pos(ticks[i].Value)-pos(ticks[i-1].Value) < span/50 {
			return true
		}
	}
	return false
}

// sweepTickLabel formats an axis value (in the axis's unit after factor).
func sweepTickLabel(u SweepUnit, x, factor float64) string {
	switch u {
	case SweepSeconds:
		switch {
		case factor != 1:
			return strconv.FormatFloat(x*factor, 'g', 4, 64)
		case x >= 1e15:
			return strconv.FormatFloat(x, 'g', 4, 64) + " s"
		case x >= 1:
			return strconv.FormatFloat(x, 'f', -1, 64) + " s"
		}
		return formatDuration(x)
	case SweepFraction:
		return strconv.FormatFloat(100*x, 'g', 3, 64) + "%"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// sweepLogTicks labels a logarithmic axis: at round linear steps when it
// spans less than a decade, at 1, 2 and 5 × 10ⁿ up to a few decades, and
// at powers of ten beyond, with minor ticks between.
type sweepLogTicks struct{ unit SweepUnit }

// Ticks implements plot.Ticker.
func (t sweepLogTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	var ticks []plot.Tick
	if hi/lo < 10 {
		for _, tk := range (niceTicks{}).Ticks(lo, hi) {
			if tk.Value > 0 {
				ticks = append(ticks, plot.Tick{Value: tk.Value, Label: sweepTickLabel(t.unit, tk.Value, 1)})
			}
		}
		if len(ticks) >= 2 {
			return ticks
		}
	}
	decades := math.Log10(hi / lo)
	return logTicks(lo, hi, func(v, m, _ float64) string {
		if m == 1 || decades <= 2.5 && (m == 2 || m == 5) {
			return sweepTickLabel(t.unit, v, 1)
		}
		return ""
	})
}

// sweepErrs feeds plotter.NewYErrorBars.
type sweepErrs struct {
	plotter.XYs
	plotter.YErrors
}

// sweepAddLine adds a line with its markers and error bars to p.
func sweepAddLine(p *plot.Plot, d *SweepPlot, l SweepLine, xf, yf float64) {
	col := StrategyColor(d.Colors[l.Strategy])
	style := 0
	if len(d.Styles) > 0 {
		style = l.Style
		if d.StyleByColor {
			col, style = StrategyColor(l.Style), 0
		}
	}
	type pt struct{ x, y, e float64 }
	var pts []pt
	for i := range l.X {
		if sweepKeep(d, l.X[i], l.Y[i]) {
			pts = append(pts, pt{l.X[i], l.Y[i], sweepFinite(l.CI[i])})
		}
	}
	if len(pts) == 0 {
		return
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.x, b.x) })
	xys := make(plotter.XYs, len(pts))
	errs := make(plotter.YErrors, len(pts))
	anyCI := false
	for i, q := range pts {
		xys[i] = plotter.XY{X: q.x * xf, Y: q.y * yf}
		lo := q.e
		if d.LogY {
			lo = min(lo, 0.9*q.y)
		}
		errs[i].Low, errs[i].High = lo*yf, q.e*yf
		anyCI = anyCI || q.e > 0
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return
	}
	line.Color = col
	line.Width = 1.6
	line.Dashes = sweepDashes[style%len(sweepDashes)]
	points.Color = col
	points.Shape = sweepGlyphs[style%len(sweepGlyphs)]
	points.Radius = 2.6
	if len(pts) > 40 {
		points.Radius = 1.4
	}
	if anyCI {
		if eb, err := plotter.NewYErrorBars(sweepErrs{xys, errs}); err == nil {
			eb.LineStyle = draw.LineStyle{Color: sweepFade(col), Width: 1}
			eb.CapWidth = 5
			p.Add(eb)
		}
	}
	p.Add(line, points)
}

// sweepFade returns col a little transparent, for error bars.
func sweepFade(col color.Color) color.Color {
	r, g, b, _ := col.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xb0}
}

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
	// Unstable marks the points whose run was not stable (drawn hollow);
	// nil when none is, or stability is not known.
	Unstable []bool
}

// SweepFigure returns the figure drawn from d.
func SweepFigure(d *SweepPlot) Figure {
	return Figure{Name: d.Name, Draw: func(c draw.Canvas) { drawSweep(c, d) }}
}

// unstableLabel is the legend's entry for the hollow markers of points
// whose run was not stable.
const unstableLabel = "hollow: not stable"

func drawSweep(c draw.Canvas, d *SweepPlot) {
	c = header(c, d.Title, d.Subtitle)
	c = legendRow(c, sweepLegend(d, c))
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
	r, ok := sweepRange(d)
	if !ok {
		note(c, "no data to plot")
		return
	}
	yFactor, yUnitName := sweepScale(d.YUnit, d.LogY, math.Max(math.Abs(r.ylo), math.Abs(r.yhi)))
	xFactor, xUnitName := sweepScale(d.XUnit, d.LogX || d.XCategories != nil, math.Max(math.Abs(r.xlo), math.Abs(r.xhi)))
	// One label per axis, outside the panels: gonum would shrink each
	// panel to the size of its own.
	outer := c
	c = insideLabels(c, true)

	xTicks := sweepTickers(d.XUnit, d.LogX && d.XCategories == nil, d.XCategories)
	yTicks := sweepTickers(d.YUnit, d.LogY, nil)
	cells, cols := panelGrid(c, n)
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
		switch {
		case d.XCategories != nil:
			categorical(&p.X)
		case d.LogX:
			p.X.Scale = plot.LogScale{}
		}
		if d.LogY {
			p.Y.Scale = plot.LogScale{}
		}
		p.X.Tick.Marker, p.Y.Tick.Marker = xTicks[0], yTicks[0]
		p.X.Min, p.X.Max = r.xlo*xFactor, r.xhi*xFactor
		p.Y.Min, p.Y.Max = r.ylo*yFactor, r.yhi*yFactor
		for _, l := range panel.Lines {
			sweepAddLine(p, d, l, xFactor, yFactor)
		}
		cells[k/cols][k%cols] = p
	}
	tiles := draw.Tiles{Rows: len(cells), Cols: cols, PadX: 14, PadY: 10}
	canvases := plot.Align(cells, tiles, c)
	if !fits(cells, canvases) {
		note(c, tooSmall)
		return
	}
	// The densest ticks whose labels the panels' data areas hold apart,
	// then the layout again for their labels' widths.
	w, h := smallestDataArea(cells, canvases)
	first := cells[0][0]
	xm, ym := fitTicks(xTicks, first.X, w, true), fitTicks(yTicks, first.Y, h, false)
	for _, row := range cells {
		for _, p := range row {
			if p != nil {
				p.X.Tick.Marker, p.Y.Tick.Marker = xm, ym
			}
		}
	}
	canvases = plot.Align(cells, tiles, c)
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

// sweepLook is how a sweep line is drawn: its colour, dash pattern and
// marker shape (indexes), and how much wider than the narrowest it is
// (widen) and its markers larger than the smallest (grow), from 0 to 1.
// Lines that differ in one of them stay distinguishable where they
// coincide: the wider ones and the larger markers, drawn first, show
// around the others.
type sweepLook struct {
	color, dashes, glyph int
	widen, grow          float64
}

// look returns the look of line l of d. Without a line-style parameter
// each strategy gets its own colour, dashes and marker (in 80
// combinations); with one, its values get the dashes and markers and the
// strategies their colours and widths; a figure of one strategy draws
// the values in colours as well.
func (d *SweepPlot) look(l SweepLine) sweepLook {
	switch {
	case len(d.Styles) == 0:
		k := l.Strategy
		return sweepLook{color: d.Colors[k], dashes: (k + k/4) % 4, glyph: k % sweepShapes}
	case d.StyleByColor:
		k := l.Style
		return sweepLook{color: k, dashes: k % 4, glyph: k % sweepShapes}
	}
	return sweepLook{color: d.Colors[l.Strategy], dashes: l.Style % 4, glyph: l.Style % sweepShapes,
		widen: descending(l.Strategy, len(d.Strategies)), grow: descending(l.Style, len(d.Styles))}
}

// descending returns 1 for the first of n, 0 for the last, evenly
// between.
func descending(i, n int) float64 {
	if n <= 1 {
		return 0
	}
	return float64(n-1-i) / float64(n-1)
}

// sweepLegend returns the legend of d's lines, and a note on hollow
// markers when a point is unstable.
func sweepLegend(d *SweepPlot, c draw.Canvas) []legendItem {
	var items []legendItem
	switch {
	case len(d.Styles) == 0:
		for i, name := range d.Strategies {
			lk := d.look(SweepLine{Strategy: i})
			items = append(items, legendItem{label: elide(name, c), color: StrategyColor(lk.color), kind: swatchLine,
				dashes: lineDashes(lk.dashes), glyph: sweepGlyph{shape: lk.glyph}, key: name})
		}
	case d.StyleByColor:
		for i, s := range d.Styles {
			lk := d.look(SweepLine{Style: i})
			items = append(items, legendItem{label: elide(s, c), color: StrategyColor(lk.color), kind: swatchLine,
				dashes: lineDashes(lk.dashes), glyph: sweepGlyph{shape: lk.glyph}, key: s})
		}
	default:
		for i, name := range d.Strategies {
			items = append(items, legendItem{label: elide(name, c), color: StrategyColor(d.Colors[i]), kind: swatchLine, key: name})
		}
		for i, s := range d.Styles {
			lk := d.look(SweepLine{Style: i})
			items = append(items, legendItem{label: elide(s, c), color: mutedColor, kind: swatchLine,
				dashes: lineDashes(lk.dashes), glyph: sweepGlyph{shape: lk.glyph}})
		}
	}
	if d.anyUnstable() {
		items = append(items, legendItem{label: unstableLabel, color: mutedColor, kind: swatchGlyph, glyph: sweepGlyph{hollow: true}})
	}
	return items
}

// anyUnstable reports whether a point of d is marked unstable.
func (d *SweepPlot) anyUnstable() bool {
	for _, p := range d.Panels {
		for _, l := range p.Lines {
			if slices.Contains(l.Unstable, true) {
				return true
			}
		}
	}
	return false
}

// sweepRanges are the axes' ranges of a sweep figure, in the data's
// units, shared by every panel.
type sweepRanges struct{ xlo, xhi, ylo, yhi float64 }

// sweepRange returns the range of d's axes: every point with its error
// bar, padded, a linear y axis from zero, a logarithmic one from and to
// the 1-2-5 values around the data when it spans more than a decade, so
// that a labelled tick marks each end. It reports false when no point can
// be drawn.
func sweepRange(d *SweepPlot) (sweepRanges, bool) {
	r := sweepRanges{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, p := range d.Panels {
		for _, l := range p.Lines {
			for i := range l.X {
				x, y, e := l.X[i], l.Y[i], sweepFinite(l.CI[i])
				if !sweepKeep(d, x, y) {
					continue
				}
				r.xlo, r.xhi = min(r.xlo, x), max(r.xhi, x)
				r.ylo, r.yhi = min(r.ylo, y-sweepLow(d, y, e)), max(r.yhi, y+e)
			}
		}
	}
	if math.IsInf(r.xlo, 0) {
		return r, false
	}
	if !d.LogY && r.ylo > 0 {
		r.ylo = 0
	}
	// A range of one value is widened around it, by at least a thousandth
	// of it: ±0.5 around 1e19 is nothing, k·step is then the same float
	// for many k, and the axis has no width to map onto (FuzzFigures).
	if r.yhi <= r.ylo {
		r.yhi = r.ylo + max(1, math.Abs(r.ylo)*1e-3)
		if d.LogY {
			r.yhi = r.ylo * 10
		}
	}
	if r.xhi <= r.xlo { // one x: a range around it
		if d.LogX {
			r.xlo, r.xhi = r.xlo*0.5, r.xhi*2 // not ±0.5 first: below 0.5 that is below 0
		} else {
			half := max(0.5, math.Abs(r.xlo)*1e-3)
			r.xlo, r.xhi = r.xlo-half, r.xhi+half
		}
	}
	if d.LogY {
		r.ylo, r.yhi = logEnds(r.ylo, r.yhi)
	} else {
		r.yhi += (r.yhi - r.ylo) * 0.04
	}
	switch {
	case d.XCategories != nil:
		r.xlo, r.xhi = -0.5, float64(len(d.XCategories))-0.5
	case d.LogX:
		r.xlo, r.xhi = r.xlo/1.08, r.xhi*1.08
	default:
		pad := (r.xhi - r.xlo) * 0.03
		r.xlo, r.xhi = r.xlo-pad, r.xhi+pad
	}
	return r, true
}

// logEnds returns the range of a logarithmic axis for data from lo to
// hi: out to the nearest 1, 2 or 5 × 10ⁿ beyond when they span more than
// a decade, and a little beyond them in any case, so that no marker sits
// on the frame.
func logEnds(lo, hi float64) (float64, float64) {
	if hi/lo >= 10 {
		lo, hi = round125(lo, false), round125(hi, true)
	}
	return lo / 1.05, hi * 1.05
}

// round125 returns the nearest 1, 2 or 5 × 10ⁿ below x (or above, with
// up), x itself when it is one.
func round125(x float64, up bool) float64 {
	base := math.Pow(10, math.Floor(math.Log10(x)))
	if up {
		for _, m := range []float64{1, 2, 5} {
			if v := m * base; v >= x*(1-1e-12) {
				return v
			}
		}
		return 10 * base
	}
	for _, m := range []float64{10, 5, 2} {
		if v := m * base; v <= x*(1+1e-12) {
			return v
		}
	}
	return base
}

// sweepLow returns how far below y a point's error bar of half-width e
// reaches: e, but on a logarithmic axis no further than a tenth of y (an
// interval that reaches zero would reach down forever).
func sweepLow(d *SweepPlot, y, e float64) float64 {
	if d.LogY {
		return min(e, 0.9*y)
	}
	return e
}

// smallestDataArea returns the width and height of the smallest data
// area of cells' plots in their canvases.
func smallestDataArea(cells [][]*plot.Plot, canvases [][]draw.Canvas) (w, h vg.Length) {
	w, h = vg.Length(math.Inf(1)), vg.Length(math.Inf(1))
	for r := range cells {
		for col, p := range cells[r] {
			if p != nil {
				dc := p.DataCanvas(canvases[r][col])
				w, h = min(w, dc.Max.X-dc.Min.X), min(h, dc.Max.Y-dc.Min.Y)
			}
		}
	}
	return w, h
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

// sweepErrs feeds plotter.NewYErrorBars.
type sweepErrs struct {
	plotter.XYs
	plotter.YErrors
}

// sweepAddLine adds a line with its markers and error bars to p: stable
// points filled, unstable ones hollow.
func sweepAddLine(p *plot.Plot, d *SweepPlot, l SweepLine, xf, yf float64) {
	lk := d.look(l)
	key := d.Strategies[l.Strategy]
	if d.StyleByColor && len(d.Styles) > 0 {
		key = d.Styles[l.Style]
	}
	col := StrategyColor(lk.color)
	type pt struct {
		x, y, e  float64
		unstable bool
	}
	var pts []pt
	for i := range l.X {
		if sweepKeep(d, l.X[i], l.Y[i]) {
			pts = append(pts, pt{l.X[i], l.Y[i], sweepFinite(l.CI[i]), i < len(l.Unstable) && l.Unstable[i]})
		}
	}
	if len(pts) == 0 {
		return
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.x, b.x) })
	xys := make(plotter.XYs, len(pts))
	errs := make(plotter.YErrors, len(pts))
	var stable, unstable plotter.XYs
	anyCI := false
	for i, q := range pts {
		xys[i] = plotter.XY{X: q.x * xf, Y: q.y * yf}
		errs[i].Low, errs[i].High = sweepLow(d, q.y, q.e)*yf, q.e*yf
		anyCI = anyCI || q.e > 0
		if q.unstable {
			unstable = append(unstable, xys[i])
		} else {
			stable = append(stable, xys[i])
		}
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return
	}
	line.Color = col
	line.Width = vg.Length(1.6 + 1.4*lk.widen)
	line.Dashes = lineDashes(lk.dashes)
	radius := vg.Length(2.8 * (1 + 0.6*lk.grow))
	if len(pts) > 40 {
		radius = vg.Length(1.6 * (1 + 0.6*lk.grow))
	}
	if anyCI {
		if eb, err := plotter.NewYErrorBars(sweepErrs{xys, errs}); err == nil {
			eb.LineStyle = draw.LineStyle{Color: sweepFade(col), Width: 1}
			eb.CapWidth = 5
			p.Add(series{key, eb})
		}
	}
	p.Add(series{key, line})
	for k, set := range []plotter.XYs{stable, unstable} {
		if len(set) == 0 {
			continue
		}
		if sc, err := plotter.NewScatter(set); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: radius, Shape: sweepGlyph{shape: lk.glyph, hollow: k == 1}}
			p.Add(series{key, sc})
		}
	}
}

// sweepShapes is how many marker shapes sweepGlyph draws.
const sweepShapes = 4

// sweepGlyph draws a sweep line's marker: a circle, a triangle, a square
// or a diamond (by shape modulo sweepShapes), filled, or hollow (white
// inside, for an unstable point).
type sweepGlyph struct {
	shape  int
	hollow bool
}

// DrawGlyph implements draw.GlyphDrawer.
func (g sweepGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	switch g.shape % sweepShapes {
	case 0:
		path.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		path.Arc(pt, r, 0, 2*math.Pi)
	case 1:
		r *= 1.25
		for i := range 3 {
			a := math.Pi/2 + float64(i)*2*math.Pi/3
			q := vg.Point{X: pt.X + r*vg.Length(math.Cos(a)), Y: pt.Y + r*vg.Length(math.Sin(a))}
			if i == 0 {
				path.Move(q)
			} else {
				path.Line(q)
			}
		}
	case 2:
		r *= 0.9
		path.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
		path.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
		path.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
		path.Line(vg.Point{X: pt.X - r, Y: pt.Y + r})
	default:
		r *= 1.25
		path.Move(vg.Point{X: pt.X, Y: pt.Y - r})
		path.Line(vg.Point{X: pt.X + r, Y: pt.Y})
		path.Line(vg.Point{X: pt.X, Y: pt.Y + r})
		path.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	}
	path.Close()
	if !g.hollow {
		c.SetColor(sty.Color)
		c.Fill(path)
		return
	}
	c.SetColor(color.White)
	c.Fill(path)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: 1.2})
	c.Stroke(path)
}

// sweepFade returns col a little transparent, for error bars.
func sweepFade(col color.Color) color.Color {
	r, g, b, _ := col.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xb0}
}

package plots

import (
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"asyncsim/internal/drawcheck"
)

// The look shared by every figure: Liberation Sans (embedded in
// gonum/plot), sizes for a figure printed at 8 inches wide, dark grey
// secondary text and light grid lines.
var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// boldFont is Liberation Sans Bold registered under a variant of its
	// own with a normal weight: gonum/plot's PDF backend cannot find
	// fonts whose weight is bold.
	boldFont = font.Font{Typeface: "Liberation", Variant: "SansBold"}
	// trueBoldFont is Liberation Sans Bold as gonum/plot registers it.
	trueBoldFont = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}

	textColor  = color.Gray{0x20}
	mutedColor = color.Gray{0x55}
	gridColor  = color.Gray{0xdd}
	axisColor  = color.Gray{0x40}
)

func init() {
	for _, f := range liberation.Collection() {
		if f.Font == trueBoldFont {
			font.DefaultCache.Add(font.Collection{{Font: boldFont, Face: f.Face}})
		}
	}
}

// Font sizes, in points.
const (
	titleSize    = 13
	subtitleSize = 10
	labelSize    = 10.5
	tickSize     = 9.5
	legendSize   = 10
	noteSize     = 9
)

// margin is the blank border around a figure.
const margin = vg.Length(10)

func textStyle(f font.Font, size vg.Length, col color.Color) text.Style {
	return text.Style{Color: col, Font: font.From(f, size), Handler: plot.DefaultTextHandler,
		XAlign: draw.XLeft, YAlign: draw.YBottom}
}

// newPlot returns a plot in the shared style, without a title (figures
// draw their own header) and with nice ticks on both axes.
func newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.Transparent
	for k, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Tick.Label.Handler = &axisLabels{Handler: plot.DefaultTextHandler, axis: [2]string{"x", "y"}[k]}
		a.Label.TextStyle.Font = font.From(sansFont, labelSize)
		a.Label.TextStyle.Color = textColor
		a.Label.Padding = 4
		a.Tick.Label.Font = font.From(sansFont, tickSize)
		a.Tick.Label.Color = textColor
		a.Tick.Length = 4
		a.Tick.Color = axisColor
		a.Tick.Width = 0.6
		a.Color = axisColor
		a.Width = 0.6
		a.Padding = 0
		a.Tick.Marker = niceTicks{}
	}
	return p
}

// axisLabels draws the tick labels of one axis, telling drawcheck which
// axis they label (on any other canvas it only draws them).
type axisLabels struct {
	text.Handler
	axis string
	// categories marks the labels of a categorical axis.
	categories bool
}

// Draw implements text.Handler.
func (h *axisLabels) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	role := drawcheck.TickLabel
	if h.categories {
		role = drawcheck.CategoryLabel
	}
	drawcheck.Begin(c, drawcheck.Note{Role: role, Group: h, Axis: h.axis})
	h.Handler.Draw(c, txt, sty, pt)
	drawcheck.End(c)
}

// categorical makes a's tick labels those of a categorical axis
// (strategy names, rows), which may have any number of them.
func categorical(a *plot.Axis) {
	if h, ok := a.Tick.Label.Handler.(*axisLabels); ok {
		h.categories = true
	}
}

// series wraps the plotter that draws the data of one strategy (or
// state), telling drawcheck whose marks they are.
type series struct {
	key string
	plot.Plotter
}

// Plot implements plot.Plotter.
func (s series) Plot(c draw.Canvas, p *plot.Plot) {
	drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.Series, Key: s.key})
	s.Plotter.Plot(c, p)
	drawcheck.End(c.Canvas)
}

// DataRange implements plot.DataRanger: that of the plotter, if it has
// one, else one that widens no axis.
func (s series) DataRange() (xmin, xmax, ymin, ymax float64) {
	if r, ok := s.Plotter.(plot.DataRanger); ok {
		return r.DataRange()
	}
	return math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
}

// drawcheckSeries runs drawFn inside a drawcheck bracket of the series
// key, or bare when key is empty.
func drawcheckSeries(c draw.Canvas, key string, drawFn func()) {
	if key == "" {
		drawFn()
		return
	}
	drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.Series, Key: key})
	drawFn()
	drawcheck.End(c.Canvas)
}

// grid returns light grid lines at the major ticks of the chosen axes.
func grid(vertical, horizontal bool) *gridLines {
	return &gridLines{vertical: vertical, horizontal: horizontal}
}

// gridLines draws light lines at every tick of the plot's axes, labelled
// or not, so that stacked panels whose tick labels are left to the panel
// below keep their grid.
type gridLines struct{ vertical, horizontal bool }

// Plot implements plot.Plotter.
func (g *gridLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: gridColor, Width: 0.5}
	if g.vertical {
		for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if t.Value < p.X.Min || t.Value > p.X.Max || isLogMinor(p.X, t) {
				continue
			}
			x := trX(t.Value)
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	if g.horizontal {
		for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if t.Value < p.Y.Min || t.Value > p.Y.Max || isLogMinor(p.Y, t) {
				continue
			}
			y := trY(t.Value)
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}

// isLogMinor reports an unlabelled tick of a logarithmic axis: it gets
// no grid line.
func isLogMinor(a plot.Axis, t plot.Tick) bool {
	_, log := a.Scale.(plot.LogScale)
	return log && t.Label == ""
}

// header draws a figure's title and subtitle (either may be empty) in its
// top left corner and returns the canvas below them.
func header(c draw.Canvas, title, subtitle string) draw.Canvas {
	return layoutHeader(c, title, subtitle, true)
}

// headerSpace returns the canvas that header would leave, drawing nothing.
func headerSpace(c draw.Canvas, title, subtitle string) draw.Canvas {
	return layoutHeader(c, title, subtitle, false)
}

// layoutHeader lays out a header, drawing it if paint is set.
func layoutHeader(c draw.Canvas, title, subtitle string, paint bool) draw.Canvas {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	y := c.Max.Y
	width := c.Max.X - c.Min.X
	if title != "" {
		sty := textStyle(boldFont, titleSize, textColor)
		sty.YAlign = draw.YTop
		for _, line := range wrap(sty, title, width) {
			if paint {
				c.FillText(sty, vg.Point{X: c.Min.X, Y: y}, line)
			}
			y -= sty.Rectangle(line).Size().Y + 1
		}
		y -= 2
	}
	if subtitle != "" {
		sty := textStyle(sansFont, subtitleSize, mutedColor)
		sty.YAlign = draw.YTop
		for _, para := range strings.Split(subtitle, "\n") {
			for _, line := range wrap(sty, para, width) {
				if paint {
					c.FillText(sty, vg.Point{X: c.Min.X, Y: y}, line)
				}
				y -= sty.Rectangle(line).Size().Y + 1
			}
		}
	}
	c.Max.Y = y - 4
	return c
}

// wrap breaks s into lines no wider than width, at spaces.
func wrap(sty text.Style, s string, width vg.Length) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	var lines []string
	line := words[0]
	for _, w := range words[1:] {
		if sty.Width(line+" "+w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line += " " + w
	}
	return append(lines, line)
}

// lineDashes returns the dash pattern of the strategy with colour index
// k in line figures: solid, dashed, dotted, dash-dotted, in turn, so that
// strategies with identical curves stay distinguishable. The turn moves
// on by one with each round of the palette's ten colours, so that the
// first 40 strategies each have a colour and pattern of their own.
func lineDashes(k int) []vg.Length {
	switch (k + k/len(strategyPalette)) % 4 {
	case 1:
		return []vg.Length{7, 3}
	case 2:
		return []vg.Length{2, 2.5}
	case 3:
		return []vg.Length{8, 3, 2, 3}
	}
	return nil
}

// swatch is how a legend item shows its colour.
type swatch int

const (
	swatchBox     swatch = iota // a filled box
	swatchOutline               // an empty box: the idle state
	swatchLine                  // a line
	swatchGlyph                 // a marker
	swatchHatch                 // a filled box with diagonal stripes
)

// legendItem is one entry of a legend row.
type legendItem struct {
	label  string
	color  color.Color
	kind   swatch
	glyph  draw.GlyphDrawer
	dashes []vg.Length
	// hatch is the colour of a swatchHatch's stripes.
	hatch color.Color
	// key, if set, names the series the entry stands for: its marks in
	// the figure are drawn under the same key (see series).
	key string
}

// legendRow draws the items left to right at the top of c and returns
// the canvas below them. Items that do not fit one line are set in a
// grid of equal columns, wrapping onto further lines. Items never cover
// data: the legend sits between the header and the plot.
func legendRow(c draw.Canvas, items []legendItem) draw.Canvas { return layoutLegend(c, items, true) }

// legendSpace returns the canvas that legendRow would leave, drawing
// nothing.
func legendSpace(c draw.Canvas, items []legendItem) draw.Canvas { return layoutLegend(c, items, false) }

// layoutLegend lays out a legend, drawing it if paint is set.
func layoutLegend(c draw.Canvas, items []legendItem, paint bool) draw.Canvas {
	if len(items) == 0 {
		return c
	}
	sty := textStyle(sansFont, legendSize, textColor)
	sty.YAlign = draw.YCenter
	const gap, itemGap = vg.Length(5), vg.Length(16)
	sty.XAlign = draw.XLeft
	lineH := sty.Rectangle("Mg").Size().Y + 4
	widths := make([]vg.Length, len(items))
	var total, widest vg.Length
	for i, it := range items {
		widths[i] = swatchWidth(it.kind) + gap + sty.Width(it.label)
		total += widths[i] + itemGap
		widest = max(widest, widths[i])
	}
	room := c.Max.X - c.Min.X
	// One line if it fits, else columns as wide as the widest item; a
	// legend of more than maxWholeLegend items in at least four columns,
	// its labels elided to fit.
	col := vg.Length(0)
	if total-itemGap > room {
		col = widest + itemGap
		if cols := 4; len(items) > maxWholeLegend && int(room/col) < cols {
			col = room / vg.Length(cols)
			items = slices.Clone(items)
			for i, it := range items {
				fit := col - itemGap - swatchWidth(it.kind) - gap
				n := int(fit / (legendSize * 0.55))
				for n > 8 && sty.Width(elideTo(it.label, n)) > fit {
					n--
				}
				items[i].label = elideTo(it.label, n)
				widths[i] = swatchWidth(it.kind) + gap + sty.Width(items[i].label)
			}
		}
	}
	x, y := c.Min.X, c.Max.Y-lineH/2
	for i, it := range items {
		w := widths[i]
		if x > c.Min.X && x+w > c.Max.X {
			x, y = c.Min.X, y-lineH
		}
		if paint {
			if it.key != "" {
				drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.LegendEntry, Key: it.key})
			}
			sw := swatchWidth(it.kind)
			drawSwatch(c, it, vg.Rectangle{Min: vg.Point{X: x, Y: y - 5}, Max: vg.Point{X: x + sw, Y: y + 5}})
			c.FillText(sty, vg.Point{X: x + sw + gap, Y: y}, it.label)
			if it.key != "" {
				drawcheck.End(c.Canvas)
			}
		}
		if col > 0 {
			x += col
		} else {
			x += w + itemGap
		}
	}
	c.Max.Y = y - lineH/2 - 6
	return c
}

// maxWholeLegend is the most items a legend sets whole: the eleven of a
// timeline's (every state and kind of task span); one of more, of many
// strategies, has its labels elided to fit four columns.
const maxWholeLegend = 12

// swatchWidth is the width of a legend swatch of the given kind.
func swatchWidth(k swatch) vg.Length {
	switch k {
	case swatchLine:
		return 22
	case swatchGlyph:
		return 9
	}
	return 14
}

func drawSwatch(c draw.Canvas, it legendItem, r vg.Rectangle) {
	mid := (r.Min.Y + r.Max.Y) / 2
	switch it.kind {
	case swatchBox:
		c.FillPolygon(it.color, rectPoints(r))
	case swatchOutline:
		c.StrokeLines(draw.LineStyle{Color: mutedColor, Width: 0.6}, append(rectPoints(r), r.Min))
	case swatchLine:
		c.StrokeLine2(draw.LineStyle{Color: it.color, Width: 2.2, Dashes: it.dashes}, r.Min.X, mid, r.Max.X, mid)
		if it.glyph != nil { // a line with its marker
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: it.color, Radius: 3, Shape: it.glyph},
				vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: mid})
		}
	case swatchGlyph:
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: it.color, Radius: 3.5, Shape: it.glyph},
			vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: mid})
	case swatchHatch:
		c.FillPolygon(it.color, rectPoints(r))
		hatch(c, r, it.hatch)
	}
}

// hatchStep is the horizontal distance between the stripes of hatch.
const hatchStep = vg.Length(4)

// hatch strikes r with stripes of colour col rising at 45°, placed on a
// grid of the canvas so that the stripes of adjacent bars line up.
func hatch(c draw.Canvas, r vg.Rectangle, col color.Color) {
	h := r.Max.Y - r.Min.Y
	if h <= 0 || r.Max.X <= r.Min.X {
		return
	}
	sty := draw.LineStyle{Color: col, Width: 1}
	// The stripe through (x0, r.Min.Y) reaches (x0+h, r.Max.Y).
	first := vg.Length(math.Floor(float64((r.Min.X-h-r.Min.Y)/hatchStep)))*hatchStep + r.Min.Y
	for x0 := first; x0 < r.Max.X; x0 += hatchStep {
		t0, t1 := max(0, r.Min.X-x0), min(h, r.Max.X-x0)
		if t1 > t0 {
			c.StrokeLine2(sty, x0+t0, r.Min.Y+t0, x0+t1, r.Min.Y+t1)
		}
	}
}

func rectPoints(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
}

// note draws a small muted text at the bottom right of c.
func note(c draw.Canvas, s string) {
	sty := textStyle(sansFont, noteSize, mutedColor)
	sty.XAlign = draw.XRight
	c.FillText(sty, vg.Point{X: c.Max.X, Y: c.Min.Y}, s)
}

// alignX crops the canvases of vertically stacked plots so that their data
// areas share the same left and right edges, as plot.Align does for a
// regular grid.
func alignX(ps []*plot.Plot, cs []draw.Canvas) {
	var left, right vg.Length
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		left = max(left, dc.Min.X-cs[i].Min.X)
		right = max(right, cs[i].Max.X-dc.Max.X)
	}
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		cs[i] = draw.Crop(cs[i], left-(dc.Min.X-cs[i].Min.X), -(right - (cs[i].Max.X - dc.Max.X)), 0, 0)
	}
}

// niceTicks labels an axis at round steps (1, 2 or 5 × 10ⁿ), about six
// of them, formatted with the decimals the step needs and an optional
// suffix ("%").
type niceTicks struct {
	suffix string
	// scale multiplies values for their labels (100 for percentages of
	// fractions).
	scale float64
	// parts is about how many steps to cut the axis into (default 6).
	parts int
	// step, if set, is the step, instead of one chosen by parts.
	step float64
}

// Ticks implements plot.Ticker. An axis gets at least three labelled
// ticks where its range allows, so that a reader can tell its step: a
// round step too coarse for the range (0 to 4,113 cut in two parts is a
// step of 5,000, which leaves the axis a lone 0) is refined until three
// fit.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	parts := t.parts
	if parts <= 0 {
		parts = 6
	}
	ticks := t.ticks(lo, hi, parts)
	for refined := 0; len(ticks) < 3 && hi > lo && refined < 4 && t.step == 0; refined++ {
		parts *= 2
		ticks = t.ticks(lo, hi, parts)
	}
	return ticks
}

// ticks returns the ticks of a step that cuts [lo, hi] in about parts.
func (t niceTicks) ticks(lo, hi float64, parts int) []plot.Tick {
	step := t.step
	if step == 0 {
		step = niceStep(hi-lo, parts)
	}
	scale := t.scale
	if scale == 0 {
		scale = 1
	}
	if math.Abs(lo/step) >= 1<<52 || math.Abs(hi/step) >= 1<<52 {
		// Steps too fine for the values' precision (a range of nothing
		// around 1e19, where k+1 = k): the ends alone.
		var ticks []plot.Tick
		for _, v := range []float64{lo, hi} {
			if len(ticks) == 0 || v != ticks[0].Value {
				ticks = append(ticks, plot.Tick{Value: v, Label: exponentLabel(v*scale, math.Abs(v*scale)*1e-3) + t.suffix})
			}
		}
		return ticks
	}
	// The decimals of the labels' step: 20%, not 20.0%, for 0.2.
	decimals := max(0, -int(math.Floor(math.Log10(step*scale)+1e-9)))
	// Beyond these magnitudes plain decimals would make labels too long
	// to fit: exponents instead, with the digits the step needs.
	exponent := max(math.Abs(lo), math.Abs(hi))*scale >= 1e15 || step*scale < 1e-9
	// An axis that reaches 10,000 groups the thousands of all its labels,
	// 5,000 beside 10,000 (not 5000).
	grouped := max(math.Abs(lo), math.Abs(hi))*scale >= 1e4
	var ticks []plot.Tick
	// v − hi, not hi + a tolerance, which overflows to +Inf near the
	// largest numbers and would never end the loop.
	for k := math.Ceil(lo/step - 1e-9); k*step-hi <= step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		label := strconv.FormatFloat(v*scale, 'f', decimals, 64)
		if grouped {
			label = groupDigits(label, 4)
		}
		if exponent {
			label = exponentLabel(v*scale, step*scale)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label + t.suffix})
	}
	return ticks
}

// exponentLabel formats v in exponent notation with the significant
// digits that multiples of step need: "1.5e+20", "-3e-12", "1.000000000001".
func exponentLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	digits := int(math.Floor(math.Log10(math.Abs(v))) - math.Floor(math.Log10(step)+1e-9))
	return strconv.FormatFloat(v, 'g', min(max(digits, 0), 16)+1, 64)
}

// niceStep returns a round step (1, 2 or 5 × 10ⁿ) that cuts span into
// about the given number of parts; 1 for a span that has none, and the
// largest number for one too large to cut (so that no axis gets more than
// a few ticks).
func niceStep(span float64, parts int) float64 {
	raw := span / float64(parts)
	switch {
	case math.IsInf(raw, 1):
		return math.MaxFloat64
	case !(raw > 0):
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag*1.000001 {
			return m * mag
		}
	}
	return 10 * mag
}

// logTimeTicks labels a logarithmic axis in seconds at each power of ten,
// with its unit ("100 µs", "1 ms", "10 s"), and marks 2…9 × 10ⁿ; on an
// axis of fewer than three powers of ten it labels 2 and 5 × 10ⁿ too,
// and on one of fewer than three of those every mark, so that an axis
// has three labelled ticks where its range allows.
type logTimeTicks struct{}

// Ticks implements plot.Ticker.
func (logTimeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, labelled := range [][]float64{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		ticks = logTicks(lo, hi, func(_, m, e float64) string {
			if slices.Contains(labelled, m) {
				return durationLabel(m, e)
			}
			return ""
		})
		n := 0
		for _, t := range ticks {
			if t.Label != "" {
				n++
			}
		}
		if n >= 3 {
			break
		}
	}
	return ticks
}

// logTicks returns a tick at each m × 10ᵉ (m = 1…9) from lo to hi, labelled
// by label(v, m, e), where an empty label makes a minor tick.
func logTicks(lo, hi float64, label func(v, m, e float64) string) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi*1.000001; e++ {
		base := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * base
			if v < lo*0.999999 || v > hi*1.000001 {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label(v, m, e)})
		}
	}
	return ticks
}

// durationLabel formats m × 10^e seconds (m from 1 to 9) with the unit
// of 10^e: "1 ns" … "100 s", "20 ms", "500 µs".
func durationLabel(m, e float64) string {
	units := []struct {
		exp  int
		name string
	}{{0, "s"}, {-3, "ms"}, {-6, "µs"}, {-9, "ns"}}
	n := int(e)
	for _, u := range units {
		if n >= u.exp && n < 15 {
			return strconv.FormatFloat(m*math.Pow(10, float64(n-u.exp)), 'f', -1, 64) + " " + u.name
		}
	}
	return strconv.FormatFloat(m*math.Pow(10, e), 'g', -1, 64) + " s"
}

// timeUnit returns the unit to show times up to maxSeconds in, as the
// factor from seconds and its name.
func timeUnit(maxSeconds float64) (factor float64, name string) {
	switch m := math.Abs(maxSeconds); {
	case m >= 3*3600:
		return 1.0 / 3600, "h"
	case m >= 120:
		return 1.0 / 60, "min"
	case m >= 1:
		return 1, "s"
	case m >= 1e-3:
		return 1e3, "ms"
	case m >= 1e-6:
		return 1e6, "µs"
	}
	return 1e9, "ns"
}

// formatSeconds formats a time for people, in the unit its size calls
// for: "10.020 s", "2.500 ms", "75.02 min".
func formatSeconds(x float64) string {
	if x == 0 {
		return "0 s"
	}
	f, unit := timeUnit(x)
	v := x * f
	decimals := 3
	if unit != "s" {
		decimals = max(0, 3-int(math.Floor(math.Log10(math.Abs(v)))))
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + " " + unit
}

// formatDuration formats a time compactly, trimming zeros: "2 s",
// "213.5 ms", "1.5 min".
func formatDuration(x float64) string {
	if x == 0 {
		return "0 s"
	}
	f, unit := timeUnit(x)
	return trimNumber(x*f) + " " + unit
}

// trimNumber formats v with four significant digits, without trailing
// zeros: "2", "213.5", "0.05".
func trimNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	if a := math.Abs(v); a >= 1e15 || a < 1e-6 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	decimals := max(0, 3-int(math.Floor(math.Log10(math.Abs(v)))))
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// groupThousands puts commas between the thousands of a number's integer
// part from 10,000 up: "1,000,000", "25,000.5".
func groupThousands(s string) string { return groupDigits(s, 5) }

// groupDigits puts commas between the thousands of a number's integer
// part when it has at least digits digits.
func groupDigits(s string, digits int) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if len(whole) < digits {
		return sign + s
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// plural returns "1 task", "2 tasks", "10,000 tasks".
func plural(n int64, word string) string {
	s := groupThousands(strconv.FormatInt(n, 10)) + " " + word
	if n != 1 {
		s += "s"
	}
	return s
}

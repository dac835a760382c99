package drawcheck

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Role is what a drawn thing is in a figure.
type Role int

// The roles of drawn things.
const (
	// Plain is any text or mark outside a Begin/End bracket.
	Plain Role = iota
	// TickLabel is a tick label of a numeric axis, Note.Group.
	TickLabel
	// CategoryLabel is a tick label of a categorical axis, Note.Group
	// (strategy names, timeline rows): labels must not overprint, but
	// an axis may have any number of them.
	CategoryLabel
	// LegendEntry is the swatch and label of the legend entry of the
	// series Note.Key.
	LegendEntry
	// Series is a data mark of the series Note.Key.
	Series
)

var roleNames = [...]string{Plain: "plain", TickLabel: "tick label", CategoryLabel: "category label",
	LegendEntry: "legend entry", Series: "mark"}

// String returns the role's name in messages.
func (r Role) String() string {
	if r >= 0 && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role?"
}

// Note says what the texts and marks drawn between a Begin and its End
// are.
type Note struct {
	// Role is their role.
	Role Role
	// Group identifies the axis of tick and category labels: any
	// comparable value, the same for every label of one axis (such as a
	// pointer that the axis owns).
	Group any
	// Axis names the axis in messages ("x", "y").
	Axis string
	// Key identifies the series of legend entries and marks.
	Key string
}

// annotator is implemented by Canvas.
type annotator interface {
	begin(Note)
	end()
}

// Begin starts a bracket of drawn things described by n on c, if c is a
// Canvas (directly or inside a draw.Canvas); on any other canvas it does
// nothing. Brackets nest: the innermost one describes what is drawn.
func Begin(c vg.Canvas, n Note) {
	if a, ok := unwrap(c).(annotator); ok {
		a.begin(n)
	}
}

// End ends the innermost bracket that Begin started on c.
func End(c vg.Canvas) {
	if a, ok := unwrap(c).(annotator); ok {
		a.end()
	}
}

// unwrap returns the canvas inside draw.Canvas values.
func unwrap(c vg.Canvas) vg.Canvas {
	for {
		switch d := c.(type) {
		case *draw.Canvas:
			c = d.Canvas
		case draw.Canvas:
			c = d.Canvas
		default:
			return c
		}
	}
}

// Text is a text that a figure drew.
type Text struct {
	// Note says what the text is.
	Note Note
	// Text is the string drawn.
	Text string
	// Font and Size are the font's name and size.
	Font string
	Size vg.Length
	// Box is the box from the font's descent below the baseline to its
	// ascent above, across the text's width, in canvas coordinates
	// (rotated text has the box around its rotated box).
	Box vg.Rectangle
	// Color is the text's colour.
	Color color.Color
}

// Mark is a stroke, fill or image that a figure drew.
type Mark struct {
	// Note says what the mark is.
	Note Note
	// Op is "stroke", "fill" or "image".
	Op string
	// Box bounds the mark in canvas coordinates, a stroke's width
	// included.
	Box vg.Rectangle
	// Color is the mark's colour.
	Color color.Color
	// Width and Dashes are a stroke's line width and dash pattern.
	Width  vg.Length
	Dashes []vg.Length
}

// affine is x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

// then returns the transform that applies o first, then m.
func (m affine) then(o affine) affine {
	return affine{
		a: m.a*o.a + m.c*o.b, b: m.b*o.a + m.d*o.b,
		c: m.a*o.c + m.c*o.d, d: m.b*o.c + m.d*o.d,
		e: m.a*o.e + m.c*o.f + m.e, f: m.b*o.e + m.d*o.f + m.f,
	}
}

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

// box returns the canvas box around the transformed rectangle r.
func (m affine) box(r vg.Rectangle) vg.Rectangle {
	var b bounds
	for _, p := range []vg.Point{r.Min, r.Max, {X: r.Min.X, Y: r.Max.Y}, {X: r.Max.X, Y: r.Min.Y}} {
		b.add(m.apply(p))
	}
	return b.r
}

// bounds grows a rectangle around points.
type bounds struct {
	r   vg.Rectangle
	any bool
}

func (b *bounds) add(p vg.Point) {
	if !b.any {
		b.r, b.any = vg.Rectangle{Min: p, Max: p}, true
		return
	}
	b.r.Min.X, b.r.Min.Y = min(b.r.Min.X, p.X), min(b.r.Min.Y, p.Y)
	b.r.Max.X, b.r.Max.Y = max(b.r.Max.X, p.X), max(b.r.Max.Y, p.Y)
}

// state is the graphics state that Push saves and Pop restores.
type state struct {
	m      affine
	color  color.Color
	width  vg.Length
	dashes []vg.Length
}

// Canvas is a vg.CanvasSizer that records the texts and marks drawn on
// it instead of drawing them. Its zero value is not usable: see
// NewCanvas.
type Canvas struct {
	w, h  vg.Length
	cur   state
	saved []state
	notes []Note
	texts []Text
	marks []Mark
}

// NewCanvas returns an empty Canvas of width w and height h.
func NewCanvas(w, h vg.Length) *Canvas {
	return &Canvas{w: w, h: h, cur: state{m: identity, color: color.Black, width: 1}}
}

// Record draws a figure with draw on a new w×h Canvas and returns it.
func Record(w, h vg.Length, drawFn func(draw.Canvas)) *Canvas {
	c := NewCanvas(w, h)
	drawFn(draw.New(c))
	return c
}

// Texts returns the texts drawn, in order.
func (c *Canvas) Texts() []Text { return c.texts }

// Marks returns the marks drawn, in order.
func (c *Canvas) Marks() []Mark { return c.marks }

func (c *Canvas) begin(n Note) { c.notes = append(c.notes, n) }

func (c *Canvas) end() {
	if len(c.notes) > 0 {
		c.notes = c.notes[:len(c.notes)-1]
	}
}

func (c *Canvas) note() Note {
	if len(c.notes) == 0 {
		return Note{}
	}
	return c.notes[len(c.notes)-1]
}

// Size implements vg.CanvasSizer.
func (c *Canvas) Size() (w, h vg.Length) { return c.w, c.h }

// SetLineWidth implements vg.Canvas.
func (c *Canvas) SetLineWidth(w vg.Length) { c.cur.width = w }

// SetLineDash implements vg.Canvas.
func (c *Canvas) SetLineDash(dashes []vg.Length, _ vg.Length) {
	c.cur.dashes = append([]vg.Length(nil), dashes...)
}

// SetColor implements vg.Canvas.
func (c *Canvas) SetColor(col color.Color) {
	if col == nil {
		col = color.Black
	}
	c.cur.color = col
}

// Rotate implements vg.Canvas.
func (c *Canvas) Rotate(rad float64) {
	sin, cos := math.Sincos(rad)
	c.cur.m = c.cur.m.then(affine{a: cos, b: sin, c: -sin, d: cos})
}

// Translate implements vg.Canvas.
func (c *Canvas) Translate(pt vg.Point) {
	c.cur.m = c.cur.m.then(affine{a: 1, d: 1, e: float64(pt.X), f: float64(pt.Y)})
}

// Scale implements vg.Canvas.
func (c *Canvas) Scale(x, y float64) { c.cur.m = c.cur.m.then(affine{a: x, d: y}) }

// Push implements vg.Canvas.
func (c *Canvas) Push() { c.saved = append(c.saved, c.cur) }

// Pop implements vg.Canvas.
func (c *Canvas) Pop() {
	if n := len(c.saved); n > 0 {
		c.cur, c.saved = c.saved[n-1], c.saved[:n-1]
	}
}

// Stroke implements vg.Canvas.
func (c *Canvas) Stroke(p vg.Path) {
	r, ok := c.pathBox(p)
	if !ok {
		return
	}
	// A stroke reaches half its width past the path (scaled as the path).
	hw := c.cur.width / 2 * vg.Length(math.Sqrt(math.Abs(c.cur.m.a*c.cur.m.d-c.cur.m.b*c.cur.m.c)))
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X-hw, r.Min.Y-hw, r.Max.X+hw, r.Max.Y+hw
	c.marks = append(c.marks, Mark{Note: c.note(), Op: "stroke", Box: r, Color: c.cur.color,
		Width: c.cur.width, Dashes: c.cur.dashes})
}

// Fill implements vg.Canvas.
func (c *Canvas) Fill(p vg.Path) {
	if r, ok := c.pathBox(p); ok {
		c.marks = append(c.marks, Mark{Note: c.note(), Op: "fill", Box: r, Color: c.cur.color})
	}
}

// pathBox returns the canvas box around a path (arcs by their whole
// circle), false for an empty path.
func (c *Canvas) pathBox(p vg.Path) (vg.Rectangle, bool) {
	var b bounds
	for _, comp := range p {
		switch comp.Type {
		case vg.MoveComp, vg.LineComp:
			b.add(c.cur.m.apply(comp.Pos))
		case vg.ArcComp:
			r := comp.Radius
			box := c.cur.m.box(vg.Rectangle{Min: vg.Point{X: comp.Pos.X - r, Y: comp.Pos.Y - r},
				Max: vg.Point{X: comp.Pos.X + r, Y: comp.Pos.Y + r}})
			b.add(box.Min)
			b.add(box.Max)
		case vg.CurveComp:
			for _, q := range comp.Control {
				b.add(c.cur.m.apply(q))
			}
			b.add(c.cur.m.apply(comp.Pos))
		}
	}
	return b.r, b.any
}

// FillString implements vg.Canvas.
func (c *Canvas) FillString(f font.Face, pt vg.Point, s string) {
	if s == "" {
		return
	}
	ext := f.Extents()
	r := vg.Rectangle{Min: vg.Point{X: pt.X, Y: pt.Y - ext.Descent}, Max: vg.Point{X: pt.X + f.Width(s), Y: pt.Y + ext.Ascent}}
	c.texts = append(c.texts, Text{Note: c.note(), Text: s, Font: f.Name(), Size: f.Font.Size,
		Box: c.cur.m.box(r), Color: c.cur.color})
}

// DrawImage implements vg.Canvas.
func (c *Canvas) DrawImage(r vg.Rectangle, _ image.Image) {
	c.marks = append(c.marks, Mark{Note: c.note(), Op: "image", Box: c.cur.m.box(r), Color: color.Black})
}

// Operations returns the texts and marks drawn, one a line in the order
// drawn within each kind, with coordinates rounded to a tenth of a
// point: a record of a figure's look whose diff a reviewer can read.
func (c *Canvas) Operations() string {
	var b strings.Builder
	fmt.Fprintf(&b, "canvas %.1f×%.1f\n", c.w, c.h)
	for _, t := range c.texts {
		fmt.Fprintf(&b, "text %s%s %s %.1f %s %q\n", t.Note.Role, noteSuffix(t.Note), t.Font, t.Size, rect(t.Box), t.Text)
	}
	for _, m := range c.marks {
		fmt.Fprintf(&b, "%s %s%s %s %s", m.Op, m.Note.Role, noteSuffix(m.Note), hex(m.Color), rect(m.Box))
		if m.Op == "stroke" {
			fmt.Fprintf(&b, " width %.2f", m.Width)
			if len(m.Dashes) > 0 {
				fmt.Fprintf(&b, " dashes %v", m.Dashes)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func noteSuffix(n Note) string {
	switch {
	case n.Key != "":
		return "[" + n.Key + "]"
	case n.Axis != "":
		return "[" + n.Axis + "]"
	}
	return ""
}

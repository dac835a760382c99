package drawcheck

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot/vg"
)

// Defect is a kind of violation.
type Defect int

// The defects Check reports.
const (
	// Overlap is two texts whose boxes overlap.
	Overlap Defect = iota
	// Overprint is two tick labels of one axis that overlap.
	Overprint
	// Outside is a text or mark that leaves the canvas.
	Outside
	// FewTicks is a numeric axis with fewer than Options.MinTicks
	// labelled ticks.
	FewTicks
	// Unmarked is a legend entry whose series has no visible mark.
	Unmarked
)

var defectNames = [...]string{Overlap: "overlap", Overprint: "overprint", Outside: "outside",
	FewTicks: "few ticks", Unmarked: "unmarked"}

// String returns the defect's name.
func (d Defect) String() string {
	if d >= 0 && int(d) < len(defectNames) {
		return defectNames[d]
	}
	return "defect?"
}

// Violation is one defect of a figure.
type Violation struct {
	// Defect is its kind.
	Defect Defect
	// Message describes it, naming the texts or marks at fault.
	Message string
}

// String returns "defect: message".
func (v Violation) String() string { return v.Defect.String() + ": " + v.Message }

// Options tune Check.
type Options struct {
	// MinTicks is the fewest labelled ticks a numeric axis may have
	// (default 3).
	MinTicks int
	// Tolerance is how far, in points, boxes may overlap or leave the
	// canvas before it counts (default 0.5): a glyph's ascent and
	// descent reach beyond its ink.
	Tolerance vg.Length
}

// Check returns the defects of the recorded figure, texts before marks,
// each group in the order drawn.
func (c *Canvas) Check(o Options) []Violation {
	if o.MinTicks == 0 {
		o.MinTicks = 3
	}
	if o.Tolerance == 0 {
		o.Tolerance = 0.5
	}
	var vs []Violation
	add := func(d Defect, format string, args ...any) {
		vs = append(vs, Violation{Defect: d, Message: fmt.Sprintf(format, args...)})
	}
	texts := visibleTexts(c.texts)
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if !overlap(a.Box, b.Box, o.Tolerance) {
				continue
			}
			if isLabel(a.Note) && a.Note.Role == b.Note.Role && a.Note.Group == b.Note.Group {
				add(Overprint, "%s axis labels %q and %q overprint (%s, %s)", a.Note.Axis, a.Text, b.Text, rect(a.Box), rect(b.Box))
				continue
			}
			add(Overlap, "%s %q and %s %q overlap (%s, %s)", a.Note.Role, a.Text, b.Note.Role, b.Text, rect(a.Box), rect(b.Box))
		}
	}
	canvas := vg.Rectangle{Max: vg.Point{X: c.w, Y: c.h}}
	for _, t := range texts {
		if !inside(t.Box, canvas, o.Tolerance) {
			add(Outside, "%s %q at %s leaves the %s canvas", t.Note.Role, t.Text, rect(t.Box), rect(canvas))
		}
	}
	// Labelled ticks per numeric axis, in the order the axes were drawn.
	var axes []Note
	count := map[any]int{}
	for _, t := range texts {
		if t.Note.Role != TickLabel {
			continue
		}
		if count[t.Note.Group] == 0 {
			axes = append(axes, t.Note)
		}
		count[t.Note.Group]++
	}
	for _, a := range axes {
		if n := count[a.Group]; n < o.MinTicks {
			add(FewTicks, "a %s axis has %d labelled ticks, fewer than %d", a.Axis, n, o.MinTicks)
		}
	}
	for _, m := range c.marks {
		if visible(m.Color) && !inside(m.Box, canvas, o.Tolerance) {
			add(Outside, "%s %s of colour %s at %s leaves the %s canvas", m.Note.Role, m.Op, hex(m.Color), rect(m.Box), rect(canvas))
		}
	}
	for _, key := range legendKeys(c) {
		if !c.marked(key, canvas) {
			add(Unmarked, "legend entry %q has no visible mark in the colour of its swatch", key)
		}
	}
	return vs
}

func isLabel(n Note) bool { return n.Role == TickLabel || n.Role == CategoryLabel }

// visibleTexts leaves out blank and transparent texts.
func visibleTexts(ts []Text) []Text {
	var out []Text
	for _, t := range ts {
		if strings.TrimSpace(t.Text) != "" && visible(t.Color) {
			out = append(out, t)
		}
	}
	return out
}

// legendKeys returns the series of the legend entries, in order.
func legendKeys(c *Canvas) []string {
	var keys []string
	seen := map[string]bool{}
	add := func(n Note) {
		if n.Role == LegendEntry && !seen[n.Key] {
			seen[n.Key] = true
			keys = append(keys, n.Key)
		}
	}
	for _, t := range c.texts {
		add(t.Note)
	}
	for _, m := range c.marks {
		add(m.Note)
	}
	return keys
}

// marked reports whether the series key has a visible mark on the
// canvas in a colour of its legend swatch.
func (c *Canvas) marked(key string, canvas vg.Rectangle) bool {
	var swatch []color.Color
	for _, m := range c.marks {
		if m.Note.Role == LegendEntry && m.Note.Key == key && visible(m.Color) {
			swatch = append(swatch, m.Color)
		}
	}
	for _, m := range c.marks {
		if m.Note.Role != Series || m.Note.Key != key || !visible(m.Color) || !intersects(m.Box, canvas) {
			continue
		}
		for _, s := range swatch {
			if sameColor(s, m.Color) {
				return true
			}
		}
	}
	return false
}

// overlap reports whether a and b overlap by more than tol both ways.
func overlap(a, b vg.Rectangle, tol vg.Length) bool {
	w := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	h := min(a.Max.Y, b.Max.Y) - max(a.Min.Y, b.Min.Y)
	return w > tol && h > tol
}

// inside reports whether r lies within outer, give or take tol.
func inside(r, outer vg.Rectangle, tol vg.Length) bool {
	return r.Min.X >= outer.Min.X-tol && r.Min.Y >= outer.Min.Y-tol && r.Max.X <= outer.Max.X+tol && r.Max.Y <= outer.Max.Y+tol
}

// intersects reports whether r and outer share a point.
func intersects(r, outer vg.Rectangle) bool {
	return r.Max.X >= outer.Min.X && r.Min.X <= outer.Max.X && r.Max.Y >= outer.Min.Y && r.Min.Y <= outer.Max.Y
}

// visible reports whether a colour shows on a white canvas.
func visible(col color.Color) bool {
	r, g, b, a := col.RGBA()
	return a > 0 && !(r == a && g == a && b == a && a == 0xffff)
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func hex(col color.Color) string {
	r, g, b, a := col.RGBA()
	return fmt.Sprintf("#%02x%02x%02x%02x", r>>8, g>>8, b>>8, a>>8)
}

func rect(r vg.Rectangle) string {
	return fmt.Sprintf("[%.1f,%.1f]×[%.1f,%.1f]", r.Min.X, r.Max.X, r.Min.Y, r.Max.Y)
}

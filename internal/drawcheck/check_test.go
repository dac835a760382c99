package drawcheck

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// style is 10-point Liberation Sans, aligned on its left and bottom.
func style() text.Style {
	return text.Style{Color: color.Black, Font: font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 10),
		Handler: plot.DefaultTextHandler}
}

func corners(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
}

func box(x0, y0, x1, y1 vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}
}

// axisLabels draws labels at the given x positions on a baseline, as
// the tick labels of one axis.
func axisLabels(c draw.Canvas, group any, y vg.Length, xs []vg.Length, labels []string) {
	for i, x := range xs {
		Begin(c, Note{Role: TickLabel, Group: group, Axis: "x"})
		c.FillText(style(), vg.Point{X: x, Y: y}, labels[i])
		End(c)
	}
}

// legend draws the legend entry of key with a swatch of colour col.
func legend(c draw.Canvas, key string, col color.Color, at vg.Point) {
	Begin(c, Note{Role: LegendEntry, Key: key})
	c.FillPolygon(col, corners(box(at.X, at.Y, at.X+10, at.Y+8)))
	c.FillText(style(), vg.Point{X: at.X + 14, Y: at.Y}, key)
	End(c)
}

// series draws a line of series key in colour col from a to b.
func series(c draw.Canvas, key string, col color.Color, a, b vg.Point) {
	Begin(c, Note{Role: Series, Key: key})
	c.StrokeLine2(draw.LineStyle{Color: col, Width: 2}, a.X, a.Y, b.X, b.Y)
	End(c)
}

var (
	red  = color.NRGBA{0xe1, 0x57, 0x59, 0xff}
	blue = color.NRGBA{0x4e, 0x79, 0xa7, 0xff}
)

// TestDefects draws figures broken in one way each and checks that
// Check reports exactly that defect, and figures right in the same
// respect, which it must pass.
func TestDefects(t *testing.T) {
	const w, h = 300, 200
	xAxis, yAxis := new(int), new(int)
	for _, tt := range []struct {
		name string
		draw func(c draw.Canvas)
		want []Defect
	}{
		{"texts apart", func(c draw.Canvas) {
			c.FillText(style(), vg.Point{X: 10, Y: 10}, "first")
			c.FillText(style(), vg.Point{X: 10, Y: 30}, "second")
		}, nil},
		{"texts overlap", func(c draw.Canvas) {
			c.FillText(style(), vg.Point{X: 10, Y: 10}, "first")
			c.FillText(style(), vg.Point{X: 20, Y: 14}, "second")
		}, []Defect{Overlap}},
		// A 10-point line is 11.2 points high from descent to ascent
		// (Liberation Sans: 0.905 em up, 0.212 em down): lines 11.5
		// points apart touch by less than the tolerance, 10 apart overlap.
		{"lines 11.5 points apart", func(c draw.Canvas) {
			c.FillText(style(), vg.Point{X: 10, Y: 10}, "Mg")
			c.FillText(style(), vg.Point{X: 10, Y: 21.5}, "Mg")
		}, nil},
		{"lines 10 points apart", func(c draw.Canvas) {
			c.FillText(style(), vg.Point{X: 10, Y: 10}, "Mg")
			c.FillText(style(), vg.Point{X: 10, Y: 20}, "Mg")
		}, []Defect{Overlap}},
		{"tick labels apart", func(c draw.Canvas) {
			axisLabels(c, xAxis, 10, []vg.Length{20, 80, 140}, []string{"2.5 ms", "2.857 ms", "3.333 ms"})
		}, nil},
		{"tick labels overprint", func(c draw.Canvas) {
			axisLabels(c, xAxis, 10, []vg.Length{20, 45, 70}, []string{"2.5 ms", "2.857 ms", "3.333 ms"})
		}, []Defect{Overprint, Overprint}},
		{"labels of two axes overlap", func(c draw.Canvas) {
			axisLabels(c, xAxis, 10, []vg.Length{20, 80, 140}, []string{"1", "2", "3"})
			axisLabels(c, yAxis, 10, []vg.Length{22, 200, 260}, []string{"1", "2", "3"})
		}, []Defect{Overlap}},
		{"an axis of two labelled ticks", func(c draw.Canvas) {
			axisLabels(c, xAxis, 10, []vg.Length{20, 80}, []string{"0", "5"})
		}, []Defect{FewTicks}},
		{"category labels need no count", func(c draw.Canvas) {
			Begin(c, Note{Role: CategoryLabel, Group: yAxis, Axis: "y"})
			c.FillText(style(), vg.Point{X: 10, Y: 10}, "blocking")
			End(c)
		}, nil},
		{"category labels overprint", func(c draw.Canvas) {
			for _, y := range []vg.Length{10, 15} {
				Begin(c, Note{Role: CategoryLabel, Group: yAxis, Axis: "y"})
				c.FillText(style(), vg.Point{X: 10, Y: y}, "row")
				End(c)
			}
		}, []Defect{Overprint}},
		{"text past the right edge", func(c draw.Canvas) {
			c.FillText(style(), vg.Point{X: w - 20, Y: 10}, "a long title")
		}, []Defect{Outside}},
		{"a bar below the bottom", func(c draw.Canvas) {
			c.FillPolygon(blue, corners(box(10, -30, 50, -10)))
		}, []Defect{Outside}},
		{"a stroke on the edge, its width outside", func(c draw.Canvas) {
			c.StrokeLine2(draw.LineStyle{Color: blue, Width: 4}, 0, 10, 0, 100)
		}, []Defect{Outside}},
		{"a white or transparent fill may cover more", func(c draw.Canvas) {
			c.FillPolygon(color.White, corners(box(-10, -10, w+10, h+10)))
			c.FillPolygon(color.Transparent, corners(box(-10, -10, w+10, h+10)))
		}, nil},
		{"a rotated label inside", func(c draw.Canvas) {
			sty := style()
			sty.Rotation = math.Pi / 2
			c.FillText(sty, vg.Point{X: 12, Y: 50}, "requests")
		}, nil},
		{"a rotated label past the left edge", func(c draw.Canvas) {
			sty := style()
			sty.Rotation = math.Pi / 2
			c.FillText(sty, vg.Point{X: 5, Y: 50}, "requests")
		}, []Defect{Outside}},
		{"a legend entry and its line", func(c draw.Canvas) {
			legend(c, "blocking", red, vg.Point{X: 10, Y: 180})
			series(c, "blocking", red, vg.Point{X: 10, Y: 10}, vg.Point{X: 200, Y: 100})
		}, nil},
		{"a legend entry with no mark", func(c draw.Canvas) {
			legend(c, "blocking", red, vg.Point{X: 10, Y: 180})
			legend(c, "threaded", blue, vg.Point{X: 100, Y: 180})
			series(c, "threaded", blue, vg.Point{X: 10, Y: 10}, vg.Point{X: 200, Y: 100})
		}, []Defect{Unmarked}},
		{"a legend entry whose mark has another colour", func(c draw.Canvas) {
			legend(c, "blocking", red, vg.Point{X: 10, Y: 180})
			series(c, "blocking", blue, vg.Point{X: 10, Y: 10}, vg.Point{X: 200, Y: 100})
		}, []Defect{Unmarked}},
		{"a legend entry whose mark is off the canvas", func(c draw.Canvas) {
			legend(c, "blocking", red, vg.Point{X: 10, Y: 180})
			series(c, "blocking", red, vg.Point{X: 10, Y: -50}, vg.Point{X: 200, Y: -20})
		}, []Defect{Outside, Unmarked}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vs := Record(w, h, tt.draw).Check(Options{})
			var got []Defect
			for _, v := range vs {
				got = append(got, v.Defect)
			}
			if !equal(got, tt.want) {
				t.Errorf("defects %v; want %v:\n%s", got, tt.want, list(vs))
			}
		})
	}
}

func equal(a, b []Defect) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func list(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.String() + "\n")
	}
	return b.String()
}

// TestTransforms checks the boxes of texts drawn under translations,
// rotations and scales, and their restoring by Pop.
func TestTransforms(t *testing.T) {
	face := font.DefaultCache.Lookup(style().Font, 10)
	ext := face.Extents()
	wd := face.Width("x")
	c := NewCanvas(100, 100)
	c.Push()
	c.Translate(vg.Point{X: 50, Y: 20})
	c.Rotate(math.Pi / 2) // x goes up, y goes left
	c.FillString(face, vg.Point{}, "x")
	c.Pop()
	c.Push()
	c.Scale(2, 2)
	c.FillString(face, vg.Point{X: 1, Y: 1}, "x")
	c.Pop()
	c.FillString(face, vg.Point{X: 1, Y: 1}, "x")
	want := []vg.Rectangle{
		box(50-ext.Ascent, 20, 50+ext.Descent, 20+wd),
		box(2, 2-2*ext.Descent, 2+2*wd, 2+2*ext.Ascent),
		box(1, 1-ext.Descent, 1+wd, 1+ext.Ascent),
	}
	for i, tx := range c.Texts() {
		if !near(tx.Box, want[i]) {
			t.Errorf("text %d: box %s; want %s", i, rect(tx.Box), rect(want[i]))
		}
	}
}

func near(a, b vg.Rectangle) bool {
	d := func(x, y vg.Length) bool { return math.Abs(float64(x-y)) < 1e-9 }
	return d(a.Min.X, b.Min.X) && d(a.Min.Y, b.Min.Y) && d(a.Max.X, b.Max.X) && d(a.Max.Y, b.Max.Y)
}

// tickHandler marks the tick labels it draws as those of one axis.
type tickHandler struct {
	text.Handler
	axis string
}

func (h *tickHandler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	Begin(c, Note{Role: TickLabel, Group: h, Axis: h.axis})
	h.Handler.Draw(c, txt, sty, pt)
	End(c)
}

// TestGonumPlot checks a plain gonum plot of a line, whose tick labels
// are told apart through their text handler: it passes at a size that
// fits, and at a width too narrow for its x labels their overprinting is
// found.
func TestGonumPlot(t *testing.T) {
	newPlot := func() *plot.Plot {
		p := plot.New()
		p.X.Label.Text, p.Y.Label.Text = "virtual time (ms)", "requests"
		p.X.Tick.Label.Handler = &tickHandler{Handler: p.X.Tick.Label.Handler, axis: "x"}
		p.Y.Tick.Label.Handler = &tickHandler{Handler: p.Y.Tick.Label.Handler, axis: "y"}
		p.X.Min, p.X.Max = 1000000, 1000008
		l, err := plotter.NewLine(plotter.XYs{{X: 1000000, Y: 0}, {X: 1000008, Y: 100}})
		if err != nil {
			t.Fatal(err)
		}
		p.Add(l)
		return p
	}
	inset := func(p *plot.Plot) func(draw.Canvas) {
		return func(c draw.Canvas) { p.Draw(draw.Crop(c, 5, -5, 5, -5)) }
	}
	if vs := Record(400, 300, inset(newPlot())).Check(Options{}); len(vs) > 0 {
		t.Errorf("400×300: %d defects:\n%s", len(vs), list(vs))
	}
	narrow := Record(100, 300, inset(newPlot()))
	vs := narrow.Check(Options{})
	found := false
	for _, v := range vs {
		found = found || v.Defect == Overprint && strings.HasPrefix(v.Message, "x axis")
	}
	if !found {
		t.Errorf("100×300: no overprinted x labels in %d defects:\n%s", len(vs), list(vs))
	}
}

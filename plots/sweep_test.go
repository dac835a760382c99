package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"testing"

	"asyncsim/internal/drawcheck"
)

// sweepOf returns a sweep figure's data: one panel, a line per strategy
// through the points (xs[i], ys[i]) with error bars of ci·y, every
// strategy's line the same.
func sweepOf(strategies int, unit SweepUnit, xs, ys []float64, ci float64) *SweepPlot {
	d := &SweepPlot{Name: "sweep-test", Title: "t", XLabel: "x", YLabel: "y", XUnit: unit, YUnit: SweepSeconds}
	p := SweepPanel{}
	for k := range strategies {
		d.Strategies = append(d.Strategies, "s"+strconv.Itoa(k))
		d.Colors = append(d.Colors, k)
		l := SweepLine{Strategy: k, X: xs, Y: ys}
		for _, y := range ys {
			l.CI = append(l.CI, ci*y)
		}
		p.Lines = append(p.Lines, l)
	}
	d.Panels = []SweepPanel{p}
	return d
}

// tickLabels returns the labelled ticks of the recorded figure's axis
// ("x" or "y"), in the order drawn.
func tickLabels(c *drawcheck.Canvas, axis string) []string {
	var ls []string
	for _, t := range c.Texts() {
		if t.Note.Role == drawcheck.TickLabel && t.Note.Axis == axis {
			ls = append(ls, t.Text)
		}
	}
	return ls
}

// TestSweepTicksAtNiceNumbers checks that x ticks sit at round numbers,
// not at the data: issue 15's "2.5 m2.857 m3.333 ms" was ticks at
// interarrivals of 2.5, 2.857 and 3.333 ms overprinting each other.
func TestSweepTicksAtNiceNumbers(t *testing.T) {
	xs := []float64{2.5e-3, 2.857e-3, 3.333e-3, 4e-3, 5e-3, 6.667e-3, 10e-3}
	ys := []float64{0.9, 0.5, 0.2, 0.1, 0.06, 0.05, 0.05}
	for _, size := range [][2]int{{MinWidth, MinHeight}, {1200, 800}, {2400, 1600}} {
		c := SweepFigure(sweepOf(1, SweepSeconds, xs, ys, 0.1)).Record(size[0], size[1])
		for _, v := range c.Check(drawcheck.Options{}) {
			t.Errorf("%dx%d: %v", size[0], size[1], v)
		}
		labels := tickLabels(c, "x")
		// The axis is in ms: every label a whole number of ms or of
		// halves (steps of 1, 2 or 5 × 10ⁿ over 2.5 to 10 ms).
		for _, l := range labels {
			v, err := strconv.ParseFloat(l, 64)
			if err != nil || math.Abs(v*2-math.Round(v*2)) > 1e-9 {
				t.Errorf("%dx%d: x tick %q is not a round number of ms (ticks %q)", size[0], size[1], l, labels)
			}
		}
	}
}

// TestSweepLogFloor checks that a logarithmic axis labels at least three
// ticks and one at or below its data: issue 15 saw a floor of about 40
// ms under a lowest tick of 100 ms; and that error bars stay inside the
// axis range (they were cut at its bottom).
func TestSweepLogFloor(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	ys := []float64{0.04, 0.045, 0.1, 0.9, 3}
	d := sweepOf(2, SweepPlain, xs, ys, 0.5)
	d.LogY = true
	r, ok := sweepRange(d)
	if !ok {
		t.Fatal("no range")
	}
	for _, y := range ys {
		if lo := y - sweepLow(d, y, 0.5*y); lo < r.ylo {
			t.Errorf("the error bar of %v reaches %v, below the axis's %v", y, lo, r.ylo)
		}
		if hi := y * 1.5; hi > r.yhi {
			t.Errorf("the error bar of %v reaches %v, above the axis's %v", y, hi, r.yhi)
		}
	}
	for _, size := range [][2]int{{MinWidth, MinHeight}, {1200, 800}} {
		c := SweepFigure(d).Record(size[0], size[1])
		for _, v := range c.Check(drawcheck.Options{}) {
			t.Errorf("%dx%d: %v", size[0], size[1], v)
		}
		labels := tickLabels(c, "y")
		if len(labels) < 3 {
			t.Errorf("%dx%d: y ticks %q; want at least 3", size[0], size[1], labels)
		}
		// The bottom of the data with its error bars is 40 ms − 20 ms
		// = 20 ms: a label at 20 ms or below.
		lowest := math.Inf(1)
		for _, l := range labels {
			lowest = min(lowest, parseTick(t, l))
		}
		if lowest > 0.02*(1+1e-9) {
			t.Errorf("%dx%d: lowest y tick %v s, above the data's floor of 20 ms (ticks %q)", size[0], size[1], lowest, labels)
		}
	}
}

// parseTick reads a time tick label ("20 ms", "1 s") in seconds.
func parseTick(t *testing.T, l string) float64 {
	num, unit, _ := strings.Cut(l, " ")
	v, err := strconv.ParseFloat(num, 64)
	factor := map[string]float64{"s": 1, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}[unit]
	if err != nil || factor == 0 {
		t.Fatalf("tick label %q is not a time", l)
	}
	return v * factor
}

// TestSweepLinesDistinguishable checks that lines which coincide stay
// apart to the eye: issue 15 found identical lines hiding each other. Up
// to 32 strategies each have their own colour, dashes and marker; with a
// line-style parameter, every (strategy, style) line differs in colour
// or in dashes and marker, and coinciding ones in width or marker size.
func TestSweepLinesDistinguishable(t *testing.T) {
	d := sweepOf(32, SweepPlain, []float64{1, 2}, []float64{1, 2}, 0)
	seen := map[sweepLook]int{}
	for _, l := range d.Panels[0].Lines {
		lk := d.look(l)
		k := sweepLook{color: lk.color % len(strategyPalette), dashes: lk.dashes, glyph: lk.glyph}
		if j, dup := seen[k]; dup {
			t.Errorf("strategies %d and %d look the same: %+v", j, l.Strategy, k)
		}
		seen[k] = l.Strategy
	}
	d = sweepOf(3, SweepPlain, []float64{1, 2}, []float64{1, 2}, 0)
	d.Styles = []string{"a", "b", "c"}
	seen = map[sweepLook]int{}
	for k := range 3 {
		for s := range 3 {
			lk := d.look(SweepLine{Strategy: k, Style: s})
			if j, dup := seen[lk]; dup {
				t.Errorf("strategy %d, style %d looks like line %d: %+v", k, s, j, lk)
			}
			seen[lk] = k*3 + s
		}
	}
	c := SweepFigure(sweepOf(12, SweepPlain, []float64{1, 2, 3}, []float64{1, 2, 3}, 0.1)).Record(1200, 800)
	for _, v := range c.Check(drawcheck.Options{}) {
		t.Error(v)
	}
}

// TestSweepUnstableHollow checks that an unstable point is drawn hollow
// (a white fill inside its outline) and the legend says what that means,
// and that a figure without unstable points has no such entry.
func TestSweepUnstableHollow(t *testing.T) {
	d := sweepOf(1, SweepPlain, []float64{1, 2, 3}, []float64{1, 2, 3}, 0)
	plain := SweepFigure(d).Record(1200, 800)
	d.Panels[0].Lines[0].Unstable = []bool{false, false, true}
	marked := SweepFigure(d).Record(1200, 800)
	for _, v := range marked.Check(drawcheck.Options{}) {
		t.Error(v)
	}
	whiteFills := func(c *drawcheck.Canvas) int {
		n := 0
		for _, m := range c.Marks() {
			if m.Op == "fill" && m.Note.Role == drawcheck.Series && m.Color == color.Color(color.White) {
				n++
			}
		}
		return n
	}
	hasNote := func(c *drawcheck.Canvas) bool {
		for _, t := range c.Texts() {
			if t.Text == unstableLabel {
				return true
			}
		}
		return false
	}
	if n := whiteFills(marked); n != 1 || !hasNote(marked) {
		t.Errorf("one unstable point: %d hollow markers, legend note %t; want 1 and true", n, hasNote(marked))
	}
	if n := whiteFills(plain); n != 0 || hasNote(plain) {
		t.Errorf("no unstable point: %d hollow markers, legend note %t; want 0 and false", n, hasNote(plain))
	}
}

package plots

import (
	"image/color"
	"unicode/utf8"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"asyncsim/sim"
)

// strategyPalette is Tableau 10: distinct, colour-blind-friendly hues that
// print well. A strategy's colour is chosen by its position in the
// workload, so it is the same in every figure of a run.
var strategyPalette = []color.NRGBA{
	{0x4e, 0x79, 0xa7, 0xff}, // blue
	{0xf2, 0x8e, 0x2b, 0xff}, // orange
	{0x59, 0xa1, 0x4f, 0xff}, // green
	{0xe1, 0x57, 0x59, 0xff}, // red
	{0x76, 0xb7, 0xb2, 0xff}, // teal
	{0xed, 0xc9, 0x48, 0xff}, // yellow
	{0xb0, 0x7a, 0xa1, 0xff}, // purple
	{0xff, 0x9d, 0xa7, 0xff}, // pink
	{0x9c, 0x75, 0x5f, 0xff}, // brown
	{0xba, 0xb0, 0xac, 0xff}, // grey
}

// StrategyColor returns the colour of the strategy at index i of a
// workload's strategy list.
func StrategyColor(i int) color.Color { return strategyPalette[i%len(strategyPalette)] }

// StateColor returns the colour a context state is drawn in; Idle is
// transparent (left blank).
func StateColor(s sim.State) color.Color {
	switch s {
	case sim.Running:
		return color.NRGBA{0x2c, 0xa0, 0x2c, 0xff} // green: computing
	case sim.Waiting:
		return color.NRGBA{0xff, 0x7f, 0x0e, 0xff} // orange: ready, waiting for the GIL
	case sim.InIO:
		return color.NRGBA{0x9e, 0xc9, 0xe8, 0xff} // light blue: in an IO call
	case sim.Blocked:
		return color.NRGBA{0xd6, 0x27, 0x28, 0xff} // red: loop thread blocked
	case sim.Acquiring:
		return color.NRGBA{0x94, 0x67, 0xbd, 0xff} // purple: waiting for a resource unit
	}
	return color.Transparent
}

// Default figure size in pixels, for PNG output.
const (
	WidthPx  = 1200
	HeightPx = 800
)

// labelWidth is the width of canvas per character of a name that figures
// show (41 characters at the default size): a longer name is elided in
// its middle, so that labels leave the plots room.
const labelWidth = 14 * vg.Length(1)

// elide shortens the name s to the characters that the width of c allows
// (at least 8), keeping its start and end around an ellipsis.
func elide(s string, c draw.Canvas) string {
	return elideTo(s, max(8, int((c.Max.X-c.Min.X)/labelWidth)))
}

// elideTo shortens the name s to n characters, keeping its start and end
// around an ellipsis.
func elideTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

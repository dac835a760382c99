package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// maxTickLabels is the most labelled ticks an axis gets where fewer
// would do: more crowd it even when they do not overlap.
const maxTickLabels = 8

// sweepTickers returns the tickers of a sweep axis, densest first: for
// categories, every one, every second, ... (then every half as many
// again); for a linear axis, round
// steps cutting it in 6, 5, 4, 3 and 2; for a logarithmic one, round
// linear steps when it spans less than a decade, then labels at 1, 2 and
// 5 × 10ⁿ, at 1 and 3 × 10ⁿ, at each power of ten and at every second,
// third, ... power, with unlabelled minor ticks between.
func sweepTickers(u SweepUnit, log bool, categories []string) []plot.Ticker {
	var ts []plot.Ticker
	switch {
	case categories != nil:
		// Every one, second, third, fourth, then half as many again each time
		// (a few dozen tickers for any number of categories).
		for every := 1; ; every = max(every+1, every*3/2) {
			ts = append(ts, categoryTicks{labels: categories, every: every})
			if every >= len(categories) {
				break
			}
		}
	case log:
		for _, parts := range []int{6, 5, 4, 3, 2} {
			ts = append(ts, withinDecade{unit: u, nice: niceTicks{parts: parts}})
		}
		for _, ms := range [][]float64{{1, 2, 5}, {1, 3}, {1}} {
			ts = append(ts, logLevel{unit: u, mults: ms, every: 1})
		}
		for every := 2; every <= 20; every++ {
			ts = append(ts, logLevel{unit: u, mults: []float64{1}, every: every})
		}
	default:
		nice := niceTicks{}
		if u == SweepFraction {
			nice = niceTicks{suffix: "%", scale: 100}
		}
		for _, parts := range []int{6, 5, 4, 3, 2} {
			nice.parts = parts
			ts = append(ts, nice)
		}
	}
	return ts
}

// fitTicks returns the first of the tickers, densest first, whose labels
// on axis a, of the given length, neither overlap nor number more than
// maxTickLabels (and are not none), or else the last. A horizontal axis's labels need their
// widths, a vertical one's their heights, and a gap of half a line.
func fitTicks(ts []plot.Ticker, a plot.Axis, length vg.Length, horizontal bool) plot.Ticker {
	sty := a.Tick.Label
	gap := sty.Height("M") / 2
	for _, t := range ts {
		var prevPos, prevExt vg.Length
		n, ok := 0, true
		for _, tk := range t.Ticks(a.Min, a.Max) {
			if tk.Label == "" || tk.Value < a.Min || tk.Value > a.Max {
				continue
			}
			pos := vg.Length(a.Norm(tk.Value)) * length
			ext := sty.Height(tk.Label)
			if horizontal {
				ext = sty.Width(tk.Label)
			}
			if n > 0 && pos-prevPos < (ext+prevExt)/2+gap {
				ok = false
				break
			}
			prevPos, prevExt = pos, ext
			n++
		}
		if ok && n > 0 && n <= maxTickLabels {
			return t
		}
	}
	return ts[len(ts)-1]
}

// categoryTicks labels every every-th of a categorical axis's values,
// which sit at 0, 1, ..., and marks the others.
type categoryTicks struct {
	labels []string
	every  int
}

// Ticks implements plot.Ticker.
func (t categoryTicks) Ticks(_, _ float64) []plot.Tick {
	ticks := make([]plot.Tick, len(t.labels))
	for i, s := range t.labels {
		ticks[i].Value = float64(i)
		if i%t.every == 0 {
			ticks[i].Label = s
		}
	}
	return ticks
}

// withinDecade labels a logarithmic axis that spans less than a decade
// at round linear steps, in the axis's unit; over a wider span it labels
// nothing, so that fitTicks passes on to a logLevel.
type withinDecade struct {
	unit SweepUnit
	nice niceTicks
}

// Ticks implements plot.Ticker.
func (t withinDecade) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || hi/lo >= 10 {
		return nil
	}
	var ticks []plot.Tick
	for _, tk := range t.nice.Ticks(lo, hi) {
		if tk.Value > 0 {
			ticks = append(ticks, plot.Tick{Value: tk.Value, Label: sweepTickLabel(t.unit, tk.Value, 1)})
		}
	}
	return ticks
}

// logLevel labels a logarithmic axis at m × 10ᵉ for the multipliers
// mults and the exponents e that are multiples of every, and marks every
// other 1…9 × 10ᵉ unlabelled.
type logLevel struct {
	unit  SweepUnit
	mults []float64
	every int
}

// Ticks implements plot.Ticker.
func (t logLevel) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	return logTicks(lo, hi, func(v, m, e float64) string {
		if math.Mod(math.Abs(e), float64(t.every)) != 0 {
			return ""
		}
		for _, k := range t.mults {
			if m == k {
				return sweepTickLabel(t.unit, v, 1)
			}
		}
		return ""
	})
}

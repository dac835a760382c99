package plots

import "math"

// CapacityPlot is the data of the capacity curve: the latency of every
// probe of each strategy against its offered rate, and the capacity
// found.
type CapacityPlot struct {
	// Workload names the workload in the title.
	Workload string
	Curves   []CapacityCurve
}

// CapacityCurve is one strategy's probes, in increasing order of rate.
type CapacityCurve struct {
	Strategy string
	// Rate is each probe's total offered rate, per second; P50 and P99
	// its latency percentiles in seconds, with their 95% confidence
	// half-widths; Stable whether its tasks in flight did not grow.
	Rate     []float64
	P50, P99 []Estimate
	Stable   []bool
	// Capacity is the rate found, marked when Found.
	Capacity float64
	Found    bool
}

// Estimate is a mean and the half-width of its 95% confidence interval.
type Estimate = struct{ Mean, CI95 float64 }

// CapacityFigure returns the capacity curve of d, "capacity": p50 (●,
// solid) and p99 (▲, dashed) latency against the offered rate, one colour
// per strategy, and a vertical line at each strategy's capacity (its
// knee). The latency axis is logarithmic when it spans more than two
// decades, as past the knee it does.
func CapacityFigure(d *CapacityPlot) Figure {
	sp := &SweepPlot{
		Name:     "capacity",
		Title:    d.Workload + ": latency against load",
		Subtitle: "p50 and p99 of each probe; each strategy's capacity (the knee) a vertical line",
		XLabel:   "offered rate (requests/s)", YLabel: "latency",
		XUnit: SweepPlain, YUnit: SweepSeconds,
		Styles: []string{"p50", "p99", "capacity"},
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range d.Curves {
		for i := range c.Rate {
			if c.P50[i].Mean > 0 {
				lo = min(lo, c.P50[i].Mean)
			}
			hi = max(hi, c.P99[i].Mean)
		}
	}
	sp.LogY = hi > 100*lo
	panel := SweepPanel{}
	for k, c := range d.Curves {
		sp.Strategies = append(sp.Strategies, c.Strategy)
		sp.Colors = append(sp.Colors, k)
		for s, e := range [][]Estimate{c.P50, c.P99} {
			l := SweepLine{Strategy: k, Style: s, X: c.Rate}
			for _, x := range e {
				l.Y, l.CI = append(l.Y, x.Mean), append(l.CI, x.CI95)
			}
			panel.Lines = append(panel.Lines, l)
		}
		if c.Found && !math.IsInf(lo, 0) {
			panel.Lines = append(panel.Lines, SweepLine{Strategy: k, Style: 2,
				X: []float64{c.Capacity, c.Capacity}, Y: []float64{lo, hi}, CI: []float64{0, 0}})
		}
	}
	sp.Panels = []SweepPanel{panel}
	return SweepFigure(sp)
}

package plots

import "math"

// PlanPlot is the data of a plan figure: one objective's statistic
// against each varied parameter, per strategy, with the threshold and
// each strategy's answer.
type PlanPlot struct {
	// Name is the figure's file name without extension
	// ("plan-latency_p99_s").
	Name string
	// Workload names the workload; Objective is the objective as
	// written, Statistic its statistic's output name.
	Workload, Objective, Statistic string
	// Threshold is the objective's threshold, in the statistic's unit;
	// Unit says how that unit reads.
	Threshold float64
	Unit      SweepUnit
	// Strategies name the strategies, in colour order.
	Strategies []string
	// Panels are one per varied parameter.
	Panels []PlanPanel
}

// PlanPanel is one parameter's points.
type PlanPanel struct {
	// Path is the parameter's path as given.
	Path  string
	Lines []PlanLine
}

// PlanLine is one strategy's points along one parameter: the values
// tried, the statistic's estimate at each, and the answer (Met false:
// none met, nothing marked).
type PlanLine struct {
	Strategy int
	X        []float64
	Y        []Estimate
	Answer   float64
	Met      bool
}

// PlanFigure returns the plan figure of d: the statistic (● with its 95%
// confidence interval) against the parameter, a dashed line at the
// threshold and a vertical dotted line at each strategy's answer, one
// panel per parameter; the statistic's axis is logarithmic when it spans
// more than two decades.
func PlanFigure(d *PlanPlot) Figure {
	sp := &SweepPlot{
		Name:     d.Name,
		Title:    d.Workload + ": " + d.Objective,
		Subtitle: "means over the replications, ±95% CI; the threshold dashed, each answer dotted",
		XLabel:   "parameter value", YLabel: d.Statistic,
		XUnit: SweepPlain, YUnit: d.Unit,
		Strategies: d.Strategies,
		Styles:     []string{d.Objective, "threshold", "answer"},
	}
	for k := range d.Strategies {
		sp.Colors = append(sp.Colors, k)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range d.Panels {
		sp.Panels = append(sp.Panels, planPanel(d, p))
		for _, l := range p.Lines {
			for _, y := range l.Y {
				if y.Mean > 0 {
					lo = min(lo, y.Mean)
				}
				hi = max(hi, y.Mean)
			}
		}
	}
	sp.LogY = hi > 100*lo // past the knee latency soars
	return SweepFigure(sp)
}

func planPanel(d *PlanPlot, p PlanPanel) SweepPanel {
	out := SweepPanel{Title: p.Path}
	xlo, xhi, ylo, yhi := 0.0, 0.0, d.Threshold, d.Threshold
	first := true
	for _, l := range p.Lines {
		line := SweepLine{Strategy: l.Strategy, X: l.X}
		for i, y := range l.Y {
			line.Y, line.CI = append(line.Y, y.Mean), append(line.CI, y.CI95)
			if first {
				xlo, xhi, first = l.X[i], l.X[i], false
			}
			xlo, xhi = min(xlo, l.X[i]), max(xhi, l.X[i])
			if y.Mean > 0 { // the answer's line must stay on a log axis
				ylo = min(ylo, y.Mean)
			}
			yhi = max(yhi, y.Mean+y.CI95)
		}
		out.Lines = append(out.Lines, line)
	}
	if first {
		return out
	}
	out.Lines = append(out.Lines, SweepLine{Strategy: 0, Style: 1, X: []float64{xlo, xhi},
		Y: []float64{d.Threshold, d.Threshold}, CI: []float64{0, 0}})
	for _, l := range p.Lines {
		if l.Met {
			out.Lines = append(out.Lines, SweepLine{Strategy: l.Strategy, Style: 2, X: []float64{l.Answer, l.Answer},
				Y: []float64{ylo, yhi}, CI: []float64{0, 0}})
		}
	}
	return out
}

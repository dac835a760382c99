package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"asyncsim/capacity"
	"asyncsim/plots"
	"asyncsim/report"
	"asyncsim/sweep"
	"asyncsim/workloads"
)

const planUsage = `
Usage: asyncsim plan FILE|EXAMPLE --slo OBJECTIVE... --vary PATH=LO..HI... [--at RATE/s] [flags]

Finds, for each strategy, the smallest values of the varied parameters
that meet every --slo objective at the load --at (the total open arrival
rate, every open class scaled together; the workload's rate when left
out). An objective counts as met only when its 95% confidence interval
over the replications lies on the right side of the threshold; a point
whose interval straddles it gets twice the replications, up to
--max-replications, and is otherwise reported undecided and taken as not
met. A point whose tasks in flight grow is not met.

--vary threads=1..64 varies the parameter threads of every strategy whose
kind has it; --vary strategies.NAME.KEY=LO..HI one strategy's; any other
path (resources.db.capacity=1..20, machine.cores=1..16) every strategy's.
The parameters are searched one after the other, in the order given: the
first with the others at the top of their ranges, each next with those
before at their answers. workers, threads, loops, executor, a resource's
capacity and cores are taken as monotone (more never makes latency,
waiting or rejections worse) and bisected; any other is tried at every
value from the bottom of its range.

Objectives are written as for 'asyncsim capacity' (p99<200ms,
wait_mean_s<40ms, rejected<1%). With --out DIR it writes plan.json and,
per objective, plan-STATISTIC.png: the statistic against each parameter,
the threshold and each strategy's answer marked.
`

func planCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plan", planUsage, stdout)
	sf := addSearchFlags(fs, "also write plan.json and the plan figures into `DIR`",
		"an `OBJECTIVE` to meet, such as p99<200ms (repeatable; at least one)",
		"start each point with `N` replications (default: the workload's, at least 2)")
	var varies stringList
	fs.Var(&varies, "vary", "a parameter to size, `PATH=LO..HI` (repeatable; at least one)")
	at := fs.String("at", "", "plan for a total open arrival rate of `RATE` per second, as 300/s (default: the workload's)")
	maxReps := fs.Int("max-replications", capacity.DefaultMaxReplications, "give up deciding a point after `N` replications")
	pos, opts, err := sf.parse(fs, args)
	if err != nil {
		return err
	}
	if len(sf.slos) == 0 {
		return usagef("plan: give at least one --slo objective, such as --slo 'p99<200ms'")
	}
	if len(varies) == 0 {
		return usagef("plan: give at least one --vary PATH=LO..HI, such as --vary threads=1..64")
	}
	if *maxReps < 2 || *maxReps > workloads.MaxReplications {
		return usagef("plan: --max-replications must be between 2 and %d, not %d", workloads.MaxReplications, *maxReps)
	}
	opts.MaxReplications = *maxReps
	var params []capacity.Param
	for _, v := range varies {
		p, err := parseVary(v)
		if err != nil {
			return err
		}
		params = append(params, p)
	}
	rate := 0.0
	if flagGiven(fs, "at") {
		if rate, err = parseRate(*at); err != nil {
			return err
		}
	}
	name := pos[0]
	file, data, err := workloads.ReadFile(name)
	if err != nil {
		return usageError{err}
	}
	tp, err := sweep.NewTemplate(file, data)
	if err != nil {
		return err
	}
	if err := sf.checkBudget(tp.Spec, opts); err != nil {
		return err
	}
	in := watchSignals("plan", stderr)
	defer in.release()
	rep, err := capacity.Plan(tp, params, rate, opts)
	if err != nil {
		return searchError(err)
	}
	if flagGiven(fs, "out") {
		err := in.write(func() error {
			figs := planFigures(rep)
			for i, f := range figs {
				name := ""
				if i == 0 {
					name = "plan.json"
				}
				if err := writeSearch(sf.out, name, planJSON(rep), f, sf.fig); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if sf.format == "json" {
		return writeJSONTo(stdout, planJSON(rep))
	}
	return planTable(stdout, rep)
}

// parseVary parses --vary PATH=LO..HI (or PATH=V).
func parseVary(v string) (capacity.Param, error) {
	path, rng, ok := strings.Cut(v, "=")
	if !ok || path == "" {
		return capacity.Param{}, usagef("plan: --vary %q: want PATH=LO..HI, such as threads=1..64", v)
	}
	los, his, isRange := strings.Cut(rng, "..")
	if !isRange {
		his = los
	}
	lo, errLo := strconv.Atoi(strings.TrimSpace(los))
	hi, errHi := strconv.Atoi(strings.TrimSpace(his))
	if errLo != nil || errHi != nil {
		return capacity.Param{}, usagef("plan: --vary %q: the range %q is not LO..HI of whole numbers, such as 1..64", v, rng)
	}
	if lo > hi {
		return capacity.Param{}, usagef("plan: --vary %q: the range %d..%d is empty: write LO..HI with LO ≤ HI", v, lo, hi)
	}
	return capacity.Param{Path: path, Lo: lo, Hi: hi}, nil
}

// parseRate parses --at: a positive rate, "300/s" or "300".
func parseRate(s string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	if err != nil || !(x > 0) || x > 1e12 {
		return 0, usagef("plan: --at %q: want a positive rate per second, such as 300/s", s)
	}
	return x, nil
}

type planOut struct {
	Workload   string       `json:"workload"`
	Rate       float64      `json:"rate_per_s"`
	Objectives []string     `json:"objectives"`
	Vary       []planVary   `json:"vary"`
	Runs       int          `json:"simulations"`
	Answers    []planAnswer `json:"answers"`
	Points     []planPoint  `json:"runs"`
}

type planVary struct {
	Path   string `json:"path"`
	Lo     int    `json:"lo"`
	Hi     int    `json:"hi"`
	Search string `json:"search"`
}

type planAnswer struct {
	Strategy     string                   `json:"strategy"`
	Values       map[string]int           `json:"values"`
	Met          bool                     `json:"met"`
	Replications int                      `json:"replications"`
	Objectives   map[string]planObjective `json:"objectives"`
	Undecided    []string                 `json:"undecided"`
}

type planPoint struct {
	Strategy     string                   `json:"strategy"`
	Values       map[string]int           `json:"values"`
	Verdict      string                   `json:"verdict"`
	Stable       bool                     `json:"stable"`
	Replications int                      `json:"replications"`
	Objectives   map[string]planObjective `json:"objectives"`
}

type planObjective struct {
	Mean    float64 `json:"mean"`
	CI95    float64 `json:"ci95"`
	Verdict string  `json:"verdict"`
}

func planValues(paths []string, vals []int) map[string]int {
	m := map[string]int{}
	for i, p := range paths {
		m[p] = vals[i]
	}
	return m
}

func planObjectives(pt capacity.Point) map[string]planObjective {
	m := map[string]planObjective{}
	for i, c := range pt.Checks[1:] {
		m[c.Name] = planObjective{Mean: c.Mean, CI95: c.CI95, Verdict: pt.Verdicts[i+1].String()}
	}
	return m
}

func planJSON(rep *capacity.PlanReport) planOut {
	out := planOut{Workload: rep.Workload, Rate: rep.Rate, Objectives: objectiveTexts(rep.Objectives), Runs: rep.Runs}
	for _, p := range rep.Params {
		search := "grid"
		if p.Monotone() {
			search = "bisection"
		}
		out.Vary = append(out.Vary, planVary{p.Path, p.Lo, p.Hi, search})
	}
	for _, a := range rep.Answers {
		out.Answers = append(out.Answers, planAnswer{Strategy: a.Strategy, Values: planValues(a.Paths, a.Values), Met: a.Met,
			Replications: a.Point.Replications, Objectives: planObjectives(a.Point), Undecided: nonNil(a.Undecided)})
	}
	for _, pt := range rep.Points {
		out.Points = append(out.Points, planPoint{Strategy: pt.Strategy, Values: planValues(pt.Paths, pt.Values),
			Verdict: pt.Verdict.String(), Stable: pt.Checks[0].Met, Replications: pt.Replications, Objectives: planObjectives(pt)})
	}
	return out
}

// assignments formats values as "threads=9, resources.db.capacity=8".
func assignments(paths []string, vals []int) string {
	if len(paths) == 0 {
		return "(nothing varied applies)"
	}
	parts := make([]string, len(paths))
	for i := range paths {
		parts[i] = paths[i] + "=" + strconv.Itoa(vals[i])
	}
	return strings.Join(parts, ", ")
}

func planTable(w io.Writer, rep *capacity.PlanReport) error {
	fmt.Fprintf(w, "%s: the smallest values meeting %s at %s (every open class scaled together)\n",
		rep.Workload, strings.Join(objectiveTexts(rep.Objectives), " and "), rateText(rep.Rate))
	var searches []string
	for _, p := range rep.Params {
		how := "every value tried"
		if p.Monotone() {
			how = "bisection"
		}
		searches = append(searches, fmt.Sprintf("%s %d..%d (%s)", p.Path, p.Lo, p.Hi, how))
	}
	fmt.Fprintf(w, "varied: %s · %d points, %d simulations\n\n", strings.Join(searches, ", "), len(rep.Points), rep.Runs)
	head := []string{"STRATEGY", "ANSWER", "MET"}
	for _, o := range rep.Objectives {
		head = append(head, strings.ToUpper(o.Text))
	}
	head = append(head, "REPLICATIONS")
	rows := [][]string{head}
	var notes []string
	for _, a := range rep.Answers {
		met := "yes"
		if !a.Met {
			met = "no"
			notes = append(notes, fmt.Sprintf("%s: not met even at %s", a.Strategy, assignments(a.Paths, a.Values)))
		}
		row := []string{a.Strategy, assignments(a.Paths, a.Values), met}
		for i, c := range a.Point.Checks[1:] {
			row = append(row, objectiveCell(rep.Objectives[i], c.Estimate))
		}
		rows = append(rows, append(row, strconv.Itoa(a.Point.Replications)))
		for _, u := range a.Undecided {
			notes = append(notes, fmt.Sprintf("%s: %s could not be decided within --max-replications, taken as not met", a.Strategy, u))
		}
	}
	if err := report.WriteAligned(w, rows, 2); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// objectiveCell formats an objective's estimate: "152.1 ms ±12.0 ms",
// "23.82 MiB ±0 B".
func objectiveCell(o capacity.Objective, e capacity.Estimate) string {
	switch {
	case strings.HasSuffix(o.Column, "_per_s"):
		return rateText(e.Mean) + " ±" + rateText(e.CI95)
	case strings.HasSuffix(o.Column, "_s"):
		return report.Seconds(e.Mean) + " ±" + report.Seconds(e.CI95)
	case o.Share:
		return report.Number(roundTo(100*e.Mean, 3)) + "% ±" + report.Number(roundTo(100*e.CI95, 3)) + "%"
	case strings.HasSuffix(o.Column, "_mib"):
		return report.Bytes(int64(e.Mean*(1<<20))) + " ±" + report.Bytes(int64(e.CI95*(1<<20)))
	}
	return report.Number(roundTo(e.Mean, 4)) + " ±" + report.Number(roundTo(e.CI95, 3))
}

// planFigures draws one figure per objective: its statistic against each
// parameter, for the points of the search along that parameter.
func planFigures(rep *capacity.PlanReport) []plots.Figure {
	var figs []plots.Figure
	var names []string
	for _, a := range rep.Answers {
		names = append(names, a.Strategy)
	}
	for oi, o := range rep.Objectives {
		d := plots.PlanPlot{Name: "plan-" + o.Column, Workload: rep.Workload, Objective: o.Text, Statistic: o.Column, Threshold: o.Threshold,
			Strategies: names, Unit: plots.SweepPlain}
		switch {
		case strings.HasSuffix(o.Column, "_s") && !strings.HasSuffix(o.Column, "_per_s"):
			d.Unit = plots.SweepSeconds
		case o.Share:
			d.Unit = plots.SweepFraction
		}
		for _, p := range rep.Params {
			panel := plots.PlanPanel{Path: p.Path}
			for si, a := range rep.Answers {
				k := slices.Index(a.Paths, p.Path)
				if k < 0 {
					continue
				}
				line := plots.PlanLine{Strategy: si, Answer: float64(a.Values[k]), Met: a.Met}
				for _, pt := range rep.Points {
					if pt.Strategy == a.Strategy && alongAxis(pt.Values, a, k, rep.Params) {
						line.X = append(line.X, float64(pt.Values[k]))
						line.Y = append(line.Y, plots.Estimate{Mean: pt.Checks[oi+1].Mean, CI95: pt.Checks[oi+1].CI95})
					}
				}
				panel.Lines = append(panel.Lines, line)
			}
			d.Panels = append(d.Panels, panel)
		}
		figs = append(figs, plots.PlanFigure(&d))
	}
	return figs
}

// alongAxis reports whether vals is a point of the search along axis k of
// answer a: the axes before k at their answers, those after at the top of
// their ranges.
func alongAxis(vals []int, a capacity.Answer, k int, params []capacity.Param) bool {
	for j, v := range vals {
		switch {
		case j < k && v != a.Values[j]:
			return false
		case j > k:
			pi := slices.IndexFunc(params, func(p capacity.Param) bool { return p.Path == a.Paths[j] })
			if v != params[pi].Hi {
				return false
			}
		}
	}
	return true
}

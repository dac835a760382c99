package capacity

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/strategies"
	"asyncsim/sweep"
	"asyncsim/workloads"
)

// Param is a parameter Plan varies: a path, as a sweep's vary.path, over
// the integers Lo..Hi. A path without dots is a strategy parameter
// ("threads") that applies to every strategy whose kind has it;
// "strategies.NAME.KEY" applies to strategy NAME alone; any other path
// ("resources.db.capacity", "machine.cores") to every strategy.
type Param struct {
	Path   string
	Lo, Hi int
}

// monotone are the last segments of the paths that never make a
// latency, wait or rejection worse when they grow: more workers,
// threads, loops, executor threads, units of a resource or cores. Plan
// bisects on those and scans the others.
var monotone = []string{"workers", "threads", "loops", "executor", "capacity", "cores"}

// Monotone reports whether Plan bisects on p (see monotone) rather than
// trying every value.
func (p Param) Monotone() bool {
	segs := strings.Split(p.Path, ".")
	return slices.Contains(monotone, segs[len(segs)-1])
}

// Verdict is whether a point meets the objectives.
type Verdict uint8

// The verdicts.
const (
	// NotMet: unstable, or some objective's 95% confidence interval lies
	// wholly on the wrong side of its threshold.
	NotMet Verdict = iota
	// Met: stable, and every objective's 95% confidence interval lies on
	// its right side.
	Met
	// Undecided: some interval straddles its threshold, at the most
	// replications allowed.
	Undecided
)

var verdictNames = [...]string{NotMet: "not met", Met: "met", Undecided: "undecided"}

// String returns "met", "not met" or "undecided".
func (v Verdict) String() string { return verdictNames[v] }

// Point is one configuration Plan ran: a strategy at some values of the
// parameters that apply to it, at the planned rate.
type Point struct {
	Strategy string
	// Paths are the paths of the parameters that apply to the strategy,
	// as the user wrote them, in the order given; Values their values.
	Paths  []string
	Values []int
	// Replications is how many it took to decide (or the most allowed).
	Replications int
	// Checks are "stable" (on the mean) and then each objective.
	Checks []Check
	// Verdicts are each check's verdict, as Checks.
	Verdicts []Verdict
	Verdict  Verdict
}

// Answer is a strategy's plan.
type Answer struct {
	Strategy string
	// Paths and Values are the smallest values found (the top of the
	// ranges when none meets).
	Paths  []string
	Values []int
	// Met is whether the answer's point meets every objective.
	Met bool
	// Point is the answer's point.
	Point Point
	// Undecided lists the points that could not be decided within the
	// replications allowed and were taken as not met.
	Undecided []string
}

// PlanReport is the outcome of Plan.
type PlanReport struct {
	Workload string
	// Rate is the total open arrival rate planned for, per second (the
	// workload's when not given); 0 without open classes.
	Rate       float64
	Objectives []Objective
	Params     []Param
	Answers    []Answer
	// Points are every point run, in the order they were decided.
	Points []Point
	// Runs is the number of replications simulated.
	Runs int
}

// ParamError is a parameter Plan cannot vary, with why.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return "--vary " + e.Param + ": " + e.Msg }

// axis is a parameter as it applies to one strategy.
type axis struct {
	param int    // index in the params
	path  string // the path set in the workload
}

// axes returns the parameters that apply to strategy c (index si in the
// workload), and the paths that set them.
func axes(t *sweep.Template, params []Param, c strategies.Config, si int) ([]axis, error) {
	var out []axis
	for i, p := range params {
		if !strings.Contains(p.Path, ".") {
			ks, _ := strategies.SchemaOf(c.Kind)
			if ks == nil {
				continue
			}
			if _, ok := ks.Param(p.Path); ok {
				out = append(out, axis{i, "strategies." + strconv.Itoa(si) + "." + p.Path})
			}
			continue
		}
		field, err := t.Field(p.Path)
		if err != nil {
			return nil, &ParamError{p.Path, err.Error()}
		}
		if len(field) >= 2 && field[0] == "strategies" && field[1] != strconv.Itoa(si) {
			continue
		}
		out = append(out, axis{i, p.Path})
	}
	return out, nil
}

// checkParams checks every parameter against the workload: a bare
// strategy parameter some strategy has, an integer, a range inside its
// bounds; a path that addresses something in it, whose values make a
// valid workload at both ends of the range.
func checkParams(t *sweep.Template, params []Param, cfgs []strategies.Config) error {
	for i, p := range params {
		if p.Lo > p.Hi {
			return &ParamError{p.Path, fmt.Sprintf("the range %d..%d is empty: write LO..HI with LO ≤ HI", p.Lo, p.Hi)}
		}
		for j := range i {
			if params[j].Path == p.Path {
				return &ParamError{p.Path, "varied twice: vary it once"}
			}
		}
		if strings.Contains(p.Path, ".") {
			if _, err := t.Field(p.Path); err != nil {
				return &ParamError{p.Path, err.Error()}
			}
			for _, v := range []int{p.Lo, p.Hi} {
				if _, err := t.With([]string{p.Path}, []string{strconv.Itoa(v)}); err != nil {
					return &ParamError{p.Path, fmt.Sprintf("%d makes the workload invalid: %s", v, errorText(err))}
				}
			}
			continue
		}
		var kinds []string
		found := false
		for _, c := range cfgs {
			ks, _ := strategies.SchemaOf(c.Kind)
			sp, ok := ks.Param(p.Path)
			if !slices.Contains(kinds, string(c.Kind)) {
				kinds = append(kinds, string(c.Kind))
			}
			if !ok {
				continue
			}
			found = true
			if _, isInt := sp.Field(&strategies.Config{}).(*int); !isInt {
				return &ParamError{p.Path, fmt.Sprintf("a %s strategy's %s is not a whole number: it cannot be varied over a range", c.Kind, p.Path)}
			}
			lo := max(sp.Min, 1)
			if int64(p.Lo) < lo || int64(p.Hi) > sp.Max {
				return &ParamError{p.Path, fmt.Sprintf("%s must be between %d and %d, not %d..%d", p.Path, lo, sp.Max, p.Lo, p.Hi)}
			}
		}
		if !found {
			var keys []string
			for _, c := range cfgs {
				ks, _ := strategies.SchemaOf(c.Kind)
				keys = append(keys, ks.Keys()...)
			}
			msg := fmt.Sprintf("no strategy of this workload (kinds %s) has a parameter %q (a path such as resources.NAME.capacity or strategies.NAME.KEY varies a field of the workload)",
				strings.Join(kinds, ", "), p.Path)
			if s := workloads.Suggestion(p.Path, keys); s != "" {
				msg = fmt.Sprintf("no strategy of this workload has a parameter %q%s", p.Path, s)
			}
			return &ParamError{p.Path, msg}
		}
	}
	return nil
}

// errorText returns the messages of a workload error without their
// positions, which point into the workload rather than at the flag.
func errorText(err error) string {
	var list workloads.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msgs := make([]string, len(list))
		for i, e := range list {
			msgs[i] = e.Msg
		}
		return strings.Join(msgs, "; ")
	}
	return err.Error()
}

// search is one strategy's plan under way: a coordinate search, one
// parameter after the other in the order given, each the smallest value
// meeting every objective with the parameters before it at their answers
// and those after it at the top of their ranges.
type search struct {
	cfg  strategies.Config
	si   int
	axes []axis
	// vals are the values of the point being tried.
	vals []int
	// j is the parameter being searched; -1 while the top of every range
	// is tried.
	j int
	// a and b bracket parameter j's answer: a not met (or below the range),
	// b met.
	a, b int
	reps int
	done bool
	ans  Answer
}

// Plan finds, for each selected strategy of t's workload at the total
// open rate (the workload's when 0), the smallest values of the params
// that apply to it meeting every objective.
//
// The parameters are searched one after the other, in the order given:
// the first with the others at the top of their ranges, each next one
// with those before it at their answers. A monotone parameter (see
// Param.Monotone: more never makes the objectives worse) is bisected;
// another is tried at every value from the bottom of its range. A point
// is met when it is stable and every objective's 95% confidence interval
// over its replications lies on the right side of the threshold, not met
// when it is unstable or an interval lies wholly on the wrong side;
// otherwise its replications are doubled, up to Options.MaxReplications,
// after which it is undecided and taken as not met.
func Plan(t *sweep.Template, params []Param, rate float64, opts Options) (*PlanReport, error) {
	spec := t.Spec
	cfgs, err := experiment.Select(spec, opts.Strategies)
	if err != nil {
		return nil, err
	}
	base := spec.OpenRate()
	if rate > 0 && base <= 0 {
		return nil, &NoOpenRateError{Workload: spec.Name}
	}
	if err := checkParams(t, params, cfgs); err != nil {
		return nil, err
	}
	objs, err := bind(opts.Objectives, spec)
	if err != nil {
		return nil, err
	}
	scale := 1.0
	if rate > 0 {
		scale = rate / base
	} else {
		rate = base
	}
	reps := max(opts.Replications, spec.Replications, 2)
	most := opts.MaxReplications
	if most <= 0 {
		most = DefaultMaxReplications
	}
	reps = min(reps, most)
	rep := &PlanReport{Workload: spec.Name, Rate: rate, Objectives: opts.Objectives, Params: params}
	var searches []*search
	for _, c := range cfgs {
		si := slices.IndexFunc(spec.Strategies, func(s strategies.Config) bool { return s.Name == c.Name })
		ax, err := axes(t, params, c, si)
		if err != nil {
			return nil, err
		}
		s := &search{cfg: c, si: si, axes: ax, j: -1, reps: reps}
		s.ans.Strategy = c.Name
		for _, a := range ax {
			s.ans.Paths = append(s.ans.Paths, params[a.param].Path)
			s.vals = append(s.vals, params[a.param].Hi)
		}
		searches = append(searches, s)
	}
	run := newRunner(opts)
	for {
		var ps []probe
		var who []*search
		for _, s := range searches {
			if s.done {
				continue
			}
			paths := make([]string, len(s.axes))
			vals := make([]string, len(s.axes))
			for k, a := range s.axes {
				paths[k], vals[k] = a.path, strconv.Itoa(s.vals[k])
			}
			pspec, err := t.With(paths, vals)
			if err != nil {
				return nil, fmt.Errorf("strategy %s at %s: %w", s.cfg.Name, valuesKey(s.ans.Paths, vals), err)
			}
			pspec = pspec.ScaleOpen(scale)
			ps = append(ps, probe{spec: pspec, cfg: pspec.Strategies[s.si], values: valuesKey(paths, vals), rate: rate, reps: s.reps})
			who = append(who, s)
		}
		if len(ps) == 0 {
			break
		}
		samples, err := run.run(ps)
		if err != nil {
			return nil, err
		}
		for k, s := range who {
			pt := judge(s, ps[k], samples[k], objs)
			if pt.Verdict == Undecided && s.reps < most {
				s.reps = min(2*s.reps, most)
				continue
			}
			rep.Points = append(rep.Points, pt)
			if pt.Verdict == Undecided {
				s.ans.Undecided = append(s.ans.Undecided, valuesKey(pt.Paths, strValues(pt.Values)))
			}
			s.step(pt, params)
			s.reps = reps
		}
	}
	for _, s := range searches {
		rep.Answers = append(rep.Answers, s.ans)
	}
	rep.Runs = run.runs
	return rep, nil
}

// judge returns the point of s's current values from its samples.
func judge(s *search, pr probe, samples []*sample, objs []bound) Point {
	pt := Point{Strategy: s.cfg.Name, Paths: s.ans.Paths, Values: slices.Clone(s.vals), Replications: len(samples)}
	st := stability(pr.spec, pr.cfg, samples)
	pt.Checks = append(pt.Checks, st)
	pt.Verdicts = append(pt.Verdicts, NotMet)
	if st.Met {
		pt.Verdicts[0] = Met
	}
	for _, o := range objs {
		e := estimate(samples, func(x *sample) float64 { return o.read(&x.summary) })
		near, far := e.Mean+e.CI95, e.Mean-e.CI95 // the interval's ends, the one nearer failing first
		if !o.Op.upper() {
			near, far = far, near
		}
		v := Undecided
		switch {
		case o.Met(near):
			v = Met
		case !o.Met(far):
			v = NotMet
		}
		pt.Checks = append(pt.Checks, Check{Name: o.Text, Estimate: e, Met: o.Met(e.Mean), Offered: math.NaN()})
		pt.Verdicts = append(pt.Verdicts, v)
	}
	pt.Verdict = Met
	for _, v := range pt.Verdicts {
		switch {
		case v == NotMet:
			pt.Verdict = NotMet
		case v == Undecided && pt.Verdict == Met:
			pt.Verdict = Undecided
		}
	}
	return pt
}

// step moves s on from the point pt it just decided.
func (s *search) step(pt Point, params []Param) {
	met := pt.Verdict == Met
	if s.j < 0 { // the top of every range
		s.ans.Values, s.ans.Met, s.ans.Point = slices.Clone(s.vals), met, pt
		if !met || len(s.axes) == 0 {
			s.done = true
			return
		}
		s.next(0, params)
		return
	}
	p := params[s.axes[s.j].param]
	if met {
		s.b, s.ans.Point = s.vals[s.j], pt
	} else {
		s.a = s.vals[s.j]
	}
	switch {
	case !p.Monotone() && !met && s.vals[s.j] < s.b-1:
		s.vals[s.j]++ // scan on
		return
	case p.Monotone() && s.b-s.a > 1:
		s.vals[s.j] = s.a + (s.b-s.a)/2
		return
	}
	s.vals[s.j] = s.b
	s.ans.Values = slices.Clone(s.vals)
	if s.j+1 < len(s.axes) {
		s.next(s.j+1, params)
		return
	}
	s.done = true
}

// next starts the search of parameter j, whose top is known to be met.
func (s *search) next(j int, params []Param) {
	p := params[s.axes[j].param]
	s.j, s.a, s.b = j, p.Lo-1, p.Hi
	if s.b-s.a <= 1 {
		s.step(s.ans.Point, params) // a single value: already decided
		return
	}
	if p.Monotone() {
		s.vals[j] = s.a + (s.b-s.a)/2
	} else {
		s.vals[j] = p.Lo
	}
}

func strValues(vs []int) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.Itoa(v)
	}
	return out
}

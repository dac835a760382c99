package capacity

import (
	"fmt"
	"math"
	"slices"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// Resolution is the relative width at which Capacity's bisection stops:
// the last rate met and the first not met differ by at most 1% of the
// latter.
const Resolution = 0.01

// maxDoublings bounds how many times Capacity doubles (or halves) the
// rate looking for a rate not met (or met): up to 2^20 ≈ 10^6 times the
// workload's (or down to its millionth).
const maxDoublings = 20

// NoOpenRateError is the error of a search that scales the load of a
// workload with no open arrival rate: only closed-loop clients and
// batches.
type NoOpenRateError struct {
	Workload string
}

func (e *NoOpenRateError) Error() string {
	return fmt.Sprintf("workload %s has no open arrival rate to scale: its classes are closed-loop clients or batches that arrive at once (give a class an interarrival, per_second or rate)", e.Workload)
}

// Check is one criterion at a probe: "stable" (experiment.Assess's
// verdict) or an objective.
type Check struct {
	// Name is "stable" or the objective as written.
	Name string
	// Estimate is the objective's statistic; for "stable", the growth of
	// the tasks in flight as a share of significant growth (see
	// stability).
	Estimate
	// Met is whether the criterion is met: for an objective, by the mean.
	Met bool
	// Stability is the verdict behind "stable"; nil for an objective.
	Stability *experiment.Stability
	// Offered is, for "stable", the largest offered demand of a group of
	// the strategy as a share of its capacity; NaN where none can be
	// computed or for an objective.
	Offered float64
}

// Probe is one rate Capacity tried for a strategy.
type Probe struct {
	// Rate is the total open arrival rate, per second.
	Rate         float64
	Replications int
	// P50 and P99 are the latency percentiles, in seconds.
	P50, P99 Estimate
	// Checks are "stable" and then each objective.
	Checks []Check
	// Met is whether every check is met.
	Met bool
}

// Stable reports whether the probe was stable (experiment.Assess).
func (p *Probe) Stable() bool { return p.Checks[0].Met }

// Result is one strategy's capacity.
type Result struct {
	Strategy string
	// Rate is the capacity, per second: the middle of the last bracket,
	// between Low (the highest rate met) and High (the lowest not met).
	Rate, Low, High float64
	// CI95 is the half-width of the capacity's 95% confidence interval:
	// half the bracket, plus the spread of the binding criterion at the
	// boundary carried over to the rate by its slope (see Capacity).
	CI95 float64
	// Binding names the criterion that failed at High: "stable" or an
	// objective as written.
	Binding string
	// Probes are the rates tried, in increasing order.
	Probes []Probe
	// Found is false when no bracket was found: every rate tried was met
	// (up to High = +Inf, Low the highest tried) or none was (Low = 0).
	Found bool
}

// Report is the outcome of Capacity.
type Report struct {
	// Workload is the workload's name.
	Workload string
	// Rate is the workload's total open arrival rate, per second.
	Rate float64
	// Scaled and Fixed name the classes whose rate is scaled and those
	// left as written (closed-loop clients, batches).
	Scaled, Fixed []string
	Objectives    []Objective
	Results       []Result
	// Runs is the number of replications simulated.
	Runs int
}

// Classes returns the names of the classes of spec whose rate ScaleOpen
// scales, and of the others.
func Classes(spec *workloads.Spec) (scaled, fixed []string) {
	for i := range spec.Classes {
		c := &spec.Classes[i]
		if _, ok := c.MeanRate(); ok {
			scaled = append(scaled, c.Name)
		} else {
			fixed = append(fixed, c.Name)
		}
	}
	return scaled, fixed
}

// Capacity finds, for each selected strategy of spec, the largest total
// open arrival rate at which its runs are stable and meet every
// objective, on the mean over the probe's replications.
//
// It starts at the workload's rate, doubles it until a rate is not met
// (or halves it until one is), then bisects until the bracket is within
// Resolution. The capacity is the bracket's middle; its 95% confidence
// half-width is half the bracket plus δ/|s|, where s is the slope of the
// binding criterion's mean between the bracket's ends (its change per
// unit of rate) and δ the mean of the half-widths of its 95% confidence
// intervals there: how far the boundary can move within the replications'
// spread. Where the slope has the wrong sign (the spread hides the
// trend), the half-width is the whole bracket.
func Capacity(spec *workloads.Spec, opts Options) (*Report, error) {
	base := spec.OpenRate()
	if base <= 0 {
		return nil, &NoOpenRateError{Workload: spec.Name}
	}
	cfgs, err := experiment.Select(spec, opts.Strategies)
	if err != nil {
		return nil, err
	}
	objs, err := bind(opts.Objectives, spec)
	if err != nil {
		return nil, err
	}
	reps := opts.Replications
	if reps <= 0 {
		reps = spec.Replications
	}
	rep := &Report{Workload: spec.Name, Rate: base, Objectives: opts.Objectives}
	rep.Scaled, rep.Fixed = Classes(spec)
	type state struct {
		lo, hi float64 // 0 and +Inf until found
		tries  int
		done   bool
		res    Result
	}
	states := make([]state, len(cfgs))
	for i := range states {
		states[i] = state{hi: math.Inf(1), res: Result{Strategy: cfgs[i].Name}}
	}
	run := newRunner(opts)
	for {
		var ps []probe
		var who []int
		for i := range states {
			s := &states[i]
			if s.done {
				continue
			}
			var rate float64
			switch {
			case s.lo == 0 && math.IsInf(s.hi, 1):
				rate = base
			case math.IsInf(s.hi, 1):
				rate = s.lo * 2
			case s.lo == 0:
				rate = s.hi / 2
			default:
				rate = (s.lo + s.hi) / 2
			}
			scaled := spec.ScaleOpen(rate / base)
			ps = append(ps, probe{spec: scaled, cfg: cfgs[i], rate: rate, reps: reps})
			who = append(who, i)
		}
		if len(ps) == 0 {
			break
		}
		samples, err := run.run(ps)
		if err != nil {
			return nil, err
		}
		for k, i := range who {
			s := &states[i]
			p := evaluate(ps[k], samples[k], objs)
			s.res.Probes = append(s.res.Probes, p)
			s.tries++
			if p.Met {
				s.lo = p.Rate
			} else {
				s.hi = p.Rate
			}
			bracketed := s.lo > 0 && !math.IsInf(s.hi, 1)
			switch {
			case bracketed && s.hi-s.lo <= Resolution*s.hi:
				s.done, s.res.Found = true, true
			case !bracketed && s.tries > maxDoublings:
				s.done = true
			}
		}
	}
	for i := range states {
		s := &states[i]
		r := &s.res
		slices.SortFunc(r.Probes, func(a, b Probe) int { return cmpFloat(a.Rate, b.Rate) })
		r.Low, r.High = s.lo, s.hi
		if r.Found {
			r.Rate = (s.lo + s.hi) / 2
			r.Binding, r.CI95 = boundary(r.Probes, s.lo, s.hi, objs)
		} else {
			r.Rate = s.lo
		}
		rep.Results = append(rep.Results, *r)
	}
	rep.Runs = run.runs
	return rep, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// evaluate returns the probe pr of the samples.
func evaluate(pr probe, samples []*sample, objs []bound) Probe {
	p := Probe{Rate: pr.rate, Replications: len(samples)}
	p.P50 = estimate(samples, func(s *sample) float64 { return s.summary.Values[sim.LatencyP50] })
	p.P99 = estimate(samples, func(s *sample) float64 { return s.summary.Values[sim.LatencyP99] })
	p.Checks = append(p.Checks, stability(pr.spec, pr.cfg, samples))
	for _, o := range objs {
		e := estimate(samples, func(s *sample) float64 { return o.read(&s.summary) })
		p.Checks = append(p.Checks, Check{Name: o.Text, Estimate: e, Met: o.Met(e.Mean), Offered: math.NaN()})
	}
	p.Met = true
	for _, c := range p.Checks {
		p.Met = p.Met && c.Met
	}
	return p
}

// boundary returns the criterion that binds at the bracket [lo, hi] of
// probes (the first that failed at hi) and the capacity's 95% confidence
// half-width (see Capacity). The slope is taken across the probes
// nearest 10% below lo and 10% above hi (or the farthest there are): a
// bracket of 1% is too narrow to measure it through the replications'
// spread.
func boundary(probes []Probe, lo, hi float64, objs []bound) (string, float64) {
	il := slices.IndexFunc(probes, func(p Probe) bool { return p.Rate == lo })
	ih := slices.IndexFunc(probes, func(p Probe) bool { return p.Rate == hi })
	k := slices.IndexFunc(probes[ih].Checks, func(c Check) bool { return !c.Met })
	name := probes[ih].Checks[k].Name
	if st := probes[ih].Checks[k].Stability; st != nil && st.Cause == experiment.OfferedDemand {
		return name, (hi - lo) / 2 // the offered demand is computed, not measured
	}
	spread := (probes[il].Checks[k].CI95 + probes[ih].Checks[k].CI95) / 2
	a, b := il, ih
	for a > 0 && probes[a].Rate > 0.9*lo {
		a--
	}
	for b < len(probes)-1 && probes[b].Rate < 1.1*hi {
		b++
	}
	// The criterion's mean grows with the rate past its threshold for
	// "stable" and an upper bound, falls for a lower bound.
	rising := k == 0 || objs[k-1].Op.upper()
	slope := (probes[b].Checks[k].Mean - probes[a].Checks[k].Mean) / (probes[b].Rate - probes[a].Rate)
	if slope == 0 || (slope > 0) != rising {
		return name, hi - lo
	}
	return name, (hi-lo)/2 + spread/math.Abs(slope)
}

package capacity

import (
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// Options tune Capacity and Plan.
type Options struct {
	// Objectives must all be met; none: stability alone.
	Objectives []Objective
	// Strategies selects strategies by name; empty selects all.
	Strategies []string
	// Jobs is how many runs go at once; 0 means one per CPU.
	Jobs int
	// MaxEvents bounds each run (see sim.Config).
	MaxEvents int64
	// Replications is the replications of a probe at first: 0 means the
	// workload's (at least 2 for Plan, which needs a confidence interval).
	Replications int
	// MaxReplications bounds the replications Plan adds to a point to
	// decide it (0: 32).
	MaxReplications int
}

// DefaultMaxReplications is Options.MaxReplications's default.
const DefaultMaxReplications = 32

// sample is one replication's outcome at a probe.
type sample struct {
	summary sim.Summary
}

// key identifies one replication of one probe.
type key struct {
	strategy, values string
	rate             float64
	rep              int
}

// probe asks for replications [0, reps) of one strategy of spec (already
// scaled to rate) at the parameter values named by values.
type probe struct {
	spec   *workloads.Spec
	cfg    strategies.Config
	values string
	rate   float64
	reps   int
}

// runner runs probes, keeping every replication it ran.
type runner struct {
	opts  Options
	cache map[key]*sample
	// runs counts the replications simulated.
	runs int
}

func newRunner(opts Options) *runner { return &runner{opts: opts, cache: map[key]*sample{}} }

// run runs the replications of the probes it has not run yet, in
// parallel, and returns each probe's samples.
func (r *runner) run(ps []probe) ([][]*sample, error) {
	type job struct {
		p   *probe
		rep int
		out *sample
		err error
	}
	var jobs []*job
	for i := range ps {
		p := &ps[i]
		for rep := range p.reps {
			k := key{p.cfg.Name, p.values, p.rate, rep}
			if r.cache[k] == nil && !slices.ContainsFunc(jobs, func(j *job) bool {
				return j.p.cfg.Name == k.strategy && j.p.values == k.values && j.p.rate == k.rate && j.rep == rep
			}) {
				jobs = append(jobs, &job{p: p, rep: rep})
			}
		}
	}
	experiment.ForEach(len(jobs), r.opts.Jobs, func(i int) {
		j := jobs[i]
		res, err := experiment.RunReplication(j.p.spec, j.p.cfg, j.rep, experiment.Options{MaxEvents: r.opts.MaxEvents}, nil)
		if err != nil {
			j.err = err
			return
		}
		j.out = &sample{summary: res.Summary}
	})
	for _, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		r.cache[key{j.p.cfg.Name, j.p.values, j.p.rate, j.rep}] = j.out
		r.runs++
	}
	out := make([][]*sample, len(ps))
	for i, p := range ps {
		for rep := range p.reps {
			out[i] = append(out[i], r.cache[key{p.cfg.Name, p.values, p.rate, rep}])
		}
	}
	return out, nil
}

// Estimate is a statistic's mean over a probe's replications and the
// half-width of its Student-t 95% confidence interval (0 with one
// replication).
type Estimate struct {
	Mean, CI95 float64
}

// estimate returns the estimate of f over the samples.
func estimate(samples []*sample, f func(*sample) float64) Estimate {
	xs := make([]float64, len(samples))
	for i, s := range samples {
		xs[i] = f(s)
	}
	mean, std := stat.MeanStdDev(xs, nil)
	if len(xs) < 2 {
		return Estimate{Mean: xs[0]}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(0.975)
	return Estimate{Mean: mean, CI95: t * std / math.Sqrt(float64(len(xs)))}
}

// stability returns the check "stable" of a probe of strategy cfg of spec
// from its samples: experiment.Assess's verdict on their summaries, as
// the table of a run gives it. Its estimate is the growth of the tasks in
// flight over the second half of each run as a share of the growth that
// counts as significant (experiment.Grows: above 1 is growth), and
// Offered the largest offered demand of a group of the strategy, as a
// share of its capacity (NaN where none can be computed).
func stability(spec *workloads.Spec, cfg strategies.Config, samples []*sample) Check {
	sr := experiment.StrategyResult{Config: cfg}
	for _, s := range samples {
		sr.Runs = append(sr.Runs, s.summary)
	}
	sr.Aggregate = sim.Combine(sr.Runs)
	st := experiment.Assess(spec, &sr)
	c := Check{Name: "stable", Met: !st.Overloaded, Stability: &st, Offered: math.NaN()}
	c.Estimate = estimate(samples, func(s *sample) float64 {
		t := s.summary.Trend
		return t.Growth / (experiment.GrowthSigmas*math.Sqrt(max(t.Mean, 0)) + experiment.GrowthFloor)
	})
	for _, l := range st.Loads {
		if !math.IsNaN(l.Offered) && (math.IsNaN(c.Offered) || l.Offered > c.Offered) {
			c.Offered = l.Offered
		}
	}
	return c
}

// bound is a checked objective: its statistic's reader.
type bound struct {
	Objective
	read func(*sim.Summary) float64
}

// bind resolves the objectives' statistics in spec.
func bind(objs []Objective, spec *workloads.Spec) ([]bound, error) {
	out := make([]bound, len(objs))
	for i, o := range objs {
		read, err := o.value(spec)
		if err != nil {
			return nil, err
		}
		out[i] = bound{o, read}
	}
	return out, nil
}

// valuesKey joins assignments PATH=VALUE for cache keys and messages.
func valuesKey(paths, values []string) string {
	parts := make([]string, len(paths))
	for i := range paths {
		parts[i] = paths[i] + "=" + values[i]
	}
	return strings.Join(parts, ", ")
}

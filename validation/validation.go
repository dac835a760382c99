package validation

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// Options tune a Run.
type Options struct {
	// Quick runs every scenario with fewer tasks and replications: a
	// check of a few seconds rather than the full validation. Its
	// confidence intervals are wider, and so is its precision limit
	// (Tolerance.MaxCI is multiplied by QuickPrecision).
	Quick bool
	// Jobs is how many simulations run at once; 0 means one per CPU. The
	// report never depends on it.
	Jobs int
}

// QuickPrecision is the factor by which the quick form widens every
// check's precision limit: it simulates a tenth of the tasks in five
// replications rather than ten, so its confidence intervals are about
// √10 × 2.78/2.26 ≈ 3.9 times as wide (2.78 and 2.26 being the Student-t
// quantiles for 4 and 9 degrees of freedom).
const QuickPrecision = 4

// Unit is how a figure is measured.
type Unit uint8

// The units of figures.
const (
	// Seconds: a duration, shown in milliseconds.
	Seconds Unit = iota
	// PerSecond: a rate.
	PerSecond
	// Count: a dimensionless number, such as tasks in flight.
	Count
)

// Tolerance is how far a simulated figure may be from theory. A check
// passes when |simulated − theory| ≤ CIs·ci95 + Rel·|theory|, and, if
// MaxCI is set, the 95% half-width ci95 is at most MaxCI·|theory| (a
// wider interval would make the check inconclusive, not a pass).
type Tolerance struct {
	// CIs is how many 95% confidence half-widths of the simulated mean
	// the theory may lie from it: the statistical allowance.
	CIs float64
	// Rel is the share of the theory allowed besides: the known bias of
	// finite runs (an empty start, the end of the arrivals, the first
	// and last iterations), or rounding in exact cases.
	Rel float64
	// MaxCI is the widest 95% half-width, as a share of the theory, at
	// which the check is conclusive; 0 means no limit.
	MaxCI float64
}

// String describes t compactly: "±(2·CI + 0.5%), CI ≤ 3%", "±1e-9".
func (t Tolerance) String() string {
	var s string
	switch {
	case t.CIs > 0 && t.Rel > 0:
		s = "±(" + fmtFloat(t.CIs) + "·CI + " + fmtShare(t.Rel) + ")"
	case t.CIs > 0:
		s = "±" + fmtFloat(t.CIs) + "·CI"
	default:
		s = "±" + fmtShare(t.Rel)
	}
	if t.MaxCI > 0 {
		s += ", CI ≤ " + fmtShare(t.MaxCI)
	}
	return s
}

// Check is one simulated figure compared with theory.
type Check struct {
	// Scenario names the scenario ("mm1-rho0.9").
	Scenario string
	// Strategy is the strategy that ran.
	Strategy string
	// Figure is the statistic, by its output name ("latency_mean_s").
	Figure string
	// Law names the theoretical result ("1/(μ−λ)", "Erlang C").
	Law string
	// Unit is the figure's unit.
	Unit Unit
	// Theory is the value theory predicts.
	Theory float64
	// Mean is the mean of the simulated figure over the replications,
	// and CI95 the half-width of its 95% Student-t confidence interval
	// (0 with one replication).
	Mean, CI95 float64
	// Tolerance is how far Mean may be from Theory.
	Tolerance Tolerance
	// Pass reports whether the check passed.
	Pass bool
}

// RelErr is the relative error of the simulated mean: (Mean − Theory)/Theory.
func (c *Check) RelErr() float64 {
	if c.Theory == 0 {
		if c.Mean == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return (c.Mean - c.Theory) / math.Abs(c.Theory)
}

// judge sets c.Pass from its tolerance.
func (c *Check) judge() {
	t := c.Tolerance
	allowed := t.CIs*c.CI95 + t.Rel*math.Abs(c.Theory)
	c.Pass = math.Abs(c.Mean-c.Theory) <= allowed &&
		(t.MaxCI == 0 || c.CI95 <= t.MaxCI*math.Abs(c.Theory)) &&
		!math.IsNaN(c.Mean) && !math.IsNaN(c.Theory)
}

// Report is the outcome of a Run.
type Report struct {
	// Quick tells whether this is the quick form.
	Quick bool
	// Families are the groups of scenarios that ran, in order, with their
	// explanations.
	Families []Family
	// Checks are every check of every scenario, in order.
	Checks []Check
}

// Family is a group of scenarios that test one result of theory.
type Family struct {
	// Title names the result ("M/M/1").
	Title string
	// Text explains the setup, the theory and the tolerance, in Markdown.
	Text string
	// Scenarios are the family's scenarios.
	Scenarios []Scenario
}

// Scenario is one workload of a family.
type Scenario struct {
	// Name identifies the scenario; its checks carry it.
	Name string
	// YAML is the workload as run: it can be saved and given to
	// `asyncsim run`.
	YAML string
}

// Failed returns the checks that failed.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Pass {
			out = append(out, c)
		}
	}
	return out
}

// Run runs every scenario and returns the report. It fails only if a
// scenario's workload is rejected or a run fails, which would be a bug.
func Run(opts Options) (*Report, error) {
	rep := &Report{Quick: opts.Quick}
	for _, f := range families() {
		fam := Family{Title: f.title, Text: f.text}
		for _, sc := range f.scenarios {
			yaml, checks, err := sc.run(opts)
			if err != nil {
				return nil, err
			}
			fam.Scenarios = append(fam.Scenarios, Scenario{Name: sc.name, YAML: yaml})
			rep.Checks = append(rep.Checks, checks...)
		}
		rep.Families = append(rep.Families, fam)
	}
	return rep, nil
}

// family is a group of scenarios and the text that explains them.
type family struct {
	title     string
	text      string
	scenarios []scenario
}

// size is how much a scenario simulates: tasks per replication (or
// requests per client for closed loops) and replications.
type size struct{ tasks, reps int }

// scenario is one workload and the checks of its results.
type scenario struct {
	name string
	// full and quick are the sizes of the two forms.
	full, quick size
	tol         Tolerance
	// workload returns the workload's YAML for a size.
	workload func(sz size) string
	// checks compares the result with theory; the tolerance, scenario
	// and pass are filled in afterwards.
	checks func(res *experiment.Result) []Check
	// tasks keeps every task's record in the result for checks to use.
	tasks bool
}

// run runs the scenario and returns its workload and checks.
func (sc *scenario) run(opts Options) (string, []Check, error) {
	sz := sc.full
	if opts.Quick {
		sz = sc.quick
	}
	yaml := sc.workload(sz)
	spec, err := workloads.Parse(sc.name+".yaml", []byte(yaml))
	if err != nil {
		return "", nil, fmt.Errorf("validation: scenario %s: %w\n%s", sc.name, err, yaml)
	}
	res, err := experiment.Run(spec, experiment.Options{Jobs: opts.Jobs, Tasks: sc.tasks})
	if err != nil {
		return "", nil, fmt.Errorf("validation: scenario %s: %w", sc.name, err)
	}
	tol := sc.tol
	if opts.Quick {
		tol.MaxCI *= QuickPrecision
	}
	checks := sc.checks(res)
	for i := range checks {
		c := &checks[i]
		c.Scenario = sc.name
		c.Tolerance = tol
		c.judge()
	}
	return yaml, checks, nil
}

// metric returns the check of a statistic of the named strategy's result,
// its mean and confidence half-width over the replications, against
// theory.
func metric(res *experiment.Result, strategy string, m sim.Metric, law string, unit Unit, theory float64) Check {
	s := strategyResult(res, strategy)
	return Check{Strategy: strategy, Figure: m.String(), Law: law, Unit: unit, Theory: theory,
		Mean: s.Aggregate.Mean[m], CI95: s.Aggregate.CI95[m]}
}

// derived returns the check of a figure computed from each replication's
// summary, against a theory that may also depend on the replication: the
// mean and 95% half-width are those of f, and the theory is the mean of
// theory over the replications.
func derived(res *experiment.Result, strategy, figure, law string, unit Unit,
	f, theory func(s *sim.Summary) float64) Check {
	s := strategyResult(res, strategy)
	xs := make([]float64, len(s.Runs))
	var th float64
	for i := range s.Runs {
		xs[i] = f(&s.Runs[i])
		th += theory(&s.Runs[i])
	}
	mean, ci := meanCI(xs)
	return Check{Strategy: strategy, Figure: figure, Law: law, Unit: unit,
		Theory: th / float64(len(s.Runs)), Mean: mean, CI95: ci}
}

func strategyResult(res *experiment.Result, name string) *experiment.StrategyResult {
	for i := range res.Strategies {
		if res.Strategies[i].Config.Name == name {
			return &res.Strategies[i]
		}
	}
	panic("validation: no strategy " + name + " in workload " + res.Spec.Name)
}

// meanCI returns the mean of xs and the half-width of its 95% Student-t
// confidence interval (0 for a single value), as sim.Combine does.
func meanCI(xs []float64) (mean, ci float64) {
	if len(xs) == 0 {
		return math.NaN(), 0
	}
	mean, std := stat.MeanStdDev(xs, nil)
	if n := len(xs); n > 1 {
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
		ci = t * std / math.Sqrt(float64(n))
	} else {
		mean = xs[0]
	}
	return mean, ci
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// fmtShare formats a share as a percentage ("0.5%") or, below 0.01%, as a
// plain number ("1e-9").
func fmtShare(x float64) string {
	if x < 1e-4 {
		return strconv.FormatFloat(x, 'g', 2, 64)
	}
	return strconv.FormatFloat(100*x, 'g', 3, 64) + "%"
}

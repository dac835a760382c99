package workloads

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"asyncsim/internal/schema"
	"asyncsim/sim"
)

// distKind is the family of a Dist.
type distKind uint8

const (
	distConst distKind = iota
	distExp
	distUniform
	distNormal
	distLogNormal
	distPareto
	distChoice
	distEmpirical
)

// maxShownValues is how many values of an empirical written inline
// String shows.
const maxShownValues = 8

// maxNormalTries bounds the resampling of negative normal samples. With a
// non-negative mean each try succeeds with probability at least one half.
const maxNormalTries = 64

// Dist is a distribution of durations: a constant, or one of the random
// families of the workload format (exp, uniform, normal truncated at zero,
// lognormal, pareto, choice, empirical). A nil *Dist is the constant zero.
type Dist struct {
	kind distKind
	// d1, d2 are the duration parameters as written: the constant; the
	// exp mean; uniform min and max; normal mean and stddev; lognormal
	// median; pareto min.
	d1, d2 sim.Time
	// x is the parameter that is not a duration: lognormal sigma, pareto
	// alpha (both dimensionless), and the exp rate, 1/mean per nanosecond,
	// computed once rather than at every sample.
	x       float64
	choices []choice
	// values are an empirical's durations, and file the file they were
	// read from, or "" for a list written inline.
	values []sim.Time
	file   string
	// total is the sum of the choice weights, scaled by scale.
	total float64
	// shift is the power of two the choice weights are multiplied by in
	// total and cum (see choiceDist).
	shift int
}

// choice is one alternative of a choice distribution.
type choice struct {
	value  sim.Time
	weight float64 // as written
	cum    float64 // sum of the weights up to and including this one, scaled
}

// Constant returns the distribution that is always d.
func Constant(d sim.Time) *Dist { return &Dist{kind: distConst, d1: d} }

// newDist returns the distribution d describes.
func newDist(d schema.Dist) *Dist {
	switch d.Family {
	case schema.Exp:
		return expDist(d.D1)
	case schema.Uniform:
		return &Dist{kind: distUniform, d1: d.D1, d2: d.D2}
	case schema.Normal:
		return &Dist{kind: distNormal, d1: d.D1, d2: d.D2}
	case schema.LogNormal:
		return &Dist{kind: distLogNormal, d1: d.D1, x: d.X}
	case schema.Pareto:
		return &Dist{kind: distPareto, d1: d.D1, x: d.X}
	case schema.Choice:
		return choiceDist(d.Choices)
	}
	return Constant(d.D1)
}

// choiceDist returns the choice among alts, whose weights are finite, not
// negative and not all zero.
//
// The weights are scaled by the power of two that brings the largest into
// [0.5, 1): then no sum of them overflows or loses the precision of
// subnormal numbers (two weights of 5e-324 split evenly, as weights of 1
// do). Scaling by a power of two is exact, and so are the sums, the
// products and the comparisons of sampling scaled by it: for weights
// whose sums stay normal numbers, every draw is the one the weights as
// written would give.
func choiceDist(alts []schema.WeightedValue) *Dist {
	var largest float64
	for _, a := range alts {
		largest = max(largest, a.Weight)
	}
	_, exp := math.Frexp(largest)
	d := &Dist{kind: distChoice, shift: -exp}
	for _, a := range alts {
		d.total += math.Ldexp(a.Weight, d.shift)
		d.choices = append(d.choices, choice{value: a.Value, weight: a.Weight, cum: d.total})
	}
	return d
}

// empiricalDist returns the distribution uniform among values, which
// must not be empty, read from file ("" for values written inline).
func empiricalDist(values []sim.Time, file string) *Dist {
	return &Dist{kind: distEmpirical, values: values, file: file}
}

// expDist returns the exponential distribution of the given mean, which
// must be positive.
func expDist(mean sim.Time) *Dist { return &Dist{kind: distExp, d1: mean, x: 1 / float64(mean)} }

// sample draws one duration from d using the stream p, rounded to the
// nearest nanosecond and clamped to [0, sim.MaxDuration]; r must draw from
// p too, for gonum's distributions. A constant draws nothing.
func (d *Dist) sample(p *rand.PCG, r *rand.Rand) sim.Time {
	if d == nil {
		return 0
	}
	if d.kind == distExp {
		// Exactly distuv.Exponential{Rate: 1 / mean, Src: r}.Rand(), with
		// neither the distuv nor the rand.Rand in the way
		// (TestExpMatchesDistuv).
		return d.expDuration(expFloat64(p))
	}
	var x float64
	switch d.kind {
	case distConst:
		return clampTime(d.d1)
	case distUniform:
		if d.d1 == d.d2 {
			return clampTime(d.d1)
		}
		x = distuv.Uniform{Min: float64(d.d1), Max: float64(d.d2), Src: r}.Rand()
	case distNormal:
		n := distuv.Normal{Mu: float64(d.d1), Sigma: float64(d.d2), Src: r}
		x = n.Rand()
		for i := 1; x < 0 && i < maxNormalTries; i++ {
			x = n.Rand()
		}
	case distLogNormal:
		x = distuv.LogNormal{Mu: math.Log(float64(d.d1)), Sigma: d.x, Src: r}.Rand()
	case distPareto:
		x = distuv.Pareto{Xm: float64(d.d1), Alpha: d.x, Src: r}.Rand()
	case distChoice:
		if len(d.choices) == 0 {
			return 0
		}
		u := r.Float64() * d.total
		for _, c := range d.choices {
			if c.cum > u {
				return clampTime(c.value)
			}
		}
		// u rounded up to the total: take the last alternative that can
		// be chosen at all.
		for i := len(d.choices) - 1; i >= 0; i-- {
			if d.choices[i].weight > 0 {
				return clampTime(d.choices[i].value)
			}
		}
		return 0
	case distEmpirical:
		// The index is the high word of u × len: uniform up to a bias
		// of len/2⁶⁴, and one draw of the stream.
		i, _ := bits.Mul64(p.Uint64(), uint64(len(d.values)))
		return d.values[i]
	}
	return roundTime(x)
}

// expDuration is the duration that x, a sample of the exponential
// distribution of rate 1, stands for under d, an exp.
func (d *Dist) expDuration(x float64) sim.Time { return roundTime(x / d.x) }

// roundTime rounds x nanoseconds to the nearest integer and clamps it to
// [0, sim.MaxDuration]; NaN becomes 0.
func roundTime(x float64) sim.Time {
	switch {
	case !(x > 0): // also NaN
		return 0
	case x >= float64(sim.MaxDuration):
		return sim.MaxDuration
	}
	// math.Round(x), in fewer instructions: below 2⁵³ the integer part t
	// and the fraction x-t are exact, so this rounds halves up exactly as
	// math.Round does (TestRoundTimeMatchesMathRound).
	t := sim.Time(x)
	if x-float64(t) >= 0.5 {
		t++
	}
	return t
}

func clampTime(t sim.Time) sim.Time { return min(max(t, 0), sim.MaxDuration) }

// Mean returns the mean of d in nanoseconds, before rounding and
// truncation to sim.MaxDuration: +Inf for a pareto with alpha <= 1.
// The mean of the normal distribution is that of the normal truncated at
// zero.
func (d *Dist) Mean() float64 {
	if d == nil {
		return 0
	}
	switch d.kind {
	case distConst:
		return float64(d.d1)
	case distExp:
		return float64(d.d1)
	case distUniform:
		return (float64(d.d1) + float64(d.d2)) / 2
	case distNormal:
		mu, sigma := float64(d.d1), float64(d.d2)
		if sigma == 0 {
			return mu
		}
		// E[X | X >= 0] = mu + sigma φ(a) / (1 - Φ(a)), a = -mu/sigma.
		a := -mu / sigma
		return mu + sigma*distuv.UnitNormal.Prob(a)/distuv.UnitNormal.Survival(a)
	case distLogNormal:
		return distuv.LogNormal{Mu: math.Log(float64(d.d1)), Sigma: d.x}.Mean()
	case distPareto:
		return distuv.Pareto{Xm: float64(d.d1), Alpha: d.x}.Mean()
	case distChoice:
		if d.total == 0 {
			return 0
		}
		var s float64
		for _, c := range d.choices {
			s += math.Ldexp(c.weight, d.shift) * float64(c.value)
		}
		return s / d.total
	case distEmpirical:
		var s float64
		for _, v := range d.values {
			s += float64(v)
		}
		return s / float64(len(d.values))
	}
	return 0
}

// clampedMean is Mean with an infinite mean replaced by the longest
// sample, sim.MaxDuration, for rough estimates of a run's length.
func (d *Dist) clampedMean() float64 { return min(d.Mean(), float64(sim.MaxDuration)) }

// String formats d compactly, like its YAML: "1ms", "exp(20ms)",
// "uniform(1ms, 3ms)", "normal(mean=5ms, stddev=1ms)",
// "lognormal(median=20ms, sigma=0.5)", "pareto(min=1ms, alpha=1.5)",
// "choice(1ms:9, 10ms:1)", "empirical(1ms, 3ms)",
// "empirical(samples.txt, 1200 values)".
func (d *Dist) String() string {
	if d == nil {
		return fmtTime(0)
	}
	switch d.kind {
	case distConst:
		return fmtTime(d.d1)
	case distExp:
		return "exp(" + fmtTime(d.d1) + ")"
	case distUniform:
		return "uniform(" + fmtTime(d.d1) + ", " + fmtTime(d.d2) + ")"
	case distNormal:
		return "normal(mean=" + fmtTime(d.d1) + ", stddev=" + fmtTime(d.d2) + ")"
	case distLogNormal:
		return "lognormal(median=" + fmtTime(d.d1) + ", sigma=" + schema.FormatFloat(d.x) + ")"
	case distPareto:
		return "pareto(min=" + fmtTime(d.d1) + ", alpha=" + schema.FormatFloat(d.x) + ")"
	case distChoice:
		var b strings.Builder
		b.WriteString("choice(")
		for i, c := range d.choices {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmtTime(c.value) + ":" + schema.FormatFloat(c.weight))
		}
		b.WriteString(")")
		return b.String()
	case distEmpirical:
		if d.file != "" {
			return fmt.Sprintf("empirical(%s, %d values)", d.file, len(d.values))
		}
		if len(d.values) > maxShownValues {
			return fmt.Sprintf("empirical(%d values)", len(d.values))
		}
		var b strings.Builder
		b.WriteString("empirical(")
		for i, v := range d.values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmtTime(v))
		}
		b.WriteString(")")
		return b.String()
	}
	return "?"
}

// fmtTime formats t as a Go duration without trailing zero units: "24h"
// rather than "24h0m0s".
func fmtTime(t sim.Time) string { return schema.FormatDuration(t) }

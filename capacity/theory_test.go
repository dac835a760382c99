package capacity

import (
	"fmt"
	"math"
	"regexp"
	"testing"

	"asyncsim/workloads"
)

// mmc returns a workload of an M/M/c queue: Poisson arrivals at 100/s of
// tasks of exponential CPU work of mean 1 ms (μ = 1000/s) served by c
// blocking workers on c cores, n tasks a replication.
func mmc(t *testing.T, c, n, reps int) *workloads.Spec {
	t.Helper()
	yaml := fmt.Sprintf(`name: mmc
seed: 3
replications: %d
machine: {cores: %d}
tasks:
  - name: t
    count: %d
    arrival: {per_second: 100}
    steps: [{cpu: {exp: 1ms}}]
strategies:
  - {name: workers, kind: blocking, workers: %d}
`, reps, c, n, c)
	spec, err := workloads.Parse("mmc.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestCapacityWithoutObjectiveIsServiceCapacity(t *testing.T) {
	for _, c := range []int{1, 4} {
		spec := mmc(t, c, 20000, 3)
		rep, err := Capacity(spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Results[0]
		want := 1000 * float64(c)
		t.Logf("c=%d: capacity %.1f ± %.1f (bracket %.1f..%.1f), %d runs", c, r.Rate, r.CI95, r.Low, r.High, rep.Runs)
		// The offered demand λ/(cμ) decides overload here, exactly: every
		// rate below cμ is stable, every rate from it on not. The
		// bisection ends with cμ inside a bracket of Resolution, whose
		// middle is the capacity, so it is within Resolution of cμ, and
		// below it.
		if r.Rate > want || r.Rate < want*(1-Resolution) || r.High < want || r.Low >= want {
			t.Errorf("c=%d: capacity %.1f/s (bracket %.1f..%.1f), want c·μ = %.0f/s inside the bracket, within %v", c, r.Rate, r.Low, r.High, want, Resolution)
		}
	}
}

// mmcSurvival returns P(T > t) for the response time T of an M/M/c FCFS
// queue: T = W + S, where W is 0 with probability 1 − C (C the Erlang C
// probability of waiting) and otherwise exponential of rate θ = cμ − λ,
// and S is exponential of rate μ; for θ ≠ μ the convolution gives
// P(W' + S > t) = (θe^{−μt} − μe^{−θt}) / (θ − μ).
func mmcSurvival(lambda, mu float64, c int, t float64) float64 {
	C := erlangC(c, lambda/mu)
	theta := float64(c)*mu - lambda
	if math.Abs(theta-mu) < 1e-9 {
		return (1-C)*math.Exp(-mu*t) + C*(1+mu*t)*math.Exp(-mu*t)
	}
	return (1-C)*math.Exp(-mu*t) + C*(theta*math.Exp(-mu*t)-mu*math.Exp(-theta*t))/(theta-mu)
}

// erlangC returns the probability that an arrival waits in an M/M/c
// queue of offered load a = λ/μ < c.
func erlangC(c int, a float64) float64 {
	// Erlang B by its recursion, then C = B / (1 − (a/c)(1 − B)).
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	return b / (1 - rho*(1-b))
}

// rateForP99 returns the rate λ < cμ at which the M/M/c response time's
// 99th percentile is x, by bisection on P(T > x) = 0.01, which grows with λ.
func rateForP99(mu float64, c int, x float64) float64 {
	lo, hi := 0.0, float64(c)*mu
	for range 100 {
		m := (lo + hi) / 2
		if mmcSurvival(m, mu, c, x) < 0.01 {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

func TestCapacityForP99MatchesTheory(t *testing.T) {
	// M/M/1: P(T > t) = e^{−(μ−λ)t}, so p99 < X up to λ = μ − ln(100)/X:
	// 1000 − 4.605/0.02 = 769.7/s. M/M/4 for p99 < 5 ms: from the
	// response-time distribution above.
	if got, want := rateForP99(1000, 1, 0.02), 1000-math.Log(100)/0.02; math.Abs(got-want) > 1e-6 {
		t.Fatalf("rateForP99 for M/M/1 = %v, want the closed form %v", got, want)
	}
	for _, tc := range []struct {
		c int
		x float64
		o string
	}{{1, 0.02, "p99<20ms"}, {4, 0.005, "latency_p99_s<5ms"}} {
		o, err := ParseObjective(tc.o)
		if err != nil {
			t.Fatal(err)
		}
		n := 20000
		if testing.Short() {
			n = 10000
		}
		rep, err := Capacity(mmc(t, tc.c, n, 4), Options{Objectives: []Objective{o}})
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Results[0]
		want := rateForP99(1000, tc.c, tc.x)
		t.Logf("M/M/%d %s: capacity %.1f ± %.1f, theory %.1f; binding %s; %d runs", tc.c, tc.o, r.Rate, r.CI95, want, r.Binding, rep.Runs)
		// Tolerance: 3% of the rate, about twice the replications' spread
		// carried to the rate by the slope of p99 against λ.
		if math.Abs(r.Rate-want) > 0.03*want {
			t.Errorf("M/M/%d %s: capacity %.1f/s, theory %.1f/s: off by more than 3%%", tc.c, tc.o, r.Rate, want)
		}
		if r.Binding != tc.o {
			t.Errorf("M/M/%d: binding %q, want the objective %q", tc.c, r.Binding, tc.o)
		}
	}
}

// TestJobsDoNotChangeResults checks that how many runs go at once
// changes nothing: each replication's streams are its own, and the
// searches read the runs by key, not in completion order.
func TestJobsDoNotChangeResults(t *testing.T) {
	spec := mmc(t, 2, 3000, 3)
	o, err := ParseObjective("p99<5ms")
	if err != nil {
		t.Fatal(err)
	}
	var reports []string
	for _, jobs := range []int{1, 3} {
		rep, err := Capacity(spec, Options{Objectives: []Objective{o}, Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		// As text: NaN fields compare equal, and the pointers to the
		// verdicts (derived from the runs) are left out.
		reports = append(reports, regexp.MustCompile(`0x[0-9a-f]+`).ReplaceAllString(fmt.Sprintf("%+v", *rep), "ptr"))
	}
	if reports[0] != reports[1] {
		t.Errorf("--jobs 1 and 3 differ:\n%s\n%s", reports[0], reports[1])
	}
}

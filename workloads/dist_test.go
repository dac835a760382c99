package workloads

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"asyncsim/internal/schema"
	"asyncsim/sim"

	"gonum.org/v1/gonum/stat/distuv"
)

// testStream is a random stream as a source has them: a PCG, and a
// rand.Rand drawing from it.
type testStream struct {
	p *rand.PCG
	r *rand.Rand
}

func newTestStream(seed1, seed2 uint64) testStream {
	p := rand.NewPCG(seed1, seed2)
	return testStream{p, rand.New(p)}
}

func (s testStream) sample(d *Dist) sim.Time { return d.sample(s.p, s.r) }

// parseDist parses a distribution written in YAML.
func parseDist(t *testing.T, src string) *Dist {
	t.Helper()
	s, err := Parse("d.yaml", []byte("name: d\ntasks: [{name: a, count: 1, steps: [{cpu: "+src+"}]}]\n"+okStrategies))
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	return s.Classes[0].Steps[0].Dur
}

func TestDistMeans(t *testing.T) {
	const n = 200_000
	for _, tc := range []struct {
		src  string
		mean float64 // exact mean in ns
		tol  float64 // relative tolerance of the sample mean
	}{
		{"3ms", 3e6, 0},
		{"{exp: 20ms}", 20e6, 0.01},
		{"{uniform: [1ms, 3ms]}", 2e6, 0.005},
		{"{uniform: [2ms, 2ms]}", 2e6, 0},
		{"{normal: {mean: 10ms, stddev: 2ms}}", truncNormalMean(10e6, 2e6), 0.005},
		{"{normal: {mean: 1ms, stddev: 2ms}}", truncNormalMean(1e6, 2e6), 0.01},
		{"{normal: {mean: 0s, stddev: 1ms}}", 1e6 * math.Sqrt(2/math.Pi), 0.01},
		{"{normal: {mean: 4ms, stddev: 0s}}", 4e6, 0},
		{"{lognormal: {median: 10ms, sigma: 0.5}}", 10e6 * math.Exp(0.125), 0.01},
		{"{pareto: {min: 1ms, alpha: 3}}", 1.5e6, 0.01},
		{"{choice: [{value: 1ms, weight: 3}, {value: 5ms, weight: 1}, {value: 9ms, weight: 0}]}", 2e6, 0.01},
	} {
		d := parseDist(t, tc.src)
		if got := d.Mean(); math.Abs(got-tc.mean) > 1e-9*tc.mean {
			t.Errorf("%s: Mean() = %v; want %v", tc.src, got, tc.mean)
		}
		r := newTestStream(1, 2)
		var sum float64
		for range n {
			x := r.sample(d)
			if x < 0 || x > sim.MaxDuration {
				t.Fatalf("%s: sample = %d, outside [0, MaxDuration]", tc.src, x)
			}
			sum += float64(x)
		}
		if got := sum / n; math.Abs(got-tc.mean) > tc.tol*tc.mean+0.5 {
			t.Errorf("%s: sample mean over %d = %.0f; want %.0f ± %.1f%%", tc.src, n, got, tc.mean, 100*tc.tol)
		}
	}
}

// truncNormalMean is the mean of a normal(mu, sigma) truncated at zero:
// E[X | X >= 0] = mu + sigma φ(a)/(1-Φ(a)), a = -mu/sigma.
func truncNormalMean(mu, sigma float64) float64 {
	a := -mu / sigma
	phi := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	survival := 0.5 * math.Erfc(a/math.Sqrt2)
	return mu + sigma*phi/survival
}

func TestDistTruncation(t *testing.T) {
	r := newTestStream(3, 4)
	// alpha <= 1: infinite mean, samples clamped to MaxDuration.
	d := parseDist(t, "{pareto: {min: 1h, alpha: 0.2}}")
	if !math.IsInf(d.Mean(), 1) {
		t.Errorf("pareto alpha 0.2: Mean() = %v; want +Inf", d.Mean())
	}
	clamped := 0
	for range 10000 {
		x := r.sample(d)
		if x < sim.Hour || x > sim.MaxDuration {
			t.Fatalf("pareto sample %v outside [1h, 24h]", x)
		}
		if x == sim.MaxDuration {
			clamped++
		}
	}
	// P(X > 24h) = (1/24)^0.2 ≈ 0.53.
	if clamped < 5000 || clamped > 5600 {
		t.Errorf("pareto: %d of 10000 samples clamped to 24h; want about 5300", clamped)
	}
	// A wide normal around zero is never negative.
	d = parseDist(t, "{normal: {mean: 0s, stddev: 1h}}")
	for range 10000 {
		if x := r.sample(d); x < 0 {
			t.Fatalf("normal sample %v < 0", x)
		}
	}
	// Samples are rounded to whole nanoseconds.
	d = parseDist(t, "{uniform: [1ns, 2ns]}")
	seen := map[sim.Time]int{}
	for range 10000 {
		seen[r.sample(d)]++
	}
	if len(seen) != 2 || seen[1] < 2000 || seen[2] < 2000 {
		t.Errorf("uniform(1ns, 2ns) samples: %v; want only 1 and 2, each about half the time", seen)
	}
	// Huge sigma: Inf and 0 map into range.
	d = parseDist(t, "{lognormal: {median: 1ms, sigma: 1e300}}")
	for range 1000 {
		if x := r.sample(d); x != 0 && x != sim.MaxDuration {
			t.Fatalf("lognormal sigma 1e300 sample %v; want 0 or 24h", x)
		}
	}
}

func TestDistChoiceWeights(t *testing.T) {
	d := parseDist(t, "{choice: [{value: 1ms, weight: 0}, {value: 2ms, weight: 1}, {value: 3ms, weight: 0}, {value: 4ms, weight: 2.5}, {value: 5ms, weight: 0}]}")
	r := newTestStream(5, 6)
	const n = 70000
	counts := map[sim.Time]int{}
	for range n {
		counts[r.sample(d)]++
	}
	if len(counts) != 2 {
		t.Fatalf("choice drew %v; want only 2ms and 4ms (zero weights never drawn)", counts)
	}
	if got := float64(counts[2*sim.Millisecond]) / n; math.Abs(got-1/3.5) > 0.01 {
		t.Errorf("choice: share of 2ms = %.3f; want %.3f", got, 1/3.5)
	}
}

// TestChoiceOfTinyWeights: weights are scaled before they are summed, so
// two equal weights of the smallest float split evenly, as weights of 1
// do (issue 12, point 6: they split 25/75), and so do weights whose sum
// would overflow.
func TestChoiceOfTinyWeights(t *testing.T) {
	for _, w := range []string{"5e-324", "1", "1e308"} {
		d := parseDist(t, "{choice: [{value: 1ms, weight: "+w+"}, {value: 2ms, weight: "+w+"}]}")
		r := newTestStream(1, 2)
		const n = 20_000
		first := 0
		for range n {
			if r.sample(d) == sim.Millisecond {
				first++
			}
		}
		// A fair split has a standard deviation of sqrt(n)/2 ≈ 71: allow 5.
		if first < n/2-355 || first > n/2+355 {
			t.Errorf("weights %s: %d of %d draws chose the first; want about half", w, first, n)
		}
		if got, want := d.Mean(), 1.5e6; math.Abs(got-want) > 1e-9*want {
			t.Errorf("weights %s: mean %g; want %g", w, got, want)
		}
	}
}

// TestChoiceScalingKeepsDraws: for weights of ordinary size, the scaled
// weights choose exactly what the weights as written do, draw for draw,
// so that no simulated number changes.
func TestChoiceScalingKeepsDraws(t *testing.T) {
	gen := rand.New(rand.NewPCG(11, 12))
	for k := range 200 {
		alts := make([]schema.WeightedValue, 1+gen.IntN(6))
		for i := range alts {
			alts[i] = schema.WeightedValue{Value: sim.Time(i + 1), Weight: math.Ldexp(gen.Float64(), gen.IntN(60)-30)}
			if gen.IntN(5) == 0 {
				alts[i].Weight = float64(gen.IntN(10))
			}
		}
		alts[0].Weight += 1e-3 // not all zero
		scaled := choiceDist(alts)
		written := &Dist{kind: distChoice}
		for _, a := range alts {
			written.total += a.Weight
			written.choices = append(written.choices, choice{value: a.Value, weight: a.Weight, cum: written.total})
		}
		r1, r2 := newTestStream(uint64(k), 3), newTestStream(uint64(k), 3)
		for i := range 2000 {
			if a, b := r1.sample(scaled), r2.sample(written); a != b {
				t.Fatalf("weights %v, draw %d: scaled chose %v, as written %v", alts, i, a, b)
			}
		}
		if a, b := scaled.Mean(), written.Mean(); a != b {
			t.Fatalf("weights %v: scaled mean %v, as written %v", alts, a, b)
		}
	}
}

func TestDistString(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"1ms", "1ms"},
		{"24h", "24h"},
		{"1h30m", "1h30m"},
		{"90s", "1m30s"},
		{"{exp: 20ms}", "exp(20ms)"},
		{"{uniform: [1ms, 3ms]}", "uniform(1ms, 3ms)"},
		{"{normal: {mean: 5ms, stddev: 1ms}}", "normal(mean=5ms, stddev=1ms)"},
		{"{lognormal: {median: 20ms, sigma: 0.5}}", "lognormal(median=20ms, sigma=0.5)"},
		{"{pareto: {min: 1ms, alpha: 1.5}}", "pareto(min=1ms, alpha=1.5)"},
		{"{choice: [{value: 1ms, weight: 9}, {value: 10ms, weight: 1}]}", "choice(1ms:9, 10ms:1)"},
	} {
		if got := parseDist(t, tc.src).String(); got != tc.want {
			t.Errorf("%s: String() = %q; want %q", tc.src, got, tc.want)
		}
	}
	var nilDist *Dist
	if nilDist.String() != "0s" || nilDist.Mean() != 0 || nilDist.sample(nil, nil) != 0 {
		t.Errorf("nil *Dist is not the constant zero")
	}
}

func TestDistConstantDrawsNothing(t *testing.T) {
	r1 := newTestStream(7, 8)
	r2 := newTestStream(7, 8)
	if got := r1.sample(Constant(5 * sim.Millisecond)); got != 5*sim.Millisecond {
		t.Errorf("Constant(5ms) sample = %v", got)
	}
	if r1.p.Uint64() != r2.p.Uint64() {
		t.Errorf("a constant consumed randomness")
	}
}

// TestExpMatchesDistuv pins sample's fast path for exp to gonum's
// distuv.Exponential, draw for draw.
func TestExpMatchesDistuv(t *testing.T) {
	for _, mean := range []sim.Time{1, 999, sim.Millisecond, 5 * sim.Millisecond, 3 * sim.Second} {
		d := expDist(mean)
		a := newTestStream(9, uint64(mean))
		b := rand.New(rand.NewPCG(9, uint64(mean)))
		for i := range 10000 {
			want := roundTime(distuv.Exponential{Rate: 1 / float64(mean), Src: b}.Rand())
			if got := a.sample(d); got != want {
				t.Fatalf("mean %v, draw %d: sample = %v; distuv gives %v", mean, i, got, want)
			}
		}
	}
}

func TestRoundTimeMatchesMathRound(t *testing.T) {
	max := float64(sim.MaxDuration)
	xs := []float64{
		math.SmallestNonzeroFloat64, 0.49999999999999994, 0.5, math.Nextafter(0.5, 1), 1.4999999999999998, 1.5, 2.5,
		math.Nextafter(max, 0), max - 0.5, max - 1.5, 123456789.5, 123456789.49999999,
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		xs = append(xs, r.Float64()*max, r.ExpFloat64()*1e6, float64(r.Int64N(1e9))+0.5, r.Float64()*4)
	}
	for _, x := range xs {
		if got, want := roundTime(x), sim.Time(math.Round(x)); got != want {
			t.Fatalf("roundTime(%v) = %d; math.Round gives %d", x, got, want)
		}
	}
	for _, x := range []float64{0, -0.5, -1, math.NaN(), math.Inf(-1)} {
		if got := roundTime(x); got != 0 {
			t.Errorf("roundTime(%v) = %d; want 0", x, got)
		}
	}
	for _, x := range []float64{max, max + 0.5, math.Inf(1)} {
		if got := roundTime(x); got != sim.MaxDuration {
			t.Errorf("roundTime(%v) = %d; want sim.MaxDuration", x, got)
		}
	}
}

func TestExpFloat64MatchesMathRand(t *testing.T) {
	// A million draws take every branch of the ziggurat: the base strip
	// (i == 0) and the wedges about 1% of the time.
	p := rand.NewPCG(11, 12)
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 1_000_000 {
		if got, want := expFloat64(p), r.ExpFloat64(); got != want {
			t.Fatalf("draw %d: expFloat64 = %v; rand.Rand.ExpFloat64 = %v", i, got, want)
		}
	}
	if p.Uint64() != r.Uint64() {
		t.Errorf("expFloat64 drew a different number of values from the stream than rand.Rand.ExpFloat64")
	}
}

// TestAppendStepsMatchesSample pins appendSteps, which draws exp steps
// without calling sample, to sample, draw for draw: over enough tasks that
// the ziggurat's retries come up, with steps of other distributions and of
// zero length among them.
func TestAppendStepsMatchesSample(t *testing.T) {
	steps := []StepSpec{
		{Kind: sim.CPU, Dur: expDist(sim.Millisecond)},
		{Kind: sim.IO, Dur: expDist(5 * sim.Millisecond)},
		{Kind: sim.CPU, Dur: &Dist{kind: distUniform, d1: 0, d2: 3}},
		{Kind: sim.BlockingIO, Dur: nil},
		{Kind: sim.CPU, Dur: expDist(1)},
	}
	a := newTestStream(21, 22)
	b := newTestStream(21, 22)
	var got []sim.Step
	for task := range 100_000 {
		got = appendSteps(got[:0], steps, a.p, a.r)
		var want []sim.Step
		for _, st := range steps {
			if d := b.sample(st.Dur); d > 0 {
				want = append(want, sim.Step{Kind: st.Kind, Dur: d})
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("task %d: appendSteps gives %v; sample gives %v", task, got, want)
		}
	}
	if a.p.Uint64() != b.p.Uint64() {
		t.Errorf("appendSteps drew a different number of values from the stream than sample")
	}
}

package sim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestQuantilesMatchGonumEmpirical(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ps := []float64{0, 0.01, 0.5, 0.9, 0.95, 0.99, 1}
	// Past radixSelectMin values, selection starts by counting in buckets;
	// the spreads make one value, a few, many ties and few, and a long
	// tail that piles most values into the first bucket.
	for _, n := range []int{1, 2, 3, 7, 10, 99, 100, 101, 1000, 4096, radixSelectMin, 100_003} {
		for _, spread := range []int{1, 3, 1 << 30, -1, -2} {
			xs := make([]Time, n)
			for i := range xs {
				switch spread {
				case -1: // a long tail
					xs[i] = Time(r.ExpFloat64()*1e6) - 5e5
					if i%1000 == 0 {
						xs[i] = 1 << 50
					}
					continue
				case -2: // one far outlier: nearly every value in one bucket
					xs[i] = Time(r.IntN(1 << 20))
					if i == n/2 {
						xs[i] = 1 << 62
					}
					continue
				}
				xs[i] = Time(r.IntN(spread))
			}
			orig := slices.Clone(xs)
			got := quantiles(xs, ps)
			if !slices.Equal(xs, orig) {
				t.Fatalf("quantiles modified its input")
			}
			sorted := make([]float64, n)
			for i, x := range xs {
				sorted[i] = float64(x)
			}
			slices.Sort(sorted)
			for i, p := range ps {
				if want := stat.Quantile(p, stat.Empirical, sorted, nil); float64(got[i]) != want {
					t.Errorf("n=%d spread=%d: quantiles p=%v = %v; stat.Quantile says %v", n, spread, p, got[i], want)
				}
			}
		}
	}
}

func TestCombineStudentT(t *testing.T) {
	// Three replications with values 1, 2, 3: mean 2, standard deviation
	// 1, t(0.975, 2 d.f.) = 4.302652729911275, half-width t·s/√3 (gonum
	// computes the quantile to about 1e-10).
	runs := make([]Summary, 3)
	for i := range runs {
		runs[i].Tasks = int64(10 + i)
		runs[i].Values[Makespan] = float64(i + 1)
	}
	agg := Combine(runs)
	if agg.Mean[Makespan] != 2 || agg.Tasks != 11 || agg.Replications != 3 {
		t.Errorf("Combine: mean %v, tasks %v, replications %v; want 2, 11, 3", agg.Mean[Makespan], agg.Tasks, agg.Replications)
	}
	if got, want := agg.CI95[Makespan], 4.302652729911275/1.7320508075688772; got < want-1e-8 || got > want+1e-8 {
		t.Errorf("Combine: ci95 = %v; want %v", got, want)
	}
	if one := Combine(runs[:1]); one.CI95[Makespan] != 0 || one.Mean[Makespan] != 1 {
		t.Errorf("Combine of one run: ci95 %v, mean %v; want 0, 1", one.CI95[Makespan], one.Mean[Makespan])
	}
}

func TestQuantileSketchAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	xs := make([]Time, 200000)
	var s, a, b QuantileSketch
	for i := range xs {
		xs[i] = Time(r.ExpFloat64() * 1e6) // exponential, mean 1 ms
		if i%50 == 0 {
			xs[i] = 0
		}
		s.Add(xs[i])
		if i%2 == 0 {
			a.Add(xs[i])
		} else {
			b.Add(xs[i])
		}
	}
	a.Merge(&b)
	ps := []float64{0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1}
	exact := quantiles(xs, ps)
	for i, p := range ps {
		got := s.Quantile(p)
		if rel := float64(got-exact[i]) / float64(exact[i]); rel > SketchAccuracy || rel < -SketchAccuracy {
			t.Errorf("Quantile(%v) = %v; exact %v: off by %.3f%%", p, got, exact[i], 100*rel)
		}
		if m := a.Quantile(p); m != got {
			t.Errorf("merged halves: Quantile(%v) = %v; whole %v", p, m, got)
		}
	}
	if s.Count() != int64(len(xs)) || s.Quantile(0.01) != 0 {
		t.Errorf("Count = %d, Quantile(0.01) = %v; want %d and 0 (2%% zeros)", s.Count(), s.Quantile(0.01), len(xs))
	}
}

func TestQuantilesManyProbabilities(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	xs := make([]Time, 50_000)
	for i := range xs {
		xs[i] = Time(r.Int64N(1e9))
	}
	var ps []float64
	for i := range 201 {
		ps = append(ps, float64(i)/200)
	}
	got := quantiles(xs, ps)
	sorted := slices.Sorted(slices.Values(xs))
	for i, p := range ps {
		if want := sorted[nearestRank(p, len(sorted))]; got[i] != want {
			t.Fatalf("quantiles p=%v = %v; the sorted values give %v", p, got[i], want)
		}
	}
}

// quantiles is selectQuantiles on a copy of xs, which it leaves as it is.
func quantiles(xs []Time, ps []float64) []Time {
	if len(xs) == 0 {
		return make([]Time, len(ps))
	}
	return selectQuantiles(slices.Clone(xs), ps, slices.Min(xs), slices.Max(xs))
}

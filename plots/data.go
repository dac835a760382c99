package plots

import (
	"fmt"
	"slices"
	"sort"

	"asyncsim/sim"
	"asyncsim/timeline"
)

// Run is the data behind a run's figures: what `asyncsim run --out`
// writes beside summary.csv and what `asyncsim plot` reads back.
type Run struct {
	// Workload and Description are the workload's name and description.
	Workload, Description string
	// Cores is the machine's core count.
	Cores int
	// Replications is the number of replications of each strategy.
	Replications int
	// Strategies are the strategies run, in the workload's order.
	Strategies []Strategy
	// Classes names the task classes of a workload with more than one,
	// in its order, for the latency figure by class; nil otherwise.
	Classes []string
	// Open marks a workload of open arrivals spread over time (a
	// Poisson stream, a rate or a fixed gap): its first figure compares
	// latency percentiles, where a batch's compares makespans.
	Open bool
}

// Strategy is one strategy's figure data.
type Strategy struct {
	// Name and Kind are the strategy's name and kind.
	Name, Kind string
	// Color is the strategy's index in the workload's strategy list: it
	// picks the strategy's colour (StrategyColor), the same in every
	// figure and every run, whichever strategies were selected.
	Color int
	// Tasks is the number of counted tasks of one replication.
	Tasks int64
	// Makespan is the mean makespan over the replications, in seconds,
	// and MakespanCI95 the half-width of its 95% confidence interval.
	Makespan, MakespanCI95 float64
	// P50 and P99 are the means over the replications of the median and
	// 99th percentile of request latency, in seconds, and P50CI95 and
	// P99CI95 the half-widths of their 95% confidence intervals.
	P50, P50CI95, P99, P99CI95 float64
	// Latencies is the number of latencies behind CDF: the counted tasks
	// of all replications.
	Latencies int64
	// CDF is the empirical distribution of the latencies (LatencyCDF).
	CDF []CDFPoint
	// Classes are the latencies of each class of Run.Classes, in its
	// order, or nil.
	Classes []ClassLatencies
	// Series is the busy cores and tasks in flight of replication 0.
	Series *timeline.Series
	// Timeline is the window of replication 0's timeline.
	Timeline *timeline.Timeline
}

// CheckWindow reports an error when the timeline window starts at or
// after the end of every strategy's run: every timeline would be blank.
func (r *Run) CheckWindow() error {
	var from, end sim.Time
	for _, s := range r.Strategies {
		if s.Timeline == nil {
			return nil
		}
		if s.Timeline.From < s.Timeline.End {
			return nil
		}
		from, end = s.Timeline.From, max(end, s.Timeline.End)
	}
	if len(r.Strategies) == 0 {
		return nil
	}
	return fmt.Errorf("the timeline window starts at %s, at or after the end of every strategy's run (the longest ends at %s): "+
		"every timeline would be blank; choose a window that starts before %s", from, end, end)
}

// ClassLatencies are the latencies of one class's counted tasks under a
// strategy, over all replications.
type ClassLatencies struct {
	// Latencies is the number of latencies behind CDF.
	Latencies int64
	// CDF is their empirical distribution (LatencyCDF or SketchCDF).
	CDF []CDFPoint
}

// CDFPoint is one point of an empirical distribution function: Count of
// the latencies, a share Fraction of them, are at most Latency.
type CDFPoint struct {
	// Latency is the point's latency.
	Latency sim.Time
	// Count is the number of latencies at most Latency.
	Count int64
	// Fraction is Count over the number of latencies.
	Fraction float64
}

// CDFPoints is how many points LatencyCDF keeps at most: the step
// function through them is within 1/CDFPoints of the exact one, under a
// point of a figure's height.
const CDFPoints = 500

// LatencyCDF returns the empirical distribution function of the
// latencies of all the given replications, pooled, downsampled to at most
// maxPoints+1 points: the latencies at ranks ⌈k·n/maxPoints⌉ (k = 1 …
// maxPoints) and the smallest one, each with the exact share of
// latencies at or below it, in increasing order. The step function
// through them (constant to the right of each point) is within
// 1/maxPoints of the exact one, and where maxPoints is a multiple of 100
// the nearest-rank percentiles read from it (Quantile) are exact. With
// maxPoints ≤ 0, every distinct latency is kept.
func LatencyCDF(latencies [][]sim.Time, maxPoints int) []CDFPoint {
	var all []sim.Time
	for _, l := range latencies {
		all = append(all, l...)
	}
	n := len(all)
	if n == 0 {
		return nil
	}
	slices.Sort(all)
	var out []CDFPoint
	add := func(i int) {
		x := all[i]
		if k := len(out); k > 0 && out[k-1].Latency == x {
			return
		}
		// The share at or below x: past the last copy of x.
		j := i + sort.Search(n-i, func(k int) bool { return all[i+k] > x })
		out = append(out, CDFPoint{Latency: x, Count: int64(j), Fraction: float64(j) / float64(n)})
	}
	if maxPoints <= 0 || n <= maxPoints {
		for i := range n {
			add(i)
		}
		return out
	}
	add(0)
	for k := 1; k <= maxPoints; k++ {
		add(int((int64(k)*int64(n)+int64(maxPoints)-1)/int64(maxPoints)) - 1)
	}
	return out
}

// Quantile returns the nearest-rank p-quantile of a CDF: the smallest
// latency with a share of at least p of the latencies at or below it. It
// reports false for an empty CDF.
func Quantile(cdf []CDFPoint, p float64) (sim.Time, bool) {
	for _, pt := range cdf {
		if pt.Fraction >= p-1e-12 {
			return pt.Latency, true
		}
	}
	if len(cdf) > 0 {
		return cdf[len(cdf)-1].Latency, true
	}
	return 0, false
}

// SketchCDF returns the distribution function of the latencies a sketch
// summarises, as maxPoints points: the p-quantiles for p = k/maxPoints,
// each within sim.SketchAccuracy, with the count ⌈p·n⌉ of the n
// latencies. It stands in for LatencyCDF for runs with more than
// sim.ExactLatencies tasks.
func SketchCDF(s *sim.QuantileSketch, maxPoints int) []CDFPoint {
	if s == nil || s.Count() == 0 || maxPoints <= 0 {
		return nil
	}
	n := s.Count()
	var out []CDFPoint
	for k := 1; k <= maxPoints; k++ {
		p := float64(k) / float64(maxPoints)
		x := s.Quantile(p)
		count := (int64(k)*n + int64(maxPoints) - 1) / int64(maxPoints)
		pt := CDFPoint{Latency: x, Count: count, Fraction: float64(count) / float64(n)}
		if m := len(out); m > 0 && out[m-1].Latency >= x {
			out[m-1].Count, out[m-1].Fraction = pt.Count, pt.Fraction
			continue
		}
		out = append(out, pt)
	}
	return out
}

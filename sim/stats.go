package sim

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Metric is one statistic of a run, as the output contract names it.
type Metric int

// The metrics, in output order.
const (
	Makespan Metric = iota
	Throughput
	LatencyMean
	LatencyP50
	LatencyP90
	LatencyP95
	LatencyP99
	LatencyMax
	WaitMean
	CPUUtilization
	InFlightMean
	LoopBlocked
	GILWait
	ContextSwitches
	// The figures of clients that give up, full queues and requests
	// (see Services in DESIGN.md). Without those features Requests and
	// Succeeded equal the tasks, and the others are zero.
	Requests
	Succeeded
	Failed
	Rejected
	Timeouts
	RetriesSent
	SYNRetries
	Goodput
	WastedCPU
	// The figures of overload and horizons (docs/model.md, "Overload and
	// horizons"): the attempts still in flight when the run ended (0
	// unless it reached its horizon), and the occupied share of each
	// group of contexts (0 for a strategy without that group).
	InFlightEnd
	WorkersUtilization
	ThreadsUtilization
	LoopUtilization
	ExecutorUtilization
	// MemoryPeak is the server's estimated peak memory in MiB, from the
	// contexts a run created and Result.PeakInFlight (package memory's
	// model, docs/model.md "Memory"): experiment.Run sets it, and Run
	// leaves it zero.
	MemoryPeak
	NumMetrics
)

var metricNames = [NumMetrics]string{
	Makespan:        "makespan_s",
	Throughput:      "throughput_per_s",
	LatencyMean:     "latency_mean_s",
	LatencyP50:      "latency_p50_s",
	LatencyP90:      "latency_p90_s",
	LatencyP95:      "latency_p95_s",
	LatencyP99:      "latency_p99_s",
	LatencyMax:      "latency_max_s",
	WaitMean:        "wait_mean_s",
	CPUUtilization:  "cpu_utilization",
	InFlightMean:    "in_flight_mean",
	LoopBlocked:     "loop_blocked_s",
	GILWait:         "gil_wait_s",
	ContextSwitches: "context_switches",
	Requests:        "requests",
	Succeeded:       "succeeded",
	Failed:          "failed",
	Rejected:        "rejected",
	Timeouts:        "timeouts",
	RetriesSent:     "retries_sent",
	SYNRetries:      "syn_retries",
	Goodput:         "goodput_per_s",
	WastedCPU:       "wasted_cpu_s",

	InFlightEnd:         "in_flight_end",
	WorkersUtilization:  "workers_utilization",
	ThreadsUtilization:  "threads_utilization",
	LoopUtilization:     "loop_utilization",
	ExecutorUtilization: "executor_utilization",
	MemoryPeak:          "memory_peak_mib",
}

// String returns the metric's name in CSV and JSON output ("makespan_s").
func (m Metric) String() string { return metricNames[m] }

// Metrics lists every metric in output order.
func Metrics() []Metric {
	ms := make([]Metric, NumMetrics)
	for i := range ms {
		ms[i] = Metric(i)
	}
	return ms
}

// MetricByName returns the metric with the given output name.
func MetricByName(name string) (Metric, bool) {
	for m, n := range metricNames {
		if n == name {
			return Metric(m), true
		}
	}
	return 0, false
}

// Summary holds one run's statistics.
type Summary struct {
	// Tasks is the number of counted tasks, or attempts: every attempt of
	// a request first sent at or after the warm-up, whatever its outcome
	// (those arriving at or after
	// the warm-up).
	Tasks int64
	// Values holds each metric, indexed by Metric; times in seconds.
	Values [NumMetrics]float64
	// Resources holds each resource's metrics, indexed like
	// Config.Resources and then by ResourceMetric; nil without resources.
	Resources [][NumResourceMetrics]float64
	// Classes holds each task class's metrics, indexed by class and then
	// by Metric: those ClassMetrics lists are set, the others zero.
	Classes [][NumMetrics]float64
	// Trend is the trend of the tasks in flight, for the test of
	// overload.
	Trend Trend
	// Horizon reports whether the run ended at its horizon
	// (Config.Until) with work left, rather than when all was done.
	Horizon bool
}

// Result is the outcome of one run: its summary and the latencies behind
// it.
type Result struct {
	Summary
	// Latencies of the counted tasks, when there are at most
	// ExactLatencies of them; otherwise nil, and Sketch holds them. They
	// are in no particular order: the percentiles were selected in place.
	// TaskRecords (Config.OnTask) give them in completion order.
	Latencies []Time
	// Sketch summarises the latencies of a run of more than ExactLatencies
	// counted tasks, whose percentiles are then within SketchAccuracy.
	Sketch *QuantileSketch
	// ClassLatencies holds the latencies of each class's succeeded
	// requests, by class, where Config.Classes is set. With a single class
	// its one element shares Latencies and Sketch.
	ClassLatencies []Latencies
	// FirstArrival is the first counted arrival and LastCompletion the
	// last counted completion: the window of the time averages, but for a
	// run that reached its horizon, whose window ends at the horizon.
	FirstArrival, LastCompletion Time
	// Contexts names every context the strategy created, by id.
	Contexts []ContextInfo
	// Events is the number of events the run processed.
	Events int64
	// PeakInFlight is the most tasks that were on the server at once:
	// arrived and not finished (queued, running, suspended or given up on
	// by their client but still served), not counting attempts whose SYN
	// waits to be retransmitted (on the client's side), with the branches
	// of their gathers spawned and not joined (each an asyncio Task of its
	// own under an event loop), over the whole run, warm-up included.
	PeakInFlight int
	// CPUWork is the CPU work done in the window, in core-nanoseconds.
	CPUWork Time
}

func (e *Engine) result() *Result {
	r := &Result{Latencies: e.lat.exact, Sketch: e.lat.sketch, Contexts: e.Contexts(), Events: e.events,
		PeakInFlight: e.peakInFlight}
	r.Tasks = e.counted + e.unserved
	r.Trend, r.Horizon = e.fitTrend(), e.reached
	v := &r.Values
	v[InFlightEnd] = float64(e.inFlight)
	var all requestCounts
	for _, c := range e.svc.classes {
		all.add(&c)
	}
	all.succeeded = e.lat.count()
	all.values(v)
	if e.counted > 0 {
		e.timeAverages(r)
	}
	if all.succeeded > 0 {
		v[LatencyMean] = e.lat.sum / float64(all.succeeded) / float64(Second)
		q := e.lat.quantiles(latencyQuantiles)
		v[LatencyP50], v[LatencyP90], v[LatencyP95], v[LatencyP99], v[LatencyMax] =
			q[0].Seconds(), q[1].Seconds(), q[2].Seconds(), q[3].Seconds(), q[4].Seconds()
	}
	e.resourceFigures(r)
	e.classFigures(r)
	return r
}

// latencyQuantiles are the shares of the latency percentiles, and 1 for
// the maximum.
var latencyQuantiles = []float64{0.50, 0.90, 0.95, 0.99, 1}

// windowTo returns the end of the window of the time averages: the last
// completion of a counted attempt, or the horizon if the run reached it.
func (e *Engine) windowTo() Time {
	if e.reached {
		return e.cfg.Until
	}
	return e.lastCompletion
}

// timeAverages sets the figures of the window from the first counted
// arrival to windowTo.
func (e *Engine) timeAverages(r *Result) {
	r.FirstArrival, r.LastCompletion = e.firstCounted, e.lastCompletion
	window := e.windowTo() - e.firstCounted
	w := window.Seconds()
	a, b := e.windowStart, e.windowEnd
	r.CPUWork = b.busy - a.busy
	n := float64(e.counted)
	v := &r.Values
	v[Makespan] = w
	if window > 0 {
		v[Throughput] = n / w
		v[CPUUtilization] = r.CPUWork.Seconds() / (float64(e.cfg.Cores) * w)
		v[InFlightMean] = (b.inFlight - a.inFlight) / float64(window)
		v[Goodput] = v[Succeeded] / w
		e.groupFigures(v, float64(window))
	}
	v[WaitMean] = e.sumWait / n / float64(Second)
	v[LoopBlocked] = (b.blocked - a.blocked) / float64(Second)
	v[GILWait] = (b.waiting - a.waiting) / float64(Second)
	v[ContextSwitches] = float64(b.switches - a.switches)
}

// add adds o's counts to c's.
func (c *requestCounts) add(o *requestCounts) {
	c.failed += o.failed
	c.rejected += o.rejected
	c.timeouts += o.timeouts
	c.retriesSent += o.retriesSent
	c.synRetries += o.synRetries
	c.wastedCPU += o.wastedCPU
}

// values sets the figures of the counts in v.
func (c *requestCounts) values(v *[NumMetrics]float64) {
	v[Requests] = float64(c.succeeded + c.failed)
	v[Succeeded] = float64(c.succeeded)
	v[Failed] = float64(c.failed)
	v[Rejected] = float64(c.rejected)
	v[Timeouts] = float64(c.timeouts)
	v[RetriesSent] = float64(c.retriesSent)
	v[SYNRetries] = float64(c.synRetries)
	v[WastedCPU] = c.wastedCPU.Seconds()
}

// resourceFigures sets the figures of each resource, over the window.
func (e *Engine) resourceFigures(r *Result) {
	if len(e.svc.res) == 0 {
		return
	}
	r.Resources = make([][NumResourceMetrics]float64, len(e.svc.res))
	window := float64(e.windowTo() - e.firstCounted)
	for i := range e.svc.res {
		rs, a, b := &e.svc.res[i], e.svc.resStart[i], e.svc.resEnd[i]
		f := &r.Resources[i]
		if rs.holds > 0 {
			f[ResourceWaitMean] = rs.waitSum / float64(rs.holds) / float64(Second)
		}
		if e.counted > 0 && window > 0 {
			units := float64(e.cfg.Resources[i].Capacity * rs.pools)
			f[ResourceUtilization] = (b.heldInt - a.heldInt) / window / units
			f[ResourceQueueMean] = (b.waitingInt - a.waitingInt) / window
		}
	}
}

// classFigures sets the figures of each class, where the classes are
// known (Config.Classes).
func (e *Engine) classFigures(r *Result) {
	if e.cfg.Classes == 0 {
		return
	}
	r.Summary.Classes = make([][NumMetrics]float64, e.cfg.Classes)
	r.ClassLatencies = make([]Latencies, e.cfg.Classes)
	if e.cfg.Classes == 1 {
		// The class is the run: its figures are the run's.
		for _, m := range ClassMetrics() {
			r.Summary.Classes[0][m] = r.Values[m]
		}
		r.ClassLatencies[0] = e.lat.latencies()
		return
	}
	for i := range e.cfg.Classes {
		store, v := &e.svc.byClass[i], &r.Summary.Classes[i]
		c := *e.counts(i)
		c.succeeded = store.count()
		var all [NumMetrics]float64
		c.values(&all)
		for _, m := range ClassMetrics() { // the others stay zero
			v[m] = all[m]
		}
		r.ClassLatencies[i] = store.latencies()
		if c.succeeded == 0 {
			continue
		}
		v[LatencyMean] = store.sum / float64(c.succeeded) / float64(Second)
		q := store.quantiles(classQuantiles)
		v[LatencyP50], v[LatencyP99] = q[0].Seconds(), q[1].Seconds()
	}
}

// classQuantiles are the shares of the latency percentiles given per
// class, and 1 for the maximum.
var classQuantiles = []float64{0.50, 0.99, 1}

// selectQuantiles returns the nearest-rank p-quantiles of xs for each p
// of ps (ascending, in [0, 1]): the smallest value with at least a share p
// of the values at or below it — what gonum's stat.Quantile with
// stat.Empirical returns for the sorted values. It selects instead of
// sorting, in O(n), in place: it reorders xs, whose least and greatest
// values the caller knows.
func selectQuantiles(xs []Time, ps []float64, least, greatest Time) []Time {
	out := make([]Time, len(ps))
	if len(xs) == 0 {
		return out
	}
	if len(xs) >= radixSelectMin && radixQuantiles(xs, ps, least, greatest, out) {
		return out
	}
	lo := 0
	for i, p := range ps {
		k := nearestRank(p, len(xs))
		selectKth(xs[lo:], k-lo)
		out[i] = xs[k]
		lo = k
	}
	return out
}

// radixSelectMin is the count of values from which radixQuantiles beats
// selecting with selectKth alone, whose swaps cost several times more per
// value than counting does.
const (
	radixSelectMin = 1 << 14
	radixBits      = 11 // 2¹¹ buckets: their counts stay in the L1 cache
)

// radixQuantiles stores in out the quantiles of xs for each p of ps
// (ascending): one pass counts the values in 2¹¹ buckets of equal width
// between the least and the greatest (which the engine keeps as it
// records, saving a pass), a second gathers the few buckets
// that hold the ranks wanted, and selectKth finishes within them. It
// reports false, having stored nothing, where those buckets hold so many
// of the values (one far outlier puts nearly all in the first) that
// gathering them would cost more than selecting in place.
func radixQuantiles(xs []Time, ps []float64, least, greatest Time, out []Time) bool {
	if least == greatest {
		for i := range out {
			out[i] = least
		}
		return true
	}
	span := uint64(greatest) - uint64(least)
	shift := max(bits.Len64(span)-radixBits, 0)
	bucket := func(x Time) int { return int((uint64(x) - uint64(least)) >> shift) }
	var counts [1 << radixBits]int // span>>shift < 2¹¹
	for _, x := range xs {
		counts[bucket(x)]++
	}
	// For each rank: its bucket, and its rank among that bucket's values.
	type target struct{ bucket, rank int }
	targets := make([]target, len(ps))
	b, below := 0, 0 // the values in the buckets before b
	for i, p := range ps {
		k := nearestRank(p, len(xs))
		for below+counts[b] <= k {
			below += counts[b]
			b++
		}
		targets[i] = target{b, k - below}
	}
	// Gather the values of the targeted buckets, unless they are too many.
	var buckets []int               // the targeted buckets, each once
	var which [1 << radixBits]int32 // a bucket's index in buckets, plus one
	total := 0
	for _, t := range targets {
		if which[t.bucket] == 0 {
			buckets = append(buckets, t.bucket)
			which[t.bucket] = int32(len(buckets))
			total += counts[t.bucket]
		}
	}
	if total > len(xs)/8 {
		return false
	}
	gathered := make([][]Time, len(buckets))
	for i, b := range buckets {
		gathered[i] = make([]Time, 0, counts[b])
	}
	for _, x := range xs {
		if g := which[bucket(x)]; g > 0 {
			gathered[g-1] = append(gathered[g-1], x)
		}
	}
	for i, t := range targets {
		vs := gathered[which[t.bucket]-1]
		selectKth(vs, t.rank)
		out[i] = vs[t.rank]
	}
	return true
}

// nearestRank is the index of the p-quantile among n sorted values under
// stat.Empirical's rule: the first i with i+1 ≥ p·n.
func nearestRank(p float64, n int) int {
	return min(max(int(math.Ceil(p*float64(n)))-1, 0), n-1)
}

// selectKth reorders xs so that xs[k] is the value a sort would put there,
// with no larger value before it and no smaller one after it
// (Hoare's quickselect with a median-of-three pivot).
func selectKth(xs []Time, k int) {
	lo, hi := 0, len(xs)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// Aggregate is the statistics of one strategy over replications: the mean
// of each metric and the half-width of its 95% confidence interval.
type Aggregate struct {
	// Tasks is the counted tasks of one replication (the mean, rounded,
	// where replications differ).
	Tasks        int64
	Replications int
	Mean         [NumMetrics]float64
	// CI95 is the half-width of the Student-t 95% confidence interval of
	// each mean; zero with a single replication.
	CI95 [NumMetrics]float64
	// Resources and Classes are the means and half-widths of
	// Summary.Resources and Summary.Classes, indexed likewise.
	Resources []Estimates[[NumResourceMetrics]float64]
	Classes   []Estimates[[NumMetrics]float64]
}

// Estimates are the means of a group of figures over replications and
// the half-widths of their 95% confidence intervals.
type Estimates[V any] struct {
	Mean, CI95 V
}

// Combine aggregates the summaries of a strategy's replications, which
// all come from one workload (so have the same resources and classes).
func Combine(runs []Summary) Aggregate {
	agg := Aggregate{Replications: len(runs)}
	if len(runs) == 0 {
		return agg
	}
	var tasks float64
	for _, r := range runs {
		tasks += float64(r.Tasks)
	}
	agg.Tasks = int64(math.Round(tasks / float64(len(runs))))
	xs := make([]float64, len(runs))
	var t float64
	if n := len(runs); n > 1 {
		t = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	}
	// estimate returns the mean of one figure over the runs and its
	// confidence half-width.
	estimate := func(figure func(r *Summary) float64) (mean, ci95 float64) {
		for i := range runs {
			xs[i] = figure(&runs[i])
		}
		mean, std := stat.MeanStdDev(xs, nil)
		if len(runs) > 1 {
			ci95 = t * std / math.Sqrt(float64(len(runs)))
		}
		return mean, ci95
	}
	for m := range NumMetrics {
		agg.Mean[m], agg.CI95[m] = estimate(func(r *Summary) float64 { return r.Values[m] })
	}
	if n := len(runs[0].Resources); n > 0 {
		agg.Resources = make([]Estimates[[NumResourceMetrics]float64], n)
		for i := range n {
			for m := range NumResourceMetrics {
				agg.Resources[i].Mean[m], agg.Resources[i].CI95[m] =
					estimate(func(r *Summary) float64 { return r.Resources[i][m] })
			}
		}
	}
	if n := len(runs[0].Classes); n > 0 {
		agg.Classes = make([]Estimates[[NumMetrics]float64], n)
		for i := range n {
			for _, m := range ClassMetrics() {
				agg.Classes[i].Mean[m], agg.Classes[i].CI95[m] =
					estimate(func(r *Summary) float64 { return r.Classes[i][m] })
			}
		}
	}
	return agg
}

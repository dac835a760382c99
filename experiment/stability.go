package experiment

import (
	"math"

	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// The groups a strategy can saturate, as Load.Group and
// Stability.Bottleneck name them; a resource R is "resource.R".
const (
	GroupCPU      = "cpu"      // the machine's cores
	GroupGIL      = "gil"      // a threaded strategy's GIL
	GroupWorkers  = "workers"  // a blocking strategy's worker processes
	GroupThreads  = "threads"  // a threaded strategy's fixed pool of threads
	GroupLoop     = "loop"     // an event loop's thread
	GroupExecutor = "executor" // an event loop's executor threads
)

// Load is how much one group of contexts, or one resource, is used.
type Load struct {
	// Group names it: one of the Group constants, or "resource.NAME".
	Group string
	// Size is how many it has: cores, workers, threads, loops, executor
	// threads of all loops, units of all the resource's pools; 1 for the
	// GIL.
	Size int
	// Utilization is the measured share of its capacity in use over the
	// window of the time averages, the mean over the replications.
	Utilization float64
	// Offered is the demand the workload's open arrivals offer it, as a
	// share of its capacity, from their rates and the mean durations of
	// their steps (see docs/model.md, "Overload and horizons"); NaN where
	// it cannot be computed from the workload (closed-loop clients only,
	// a burst, a pool of a thread per task, a bounded queue that sheds the
	// excess).
	Offered float64
}

// Cause is why a strategy is overloaded.
type Cause uint8

// The causes of overload.
const (
	// NotOverloaded: the strategy is stable.
	NotOverloaded Cause = iota
	// OfferedDemand: the open arrivals offer some group at least its
	// capacity (Load.Offered ≥ 1).
	OfferedDemand
	// InFlightGrowth: the tasks in flight grew significantly over the
	// second half of the run (sim.Trend; with replications, their mean
	// growth).
	InFlightGrowth
)

// Stability is the verdict on a strategy's overload: whether it is
// stable, and which group limits it.
type Stability struct {
	// Overloaded is set when the strategy is not stable: under it the
	// queue grows without bound, and latency grows with the run's length.
	// The offered demand is the same in every replication; with
	// replications, the test of growth is that of their mean growth.
	Overloaded bool
	// Cause is why it is overloaded.
	Cause Cause
	// Bottleneck is the group of the highest mean utilization, or "" where
	// none was used at all (tasks of io alone on a loop); ties (within
	// 1e-9) go to the larger offered demand, then to the later in Loads: a
	// strategy's own contexts before the CPU they run on, a resource
	// before the contexts that hold it.
	Bottleneck string
	// BottleneckUtilization is its mean utilization.
	BottleneckUtilization float64
	// Loads are the groups of the strategy: the CPU first, then its
	// contexts', then the resources in the order they are declared.
	Loads []Load
	// Saturated is the index in Loads of the group whose offered demand
	// reaches its capacity, the largest such (Cause OfferedDemand), and
	// -1 otherwise.
	Saturated int
	// Growth is, for Cause InFlightGrowth, the growth of the tasks in
	// flight over the second half of the run (sim.Trend.Growth; the mean
	// over the replications), and GrowthOver the time it grew over, in
	// seconds.
	Growth, GrowthOver float64
}

// The test of growth: a run's tasks in flight grow significantly when
// their growth over the second half of its trend window exceeds
// GrowthSigmas·√mean + GrowthFloor, the mean being the tasks in flight
// over that half (√mean is the scale of a Poisson count's fluctuations;
// the floor keeps small counts from deciding). Calibrated on M/M/1 with
// 200 seeds each (TestGrowthCalibration): at ρ = 0.9, 0 runs of 2,000
// tasks, 2 of 5,000 and 0 of 20,000 grow by as much (a queue near
// saturation makes long excursions, which a run of a few relaxation times
// can take for growth; hence 6, where 4 would pass 4 of 200 at 2,000
// tasks); at ρ = 1.05, 196 of 200 runs of 20,000 tasks do (shorter runs
// grow too little to tell from chance: there the offered demand decides).
const (
	GrowthSigmas = 6
	GrowthFloor  = 20
)

// Grows reports whether a run's trend shows the tasks in flight growing
// significantly.
func Grows(t sim.Trend) bool {
	return t.Buckets > 0 && t.Growth > GrowthSigmas*math.Sqrt(max(t.Mean, 0))+GrowthFloor
}

// Assess returns the verdict on the overload of strategy result sr of a
// run of spec.
func Assess(spec *workloads.Spec, sr *StrategyResult) Stability {
	st := Stability{Loads: Loads(spec, sr.Config, &sr.Aggregate), Saturated: -1}
	best := -1
	for i, l := range st.Loads {
		if best < 0 || l.Utilization > st.Loads[best].Utilization+1e-9 ||
			l.Utilization >= st.Loads[best].Utilization-1e-9 && offered(l) >= offered(st.Loads[best]) {
			best = i
		}
		if offered(l) >= 1 && (st.Saturated < 0 || offered(l) > offered(st.Loads[st.Saturated])) {
			st.Saturated = i
		}
	}
	if st.Loads[best].Utilization > 0 {
		st.Bottleneck, st.BottleneckUtilization = st.Loads[best].Group, st.Loads[best].Utilization
	}
	if st.Saturated >= 0 {
		st.Overloaded, st.Cause = true, OfferedDemand
		return st
	}
	if tr := meanTrend(sr.Runs); Grows(tr) {
		st.Overloaded, st.Cause = true, InFlightGrowth
		st.Growth, st.GrowthOver = tr.Growth, tr.Half
	}
	return st
}

// meanTrend returns the mean of the trends of runs that have one: the
// test of growth of several replications is that of their mean growth,
// as a test of each would be passed by chance by one of many stable
// replications (at ρ = 0.9 one seed in a hundred; see Grows).
func meanTrend(runs []sim.Summary) sim.Trend {
	var m sim.Trend
	for _, r := range runs {
		if t := r.Trend; t.Buckets > 0 {
			m.Buckets++
			m.Growth += t.Growth
			m.Mean += t.Mean
			m.Half += t.Half
		}
	}
	if n := float64(m.Buckets); n > 0 {
		m.Growth, m.Mean, m.Half = m.Growth/n, m.Mean/n, m.Half/n
	}
	return m
}

// offered is l's offered demand, with NaN (not known) as 0.
func offered(l Load) float64 {
	if math.IsNaN(l.Offered) {
		return 0
	}
	return l.Offered
}

// Loads returns the groups strategy c of spec uses, with the measured
// utilizations of a and the offered demands of spec's open arrivals.
func Loads(spec *workloads.Spec, c strategies.Config, a *sim.Aggregate) []Load {
	// The demand per second of the open classes: CPU, blocking_io and
	// the whole of their steps (what a worker or thread is held for), and
	// their hold of each resource, all in seconds per second.
	var cpu, blocking, work float64
	hold := make([]float64, len(spec.Resources))
	open := false
	for i := range spec.Classes {
		rate, ok := spec.Classes[i].MeanRate()
		if !ok {
			continue
		}
		open = true
		d := spec.Classes[i].Demand(len(spec.Resources))
		cpu += rate * d.CPU / float64(sim.Second)
		blocking += rate * d.BlockingIO / float64(sim.Second)
		work += rate * (d.CPU + d.IO + d.BlockingIO) / float64(sim.Second)
		for r, h := range d.Hold {
			hold[r] += rate * h / float64(sim.Second)
		}
	}
	share := func(demand float64, capacity int, known bool) float64 {
		if !open || !known || capacity <= 0 {
			return math.NaN()
		}
		return demand / float64(capacity)
	}
	// A bounded queue refuses what it has no room for: nothing is offered
	// the excess. (An event loop's queue is bounded only under
	// max_concurrency.)
	unbounded := !c.Bounded || c.Kind == strategies.KindEventLoop && c.MaxConcurrency == 0
	loads := []Load{{GroupCPU, spec.Cores, a.Mean[sim.CPUUtilization], share(cpu, spec.Cores, unbounded)}}
	processes := 1
	switch c.Kind {
	case strategies.KindBlocking:
		processes = c.Workers
		loads = append(loads, Load{GroupWorkers, c.Workers, a.Mean[sim.WorkersUtilization], share(work, c.Workers, unbounded)})
	case strategies.KindThreaded:
		if c.Threads > 0 {
			loads = append(loads, Load{GroupThreads, c.Threads, a.Mean[sim.ThreadsUtilization], share(work, c.Threads, unbounded)})
		}
		if c.GIL {
			// One thread at a time holds the GIL and runs, on a core of
			// its own: the GIL is held for the CPU work done.
			loads = append(loads, Load{GroupGIL, 1, a.Mean[sim.CPUUtilization] * float64(spec.Cores), share(cpu, 1, unbounded)})
		}
	case strategies.KindEventLoop:
		processes = c.Loops
		onLoop := cpu
		if !c.Offload && !c.AwaitBlocking {
			onLoop += blocking
		}
		loads = append(loads, Load{GroupLoop, c.Loops, a.Mean[sim.LoopUtilization], share(onLoop, c.Loops, unbounded)})
		if c.Offload && !c.AwaitBlocking && c.Executor > 0 {
			n := c.Loops * c.Executor
			loads = append(loads, Load{GroupExecutor, n, a.Mean[sim.ExecutorUtilization], share(blocking, n, unbounded)})
		}
	}
	for i, r := range spec.Resources {
		units := r.Capacity
		if !r.Machine {
			units *= max(processes, 1)
		}
		var util float64
		if i < len(a.Resources) {
			util = a.Resources[i].Mean[sim.ResourceUtilization]
		}
		loads = append(loads, Load{"resource." + r.Name, units, util, share(hold[i], units, unbounded)})
	}
	return loads
}

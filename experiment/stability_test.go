package experiment

import (
	"fmt"
	"math"
	"testing"

	"asyncsim/sim"
)

// TestStabilityEachSideOfCapacity checks the verdict on overload on each
// side of ρ = 1 for each kind of bottleneck, on deterministic workloads
// (constant gaps and durations), where the offered demand decides and the
// measured utilization of a stable run is exactly the offered one: ρ =
// demand per task / gap / units, 10/12/1 = 0.833 below capacity and
// 10/8/1 = 1.25 above, or the like.
func TestStabilityEachSideOfCapacity(t *testing.T) {
	tests := []struct {
		name       string
		machine    string // the workload's top-level keys before tasks
		steps      string
		strategy   string
		gap        string // between arrivals: below capacity, above
		bottleneck string
		rho        [2]float64 // the bottleneck's offered share, below and above
	}{
		// Two workers on four cores, 10 ms of CPU a task: the workers are
		// busy 10/6/2 = 0.833 with a task every 6 ms, 10/4/2 = 1.25 every
		// 4 ms (the cores half that).
		{"workers", "machine: {cores: 4}", "[{cpu: 10ms}]", "{kind: blocking, workers: 2}", "6ms 4ms", "workers",
			[2]float64{10.0 / 6 / 2, 10.0 / 4 / 2}},
		// Eight workers on one core: the core is the limit, 10/12, 10/8.
		{"cores", "machine: {cores: 1}", "[{cpu: 10ms}]", "{kind: blocking, workers: 8}", "12ms 8ms", "cpu",
			[2]float64{10.0 / 12, 10.0 / 8}},
		// One loop on two cores, 5 ms of CPU and 50 ms of io a task: the
		// loop thread runs the CPU only, 5/6, 5/4.
		{"loop", "machine: {cores: 2}", "[{cpu: 5ms}, {io: 50ms}]", "{kind: event_loop}", "6ms 4ms", "loop",
			[2]float64{5.0 / 6, 5.0 / 4}},
		// A GIL on four cores, eight threads: one thread at a time runs
		// the 10 ms of CPU, 10/12, 10/8.
		{"gil", "machine: {cores: 4}", "[{cpu: 10ms}]", "{kind: threaded, threads: 8, gil: true}", "12ms 8ms", "gil",
			[2]float64{10.0 / 12, 10.0 / 8}},
		// Two database connections held for 20 ms of io a task, eight
		// workers: 20/12/2, 20/8/2.
		{"pool", "machine: {cores: 4}\nresources: [{name: db, capacity: 2, scope: machine}]",
			"[{cpu: 1ms}, {hold: db, steps: [{io: 20ms}]}]", "{kind: blocking, workers: 8}", "12ms 8ms", "resource.db",
			[2]float64{20.0 / 12 / 2, 20.0 / 8 / 2}},
	}
	for _, tt := range tests {
		var gaps [2]string
		fmt.Sscan(tt.gap, &gaps[0], &gaps[1])
		for side, gap := range gaps {
			spec := parse(t, fmt.Sprintf(`name: s
%s
tasks:
  - {name: r, count: 2000, arrival: {interarrival: %s}, steps: %s}
strategies: [%s]
`, tt.machine, gap, tt.steps, tt.strategy))
			res, err := Run(spec, Options{})
			if err != nil {
				t.Fatalf("%s, gap %s: %v", tt.name, gap, err)
			}
			st := res.Strategies[0].Stability
			over := side == 1
			var load Load
			for _, l := range st.Loads {
				if l.Group == tt.bottleneck {
					load = l
				}
			}
			switch {
			case st.Overloaded != over:
				t.Errorf("%s, gap %s: overloaded %v; want %v (%+v)", tt.name, gap, st.Overloaded, over, st)
			case st.Bottleneck != tt.bottleneck:
				t.Errorf("%s, gap %s: bottleneck %s; want %s (%+v)", tt.name, gap, st.Bottleneck, tt.bottleneck, st.Loads)
			case math.Abs(load.Offered-tt.rho[side]) > 1e-9:
				t.Errorf("%s, gap %s: %s offered %v; want %v", tt.name, gap, tt.bottleneck, load.Offered, tt.rho[side])
			case over && (st.Cause != OfferedDemand || st.Loads[st.Saturated].Group != tt.bottleneck):
				t.Errorf("%s, gap %s: cause %v, saturated %d; want the offered demand of %s", tt.name, gap, st.Cause, st.Saturated, tt.bottleneck)
			// Below capacity the group is busy exactly its offered share
			// of the window, the first task's arrival to the last's
			// completion, but for the window's end: the last task's 55 ms
			// at most, of a window of 2000 gaps, 8 s or more: within 1%.
			case !over && math.Abs(st.BottleneckUtilization-tt.rho[0]) > 0.01*tt.rho[0]:
				t.Errorf("%s, gap %s: utilization %v; want %v within 1%%", tt.name, gap, st.BottleneckUtilization, tt.rho[0])
			// Above it, the group is busy all the time, but for the end.
			case over && math.Abs(st.BottleneckUtilization-1) > 0.01:
				t.Errorf("%s, gap %s: utilization %v; want 1 within 1%%", tt.name, gap, st.BottleneckUtilization)
			}
		}
	}
}

// TestGrowthCalibration checks the test of growth (Grows) on M/M/1, with
// service of mean 10 ms under Poisson arrivals: at ρ = 0.9 (stable), with
// runs of 2,000, 5,000 and 20,000 tasks, at most 1% of seeds show growth;
// at ρ = 1.05 (unstable), runs of 20,000 tasks grow by 0.05 × 100/s ×
// 95 s ≈ 475 over the second half of their 190 s, ± a random walk's
// √((λ+μ)·95 s) ≈ 140, and at least 95% of seeds show it (196 of 200). The verdict of
// all the seeds as replications, whose mean growth is tested, is stable
// and overloaded. The calibration ran 200 seeds of each; -short runs 40.
func TestGrowthCalibration(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 40
	}
	tests := []struct {
		rho   float64
		tasks int
		// the most, or the fewest, seeds of 100 that may grow
		most, fewest float64
	}{
		{0.9, 2000, 1, 0},
		{0.9, 5000, 1, 0},
		{0.9, 20000, 1, 0},
		{1.05, 20000, 100, 95},
	}
	for _, tt := range tests {
		spec := parse(t, fmt.Sprintf(`name: mm1
seed: 7
replications: %d
tasks:
  - {name: r, count: %d, arrival: {per_second: %g}, steps: [{cpu: {exp: 10ms}}]}
strategies: [{kind: blocking, workers: 1}]
`, seeds, tt.tasks, tt.rho*100))
		res, err := Run(spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		grew := 0
		for _, r := range res.Strategies[0].Runs {
			if Grows(r.Trend) {
				grew++
			}
		}
		if share := 100 * float64(grew) / float64(seeds); share > tt.most || share < tt.fewest {
			t.Errorf("ρ %v, %d tasks: %d of %d seeds grow; want between %v%% and %v%%", tt.rho, tt.tasks, grew, seeds, tt.fewest, tt.most)
		}
		if st := res.Strategies[0].Stability; st.Overloaded != (tt.rho > 1) {
			t.Errorf("ρ %v: overloaded %v", tt.rho, st.Overloaded)
		}
	}
}

// TestHorizonThroughputAtCapacity: an overloaded M/D/1 (Poisson arrivals
// at 150/s, 10 ms of CPU each, ρ = 1.5) run to a horizon of 100 s
// completes tasks at the service rate, μ = 100/s, from the first arrival
// on: at most 100/s (one every 10 ms of the window), less only by the
// worker's idle time before the queue builds up, which at ρ = 1.5 is a
// few gaps of 6.7 ms: within 0.5%. Without a horizon, the same run's
// throughput is the same (it drains at μ), but a stable one (ρ = 0.5)
// with a horizon has the arrival rate, 50/s, within the Poisson count's
// 3σ, 3·√5000/100 s = 2.1/s.
func TestHorizonThroughputAtCapacity(t *testing.T) {
	run := func(rate float64) StrategyResult {
		spec := parse(t, fmt.Sprintf(`name: md1
horizon: 100s
tasks:
  - {name: r, count: 1000000, arrival: {per_second: %g}, steps: [{cpu: 10ms}]}
strategies: [{kind: blocking, workers: 1}]
`, rate))
		res, err := Run(spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Strategies[0]
	}
	s := run(150)
	tp := s.Aggregate.Mean[sim.Throughput]
	if tp > 100 || tp < 99.5 || !s.Runs[0].Horizon || !s.Stability.Overloaded {
		t.Errorf("ρ 1.5: throughput %v/s, horizon %v, overloaded %v; want 99.5-100/s, an overloaded run ended at its horizon",
			tp, s.Runs[0].Horizon, s.Stability.Overloaded)
	}
	// What was left: the arrivals less the completions, about
	// (150−100)/s × 100 s = 5000, ± the Poisson count's √15000 ≈ 122.
	if left := s.Aggregate.Mean[sim.InFlightEnd]; math.Abs(left-5000) > 4*math.Sqrt(15000) {
		t.Errorf("ρ 1.5: %v left in flight; want 5000 ± 490", left)
	}
	s = run(50)
	if tp := s.Aggregate.Mean[sim.Throughput]; math.Abs(tp-50) > 2.1 || s.Stability.Overloaded {
		t.Errorf("ρ 0.5: throughput %v/s, overloaded %v; want 50 ± 2.1/s, stable", tp, s.Stability.Overloaded)
	}
}

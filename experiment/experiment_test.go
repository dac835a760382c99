package experiment

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

func parse(t *testing.T, yaml string) *workloads.Spec {
	t.Helper()
	spec, err := workloads.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestMM1 checks one blocking worker with exponential service under
// Poisson arrivals against M/M/1 theory at ρ = 0.7: E[T] = 1/(μ−λ).
func TestMM1(t *testing.T) {
	spec := parse(t, `
name: mm1
seed: 7
warmup: 2s
tasks:
  - name: job
    count: 400000
    arrival: {interarrival: {exp: 1428571ns}}   # λ = 0.7 per ms
    steps: [{cpu: {exp: 1ms}}]                  # μ = 1 per ms
strategies: [{kind: blocking}]
`)
	res, err := Run(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lambda, mu := 1/1.428571e-3, 1/1e-3
	want := 1 / (mu - lambda)
	got := res.Strategies[0].Aggregate.Mean[sim.LatencyMean]
	if rel := math.Abs(got-want) / want; rel > 0.03 {
		t.Errorf("M/M/1 latency_mean_s = %.6f; theory %.6f (off by %.1f%%, want within 3%%)", got, want, 100*rel)
	}
	if u, rho := res.Strategies[0].Aggregate.Mean[sim.CPUUtilization], lambda/mu; math.Abs(u-rho) > 0.01 {
		t.Errorf("cpu_utilization = %.4f; want ρ = %.4f", u, rho)
	}
}

const poissonMix = `
name: mix
seed: 3
warmup: 500ms
machine: {cores: 2}
tasks:
  - name: api
    count: 20000
    arrival: {interarrival: {exp: 1ms}}
    steps:
      - cpu: {exp: 300us}
      - io: {lognormal: {median: 2ms, sigma: 0.5}}
      - blocking_io: {uniform: [100us, 1ms]}
      - cpu: {exp: 200us}
  - name: batch
    count: 500
    arrival: {start: 10ms, interarrival: {exp: 40ms}}
    steps:
      - repeat: 3
        steps: [{cpu: 1ms}, {io: 1ms}]
strategies:
  - {name: prefork, kind: blocking, workers: 4}
  - {name: threads, kind: threaded, threads: 8}
  - {name: threads-gil, kind: threaded, threads: 8, gil: true}
  - {name: unbounded, kind: threaded, threads: 0}
  - {name: loop, kind: event_loop, offload: true, executor: 4}
  - {name: loop-blocking, kind: event_loop, loops: 2}
  - {name: loop-capped, kind: event_loop, max_concurrency: 5, await_blocking: true, switch_cost: 5us}
`

// TestLittlesLaw checks in_flight_mean, a time integral, against
// throughput × latency_mean for every strategy. For a run that finishes,
// with the window from the first counted arrival to the last completion,
// Little's law is an identity: the two agree to rounding.
func TestLittlesLaw(t *testing.T) {
	res, err := Run(parse(t, poissonMix), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Strategies {
		m := s.Aggregate.Mean
		l, lw := m[sim.InFlightMean], m[sim.Throughput]*m[sim.LatencyMean]
		if rel := math.Abs(l-lw) / lw; rel > 1e-9 {
			t.Errorf("%s: in_flight_mean = %v; throughput × latency_mean = %v", s.Config.Name, l, lw)
		}
		if u := m[sim.CPUUtilization]; u <= 0 || u > 1 {
			t.Errorf("%s: cpu_utilization = %v; want in (0, 1]", s.Config.Name, u)
		}
		if s.Aggregate.Tasks != s.Runs[0].Tasks || s.Aggregate.Tasks == 0 {
			t.Errorf("%s: tasks = %d", s.Config.Name, s.Aggregate.Tasks)
		}
	}
}

// TestStrategiesSeeTheSameTasks checks common random numbers: every
// strategy completes the same set of tasks with the same arrivals, and
// the CPU work done (with no switch cost) is the same.
func TestStrategiesSeeTheSameTasks(t *testing.T) {
	spec := parse(t, poissonMix)
	spec.Warmup = 0
	res, err := Run(spec, Options{Tasks: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		class int
		index int64
	}
	arrivals := func(s StrategyResult) map[key]sim.Time {
		m := map[key]sim.Time{}
		for _, r := range s.Tasks[0] {
			m[key{r.Class, r.Index}] = r.Arrival
		}
		return m
	}
	want := arrivals(res.Strategies[0])
	if len(want) != 20500 {
		t.Fatalf("%d distinct tasks completed; want 20500", len(want))
	}
	for _, s := range res.Strategies[1:] {
		got := arrivals(s)
		if len(got) != len(want) {
			t.Errorf("%s completed %d tasks; want %d", s.Config.Name, len(got), len(want))
		}
		for k, a := range want {
			if got[k] != a {
				t.Errorf("%s: task %v arrived at %v; want %v", s.Config.Name, k, got[k], a)
				break
			}
		}
	}
}

// TestDeterministic checks that results do not depend on the number of
// runs going at once, and that replications differ from one another.
func TestDeterministic(t *testing.T) {
	spec := parse(t, poissonMix)
	spec.Replications = 3
	a, err := Run(spec, Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(spec, Options{Jobs: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Strategies {
		sa, sb := a.Strategies[i], b.Strategies[i]
		if !reflect.DeepEqual(sa.Aggregate, sb.Aggregate) {
			t.Errorf("%s: aggregate differs between 1 and 4 jobs", sa.Config.Name)
		}
		for rep := range sa.Latencies {
			if !slices.Equal(sa.Latencies[rep], sb.Latencies[rep]) {
				t.Errorf("%s replication %d: latencies differ between 1 and 4 jobs", sa.Config.Name, rep)
			}
		}
		if sa.Runs[0].Values == sa.Runs[1].Values {
			t.Errorf("%s: replications 0 and 1 gave identical statistics", sa.Config.Name)
		}
		if sa.Aggregate.CI95[sim.LatencyMean] <= 0 {
			t.Errorf("%s: latency_mean_s_ci95 = %v; want > 0 with 3 replications", sa.Config.Name, sa.Aggregate.CI95[sim.LatencyMean])
		}
	}
}

func TestSelect(t *testing.T) {
	spec := parse(t, poissonMix)
	got, err := Select(spec, []string{"loop", "prefork"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "prefork" || got[1].Name != "loop" {
		t.Errorf("Select(loop, prefork) = %v; want prefork, loop in workload order", got)
	}
	_, err = Select(spec, []string{"thread"})
	want := `workload mix has no strategy named "thread"; did you mean "threads"? (it has: prefork, threads, threads-gil, unbounded, loop, loop-blocking, loop-capped)`
	if err == nil || err.Error() != want {
		t.Errorf("Select(thread) error = %v; want %s", err, want)
	}
}

func TestBudget(t *testing.T) {
	spec := parse(t, poissonMix)
	_, err := Run(spec, Options{MaxEvents: 1000})
	if err == nil {
		t.Fatal("Run with MaxEvents 1000 succeeded; want a budget error")
	}
	// A horizon is not a budget: the runs end there, and report what
	// they completed and what they left in flight.
	res, err := Run(spec, Options{Until: sim.Second})
	if err != nil {
		t.Fatalf("Run with Until 1s: %v", err)
	}
	for _, s := range res.Strategies {
		if !s.Runs[0].Horizon || s.Aggregate.Mean[sim.Makespan] > 1 {
			t.Errorf("%s: Horizon %v, makespan %v s; want a run ended at its horizon, within 1 s",
				s.Config.Name, s.Runs[0].Horizon, s.Aggregate.Mean[sim.Makespan])
		}
	}
}

// TestWarmupAfterEveryArrival: a run in which no task arrives after the
// warm-up is an error naming the run, not a row of zeros.
func TestWarmupAfterEveryArrival(t *testing.T) {
	spec := parse(t, `name: w
warmup: 1s
tasks:
  - {name: a, count: 5, arrival: {interarrival: {exp: 1ms}}, steps: [{cpu: 1ms}]}
strategies: [{name: sync, kind: blocking}]
`)
	_, err := Run(spec, Options{})
	var re *RunError
	var we *WarmupError
	if !errors.As(err, &re) || re.Strategy != "sync" || re.Replication != 0 ||
		!errors.As(err, &we) || *we != (WarmupError{Warmup: sim.Second, Tasks: 5}) {
		t.Fatalf("Run = %#v; want a RunError of sync, replication 0, with a WarmupError{1s, 5}", err)
	}
	if want := "strategy sync, replication 0: all 5 tasks arrived before the warm-up ended at 1s: no task was counted, nothing was measured"; err.Error() != want {
		t.Errorf("Run error %q; want %q", err, want)
	}
}

// TestJobsForContexts: the runs of strategies of many contexts go on
// fewer at a time, so that --jobs does not multiply their memory.
func TestJobsForContexts(t *testing.T) {
	cfg := func(threads int) strategies.Config {
		return strategies.Config{Name: "t", Kind: strategies.KindThreaded, Threads: threads}
	}
	tests := []struct {
		cfgs []strategies.Config
		jobs int
		want int
	}{
		{[]strategies.Config{cfg(32)}, 8, 8},
		{[]strategies.Config{cfg(0)}, 8, 8}, // a thread per task: bounded by the tasks in flight
		{[]strategies.Config{cfg(32), cfg(1_000_000)}, 8, 2},
		{[]strategies.Config{cfg(1_000_000)}, 1, 1},
		{[]strategies.Config{{Name: "l", Kind: strategies.KindEventLoop, Loops: 1000, Executor: 999}}, 8, 2},
		{[]strategies.Config{cfg(MaxContextsInFlight)}, 8, 1},
	}
	for _, tt := range tests {
		if got := jobsFor(tt.cfgs, tt.jobs); got != tt.want {
			t.Errorf("jobsFor(%+v, %d) = %d; want %d", tt.cfgs, tt.jobs, got, tt.want)
		}
	}
}

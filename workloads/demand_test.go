package workloads

import (
	"fmt"
	"math"
	"testing"

	"asyncsim/sim"
)

// TestDemand checks a class's mean demand on a case derived by hand.
func TestDemand(t *testing.T) {
	spec, err := Parse("d.yaml", []byte(`name: d
resources: [{name: db, capacity: 2}, {name: api, capacity: 1}]
tasks:
  - name: r
    count: 10
    arrival: {interarrival: 5ms}
    steps:
      - cpu: 1ms
      - repeat: 3
        steps: [{cpu: {exp: 2ms}}, {io: 4ms}]
      - hold: db
        steps:
          - blocking_io: {uniform: [1ms, 3ms]}
          - gather:
              - [{cpu: 1ms}, {io: 10ms}]
              - [{hold: api, steps: [{io: 6ms}]}]
strategies: [{kind: blocking}]
`))
	if err != nil {
		t.Fatal(err)
	}
	d := spec.Classes[0].Demand(len(spec.Resources))
	const ms = 1e6
	// CPU: 1 + 3×2 + the gather's 1 = 8 ms. blocking_io: the uniform's
	// mean, 2 ms. io: 3×4 = 12 ms, and the gather lasts its longest
	// branch, 11 ms, of which 1 ms is CPU: 10 more. db is held for the
	// blocking call and the gather, 2 + 11 ms; api for the io of 6 ms.
	want := Demand{CPU: 8 * ms, IO: 22 * ms, BlockingIO: 2 * ms, Hold: []float64{13 * ms, 6 * ms}}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	if !near(d.CPU, want.CPU) || !near(d.IO, want.IO) || !near(d.BlockingIO, want.BlockingIO) ||
		!near(d.Hold[0], want.Hold[0]) || !near(d.Hold[1], want.Hold[1]) {
		t.Errorf("Demand = %+v; want %+v", d, want)
	}
	if rate, ok := spec.Classes[0].MeanRate(); !ok || !near(rate, 200) {
		t.Errorf("MeanRate = %v, %v; want 200/s (a gap of 5 ms)", rate, ok)
	}
	if !spec.Stochastic() {
		t.Error("Stochastic = false with exp and uniform durations")
	}
}

// TestMeanRate checks the long-run rates of the kinds of arrivals.
func TestMeanRate(t *testing.T) {
	spec, err := Parse("r.yaml", []byte(`name: r
tasks:
  - {name: poisson, count: 10, arrival: {per_second: 50}, steps: [{cpu: 1ms}]}
  - {name: segments, arrival: {rate: [{for: 10s, per_second: 100}, {for: 30s, per_second: 20}]}, steps: [{cpu: 1ms}]}
  - {name: burst, count: 10, steps: [{cpu: 1ms}]}
  - {name: loop, clients: {count: 2, requests: 3}, steps: [{cpu: 1ms}]}
strategies: [{kind: blocking}]
`))
	if err != nil {
		t.Fatal(err)
	}
	// The segments: (10×100 + 30×20) / 40 s = 40/s.
	want := []struct {
		rate float64
		ok   bool
	}{{50, true}, {40, true}, {0, false}, {0, false}}
	for i, w := range want {
		if rate, ok := spec.Classes[i].MeanRate(); ok != w.ok || math.Abs(rate-w.rate) > 1e-9 {
			t.Errorf("%s: MeanRate = %v, %v; want %v, %v", spec.Classes[i].Name, rate, ok, w.rate, w.ok)
		}
	}
	det, err := Parse("c.yaml", []byte(`name: c
tasks: [{name: a, count: 3, arrival: {interarrival: 1ms}, steps: [{cpu: 1ms}, {io: 2ms}]}]
strategies: [{kind: threaded, threads: 2, gil: true}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if det.Stochastic() {
		t.Error("Stochastic = true for constant gaps and durations and the FIFO hand-over")
	}
}

// TestWorkEndsAtHorizon: the work of a workload with a horizon counts only
// the tasks arriving before it, as --until does.
func TestWorkEndsAtHorizon(t *testing.T) {
	yaml := `name: h
%s
tasks: [{name: a, count: 1000, arrival: {interarrival: 1ms}, steps: [{cpu: 1ms}]}]
strategies: [{kind: blocking}]
`
	with, err := Parse("h.yaml", []byte(fmt.Sprintf(yaml, "horizon: 100ms")))
	if err != nil {
		t.Fatal(err)
	}
	without, err := Parse("h.yaml", []byte(fmt.Sprintf(yaml, "")))
	if err != nil {
		t.Fatal(err)
	}
	// The tasks arriving at 0, 1, ..., 100 ms: 101 of 1000, a step each.
	got := EstimateWork(with, with.Strategies, Limits{})
	want := EstimateWork(without, without.Strategies, Limits{Until: 100 * sim.Millisecond})
	if got != want || got.Steps != 101 {
		t.Errorf("EstimateWork with a horizon of 100 ms = %+v; want %+v, 101 steps", got, want)
	}
}

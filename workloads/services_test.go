package workloads

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// TestParseServices: the keys of DESIGN.md's "Services" parse into the
// Spec's resources, hold blocks, rates and clients, with their defaults.
func TestParseServices(t *testing.T) {
	s := mustParse(t, `
name: svc
resources:
  - {name: db, capacity: 5}
  - {name: api.v2, capacity: 2, scope: machine}
  - {name: cache, capacity: 1, scope: process}
tasks:
  - name: request
    count: 100
    arrival:
      start: 1s
      rate:
        - {for: 60s, per_second: 100}
        - {for: 10s, per_second: 0}
        - {for: 1m, per_second: 2.5}
    timeout: 500ms
    retries: 2
    backoff: {exp: 100ms}
    steps:
      - cpu: 1ms
      - hold: db
        steps:
          - io: 20ms
          - repeat: 2
            steps:
              - hold: api.v2
                steps: [{io: 3ms}]
      - repeat: 3
        steps: [{hold: cache, steps: [{cpu: 1us}]}]
  - name: health
    arrival: {per_second: 200}
    count: 10
    timeout: 1s
    steps: [{cpu: 100us}]
strategies:
  - {name: prefork, kind: blocking, workers: 8, backlog: 64}
  - {name: kernel, kind: blocking, backlog: 0, backlog_full: syn_retry}
  - {name: threads, kind: threaded, threads: 4, backlog: 3, backlog_full: reject}
  - {name: loop, kind: event_loop, max_concurrency: 100, backlog: 1000}
  - {name: plain, kind: event_loop}
`)
	wantRes := []sim.Resource{{Name: "db", Capacity: 5}, {Name: "api.v2", Capacity: 2, Machine: true}, {Name: "cache", Capacity: 1}}
	if !reflect.DeepEqual(s.Resources, wantRes) {
		t.Errorf("Resources = %+v; want %+v", s.Resources, wantRes)
	}
	req := s.Classes[0]
	wantRate := []RateSegment{{For: 60 * sim.Second, PerSecond: 100}, {For: 10 * sim.Second}, {For: 60 * sim.Second, PerSecond: 2.5}}
	if !reflect.DeepEqual(req.Rate, wantRate) || req.Interarrival != nil || req.Start != sim.Second || req.Count != 100 {
		t.Errorf("request arrivals: rate %+v, interarrival %v, start %v, count %d", req.Rate, req.Interarrival, req.Start, req.Count)
	}
	if req.Timeout != 500*sim.Millisecond || req.Retries != 2 || !reflect.DeepEqual(req.Backoff, expDist(100*sim.Millisecond)) {
		t.Errorf("request clients: timeout %v, retries %d, backoff %v", req.Timeout, req.Retries, req.Backoff)
	}
	wantSteps := []StepSpec{
		{Kind: sim.CPU, Dur: Constant(sim.Millisecond)},
		{Kind: sim.Acquire, Resource: 0, Steps: []StepSpec{
			{Kind: sim.IO, Dur: Constant(20 * sim.Millisecond)},
			{Repeat: 2, Steps: []StepSpec{{Kind: sim.Acquire, Resource: 1, Steps: []StepSpec{{Kind: sim.IO, Dur: Constant(3 * sim.Millisecond)}}}}},
		}},
		{Repeat: 3, Steps: []StepSpec{{Kind: sim.Acquire, Resource: 2, Steps: []StepSpec{{Kind: sim.CPU, Dur: Constant(sim.Microsecond)}}}}},
	}
	if !reflect.DeepEqual(req.Steps, wantSteps) {
		t.Errorf("request steps = %+v; want %+v", req.Steps, wantSteps)
	}
	// per_second: 200 is interarrival {exp: 5ms}, the first arrival at
	// the start.
	if h := s.Classes[1]; !reflect.DeepEqual(h.Interarrival, expDist(5*sim.Millisecond)) || h.Rate != nil || h.Timeout != sim.Second || h.Retries != 0 || h.Backoff != nil {
		t.Errorf("health = %+v", h)
	}
	type backlog struct {
		bounded bool
		n       int
		full    string
	}
	want := []backlog{{true, 64, strategies.BacklogReject}, {true, 0, strategies.BacklogSYNRetry}, {true, 3, strategies.BacklogReject},
		{true, 1000, strategies.BacklogReject}, {false, 0, strategies.BacklogReject}}
	for i, c := range s.Strategies {
		if got := (backlog{c.Bounded, c.Backlog, c.BacklogFull}); got != want[i] {
			t.Errorf("strategy %s: bounded, backlog, backlog_full = %+v; want %+v", c.Name, got, want[i])
		}
	}
	// 100 requests at most, and Σ for × per_second = 6000 + 0 + 150
	// expected: the count bounds it.
	if n := s.Tasks(); n != 100+10 {
		t.Errorf("Tasks() = %d; want 110", n)
	}
}

// TestParseRetriesWithBacklog: retries without a timeout are accepted when
// a strategy has a backlog, whose rejections trigger them.
func TestParseRetriesWithBacklog(t *testing.T) {
	s := mustParse(t, "name: w\ntasks: [{name: a, count: 1, retries: 2, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}, {kind: threaded, backlog: 0}]\n")
	if c := s.Classes[0]; c.Retries != 2 || c.Timeout != 0 {
		t.Errorf("class = %+v", c)
	}
}

// TestRateTasks: without a count, a rate class counts the expected number
// of its arrivals, rounded up.
func TestRateTasks(t *testing.T) {
	for _, tc := range []struct {
		rate  string
		count string
		want  int64
	}{
		// 10 s × 100/s + 5 s × 0 + 0.5 s × 3/s = 1001.5, rounded up.
		{"[{for: 10s, per_second: 100}, {for: 5s, per_second: 0}, {for: 500ms, per_second: 3}]", "", 1002},
		{"[{for: 10s, per_second: 100}]", "count: 7, ", 7},
		{"[{for: 1s, per_second: 100}]", "count: 700, ", 100},
	} {
		s := mustParse(t, "name: w\ntasks: [{name: a, "+tc.count+"arrival: {rate: "+tc.rate+"}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n")
		if got := s.Tasks(); got != tc.want {
			t.Errorf("rate %s, %s: Tasks() = %d; want %d", tc.rate, tc.count, got, tc.want)
		}
	}
}

// TestClients: Clients is nil without timeouts and retries, else one per
// class, whose backoff draws are the same for the same replication, differ
// between replications, and come from the class's own stream.
func TestClients(t *testing.T) {
	plain := mustParse(t, "name: w\n"+okRest)
	if c := plain.Clients(0); c != nil {
		t.Errorf("Clients without timeouts = %+v; want nil", c)
	}
	const src = `
name: w
tasks:
  - {name: a, count: 3, arrival: {interarrival: {exp: 1ms}}, timeout: 1s, retries: 2, backoff: {exp: 100ms}, steps: [{cpu: {exp: 1ms}}]}
  - {name: b, count: 3, steps: [{cpu: 1ms}]}
  - {name: c, count: 3, timeout: 2s, steps: [{cpu: 1ms}]}
strategies: [{kind: blocking}]
`
	s := mustParse(t, src)
	cl := s.Clients(0)
	if len(cl) != 3 || cl[0].Timeout != sim.Second || cl[0].Retries != 2 || cl[0].Backoff == nil ||
		cl[1].Timeout != 0 || cl[1].Retries != 0 || cl[1].Backoff != nil || cl[2].Timeout != 2*sim.Second || cl[2].Retries != 0 || cl[2].Backoff != nil {
		t.Fatalf("Clients(0) = %+v", cl)
	}
	draws := func(c sim.Client) []sim.Time {
		var out []sim.Time
		for range 5 {
			out = append(out, c.Backoff())
		}
		return out
	}
	first, again, other := draws(cl[0]), draws(s.Clients(0)[0]), draws(s.Clients(1)[0])
	if !reflect.DeepEqual(first, again) {
		t.Errorf("backoff draws of replication 0 differ: %v, %v", first, again)
	}
	if reflect.DeepEqual(first, other) {
		t.Errorf("backoff draws of replications 0 and 1 are the same: %v", first)
	}
	// The retry stream is apart from the arrival and steps streams: the
	// tasks are those of the same workload without timeouts and retries.
	bare := mustParse(t, replaceOnce(t, replaceOnce(t, src, "timeout: 1s, retries: 2, backoff: {exp: 100ms}, ", ""), "timeout: 2s, ", ""))
	if bare.Clients(0) != nil {
		t.Fatalf("bare workload has clients")
	}
	if got, want := drain(s.Source(0)), drain(bare.Source(0)); !reflect.DeepEqual(got, want) {
		t.Errorf("tasks with timeouts and retries differ from those without")
	}
}

// TestSourceHoldFlattening: a hold block is an Acquire step, its steps
// and a Release step, nested holds and repeats in order, and the
// durations drawn are those of the same steps without the holds.
func TestSourceHoldFlattening(t *testing.T) {
	const src = `
name: w
resources: [{name: db, capacity: 2}, {name: api, capacity: 1, scope: machine}]
tasks:
  - name: a
    count: 2
    steps:
      - cpu: 1ms
      - hold: db
        steps:
          - io: 2ms
          - repeat: 2
            steps:
              - hold: api
                steps: [{io: 3ms}]
          - cpu: 4ms
      - io: 5ms
strategies: [{kind: blocking}]
`
	acq := func(r int32) sim.Step { return sim.Step{Kind: sim.Acquire, Resource: r} }
	rel := func(r int32) sim.Step { return sim.Step{Kind: sim.Release, Resource: r} }
	ms := func(k sim.StepKind, n int) sim.Step { return sim.Step{Kind: k, Dur: sim.Time(n) * sim.Millisecond} }
	want := []sim.Step{
		ms(sim.CPU, 1), acq(0), ms(sim.IO, 2),
		acq(1), ms(sim.IO, 3), rel(1),
		acq(1), ms(sim.IO, 3), rel(1),
		ms(sim.CPU, 4), rel(0), ms(sim.IO, 5),
	}
	tasks := drain(mustParse(t, src).Source(0))
	if len(tasks) != 2 {
		t.Fatalf("%d tasks; want 2", len(tasks))
	}
	for _, task := range tasks {
		if !slices.Equal(task.Steps, want) {
			t.Errorf("task %d steps\n%v\nwant\n%v", task.Index, task.Steps, want)
		}
	}

	// Random durations: the holds draw nothing, so the steps are those of
	// the same workload without them.
	random := replaceOnce(t, replaceOnce(t, src, "io: 2ms", "io: {exp: 2ms}"), "{io: 3ms}", "{io: {uniform: [1ms, 5ms]}}")
	noHolds := `
name: w
tasks:
  - name: a
    count: 2
    steps:
      - cpu: 1ms
      - io: {exp: 2ms}
      - repeat: 2
        steps: [{io: {uniform: [1ms, 5ms]}}]
      - cpu: 4ms
      - io: 5ms
strategies: [{kind: blocking}]
`
	with, without := drain(mustParse(t, random).Source(3)), drain(mustParse(t, noHolds).Source(3))
	for i := range with {
		steps := slices.DeleteFunc(slices.Clone(with[i].Steps), func(st sim.Step) bool { return st.Kind == sim.Acquire || st.Kind == sim.Release })
		if !slices.Equal(steps, without[i].Steps) || with[i].Arrival != without[i].Arrival {
			t.Errorf("task %d: steps without the holds %v; want %v", i, steps, without[i].Steps)
		}
	}
}

// TestSourcePerSecond: arrival {per_second: R} is the same stream as
// interarrival {exp: 1/R}, the first arrival at the start.
func TestSourcePerSecond(t *testing.T) {
	for _, tc := range []struct{ rate, mean string }{
		{"300", "3.333333ms"}, // 1/300 s is 3333333.33ns: to the nanosecond
		{"100", "10ms"},
		{"0.5", "2s"},
	} {
		a := mustParse(t, "name: w\ntasks: [{name: a, count: 500, arrival: {start: 1s, per_second: "+tc.rate+"}, steps: [{cpu: {exp: 1ms}}]}]\nstrategies: [{kind: blocking}]\n")
		b := mustParse(t, "name: w\ntasks: [{name: a, count: 500, arrival: {start: 1s, interarrival: {exp: "+tc.mean+"}}, steps: [{cpu: {exp: 1ms}}]}]\nstrategies: [{kind: blocking}]\n")
		for rep := range 3 {
			ta, tb := drain(a.Source(rep)), drain(b.Source(rep))
			if !reflect.DeepEqual(ta, tb) {
				t.Errorf("per_second %s, replication %d: tasks differ from interarrival {exp: %s}", tc.rate, rep, tc.mean)
			}
			if ta[0].Arrival != sim.Second {
				t.Errorf("per_second %s: first arrival at %v; want the start, 1s", tc.rate, ta[0].Arrival)
			}
		}
	}
}

// TestSourceRate: arrival.rate is a Poisson process whose rate changes by
// segments. Its samples are random, so the test checks what must hold of
// every replication (every arrival after the start and before the end,
// none in a pause, the count as a bound) and, over many replications, the
// mean count of each segment against the Poisson mean.
func TestSourceRate(t *testing.T) {
	const src = `
name: w
tasks:
  - name: a
    arrival:
      start: 2s
      rate:
        - {for: 10s, per_second: 20}
        - {for: 5s, per_second: 0}
        - {for: 2s, per_second: 100}
        - {for: 3s, per_second: 1}
    steps: [{cpu: 1ms}]
  - {name: b, count: 4, arrival: {interarrival: 5s}, steps: [{cpu: 1ms}]}
strategies: [{kind: blocking}]
`
	s := mustParse(t, src)
	// The segments: [2s, 12s) at 20/s, [12s, 17s) a pause, [17s, 19s) at
	// 100/s, [19s, 22s) at 1/s. Poisson means 200, 0, 200, 3.
	bounds := []sim.Time{2 * sim.Second, 12 * sim.Second, 17 * sim.Second, 19 * sim.Second, 22 * sim.Second}
	means := []float64{200, 0, 200, 3}
	const reps = 400
	sums := make([]float64, len(means))
	for rep := range reps {
		tasks := drain(s.Source(rep))
		var prev sim.Time
		var index int64
		for _, task := range byClass(s, tasks, "a") {
			if task.Index != index {
				t.Fatalf("replication %d: index %d; want %d", rep, task.Index, index)
			}
			index++
			if task.Arrival <= bounds[0] || task.Arrival >= bounds[len(bounds)-1] || task.Arrival < prev {
				t.Fatalf("replication %d: arrival %v out of (2s, 22s) or before the previous %v", rep, task.Arrival, prev)
			}
			prev = task.Arrival
			for k := range means {
				if task.Arrival >= bounds[k] && task.Arrival < bounds[k+1] {
					sums[k]++
				}
			}
		}
		if got := len(byClass(s, tasks, "b")); got != 4 {
			t.Fatalf("replication %d: %d tasks of b; want 4", rep, got)
		}
	}
	// The mean of reps Poisson counts of mean m has standard deviation
	// sqrt(m/reps): 0.71 for m = 200, 0.087 for m = 3. Five of them is a
	// tolerance that a correct stream misses with probability below 1e-6.
	for k, m := range means {
		got := sums[k] / reps
		if tol := 5 * math.Sqrt(m/reps); math.Abs(got-m) > tol {
			t.Errorf("segment %d: mean count %.3f; want %g ± %.3f", k, got, m, tol)
		}
	}
	if sums[1] != 0 {
		t.Errorf("%g arrivals in the pause; want none", sums[1])
	}
}

// TestSourceRateCount: with a count, a rate stream ends after count
// arrivals, or at the end of its last segment if that comes first.
func TestSourceRateCount(t *testing.T) {
	short := mustParse(t, "name: w\ntasks: [{name: a, count: 5, arrival: {rate: [{for: 100s, per_second: 1000}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n")
	if n := len(drain(short.Source(0))); n != 5 {
		t.Errorf("count 5 at 1000/s for 100s: %d tasks; want 5", n)
	}
	// Expected 10 arrivals in the 10 s: P(more than 1000) is nil.
	long := mustParse(t, "name: w\ntasks: [{name: a, count: 1000, arrival: {rate: [{for: 10s, per_second: 1}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n")
	for rep := range 20 {
		tasks := drain(long.Source(rep))
		if len(tasks) >= 1000 {
			t.Fatalf("replication %d: %d tasks; want the segment's end to stop the stream first", rep, len(tasks))
		}
		for _, task := range tasks {
			if task.Arrival >= 10*sim.Second {
				t.Fatalf("replication %d: arrival %v after the last segment's end", rep, task.Arrival)
			}
		}
	}
}

// TestRateThroughMergeKey: a rate merged into the arrival (<<) makes
// count optional as a rate written there does.
func TestRateThroughMergeKey(t *testing.T) {
	s := mustParse(t, "name: w\ntasks: [{name: a, arrival: {<<: {rate: [{for: 2s, per_second: 3}]}, start: 1s}, steps: [{cpu: 1ms}]}]\n"+okStrategies)
	if c := s.Classes[0]; c.Count != 0 || len(c.Rate) != 1 || c.Start != sim.Second || s.Tasks() != 6 {
		t.Errorf("class = %+v, Tasks() = %d; want the rate's 2 s × 3/s = 6 tasks", c, s.Tasks())
	}
}

package fuzzcheck

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// small is a case of three tasks arriving at once on one core.
func small(cfgs ...strategies.Config) Case {
	src := &simtest.ListSource{Requests: 1, Tasks: []sim.Task{
		{Index: 0, Client: -1, Steps: []sim.Step{{Kind: sim.CPU, Dur: 10}}},
		{Index: 1, Client: -1, Steps: []sim.Step{{Kind: sim.CPU, Dur: 5}, {Kind: sim.IO, Dur: 5}, {Kind: sim.CPU, Dur: 7}}},
		{Index: 2, Client: -1, Steps: []sim.Step{{Kind: sim.CPU, Dur: 3}}},
	}}
	return Case{Cores: 1, Strategies: cfgs, NewSource: func() sim.Source { s := *src; return &s }}
}

var (
	worker  = strategies.Config{Name: "worker", Kind: strategies.KindBlocking, Workers: 1}
	gil     = strategies.Config{Name: "gil", Kind: strategies.KindThreaded, Threads: 2, GIL: true, SwitchInterval: 4}
	loop    = strategies.Config{Name: "loop", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1}
	capped  = strategies.Config{Name: "capped", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1, MaxConcurrency: 1}
	offload = strategies.Config{Name: "offload", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1, Offload: true}
)

func TestCheckPasses(t *testing.T) {
	if err := Check(small(worker, gil, loop, capped, offload)); err != nil {
		t.Fatal(err)
	}
}

// TestCheckCatches breaks one invariant at a time in the record of a good
// run and expects Check's invariants to notice.
func TestCheckCatches(t *testing.T) {
	tests := []struct {
		name   string
		cfg    strategies.Config
		tamper func(r *run)
		want   string
	}{
		{"a task completes twice", worker, func(r *run) { r.records = append(r.records, r.records[0]) }, "completed twice"},
		{"a task never completes", worker, func(r *run) { r.records = r.records[1:] }, "never completed"},
		{"a task finishes too soon", worker, func(r *run) { r.records[0].Completion = r.records[0].Start + 1 }, "less than its steps"},
		{"a task starts before it arrives", worker, func(r *run) { r.records[0].Start = -1 }, "arrived at 0s, started at -1ns"},
		{"a wrong percentile", worker, func(r *run) { r.res.Values[sim.LatencyP99] *= 1.01 }, "latency_p99_s"},
		{"a wrong mean wait", worker, func(r *run) { r.res.Values[sim.WaitMean] += 1e-9 }, "wait_mean_s"},
		{"Little's law broken", worker, func(r *run) { r.res.Values[sim.InFlightMean] *= 1.000001 }, "in_flight_mean"},
		{"a utilization above one", worker, func(r *run) { r.res.Values[sim.CPUUtilization] = 1.5 }, "outside [0, 1]"},
		{"CPU work lost", worker, func(r *run) { r.res.CPUWork-- }, "CPU work"},
		{"overlapping states", worker, func(r *run) {
			n := len(r.changes)
			r.changes = slices.Insert(r.changes, n-1, change{at: 1, ctx: 0, state: sim.InIO})
		}, "out of time order"},
		{"a state change repeated", worker, func(r *run) {
			r.changes = slices.Insert(r.changes, 2, r.changes[1])
		}, "its state already"},
		{"a context left busy", worker, func(r *run) { r.changes[len(r.changes)-1].state = sim.Running }, "want context 0 idle"},
		{"two threads hold the GIL", gil, func(r *run) {
			for i, x := range r.changes {
				if x.state == sim.Waiting {
					r.changes[i].state = sim.Running
					break
				}
			}
		}, "under the GIL"},
		{"a blocked loop that offloads", offload, func(r *run) { r.changes[2].state = sim.Blocked }, "loop-0 (loop) is blocked"},
		{"a switch too many", worker, func(r *run) { r.res.Values[sim.ContextSwitches]++ }, "context_switches = 5; the tasks' steps make 4"},
		{"a loop blocked without blocking calls", loop, func(r *run) { r.res.Values[sim.LoopBlocked] = 1e-9 }, "loop_blocked_s"},
		{"two coroutines under max_concurrency 1", capped, func(r *run) {
			for i := range r.records {
				if r.records[i].Index == 2 {
					r.records[i].Start--
				}
			}
			r.res.Values[sim.WaitMean] -= 1.0 / 3 / float64(sim.Second)
		}, "2 tasks in progress at 26ns"},
		{"served out of order", worker, func(r *run) { r.order[0], r.order[1] = r.order[1], r.order[0] }, "started before it"},
		{"a task waits beside an idle worker", worker, func(r *run) {
			for i, x := range r.changes {
				if x.state == sim.InIO {
					r.changes[i].state = sim.Idle
				}
			}
		}, "task 0/2 waits from 0s to 27ns to be taken, but worker-0 is idle from 15ns to 20ns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := small(tt.cfg)
			r, err := c.run(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.check(tt.cfg, r); err != nil {
				t.Fatalf("the untampered run fails: %v", err)
			}
			tt.tamper(r)
			err = c.check(tt.cfg, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("check = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestCheckCatchesOrderDependence gives Check a source that changes
// between calls, as a run depending on the runs before it would.
func TestCheckCatchesOrderDependence(t *testing.T) {
	c := small(worker)
	calls := 0
	base := c.NewSource
	c.NewSource = func() sim.Source {
		calls++
		s := base().(*simtest.ListSource)
		if calls > 1 {
			s.Tasks = slices.Clone(s.Tasks)
			s.Tasks[2].Steps = []sim.Step{{Kind: sim.CPU, Dur: 4}}
		}
		return s
	}
	if err := Check(c); err == nil || !strings.Contains(err.Error(), "reverse order") {
		t.Errorf("Check = %v; want a reverse-order difference", err)
	}
	calls = 0
	c.Strategies = []strategies.Config{worker, loop}
	if err := Check(c); err == nil || !strings.Contains(err.Error(), "has steps") {
		t.Errorf("Check = %v; want different steps under the two strategies", err)
	}
}

// TestRandomCases runs Check on a few hundred generated cases of each
// kind, so that plain go test covers more than the seed corpus.
func TestRandomCases(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 128)
	for i := range n {
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		c, yaml, err := WorkloadCase(data)
		if err != nil {
			t.Fatalf("case %d: the generated workload is invalid: %v\n%s", i, err, yaml)
		}
		if err := Check(c); err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, yaml)
		}
		if err := Check(Tasks(data)); err != nil {
			t.Fatalf("task case %d: %v", i, err)
		}
	}
}

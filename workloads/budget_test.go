package workloads

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/sim"
)

// budgetWorkload is a workload of two classes whose work is easy to count
// by hand: 100 tasks of 2 steps (one of 3 ms of CPU), 1 ms apart, from
// 10 ms; and 5 clients of 4 requests each, of one 1 ms cpu step.
const budgetWorkload = `name: counted
replications: 3
tasks:
  - name: open
    count: 100
    arrival: {start: 10ms, interarrival: 1ms}
    steps: [{cpu: 3ms}, {io: 5ms}]
  - name: closed
    clients: {count: 5, requests: 4}
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking}
  - {name: gil, kind: threaded, threads: 4, gil: true, switch_interval: 1ms}
`

func TestEstimateWork(t *testing.T) {
	s := mustParse(t, budgetWorkload)
	// Steps per replication: 100 × 2 + 20 × 1 = 220. CPU: 100 × 3 ms +
	// 20 × 1 ms = 320 ms: 320 hand-overs of 1 ms under the GIL.
	tests := []struct {
		name string
		lim  Limits
		want Work
	}{
		{"all", Limits{}, Work{Steps: 3 * 2 * 220, Handovers: 3 * 320, Runs: 6}},
		// Until 59 ms: the open tasks arriving at 10, 11, ..., 59 ms (50
		// of them, 300 ms of CPU with the clients'), and every client's.
		{"until", Limits{Until: 59 * sim.Millisecond}, Work{Steps: 3 * 2 * (50*2 + 20), Handovers: 3 * 170, Runs: 6}},
		{"until before the start", Limits{Until: 5 * sim.Millisecond}, Work{Steps: 3 * 2 * 20, Handovers: 3 * 20, Runs: 6}},
		// At most 200 events a run: 200 steps, and no room for hand-overs.
		{"max events", Limits{MaxEvents: 200}, Work{Steps: 3 * 2 * 200, Runs: 6}},
		{"max events above", Limits{MaxEvents: 500}, Work{Steps: 3 * 2 * 220, Handovers: 3 * 280, Runs: 6}},
	}
	for _, tt := range tests {
		got := EstimateWork(s, s.Strategies, tt.lim)
		if !near(got.Steps, tt.want.Steps) || !near(got.Handovers, tt.want.Handovers) || got.Runs != tt.want.Runs {
			t.Errorf("%s: EstimateWork = %+v; want %+v", tt.name, got, tt.want)
		}
	}
	if got := EstimateWork(s, s.Strategies[:1], Limits{}); got != (Work{Steps: 3 * 220, Runs: 3}) {
		t.Errorf("EstimateWork(sync only) = %+v; want 660 steps in 3 runs", got)
	}
}

// TestEstimateWorkServices: retries count every request 1+retries times,
// a hold two steps more (the acquisition and the release), and a rate
// class the expected arrivals of its segments before the limit.
func TestEstimateWorkServices(t *testing.T) {
	s := mustParse(t, `name: w
resources: [{name: db, capacity: 1}]
tasks:
  - name: retried
    count: 10
    timeout: 1s
    retries: 2
    steps: [{cpu: 2ms}, {hold: db, steps: [{io: 1ms}]}]
  - name: rated
    arrival:
      start: 1s
      rate: [{for: 10s, per_second: 3}, {for: 10s, per_second: 0}, {for: 2s, per_second: 50}]
    steps: [{cpu: 1ms}]
strategies: [{kind: threaded, gil: true, switch_interval: 1ms}]
`)
	tests := []struct {
		name string
		lim  Limits
		want Work
	}{
		// retried: 10 requests × 3 attempts × 4 steps (cpu, acquire, io,
		// release) = 120 steps, 30 × 2 ms = 60 ms of CPU. rated: 30 + 0 +
		// 100 expected arrivals of 1 step and 1 ms each.
		{"all", Limits{}, Work{Steps: 120 + 130, Handovers: 60 + 130, Runs: 1}},
		// Until 6 s: 5 s of the first segment, 15 arrivals.
		{"until", Limits{Until: 6 * sim.Second}, Work{Steps: 120 + 15, Handovers: 60 + 15, Runs: 1}},
		// Until 22 s: 30 + 0 + 1 s of the last segment, 50.
		{"until in the last segment", Limits{Until: 22 * sim.Second}, Work{Steps: 120 + 80, Handovers: 60 + 80, Runs: 1}},
	}
	for _, tt := range tests {
		got := EstimateWork(s, s.Strategies, tt.lim)
		if !near(got.Steps, tt.want.Steps) || !near(got.Handovers, tt.want.Handovers) || got.Runs != tt.want.Runs {
			t.Errorf("%s: EstimateWork = %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

func near(a, b float64) bool { return a == b || a > b*(1-1e-12) && a < b*(1+1e-12) }

func TestWorkDescribe(t *testing.T) {
	tests := []struct {
		w    Work
		want string
	}{
		{Work{Steps: 120, Runs: 4}, "about 120 steps to simulate in 4 runs (strategies × replications)"},
		{Work{Steps: 3000, Handovers: 566.4, Runs: 1}, "about 3566 steps and GIL hand-overs to simulate in 1 run (strategies × replications)"},
		{Work{Steps: 1e12, Runs: 10000}, "about 1e+12 steps to simulate in 10000 runs (strategies × replications)"},
	}
	for _, tt := range tests {
		if got := tt.w.Describe(); got != tt.want {
			t.Errorf("Describe(%+v) = %q; want %q", tt.w, got, tt.want)
		}
	}
}

func TestLastArrival(t *testing.T) {
	tests := []struct {
		classes string
		want    sim.Time // -1: not known before running
	}{
		{"- {name: a, count: 3, steps: [{cpu: 1ms}]}", 0},
		{"- {name: a, count: 3, arrival: {start: 2s}, steps: [{cpu: 1ms}]}", 2 * sim.Second},
		{"- {name: a, count: 3, arrival: {start: 2s, interarrival: 1s}, steps: [{cpu: 1ms}]}", 4 * sim.Second},
		{"- {name: a, count: 3, arrival: {interarrival: 1s}, steps: [{cpu: 1ms}]}\n  - {name: b, clients: {count: 2, requests: 1}, arrival: {start: 9s}, steps: [{cpu: 1ms}]}", 9 * sim.Second},
		{"- {name: a, count: 3, arrival: {interarrival: {exp: 1s}}, steps: [{cpu: 1ms}]}", -1},
		{"- {name: a, clients: {count: 2, requests: 2}, steps: [{cpu: 1ms}]}", -1},
		{"- {name: a, arrival: {rate: [{for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}", -1},
		{"- {name: a, count: 2, arrival: {per_second: 5}, steps: [{cpu: 1ms}]}", -1},
	}
	for _, tt := range tests {
		s := mustParse(t, "name: w\ntasks:\n  "+tt.classes+"\nstrategies: [{kind: blocking}]\n")
		last, ok := s.LastArrival()
		if !ok {
			last = -1
		}
		if last != tt.want {
			t.Errorf("%s: LastArrival = %v, %v; want %v", tt.classes, last, ok, tt.want)
		}
	}
}

// TestCheckBudget: each limit refuses with its numbers, at the position
// of what exceeds it.
func TestCheckBudget(t *testing.T) {
	tests := []struct {
		name, yaml string
		maxWork    float64
		want       string // the message after "FILE:"; "" for none
	}{
		{"within", budgetWorkload, 2280, ""},
		// 1320 steps and 960 hand-overs.
		{"too much work", budgetWorkload, 2000,
			"too much work: about 2280 steps and GIL hand-overs to simulate in 6 runs (strategies × replications), more than the budget of 2000"},
		// Not before running while the clients send more than one
		// request each: when they do is the run's.
		{"warm-up, clients", strings.Replace(budgetWorkload, "replications: 3", "replications: 3\nwarmup: 110ms", 1), DefaultMaxWork, ""},
		{"warm-up after the arrivals", strings.Replace(strings.Replace(budgetWorkload, "replications: 3", "replications: 3\nwarmup: 110ms", 1),
			"clients: {count: 5, requests: 4}", "clients: {count: 5, requests: 1}", 1), DefaultMaxWork,
			"3:9: warmup 110ms ends after every arrival (the last at 109ms): no task would be counted"},
		{"warm-up at the last arrival", strings.Replace(strings.Replace(budgetWorkload, "replications: 3", "replications: 3\nwarmup: 109ms", 1),
			"clients: {count: 5, requests: 4}", "clients: {count: 5, requests: 1}", 1), DefaultMaxWork, ""},
		{"contexts", strings.Replace(budgetWorkload, "{name: sync, kind: blocking}", "{name: sync, kind: blocking}\n  - {name: loops, kind: event_loop, loops: 1000, executor: 1000}", 1), DefaultMaxWork,
			"13:5: strategy loops would start 1001000 contexts (loops × (1 + executor)), more than 1000000"},
		// 100 tasks at once of 2 steps each: 200 steps in flight, fine;
		// then clients (whose first requests come at once) of a million
		// steps each.
		{"burst within", strings.Replace(budgetWorkload, "arrival: {start: 10ms, interarrival: 1ms}", "arrival: {start: 10ms}", 1), DefaultMaxWork, ""},
		{"burst", strings.Replace(budgetWorkload, "{count: 5, requests: 4}\n    steps: [{cpu: 1ms}]", "{count: 65, requests: 1}\n    steps: [{repeat: 1000000, steps: [{cpu: 1us}]}]", 1), DefaultMaxWork,
			"8:5: class closed: 65 tasks arrive at once with 65000000 steps between them, more than a run may hold in flight (1000000 tasks, 64000000 steps)"},
		{"strategies", strings.Replace(budgetWorkload, "  - {name: sync, kind: blocking}\n",
			strings.Repeat("  - {kind: blocking, name: s@}\n", 100), 1), DefaultMaxWork,
			"12:3: too many strategies: 101, more than 100"},
	}
	for _, tt := range tests {
		// Strategy names must differ.
		yaml := tt.yaml
		for i := 0; strings.Contains(yaml, "name: s@"); i++ {
			yaml = strings.Replace(yaml, "name: s@", "name: s"+string(rune('a'+i/26))+string(rune('a'+i%26)), 1)
		}
		path := filepath.Join(t.TempDir(), "w.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		err = CheckBudget(s, s.Strategies, Limits{}, tt.maxWork)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: CheckBudget = %v; want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), path+":") || !strings.HasSuffix(err.Error(), tt.want)):
			t.Errorf("%s: CheckBudget = %v; want %s:…%s", tt.name, err, path, tt.want)
		}
		var we *WorkError
		if tt.name == "too much work" && (!errors.As(err, &we) || we.Line != 4 || we.Col != 3 || we.Limit != 2000) {
			t.Errorf("%s: CheckBudget = %#v; want a *WorkError at 4:3 with the limit 2000", tt.name, err)
		}
	}
}

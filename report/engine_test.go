package report

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/golden"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// backlogWorkload is a workload whose figures can be derived by hand:
// three fast requests and one slow one, all sent at 0, each a 100 ms io;
// the slow one's client gives up after 250 ms and retries once, 150 ms
// after a give-up or a rejection.
func backlogWorkload(t *testing.T) *workloads.Spec {
	t.Helper()
	spec, err := workloads.Parse("backlog.yaml", []byte(`name: backlog
seed: 1
tasks:
  - {name: fast, count: 3, steps: [{io: 100ms}]}
  - {name: slow, count: 1, timeout: 250ms, retries: 1, backoff: 150ms, steps: [{io: 100ms}]}
strategies:
  - {name: sync, kind: blocking, workers: 1, backlog: 1}
  - {name: asyncio, kind: event_loop, max_concurrency: 1, backlog: 1}
  - {name: threads, kind: threaded, threads: 4}
`))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestEngineFigures runs backlogWorkload through the engine and checks
// the figures the outputs show against their derivation, then pins every
// output in goldens.
//
// Under sync (one worker, backlog 1) and asyncio (one coroutine at a
// time, backlog 1) alike, the arrivals at 0 are taken in class order:
// fast 0 is served at once (done at 100 ms), fast 1 waits in the backlog
// (served from 100, done at 200 ms), fast 2 and slow 0 find it full and
// are rejected at 0. Fast 2 has no retries: it fails. Slow 0 is sent again
// 150 ms later; the backlog is empty then (fast 1 left it at 100 ms), so
// it waits there until 200 ms and is done at 300 ms, within 250 ms of its
// sending: its request succeeds, 300 ms after it was first sent. So:
//
//   - requests 4, succeeded 3 (latencies 100, 200, 300 ms: mean 200 ms,
//     p50 200 ms, p99 300 ms), failed 1, rejected 2, timeouts 0 (a
//     rejection is not a time-out), retries sent 1;
//   - tasks 5: every attempt, the two rejected ones too; the waits of the
//     three served (fast 0, fast 1 and slow 0's retry) 0, 100 and 50 ms
//     (the retry sent at 150, taken at 200 ms): mean 50 ms; in flight over 0–100, 0–200
//     and 150–300 ms: 450 ms / 300 ms = 1.5 on average;
//   - makespan 300 ms; throughput 3 completed attempts / 0.3 s = 10/s,
//     goodput 3 succeeded / 0.3 s = 10/s;
//   - by class: fast 3 requests, 2 succeeded, 1 failed, 1 rejected,
//     latency mean 150 ms; slow 1 request, 1 succeeded, 1 rejected,
//     latency 300 ms.
//
// Under threads (4 threads, no backlog) all four are served at once and
// done at 100 ms: 4 requests, 4 succeeded, nothing rejected or retried.
func TestEngineFigures(t *testing.T) {
	res, err := experiment.Run(backlogWorkload(t), experiment.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	type figure struct {
		m    sim.Metric
		want float64
	}
	bounded := []figure{
		{sim.Requests, 4}, {sim.Succeeded, 3}, {sim.Failed, 1}, {sim.Rejected, 2}, {sim.Timeouts, 0},
		{sim.RetriesSent, 1}, {sim.Makespan, 0.3}, {sim.Throughput, 10}, {sim.Goodput, 10},
		{sim.LatencyMean, 0.2}, {sim.LatencyP50, 0.2}, {sim.LatencyP99, 0.3}, {sim.WaitMean, 0.05}, {sim.InFlightMean, 1.5},
	}
	classes := [][]figure{
		{{sim.Requests, 3}, {sim.Succeeded, 2}, {sim.Failed, 1}, {sim.Rejected, 1}, {sim.Timeouts, 0}, {sim.LatencyMean, 0.15}},
		{{sim.Requests, 1}, {sim.Succeeded, 1}, {sim.Failed, 0}, {sim.Rejected, 1}, {sim.Timeouts, 0}, {sim.LatencyMean, 0.3}},
	}
	want := map[string][]figure{
		"sync": bounded, "asyncio": bounded,
		"threads": {{sim.Requests, 4}, {sim.Succeeded, 4}, {sim.Failed, 0}, {sim.Rejected, 0}, {sim.RetriesSent, 0},
			{sim.Makespan, 0.1}, {sim.Goodput, 40}, {sim.LatencyMean, 0.1}},
	}
	for _, s := range res.Strategies {
		a := &s.Aggregate
		if wantTasks := map[string]int64{"sync": 5, "asyncio": 5, "threads": 4}[s.Config.Name]; a.Tasks != wantTasks {
			t.Errorf("%s: tasks = %d; want %d", s.Config.Name, a.Tasks, wantTasks)
		}
		for _, w := range want[s.Config.Name] {
			if !near(a.Mean[w.m], w.want) {
				t.Errorf("%s: %s = %v; want %v", s.Config.Name, w.m, a.Mean[w.m], w.want)
			}
		}
		if len(a.Classes) != 2 {
			t.Fatalf("%s: %d classes' figures; want 2", s.Config.Name, len(a.Classes))
		}
		if s.Config.Name == "threads" {
			continue
		}
		for c, ws := range classes {
			for _, w := range ws {
				if got := a.Classes[c].Mean[w.m]; !near(got, w.want) {
					t.Errorf("%s: class %s: %s = %v; want %v", s.Config.Name, res.Spec.Classes[c].Name, w.m, got, w.want)
				}
			}
		}
	}
	for _, out := range []struct {
		name  string
		write func(*bytes.Buffer, *experiment.Result) error
	}{
		{"summary.json", func(b *bytes.Buffer, r *experiment.Result) error { return JSON(b, r) }},
		{"summary.csv", func(b *bytes.Buffer, r *experiment.Result) error { return CSV(b, r) }},
		{"summary_by_class.csv", func(b *bytes.Buffer, r *experiment.Result) error { return ClassCSV(b, r) }},
		{"table.txt", func(b *bytes.Buffer, r *experiment.Result) error { return Table(b, r) }},
		{"by_class.txt", func(b *bytes.Buffer, r *experiment.Result) error { return ClassTable(b, r) }},
	} {
		var b bytes.Buffer
		if err := out.write(&b, res); err != nil {
			t.Fatalf("%s: %v", out.name, err)
		}
		golden.Check(t, "backlog."+out.name, b.Bytes())
	}
}

// TestEngineTimeouts runs two 100 ms CPU tasks, sent at 0, on one thread
// whose clients give up after 150 ms, without and with one retry (no
// backoff), and checks the figures of give-ups against their derivation:
//
// Task 0 runs 0–100 ms, in time. Task 1 is taken at 100 ms; its client
// gives up at 150 ms, and it is served to the end all the same, at
// 200 ms, late: its 100 ms of CPU are wasted.
//
//   - Without retries: requests 2, succeeded 1 (latency 100 ms), failed
//     1, timeouts 1, tasks 2 (both served), makespan 200 ms, throughput
//     2/0.2 = 10/s, goodput 1/0.2 = 5/s, CPU utilization 1.
//   - With one retry, sent at the give-up (150 ms): it waits for the
//     thread until 200 ms and is done at 300 ms, exactly at its deadline
//     (150 + 150 ms), which is in time. Requests 2, succeeded 2
//     (latencies 100 ms and 300 ms from the first sending: mean 200 ms),
//     failed 0, timeouts 1, retries sent 1, tasks 3, makespan 300 ms,
//     throughput 3/0.3 = 10/s, goodput 2/0.3.
func TestEngineTimeouts(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	type figure struct {
		m    sim.Metric
		want float64
	}
	for _, tt := range []struct {
		retries int
		tasks   int64
		want    []figure
	}{
		{0, 2, []figure{{sim.Requests, 2}, {sim.Succeeded, 1}, {sim.Failed, 1}, {sim.Timeouts, 1}, {sim.RetriesSent, 0},
			{sim.WastedCPU, 0.1}, {sim.Makespan, 0.2}, {sim.Throughput, 10}, {sim.Goodput, 5}, {sim.LatencyMean, 0.1},
			{sim.CPUUtilization, 1}}},
		{1, 3, []figure{{sim.Requests, 2}, {sim.Succeeded, 2}, {sim.Failed, 0}, {sim.Timeouts, 1}, {sim.RetriesSent, 1},
			{sim.WastedCPU, 0.1}, {sim.Makespan, 0.3}, {sim.Throughput, 10}, {sim.Goodput, 2 / 0.3}, {sim.LatencyMean, 0.2},
			{sim.LatencyMax, 0.3}}},
	} {
		spec, err := workloads.Parse("timeouts.yaml", []byte(fmt.Sprintf(`name: timeouts
tasks: [{name: a, count: 2, timeout: 150ms, retries: %d, steps: [{cpu: 100ms}]}]
strategies: [{name: one-thread, kind: threaded, threads: 1}]
`, tt.retries)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := &res.Strategies[0].Aggregate
		if a.Tasks != tt.tasks {
			t.Errorf("retries %d: tasks = %d; want %d", tt.retries, a.Tasks, tt.tasks)
		}
		for _, w := range tt.want {
			if !near(a.Mean[w.m], w.want) {
				t.Errorf("retries %d: %s = %v; want %v", tt.retries, w.m, a.Mean[w.m], w.want)
			}
		}
		if tt.retries == 1 {
			var b bytes.Buffer
			if err := Table(&b, res); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "timeouts.table.txt", b.Bytes())
		}
	}
}

// poolWorkload is a workload whose figures can be derived by hand: one
// core, a pool db of one connection (scope process), two fast requests
// holding it for a 100 ms io, and one slow request, whose client gives up
// after 250 ms, holding it for a 300 ms io and then running 10 ms of CPU.
func poolWorkload(t *testing.T) *workloads.Spec {
	t.Helper()
	spec, err := workloads.Parse("pool.yaml", []byte(`name: pool
seed: 1
resources: [{name: db, capacity: 1}]
tasks:
  - {name: fast, count: 2, steps: [{hold: db, steps: [{io: 100ms}]}]}
  - {name: slow, count: 1, timeout: 250ms, steps: [{hold: db, steps: [{io: 300ms}]}, {cpu: 10ms}]}
strategies:
  - {name: gthread, kind: threaded, threads: 4}
  - {name: asyncio, kind: event_loop}
`))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestEnginePool runs poolWorkload through the engine and checks the
// figures the outputs show against their derivation, then pins every
// output in goldens.
//
// The three requests arrive at 0, taken in class order: fast 0 takes the
// unit, fast 1 and slow 0 wait. Under both strategies (a thread waits in
// acquiring; a coroutine awaits the unit, and one whose block ends in io
// gives it back when the loop resumes it, at once here) fast 0 gives it
// back at 100 ms to fast 1, which gives it back at 200 ms to slow 0;
// slow 0's io ends at 500 ms and its CPU at 510 ms, late: its client gave
// up at 250 ms. So:
//
//   - requests 3, succeeded 2 (fast, latencies 100 and 200 ms: mean
//     150 ms, p50 100 ms, p99 200 ms), failed 1, timeouts 1, tasks
//     (attempts) 3, wasted CPU 10 ms;
//   - makespan 510 ms (the late completion included), throughput 3/0.51,
//     goodput 2/0.51;
//   - db: waits 0, 100 and 200 ms, mean 100 ms; one unit held from 0 to
//     500 ms of the 510 ms window: utilization 0.5/0.51; two waiters for
//     100 ms, then one for 100 ms: queue mean 0.3/0.51;
//   - by class: fast 2 requests, 2 succeeded; slow 1 request, 1 failed,
//     1 time-out, and no latency (no succeeded request).
func TestEnginePool(t *testing.T) {
	res, err := experiment.Run(poolWorkload(t), experiment.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	for _, s := range res.Strategies {
		a := &s.Aggregate
		for _, w := range []struct {
			m    sim.Metric
			want float64
		}{
			{sim.Requests, 3}, {sim.Succeeded, 2}, {sim.Failed, 1}, {sim.Timeouts, 1}, {sim.Rejected, 0},
			{sim.RetriesSent, 0}, {sim.WastedCPU, 0.01}, {sim.Makespan, 0.51}, {sim.Throughput, 3 / 0.51},
			{sim.Goodput, 2 / 0.51}, {sim.LatencyMean, 0.15}, {sim.LatencyP50, 0.1}, {sim.LatencyP99, 0.2},
		} {
			if !near(a.Mean[w.m], w.want) {
				t.Errorf("%s: %s = %v; want %v", s.Config.Name, w.m, a.Mean[w.m], w.want)
			}
		}
		if a.Tasks != 3 {
			t.Errorf("%s: tasks = %d; want 3", s.Config.Name, a.Tasks)
		}
		if len(a.Resources) != 1 {
			t.Fatalf("%s: %d resources' figures; want 1", s.Config.Name, len(a.Resources))
		}
		db := a.Resources[0].Mean
		for m, want := range [sim.NumResourceMetrics]float64{0.1, 0.5 / 0.51, 0.3 / 0.51} {
			if !near(db[m], want) {
				t.Errorf("%s: %s = %v; want %v", s.Config.Name, sim.ResourceMetric(m).Column("db"), db[m], want)
			}
		}
		if len(a.Classes) != 2 {
			t.Fatalf("%s: %d classes' figures; want 2", s.Config.Name, len(a.Classes))
		}
		fast, slow := a.Classes[0].Mean, a.Classes[1].Mean
		if fast[sim.Requests] != 2 || fast[sim.Succeeded] != 2 || fast[sim.Failed] != 0 || !near(fast[sim.LatencyMean], 0.15) {
			t.Errorf("%s: fast = %v", s.Config.Name, fast)
		}
		if slow[sim.Requests] != 1 || slow[sim.Succeeded] != 0 || slow[sim.Failed] != 1 || slow[sim.Timeouts] != 1 {
			t.Errorf("%s: slow = %v", s.Config.Name, slow)
		}
	}
	for _, out := range []struct {
		name  string
		write func(*bytes.Buffer, *experiment.Result) error
	}{
		{"summary.json", func(b *bytes.Buffer, r *experiment.Result) error { return JSON(b, r) }},
		{"summary.csv", func(b *bytes.Buffer, r *experiment.Result) error { return CSV(b, r) }},
		{"summary_by_class.csv", func(b *bytes.Buffer, r *experiment.Result) error { return ClassCSV(b, r) }},
		{"table.txt", func(b *bytes.Buffer, r *experiment.Result) error { return Table(b, r) }},
		{"by_class.txt", func(b *bytes.Buffer, r *experiment.Result) error { return ClassTable(b, r) }},
	} {
		var b bytes.Buffer
		if err := out.write(&b, res); err != nil {
			t.Fatalf("%s: %v", out.name, err)
		}
		golden.Check(t, "pool."+out.name, b.Bytes())
	}
}

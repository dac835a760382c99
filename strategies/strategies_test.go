package strategies

import (
	"math"
	"testing"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
)

const ms = sim.Millisecond

func steps(kv ...any) []sim.Step {
	var out []sim.Step
	for i := 0; i < len(kv); i += 2 {
		out = append(out, sim.Step{Kind: kv[i].(sim.StepKind), Dur: kv[i+1].(sim.Time)})
	}
	return out
}

// batch returns n open tasks of one class arriving at t with the same steps.
func batch(n int, at sim.Time, s []sim.Step) []sim.Task {
	tasks := make([]sim.Task, n)
	for i := range tasks {
		tasks[i] = sim.Task{Index: int64(i), Client: -1, Arrival: at, Steps: s}
	}
	return tasks
}

type runOut struct {
	res       *sim.Result
	completed map[int64]sim.Time // completion by task index
	started   map[int64]sim.Time
}

// withDefaults fills in what the workload loader would for a strategy a
// test writes by hand: its name, switch interval, loops, executor and
// workers.
func withDefaults(cfg Config) Config {
	if cfg.Name == "" {
		cfg.Name = string(cfg.Kind)
	}
	if cfg.Kind == KindThreaded && cfg.SwitchInterval == 0 {
		cfg.SwitchInterval = DefaultSwitchInterval
	}
	if cfg.Kind == KindEventLoop {
		cfg.Loops = max(cfg.Loops, 1)
		cfg.Executor = max(cfg.Executor, 1)
	}
	if cfg.Kind == KindBlocking {
		cfg.Workers = max(cfg.Workers, 1)
	}
	return cfg
}

func run(t *testing.T, cfg Config, cores int, src sim.Source, warmup sim.Time) runOut {
	t.Helper()
	s, err := New(withDefaults(cfg))
	if err != nil {
		t.Fatal(err)
	}
	out := runOut{completed: map[int64]sim.Time{}, started: map[int64]sim.Time{}}
	out.res, err = sim.Run(src, s, sim.Config{Cores: cores, Warmup: warmup, OnTask: func(r sim.TaskRecord) {
		if _, dup := out.completed[r.Index]; dup {
			t.Errorf("task %d completed twice", r.Index)
		}
		out.completed[r.Index] = r.Completion
		out.started[r.Index] = r.Start
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// workedExample is docs/model.md's: 10 tasks at t=0, cpu 1ms · blocking_io 1s · cpu 1ms.
func workedExample(io sim.StepKind) sim.Source {
	return &simtest.ListSource{Tasks: batch(10, 0, steps(sim.CPU, ms, io, sim.Second, sim.CPU, ms))}
}

func TestWorkedExample(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		io   sim.StepKind
		want sim.Time
	}{
		{"blocking workers:1", Config{Kind: KindBlocking, Workers: 1}, sim.BlockingIO, 10020 * ms},
		{"event_loop", Config{Kind: KindEventLoop}, sim.BlockingIO, 10020 * ms},
		{"event_loop offload executor:10", Config{Kind: KindEventLoop, Offload: true, Executor: 10}, sim.BlockingIO, 1011 * ms},
		{"event_loop with io", Config{Kind: KindEventLoop}, sim.IO, 1011 * ms},
		{"event_loop await_blocking", Config{Kind: KindEventLoop, AwaitBlocking: true}, sim.BlockingIO, 1011 * ms},
		{"threaded threads:10", Config{Kind: KindThreaded, Threads: 10}, sim.BlockingIO, 1005 * ms},
		{"threaded unbounded", Config{Kind: KindThreaded, Threads: 0}, sim.BlockingIO, 1005 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := run(t, tt.cfg, 4, workedExample(tt.io), 0)
			if got := out.res.LastCompletion - out.res.FirstArrival; got != tt.want {
				t.Errorf("makespan = %v; want %v", got, tt.want)
			}
			if !near(out.res.Values[sim.Makespan], tt.want.Seconds()) {
				t.Errorf("makespan_s = %v; want %v", out.res.Values[sim.Makespan], tt.want.Seconds())
			}
			if out.res.Tasks != 10 || len(out.completed) != 10 {
				t.Errorf("tasks = %d, completed %d; want 10", out.res.Tasks, len(out.completed))
			}
			// 20 ms of CPU work in all, over 4 cores and the makespan.
			if want := 0.020 / (4 * tt.want.Seconds()); !near(out.res.Values[sim.CPUUtilization], want) {
				t.Errorf("cpu_utilization = %v; want %v", out.res.Values[sim.CPUUtilization], want)
			}
		})
	}
}

func TestWorkedExampleLoopBlocked(t *testing.T) {
	out := run(t, Config{Kind: KindEventLoop}, 4, workedExample(sim.BlockingIO), 0)
	if got := out.res.Values[sim.LoopBlocked]; !near(got, 10) {
		t.Errorf("loop_blocked_s = %v; want 10", got)
	}
	// Task i starts when task i-1 finishes: i × 1.002 s.
	for i := range int64(10) {
		if got, want := out.started[i], sim.Time(i)*1002*ms; got != want {
			t.Errorf("task %d started at %v; want %v", i, got, want)
		}
	}
	if got, want := out.res.Values[sim.WaitMean], 4.509; !near(got, want) {
		t.Errorf("wait_mean_s = %v; want %v", got, want)
	}
}

func TestWorkersOversubscribeCores(t *testing.T) {
	// Four workers on two cores each run a 10 ms step at half speed.
	src := &simtest.ListSource{Tasks: batch(4, 0, steps(sim.CPU, 10*ms))}
	out := run(t, Config{Kind: KindBlocking, Workers: 4}, 2, src, 0)
	for i, c := range out.completed {
		if c != 20*ms {
			t.Errorf("task %d completed at %v; want 20ms", i, c)
		}
	}
	if u := out.res.Values[sim.CPUUtilization]; !near(u, 1) {
		t.Errorf("cpu_utilization = %v; want 1", u)
	}
}

func TestProcessorSharingLateArrival(t *testing.T) {
	// A runs alone for 5 ms, then shares one core with B: A finishes at
	// 15 ms, B (5 ms done by then) at 20 ms.
	src := &simtest.ListSource{Tasks: []sim.Task{
		{Index: 0, Client: -1, Arrival: 0, Steps: steps(sim.CPU, 10*ms)},
		{Index: 1, Client: -1, Arrival: 5 * ms, Steps: steps(sim.CPU, 10*ms)},
	}}
	out := run(t, Config{Kind: KindThreaded, Threads: 2}, 1, src, 0)
	if out.completed[0] != 15*ms || out.completed[1] != 20*ms {
		t.Errorf("completions = %v, %v; want 15ms, 20ms", out.completed[0], out.completed[1])
	}
}

func TestProcessorSharingInexactRate(t *testing.T) {
	// Eleven 1 ms steps on one core: each advances at 1/11, which the
	// work scale cannot represent exactly; all must still end at 11 ms.
	src := &simtest.ListSource{Tasks: batch(11, 0, steps(sim.CPU, ms))}
	out := run(t, Config{Kind: KindThreaded, Threads: 0}, 1, src, 0)
	for i, c := range out.completed {
		if c != 11*ms {
			t.Errorf("task %d completed at %v; want 11ms", i, c)
		}
	}
}

func TestThreadsFewerThanTasks(t *testing.T) {
	src := &simtest.ListSource{Tasks: batch(5, 0, steps(sim.CPU, ms, sim.IO, 10*ms))}
	out := run(t, Config{Kind: KindThreaded, Threads: 2}, 4, src, 0)
	want := []sim.Time{11 * ms, 11 * ms, 22 * ms, 22 * ms, 33 * ms}
	for i, w := range want {
		if out.completed[int64(i)] != w {
			t.Errorf("task %d completed at %v; want %v", i, out.completed[int64(i)], w)
		}
	}
	if got := out.res.Values[sim.WaitMean]; !near(got, 0.0088) {
		t.Errorf("wait_mean_s = %v; want 0.0088", got)
	}
}

func TestExecutorSmallerThanCalls(t *testing.T) {
	// Five offloaded 100 ms calls on two executor threads: ⌈5/2⌉ × 100 ms.
	src := &simtest.ListSource{Tasks: batch(5, 0, steps(sim.BlockingIO, 100*ms))}
	out := run(t, Config{Kind: KindEventLoop, Offload: true, Executor: 2}, 1, src, 0)
	want := []sim.Time{100 * ms, 100 * ms, 200 * ms, 200 * ms, 300 * ms}
	for i, w := range want {
		if out.completed[int64(i)] != w {
			t.Errorf("task %d completed at %v; want %v", i, out.completed[int64(i)], w)
		}
	}
}

func TestGILForcedSwitches(t *testing.T) {
	// Two 12 ms CPU tasks, two threads, two cores, switch interval 5 ms:
	// the GIL changes hands at 5, 10, 15 and 20 ms, and at 22 ms when the
	// first thread finishes.
	src := &simtest.ListSource{Tasks: batch(2, 0, steps(sim.CPU, 12*ms))}
	out := run(t, Config{Kind: KindThreaded, Threads: 2, GIL: true, SwitchInterval: 5 * ms}, 2, src, 0)
	if out.completed[0] != 22*ms || out.completed[1] != 24*ms {
		t.Errorf("completions = %v, %v; want 22ms, 24ms", out.completed[0], out.completed[1])
	}
	if got := out.res.Values[sim.GILWait]; !near(got, 0.022) {
		t.Errorf("gil_wait_s = %v; want 0.022", got)
	}
	if got := out.res.Values[sim.ContextSwitches]; got != 7 {
		t.Errorf("context_switches = %v; want 7 (2 dispatches, 5 hand-overs)", got)
	}
}

func TestGILStepEndingAtDeadline(t *testing.T) {
	// The holder's 5 ms step ends exactly at its deadline: the step
	// completes first; its next CPU step is then preempted at once.
	src := &simtest.ListSource{Tasks: []sim.Task{
		{Index: 0, Client: -1, Steps: steps(sim.CPU, 5*ms, sim.CPU, 3*ms)},
		{Index: 1, Client: -1, Steps: steps(sim.CPU, 2*ms)},
	}}
	out := run(t, Config{Kind: KindThreaded, Threads: 2, GIL: true, SwitchInterval: 5 * ms}, 2, src, 0)
	if out.completed[1] != 7*ms || out.completed[0] != 10*ms {
		t.Errorf("completions = %v, %v; want 10ms, 7ms", out.completed[0], out.completed[1])
	}
}

func TestGILConvoy(t *testing.T) {
	// A CPU-bound thread (one 100 ms step) beside an IO-bound one (three
	// rounds of io 1 ms · cpu 1 ms): each time the IO thread wants the GIL
	// it waits a full switch interval.
	io := steps(sim.IO, ms, sim.CPU, ms, sim.IO, ms, sim.CPU, ms, sim.IO, ms, sim.CPU, ms)
	src := &simtest.ListSource{Tasks: []sim.Task{
		{Index: 0, Client: -1, Steps: steps(sim.CPU, 100*ms)},
		{Index: 1, Client: -1, Steps: io},
	}}
	out := run(t, Config{Kind: KindThreaded, Threads: 2, GIL: true, SwitchInterval: 5 * ms}, 2, src, 0)
	if out.completed[1] != 21*ms || out.completed[0] != 103*ms {
		t.Errorf("completions = cpu %v, io %v; want 103ms, 21ms", out.completed[0], out.completed[1])
	}
	if got := out.res.Values[sim.GILWait]; !near(got, 0.018) {
		t.Errorf("gil_wait_s = %v; want 0.018", got)
	}
	// Without the GIL both run in parallel on two cores.
	src.Rewind()
	out = run(t, Config{Kind: KindThreaded, Threads: 2}, 2, src, 0)
	if out.completed[1] != 6*ms || out.completed[0] != 100*ms {
		t.Errorf("no GIL: completions = cpu %v, io %v; want 100ms, 6ms", out.completed[0], out.completed[1])
	}
}

func TestSeveralLoops(t *testing.T) {
	src := &simtest.ListSource{Tasks: batch(4, 0, steps(sim.CPU, 10*ms))}
	out := run(t, Config{Kind: KindEventLoop, Loops: 2}, 2, src, 0)
	want := []sim.Time{10 * ms, 10 * ms, 20 * ms, 20 * ms} // round-robin: 0,2 on loop 0; 1,3 on loop 1
	for i, w := range want {
		if out.completed[int64(i)] != w {
			t.Errorf("2 cores: task %d completed at %v; want %v", i, out.completed[int64(i)], w)
		}
	}
	src.Rewind()
	out = run(t, Config{Kind: KindEventLoop, Loops: 2}, 1, src, 0)
	want = []sim.Time{20 * ms, 20 * ms, 40 * ms, 40 * ms} // two loop threads share one core
	for i, w := range want {
		if out.completed[int64(i)] != w {
			t.Errorf("1 core: task %d completed at %v; want %v", i, out.completed[int64(i)], w)
		}
	}
}

func TestMaxConcurrency(t *testing.T) {
	src := &simtest.ListSource{Tasks: batch(4, 0, steps(sim.IO, 10*ms, sim.CPU, ms))}
	out := run(t, Config{Kind: KindEventLoop, MaxConcurrency: 2}, 1, src, 0)
	want := []sim.Time{11 * ms, 12 * ms, 23 * ms, 24 * ms}
	for i, w := range want {
		if out.completed[int64(i)] != w {
			t.Errorf("task %d completed at %v; want %v", i, out.completed[int64(i)], w)
		}
	}
	if got := out.res.Values[sim.WaitMean]; !near(got, 0.006) {
		t.Errorf("wait_mean_s = %v; want 0.006", got)
	}
}

func TestClosedLoopClients(t *testing.T) {
	// Two clients, three requests each, 5 ms think, 10 ms of CPU per
	// request, one worker.
	tasks := batch(2, 0, steps(sim.CPU, 10*ms))
	for i := range tasks {
		tasks[i].Client = i
		tasks[i].Index = int64(i * 3)
	}
	src := &simtest.ListSource{Tasks: tasks, Requests: 3, Think: 5 * ms}
	out := run(t, Config{Kind: KindBlocking, Workers: 1}, 1, src, 0)
	want := map[int64]sim.Time{0: 10 * ms, 3: 20 * ms, 1: 30 * ms, 4: 40 * ms, 2: 50 * ms, 5: 60 * ms}
	for i, w := range want {
		if out.completed[i] != w {
			t.Errorf("task %d completed at %v; want %v", i, out.completed[i], w)
		}
	}
	if got := out.res.Values[sim.LatencyMean]; !near(got, 0.015) {
		t.Errorf("latency_mean_s = %v; want 0.015", got)
	}
}

func TestWarmup(t *testing.T) {
	var tasks []sim.Task
	for i := range 4 {
		tasks = append(tasks, sim.Task{Index: int64(i), Client: -1, Arrival: sim.Time(i) * 10 * ms, Steps: steps(sim.CPU, 5*ms)})
	}
	out := run(t, Config{Kind: KindBlocking, Workers: 1}, 1, &simtest.ListSource{Tasks: tasks}, 15*ms)
	v := out.res.Values
	if out.res.Tasks != 2 || !near(v[sim.Makespan], 0.015) || !near(v[sim.Throughput], 2/0.015) {
		t.Errorf("tasks %d, makespan %v, throughput %v; want 2, 0.015, %v", out.res.Tasks, v[sim.Makespan], v[sim.Throughput], 2/0.015)
	}
	if !near(v[sim.CPUUtilization], 0.010/0.015) || !near(v[sim.InFlightMean], 0.010/0.015) {
		t.Errorf("cpu_utilization %v, in_flight_mean %v; want %v", v[sim.CPUUtilization], v[sim.InFlightMean], 0.010/0.015)
	}
}

func TestSwitchCost(t *testing.T) {
	s := steps(sim.CPU, 10*ms, sim.IO, 5*ms, sim.CPU, 10*ms)
	out := run(t, Config{Kind: KindEventLoop, SwitchCost: ms}, 1, &simtest.ListSource{Tasks: batch(2, 0, s)}, 0)
	if out.completed[0] != 33*ms || out.completed[1] != 44*ms {
		t.Errorf("event_loop: completions %v, %v; want 33ms, 44ms", out.completed[0], out.completed[1])
	}
	if got := out.res.Values[sim.ContextSwitches]; got != 4 {
		t.Errorf("event_loop: context_switches = %v; want 4", got)
	}
	out = run(t, Config{Kind: KindThreaded, Threads: 1, SwitchCost: ms}, 1, &simtest.ListSource{Tasks: batch(1, 0, s)}, 0)
	if out.completed[0] != 27*ms {
		t.Errorf("threaded: completion %v; want 27ms", out.completed[0])
	}
	if got := out.res.CPUWork; got != 22*ms {
		t.Errorf("threaded: CPU work %v; want 22ms (20ms of steps, 2 switches)", got)
	}
}

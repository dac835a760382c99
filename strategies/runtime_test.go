package strategies

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
)

const us = sim.Microsecond

// change is one state change of a context.
type change struct {
	at  sim.Time
	ctx int32
	s   sim.State
}

// changes records every state change of a run.
type changes []change

func (c *changes) RecordState(at sim.Time, ctx int32, s sim.State) {
	*c = append(*c, change{at, ctx, s})
}

// turns returns, per context, the instants it started running.
func (c changes) turns() map[int32][]sim.Time {
	out := map[int32][]sim.Time{}
	for _, ch := range c {
		if ch.s == sim.Running {
			out[ch.ctx] = append(out[ch.ctx], ch.at)
		}
	}
	return out
}

// traced runs tasks under cfg on cores, recording every state change and
// every task's completion.
func traced(t *testing.T, cfg Config, cores int, tasks []sim.Task) (changes, map[int64]sim.Time, *sim.Result) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var rec changes
	done := map[int64]sim.Time{}
	res, err := sim.Run(&simtest.ListSource{Tasks: tasks}, s, sim.Config{Cores: cores, Recorder: &rec,
		OnTask: func(r sim.TaskRecord) { done[r.Index] = r.Completion }})
	if err != nil {
		t.Fatal(err)
	}
	return rec, done, res
}

// convoy is two CPU-bound threads and an IO-bound one, all arriving at 0
// in this order: thread 0 computes 28ms, thread 1 12ms, thread 2 sleeps
// 1ms (blocking_io) and then computes 1ms.
func convoy() []sim.Task {
	return []sim.Task{
		{Index: 0, Client: -1, Steps: steps(sim.CPU, 28*ms)},
		{Index: 1, Client: -1, Steps: steps(sim.CPU, 12*ms)},
		{Index: 2, Client: -1, Steps: steps(sim.BlockingIO, ms, sim.CPU, ms)},
	}
}

func cpythonConfig(bias float64) Config {
	return Config{Name: "threads", Kind: KindThreaded, Threads: 3, GIL: true, SwitchInterval: 5 * ms,
		GILHandover: HandoverCPython, GILRequesterBias: bias, Seed: 7, Replication: 1}
}

// drawsAfter returns the strategy's stream of cfg after n draws of a
// Float64 (the bias draws of the forced hand-overs before it).
func drawsAfter(cfg Config, n int) *rand.Rand {
	r := rand.New(newStream(cfg.Seed, cfg.Replication, cfg.Name, streamGIL))
	for range n {
		r.Float64()
	}
	return r
}

// TestCPythonRequesterAlwaysWins: with gil_requester_bias 1 the two
// hogs pass the GIL to each other and the IO thread starves until one
// finishes. By hand, with switch_interval 5ms (H0, H1 the hogs, IO the
// IO thread; "since" is when a wait began):
//
//	0   H0 takes the free GIL; H1 waits since 0; IO sleeps.
//	1   IO wakes and waits since 1. Waiters H1(0), IO(1).
//	5   The first timer is H1's (restarted at H0's acquisition at 0;
//	    IO's runs from 1): H1 requests, H0 is forced out and excluded,
//	    H1 wins (bias 1). H0 waits since 5.
//	10  Timers restarted at 5 (IO's, H0's) run out first; of those, H0
//	    began waiting last (at the switch itself), so H0 requests and
//	    wins; H1 waits since 10, 7ms done.
//	15  H1 requests and wins (H0 has done 10ms).
//	20  H0 wins (H1 has done 10ms, 2 left).
//	25  H1 wins, runs 25–27 and finishes at 27 (H0 has done 15ms).
//	27  A voluntary release with two waiters, IO and H0: uniform, drawn
//	    from the stream after the five bias draws of 5, 10, 15, 20, 25.
//	    IO wins: it runs 27–28 and finishes; H0 takes the GIL at 28 and
//	    runs its 13ms alone: 41. H0 wins: it runs until its deadline at
//	    32 (5ms after the hand-over, IO waiting since 1); IO, the only
//	    waiter, requests and wins without a draw, runs 32–33; H0 runs
//	    its last 8ms 33–41.
//
// FIFO, for contrast, gives the GIL to IO at 10 (it queued before H0 at
// 5) and IO finishes at 11.
func TestCPythonRequesterAlwaysWins(t *testing.T) {
	cfg := cpythonConfig(1)
	rec, done, _ := traced(t, cfg, 4, convoy())
	ioWins := drawsAfter(cfg, 5).IntN(2) == 0
	want := map[int32][]sim.Time{0: {0, 10 * ms, 20 * ms, 28 * ms}, 1: {5 * ms, 15 * ms, 25 * ms}, 2: {27 * ms}}
	wantIO := 28 * ms
	if !ioWins {
		want[0] = []sim.Time{0, 10 * ms, 20 * ms, 27 * ms, 33 * ms}
		want[2], wantIO = []sim.Time{32 * ms}, 33*ms
	}
	if got := rec.turns(); !reflect.DeepEqual(got, want) {
		t.Errorf("turns = %v; want %v (IO wins the draw at 27ms: %v)", got, want, ioWins)
	}
	if done[0] != 41*ms || done[1] != 27*ms || done[2] != wantIO {
		t.Errorf("completions %v; want 41ms, 27ms, %v", done, wantIO)
	}
}

// TestCPythonRequesterNeverWins: with gil_requester_bias 0 the IO thread
// wins the first forced hand-over it is not the requester of. By hand:
//
//	0   H0 takes the GIL; H1 waits since 0; IO sleeps 0–1, then waits.
//	5   H1 requests (its timer, restarted at 0, runs out first); H0 is
//	    excluded, so the only other waiter is IO: IO wins (bias 0), and
//	    H0 waits since 5. Each hog has done 5ms.
//	5–6 IO computes and finishes at 6: a voluntary release with two
//	    waiters, H1 and H0, drawn uniformly (after one bias draw). From
//	    then on the hogs alternate every 5ms, each forced hand-over
//	    having one waiter.
//	    H1 wins: H1 6–11, H0 11–16, H1 16–21, H0 21–26, H1 26–28 (its
//	    12ms done), H0 28–41.
//	    H0 wins: H0 6–11, H1 11–16, H0 16–21, H1 21–26, H0 26–31, H1
//	    31–33 (done), H0 33–41.
func TestCPythonRequesterNeverWins(t *testing.T) {
	cfg := cpythonConfig(0)
	rec, done, _ := traced(t, cfg, 4, convoy())
	want := map[int32][]sim.Time{0: {0, 11 * ms, 21 * ms, 28 * ms}, 1: {6 * ms, 16 * ms, 26 * ms}, 2: {5 * ms}}
	wantH1 := 28 * ms
	if drawsAfter(cfg, 1).IntN(2) == 1 {
		want = map[int32][]sim.Time{0: {0, 6 * ms, 16 * ms, 26 * ms, 33 * ms}, 1: {11 * ms, 21 * ms, 31 * ms}, 2: {5 * ms}}
		wantH1 = 33 * ms
	}
	if got := rec.turns(); !reflect.DeepEqual(got, want) {
		t.Errorf("turns = %v; want %v", got, want)
	}
	if done[0] != 41*ms || done[1] != wantH1 || done[2] != 6*ms {
		t.Errorf("completions %v; want 41ms, %v, 6ms", done, wantH1)
	}
}

// TestCPythonFIFOContrast: the convoy under FIFO, by hand: H1 (waiting
// since 0) gets the GIL at 5 and H0 queues behind IO (waiting since 1),
// so IO gets it at 10 (5ms after H1's acquisition) and finishes at 11.
// Then H0 11–16, H1 16–21, H0 21–26, H1 26–28 (done), H0 28–41.
func TestCPythonFIFOContrast(t *testing.T) {
	cfg := cpythonConfig(0)
	cfg.GILHandover = HandoverFIFO
	rec, done, _ := traced(t, cfg, 4, convoy())
	want := map[int32][]sim.Time{0: {0, 11 * ms, 21 * ms, 28 * ms}, 1: {5 * ms, 16 * ms, 26 * ms}, 2: {10 * ms}}
	if got := rec.turns(); !reflect.DeepEqual(got, want) {
		t.Errorf("turns = %v; want %v", got, want)
	}
	if done[0] != 41*ms || done[1] != 28*ms || done[2] != 11*ms {
		t.Errorf("completions %v; want 41ms, 28ms, 11ms", done)
	}
}

// ioBeside returns an IO-bound thread's task (sleep 1ms, compute 50us,
// n times) and hogs CPU-bound tasks of 100ms, all arriving at 0.
func ioBeside(hogs, n int) []sim.Task {
	var io []sim.Step
	for range n {
		io = append(io, steps(sim.BlockingIO, ms, sim.CPU, 50*us)...)
	}
	tasks := []sim.Task{{Index: 0, Client: -1, Steps: io}}
	for i := range hogs {
		tasks = append(tasks, sim.Task{Index: int64(1 + i), Client: -1, Steps: steps(sim.CPU, 100*ms)})
	}
	return tasks
}

// TestCPythonOneHogIsFIFO: with one CPU-bound thread beside an IO-bound
// one, at most one thread waits at any hand-over, so every rule picks it:
// the cpython hand-over gives exactly FIFO's run, whatever the bias.
func TestCPythonOneHogIsFIFO(t *testing.T) {
	fifoCfg := cpythonConfig(0)
	fifoCfg.GILHandover = HandoverFIFO
	wantRec, wantDone, wantRes := traced(t, fifoCfg, 2, ioBeside(1, 40))
	for _, bias := range []float64{0, 0.5, 0.8, 1} {
		rec, done, res := traced(t, cpythonConfig(bias), 2, ioBeside(1, 40))
		if !reflect.DeepEqual(rec, wantRec) || !reflect.DeepEqual(done, wantDone) || !reflect.DeepEqual(res, wantRes) {
			t.Errorf("bias %v: the run differs from FIFO's", bias)
		}
	}
}

// TestCPythonDeterministic: the same seed and replication give the same
// hand-overs; another replication draws others.
func TestCPythonDeterministic(t *testing.T) {
	cfg := cpythonConfig(0.8)
	a, _, _ := traced(t, cfg, 4, ioBeside(3, 60))
	b, _, _ := traced(t, cfg, 4, ioBeside(3, 60))
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with the same seed differ")
	}
	cfg.Replication++
	c, _, _ := traced(t, cfg, 4, ioBeside(3, 60))
	if reflect.DeepEqual(a, c) {
		t.Error("another replication drew the same hand-overs")
	}
}

// waits returns the lengths of ctx's waits for the GIL.
func (c changes) waits(ctx int32) []sim.Time {
	var out []sim.Time
	var since sim.Time
	waiting := false
	for _, ch := range c {
		if ch.ctx != ctx {
			continue
		}
		if waiting {
			out = append(out, ch.at-since)
		}
		waiting, since = ch.s == sim.Waiting, ch.at
	}
	return out
}

// TestCPythonIOWait: the IO thread's waits beside hogs that outlast it.
// It releases the GIL at r (a hand-over to a hog), wakes at r+1ms and
// waits. Beside one hog it is the only waiter: its own timer runs out at
// r+6ms and it wins, a wait of exactly 5ms, as under FIFO. Beside h ≥ 2
// hogs the timer of a hog waiting since before r (restarted at r) runs
// out first, at r+5ms: that hog requests, and among the h candidates (the
// holder excluded) the requester has odds bias/(1−bias) against each
// other, so the IO thread wins with probability
// q = (1−bias)/(1 + (h−2)(1−bias)); if not, at every further interval the
// hog forced out at the last switch requests (its timer began at the
// switch itself), with the same odds. So the wait is 4ms + 5ms × (K−1), K
// geometric with mean 1/q: at bias 0.8 (q = 0.2 and 1/6), 24ms beside two
// hogs and 29ms beside three (the standard error of the mean of 2000
// waits is about 0.5ms and 0.6ms).
func TestCPythonIOWait(t *testing.T) {
	for _, tt := range []struct {
		hogs      int
		mean, tol sim.Time
	}{{1, 5 * ms, 0}, {2, 24 * ms, 2 * ms}, {3, 29 * ms, 3 * ms}} {
		cfg := cpythonConfig(0.8)
		cfg.Threads = 1 + tt.hogs
		tasks := ioBeside(tt.hogs, 2000)
		for i := 1; i < len(tasks); i++ {
			tasks[i].Steps = steps(sim.CPU, 1000*sim.Second)
		}
		rec, _, _ := traced(t, cfg, 4, tasks)
		w := rec.waits(0)
		if len(w) != 2000 {
			t.Fatalf("%d hogs: %d waits; want 2000", tt.hogs, len(w))
		}
		var sum sim.Time
		for _, d := range w {
			sum += d
		}
		if mean := sum / sim.Time(len(w)); mean < tt.mean-tt.tol || mean > tt.mean+tt.tol {
			t.Errorf("%d hogs: mean wait %v; want %v ± %v", tt.hogs, mean, tt.mean, tt.tol)
		}
	}
}

// TestAsyncioIterations: iteration boundaries and the loop's own costs,
// with poll_cost 1ms and resume_cost 500us on one core. A (cpu 2ms · io
// 1ms · cpu 1ms) and B (cpu 3ms) arrive at 0, C (cpu 1ms) at 1.5ms. By
// hand:
//
//	0–1      A's arrival starts an iteration: the poll. B arrives too.
//	1        The poll ends with A and B ready: the iteration's batch.
//	1–3.5    A resumes (500us) and computes 2ms; C arrives at 1.5 and
//	         waits for the next iteration.
//	3.5      A awaits its io (until 4.5); B, still in the batch, resumes.
//	3.5–7    B: 500us and 3ms; it finishes at 7. A, ready again at 4.5,
//	         waits for the next iteration, behind C.
//	7–8      The batch is done: the next poll; C and A are ready.
//	8–9.5    C: 500us and 1ms; it finishes at 9.5.
//	9.5–11   A: 500us and 1ms; it finishes at 11. Nothing is ready: idle.
//
// Each task's wait ends when it is first resumed: A at 1, B at 3.5, C at
// 8. Under FIFO, for contrast, A runs 0–2, B 2–5, C 5–6 and A 6–7.
func TestAsyncioIterations(t *testing.T) {
	tasks := []sim.Task{
		{Index: 0, Client: -1, Steps: steps(sim.CPU, 2*ms, sim.IO, ms, sim.CPU, ms)},
		{Index: 1, Client: -1, Steps: steps(sim.CPU, 3*ms)},
		{Index: 2, Client: -1, Arrival: 1500 * us, Steps: steps(sim.CPU, ms)},
	}
	for _, tt := range []struct {
		name          string
		cfg           Config
		done, started [3]sim.Time
		loopRuns      []sim.Time // the instants the loop thread starts running
	}{
		{"asyncio", Config{LoopModel: LoopAsyncio, PollCost: ms, ResumeCost: 500 * us},
			[3]sim.Time{11 * ms, 7 * ms, 9500 * us}, [3]sim.Time{ms, 3500 * us, 8 * ms}, []sim.Time{0}},
		{"fifo", Config{LoopModel: LoopFIFO},
			[3]sim.Time{7 * ms, 5 * ms, 6 * ms}, [3]sim.Time{0, 2 * ms, 5 * ms}, []sim.Time{0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Name, cfg.Kind, cfg.Loops, cfg.Executor = "loop", KindEventLoop, 1, 1
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var rec changes
			var done, started [3]sim.Time
			_, err = sim.Run(&simtest.ListSource{Tasks: tasks}, s, sim.Config{Cores: 1, Recorder: &rec,
				OnTask: func(r sim.TaskRecord) { done[r.Index], started[r.Index] = r.Completion, r.Start }})
			if err != nil {
				t.Fatal(err)
			}
			if done != tt.done || started != tt.started {
				t.Errorf("completions %v, starts %v; want %v, %v", done, started, tt.done, tt.started)
			}
			if got := rec.turns()[0]; !reflect.DeepEqual(got, tt.loopRuns) {
				t.Errorf("loop runs from %v; want %v (busy throughout)", got, tt.loopRuns)
			}
		})
	}
}

// TestAsyncioFreeIsFIFO: with no poll or resume cost the iterations
// change nothing: each batch is a prefix of the FIFO ready queue and
// what becomes ready joins its back, so the order is FIFO's.
func TestAsyncioFreeIsFIFO(t *testing.T) {
	var tasks []sim.Task
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		tasks = append(tasks, sim.Task{Index: int64(i), Client: -1, Arrival: sim.Time(i) * 700 * us, Steps: steps(
			sim.CPU, sim.Time(r.IntN(1000))*us, sim.IO, sim.Time(r.IntN(5000))*us, sim.CPU, sim.Time(r.IntN(1000))*us,
			sim.BlockingIO, sim.Time(r.IntN(200))*us)})
	}
	for _, offload := range []bool{false, true} {
		base := Config{Name: "loop", Kind: KindEventLoop, Loops: 2, Executor: 2, Offload: offload, MaxConcurrency: 5, LoopModel: LoopFIFO}
		wantRec, wantDone, wantRes := traced(t, base, 2, tasks)
		base.LoopModel = LoopAsyncio
		rec, done, res := traced(t, base, 2, tasks)
		if !reflect.DeepEqual(rec, wantRec) || !reflect.DeepEqual(done, wantDone) || !reflect.DeepEqual(res, wantRes) {
			t.Errorf("offload %v: asyncio at no cost differs from FIFO", offload)
		}
	}
}

// TestAsyncioCostsOnLoopThread: the loop's own costs are CPU of the loop
// thread. One task at 0 (cpu 1ms · io 2ms · cpu 1ms) with poll_cost 100us
// and resume_cost 50us: poll 0–0.1, resume and compute 0.1–1.15, io until
// 3.15, poll 3.15–3.25, resume and compute 3.25–4.3. CPU: 2ms of the task
// and 300us of the loop's, over a makespan of 4.3ms.
func TestAsyncioCostsOnLoopThread(t *testing.T) {
	cfg := Config{Name: "loop", Kind: KindEventLoop, Loops: 1, Executor: 1, LoopModel: LoopUVLoop, PollCost: 100 * us, ResumeCost: 50 * us}
	_, done, res := traced(t, cfg, 1, []sim.Task{{Client: -1, Steps: steps(sim.CPU, ms, sim.IO, 2*ms, sim.CPU, ms)}})
	if done[0] != 4300*us {
		t.Errorf("completion %v; want 4.3ms", done[0])
	}
	if got, want := res.Values[sim.CPUUtilization], 2.3/4.3; !near(got, want) {
		t.Errorf("cpu_utilization = %v; want %v", got, want)
	}
	if got := res.Values[sim.ContextSwitches]; got != 2 {
		t.Errorf("context_switches = %v; want 2 resumes", got)
	}
}

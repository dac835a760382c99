package strategies

import (
	"slices"
	"testing"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
)

// The exact cases of fan-out (DESIGN.md, "Services", Fan-out) under each
// strategy kind: an event loop runs a gather's branches as child
// coroutines, a synchronous worker or thread one after another. Every
// expected instant is derived by hand beside its case; switch costs are 0.

// gather returns the steps of a gather of the given branches.
func gather(branches ...[]sim.Step) []sim.Step {
	var body []sim.Step
	for _, b := range branches {
		body = append(body, sim.BranchStep(len(b)))
		body = append(body, b...)
	}
	return append([]sim.Step{sim.GatherStep(len(branches), len(body))}, body...)
}

// seq concatenates step lists.
func seq(parts ...[]sim.Step) []sim.Step { return slices.Concat(parts...) }

func one(k sim.StepKind, d sim.Time) []sim.Step { return []sim.Step{{Kind: k, Dur: d}} }

// kinds are one strategy of each kind and loop model, each with a single
// context for the task to run on (the loop thread with one executor
// thread), so that a task's branches can only overlap on an event loop.
var gatherKinds = []struct {
	name string
	cfg  Config
}{
	{"blocking", Config{Kind: KindBlocking, Workers: 1}},
	{"threaded", Config{Kind: KindThreaded, Threads: 1}},
	{"threaded gil", Config{Kind: KindThreaded, Threads: 1, GIL: true}},
	{"event_loop", Config{Kind: KindEventLoop}},
	{"event_loop asyncio", Config{Kind: KindEventLoop, LoopModel: LoopAsyncio}},
	{"event_loop offload", Config{Kind: KindEventLoop, Offload: true, Executor: 1}},
	{"event_loop offload executor:2", Config{Kind: KindEventLoop, Offload: true, Executor: 2}},
}

func TestGatherUnderEachStrategy(t *testing.T) {
	tests := []struct {
		name  string
		steps []sim.Step
		res   []sim.Resource
		// The task's completion by strategy (gatherKinds' names); a
		// strategy left out is the synchronous sum, sync.
		want map[string]sim.Time
		sync sim.Time
	}{
		// cpu 1ms, gather [[io 30ms], [cpu 2ms, io 10ms], [io 20ms]], cpu 1ms.
		// Synchronously: 1 + 30 + 2 + 10 + 20 + 1 = 64 ms.
		// On a loop: cpu [0, 1ms]; at 1 ms the three children join the
		// ready queue and the parent awaits. Child 0 awaits io until
		// 31 ms; child 1 runs cpu [1, 3ms], then awaits io until 13 ms;
		// child 2 runs at 3 ms and awaits io until 23 ms. Children 1 and
		// 2 end at 13 and 23 ms, child 0 last at 31 ms: the parent rejoins
		// the ready queue, runs cpu [31, 32ms] and ends at 32 ms. (The
		// asyncio iterations give the same: each batch holds what was
		// ready, and nothing else competes.)
		{"branches of different lengths",
			seq(one(sim.CPU, ms), gather(one(sim.IO, 30*ms), seq(one(sim.CPU, 2*ms), one(sim.IO, 10*ms)), one(sim.IO, 20*ms)), one(sim.CPU, ms)),
			nil, map[string]sim.Time{"event_loop": 32 * ms, "event_loop asyncio": 32 * ms,
				"event_loop offload": 32 * ms, "event_loop offload executor:2": 32 * ms}, 64 * ms},
		// Three copies of an io branch (a count gather), sampled 10, 20
		// and 30 ms: on a loop they overlap, ending with the longest at
		// 30 ms; synchronously 60 ms.
		{"count gather",
			gather(one(sim.IO, 10*ms), one(sim.IO, 20*ms), one(sim.IO, 30*ms)),
			nil, map[string]sim.Time{"event_loop": 30 * ms, "event_loop asyncio": 30 * ms,
				"event_loop offload": 30 * ms, "event_loop offload executor:2": 30 * ms}, 60 * ms},
		// Three branches each holding db (capacity 2) for io 10ms. On a
		// loop, children 0 and 1 take the units at 0 and await until
		// 10 ms; child 2 finds none and is suspended. At 10 ms child 0
		// resumes and gives its unit back, at once to child 2, which
		// joins the ready queue behind child 1; child 1 gives its unit
		// back (it stays free); child 2 runs, awaits io until 20 ms,
		// gives the unit back and is the last to end: the parent ends at
		// 20 ms. Synchronously one unit at a time, nobody waits: 30 ms.
		{"branches holding a pool smaller than the gather",
			gather(hold(0, one(sim.IO, 10*ms)...), hold(0, one(sim.IO, 10*ms)...), hold(0, one(sim.IO, 10*ms)...)),
			[]sim.Resource{{Name: "db", Capacity: 2}}, map[string]sim.Time{"event_loop": 20 * ms, "event_loop asyncio": 20 * ms,
				"event_loop offload": 20 * ms, "event_loop offload executor:2": 20 * ms}, 30 * ms},
		// gather [[io 10ms, gather [[io 5ms], [io 20ms]]], [io 15ms]]. On a
		// loop: child 0 awaits until 10 ms, child 1 until 15 ms. At 10 ms
		// child 0 starts the inner gather: its children await until 15
		// and 30 ms. At 15 ms child 1 and the first grandchild end; at
		// 30 ms the second grandchild ends, the last of child 0's gather,
		// so child 0 runs again and ends, the last of the task's: the task
		// ends at 30 ms. Synchronously 10 + 5 + 20 + 15 = 50 ms.
		{"nested gathers",
			gather(seq(one(sim.IO, 10*ms), gather(one(sim.IO, 5*ms), one(sim.IO, 20*ms))), one(sim.IO, 15*ms)),
			nil, map[string]sim.Time{"event_loop": 30 * ms, "event_loop asyncio": 30 * ms,
				"event_loop offload": 30 * ms, "event_loop offload executor:2": 30 * ms}, 50 * ms},
		// gather [[blocking_io 10ms], [blocking_io 10ms], [io 5ms]].
		// A loop without offload: child 0 blocks the loop thread [0, 10ms]
		// and ends; child 1 blocks it [10, 20ms] and ends; child 2 then
		// awaits io until 25 ms, and ends last: 25 ms, as synchronously.
		// Offload to one executor thread: child 0's call runs [0, 10ms],
		// child 1's waits for the thread and runs [10, 20ms], child 2's io
		// ends at 5 ms; child 1 ends last, at 20 ms. With two executor
		// threads both calls run [0, 10ms]: the task ends at 10 ms.
		{"blocking calls, on the loop or offloaded",
			gather(one(sim.BlockingIO, 10*ms), one(sim.BlockingIO, 10*ms), one(sim.IO, 5*ms)),
			nil, map[string]sim.Time{"event_loop offload": 20 * ms, "event_loop offload executor:2": 10 * ms}, 25 * ms},
	}
	for _, tt := range tests {
		for _, k := range gatherKinds {
			t.Run(tt.name+"/"+k.name, func(t *testing.T) {
				src := &simtest.ListSource{Tasks: batch(1, 0, tt.steps)}
				_, recs, err := svcRun(t, k.cfg, sim.Config{Resources: tt.res}, src)
				if err != nil {
					t.Fatal(err)
				}
				want, ok := tt.want[k.name]
				if !ok {
					want = tt.sync
				}
				checkEnds(t, recs, map[attemptKey]ending{{0, 0}: done(want)})
			})
		}
	}
}

func TestGatherBranchRecords(t *testing.T) {
	// The first case above: cpu 1ms, gather [[io 30ms], [cpu 2ms, io 10ms],
	// [io 20ms]], cpu 1ms. On a loop every branch is spawned at 1 ms and
	// they join at 13 (branch 1), 23 (branch 2) and 31 ms (branch 0).
	// Synchronously each is spawned when the one before it has joined:
	// branch 0 [1, 31ms], branch 1 [31, 43ms], branch 2 [43, 63ms].
	steps := seq(one(sim.CPU, ms), gather(one(sim.IO, 30*ms), seq(one(sim.CPU, 2*ms), one(sim.IO, 10*ms)), one(sim.IO, 20*ms)), one(sim.CPU, ms))
	// Each branch's ID is its place: they are spawned in order.
	rec := func(branch int, from, to sim.Time) sim.BranchRecord {
		return sim.BranchRecord{Index: 3, Attempt: 0, Branch: branch, ID: branch, Parent: -1, Depth: 1, Start: from, End: to}
	}
	tests := []struct {
		cfg  Config
		want []sim.BranchRecord
	}{
		{Config{Kind: KindEventLoop}, []sim.BranchRecord{rec(1, ms, 13*ms), rec(2, ms, 23*ms), rec(0, ms, 31*ms)}},
		{Config{Kind: KindBlocking}, []sim.BranchRecord{rec(0, ms, 31*ms), rec(1, 31*ms, 43*ms), rec(2, 43*ms, 63*ms)}},
	}
	for _, tt := range tests {
		t.Run(string(tt.cfg.Kind), func(t *testing.T) {
			var got []sim.BranchRecord
			task := sim.Task{Index: 3, Client: -1, Steps: steps}
			_, _, err := svcRun(t, tt.cfg, sim.Config{OnBranch: func(b sim.BranchRecord) { got = append(got, b) }},
				&simtest.ListSource{Tasks: []sim.Task{task}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("branches %v; want %v", got, tt.want)
			}
		})
	}
}

func TestNestedBranchDepth(t *testing.T) {
	// gather [[io 10ms, gather [[io 5ms], [io 20ms]]], [io 15ms]] on a
	// loop (the nested case above): the inner branches are depth 2,
	// spawned at 10 ms and joining at 15 and 30 ms; the outer ones depth
	// 1, joining at 15 (branch 1) and 30 ms (branch 0, after its gather).
	// The outer ones are spawned first (IDs 0 and 1), the inner ones, of
	// branch 0's gather, at 10 ms (IDs 2 and 3, parent 0).
	steps := gather(seq(one(sim.IO, 10*ms), gather(one(sim.IO, 5*ms), one(sim.IO, 20*ms))), one(sim.IO, 15*ms))
	var got []sim.BranchRecord
	_, _, err := svcRun(t, Config{Kind: KindEventLoop}, sim.Config{OnBranch: func(b sim.BranchRecord) { got = append(got, b) }},
		&simtest.ListSource{Tasks: batch(1, 0, steps)})
	if err != nil {
		t.Fatal(err)
	}
	want := []sim.BranchRecord{
		{Branch: 1, ID: 1, Parent: -1, Depth: 1, Start: 0, End: 15 * ms},
		{Branch: 0, ID: 2, Parent: 0, Depth: 2, Start: 10 * ms, End: 15 * ms},
		{Branch: 1, ID: 3, Parent: 0, Depth: 2, Start: 10 * ms, End: 30 * ms},
		{Branch: 0, ID: 0, Parent: -1, Depth: 1, Start: 0, End: 30 * ms},
	}
	if !slices.Equal(got, want) {
		t.Errorf("branches %v; want %v", got, want)
	}
}

func TestGatherLateAttempt(t *testing.T) {
	// A client that gives up after 15 ms on a loop's gather of io 10ms and
	// io 20ms: the attempt is given up at 15 ms (deadline + 1 ns is when
	// the give-up is seen), its branches are served to the end all the
	// same, and it completes late at 20 ms.
	src := &simtest.ListSource{Tasks: batch(1, 0, gather(one(sim.IO, 10*ms), one(sim.IO, 20*ms)))}
	res, recs, err := svcRun(t, Config{Kind: KindEventLoop}, sim.Config{Clients: []sim.Client{{Timeout: 15 * ms}}}, src)
	if err != nil {
		t.Fatal(err)
	}
	checkEnds(t, recs, map[attemptKey]ending{{0, 0}: late(20 * ms)})
	checkValues(t, &res.Values, map[sim.Metric]float64{sim.Timeouts: 1, sim.Failed: 1, sim.Succeeded: 0})
}

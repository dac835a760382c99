package timeline_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"asyncsim/internal/golden"
	"asyncsim/sim"
	"asyncsim/timeline"
	"asyncsim/workloads"
)

// TestTraceGolden compares the trace of the tornado example, its default
// window, with testdata/trace-tornado.json (go test -update rewrites it).
func TestTraceGolden(t *testing.T) {
	spec, err := workloads.Load("tornado")
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, spec, timeline.Options{Auto: true, Cores: spec.Cores})
	var procs []timeline.TraceProcess
	for i, sr := range rec.res.Strategies {
		procs = append(procs, timeline.TraceProcess{Name: sr.Config.Name, Timeline: rec.recs[i].Timeline(sr.Contexts)})
	}
	var buf bytes.Buffer
	if err := timeline.WriteTrace(&buf, spec.Name, procs); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "trace-tornado.json", buf.Bytes())
}

// services is a hand-built timeline of a run with issue 13's features:
// two threads that wait for a pool's unit (acquiring), and attempts of
// every outcome, a retry among them, some reaching past the window.
func services() *timeline.Timeline {
	ms := sim.Millisecond
	iv := func(a, b sim.Time, s sim.State) timeline.Interval {
		return timeline.Interval{Start: a, End: b, State: s}
	}
	task := func(index int64, attempt int, o sim.Outcome, arrival, start, completion sim.Time) timeline.Task {
		return timeline.Task{Name: timeline.AttemptName("request", index, attempt), Index: index, Attempt: attempt,
			Outcome: o, Arrival: arrival, Start: start, Completion: completion}
	}
	return &timeline.Timeline{From: 0, To: 40 * ms, End: 50 * ms, Cut: timeline.CutWindow, AllContexts: 2, AllTasks: 6,
		Contexts: []timeline.Context{
			{Name: "thread-0", Intervals: []timeline.Interval{iv(0, 1*ms, sim.Running), iv(1*ms, 20*ms, sim.InIO), iv(20*ms, 21*ms, sim.Running), iv(21*ms, 40*ms, sim.Idle)}},
			{Name: "thread-1", Intervals: []timeline.Interval{iv(0, 1*ms, sim.Waiting), iv(1*ms, 2*ms, sim.Running), iv(2*ms, 20*ms, sim.Acquiring), iv(20*ms, 35*ms, sim.InIO), iv(35*ms, 40*ms, sim.Idle)}},
		},
		Tasks: []timeline.Task{
			task(0, 0, sim.OutcomeDone, 0, 0, 21*ms),
			task(1, 0, sim.OutcomeLate, 0, 0, 36*ms),             // its client gave up at 10 ms
			task(2, 0, sim.OutcomeRejected, 0, 0, 0),             // the backlog was full
			task(3, 0, sim.OutcomeAbandoned, 1*ms, 11*ms, 11*ms), // gave up while its SYN waited
			task(1, 1, sim.OutcomeDone, 15*ms, 36*ms, 45*ms),     // the retry, served past the window
			task(4, 0, sim.OutcomeRejected, 39*ms, 41*ms, 41*ms), // rejected after the window
		},
	}
}

// TestTraceServicesGolden compares the trace of services() with
// testdata/trace-services.json: an "acquiring" state, a "late" service
// span, "rejected" and "abandoned" instants, attempts and outcomes in the
// args of every task event (go test -update rewrites it).
func TestTraceServicesGolden(t *testing.T) {
	procs := []timeline.TraceProcess{{Name: "gthread", Timeline: services()}}
	var buf bytes.Buffer
	if err := timeline.WriteTrace(&buf, "services", procs); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, "services", buf.Bytes(), procs)
	golden.Check(t, "trace-services.json", buf.Bytes())
}

// TestTraceBranchesGolden: a task in service [0, 40ms] whose gather has
// three branches spawned at 1 ms, as on an event loop — A [1, 31ms] (ID
// 0), B [1, 13ms] (ID 1), C [1, 23ms] (ID 2) — and A a gather of its own
// with D [10, 20ms] (ID 3, parent 0). A nests in the task's service span
// on the task's thread; B and C overlap A without being its branches, so
// they go on the task's extra threads "request#0 branches" and
// "… branches 2"; D nests in A, its parent, on the task's thread.
func TestTraceBranchesGolden(t *testing.T) {
	ms := sim.Millisecond
	branch := func(b, id, parent, depth int, a, z sim.Time) timeline.Branch {
		return timeline.Branch{Task: 0, Branch: b, ID: id, Parent: parent, Depth: depth, Start: a, End: z}
	}
	tl := &timeline.Timeline{From: 0, To: 50 * ms, End: 50 * ms, Cut: timeline.CutEnd, AllTasks: 1,
		Tasks: []timeline.Task{{Name: "request#0", Outcome: sim.OutcomeDone, Start: 0, Completion: 40 * ms}},
		Branches: []timeline.Branch{branch(0, 0, -1, 1, ms, 31*ms), branch(1, 1, -1, 1, ms, 13*ms),
			branch(2, 2, -1, 1, ms, 23*ms), branch(0, 3, 0, 2, 10*ms, 20*ms)}}
	procs := []timeline.TraceProcess{{Name: "loop", Timeline: tl}}
	var buf bytes.Buffer
	if err := timeline.WriteTrace(&buf, "branches", procs); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, "branches", buf.Bytes(), procs)
	var doc struct {
		TraceEvents []struct {
			Name string          `json:"name"`
			Ph   string          `json:"ph"`
			Tid  int             `json:"tid"`
			Ts   float64         `json:"ts"`
			Args json.RawMessage `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	threads := map[int]string{}
	var got []string
	for _, e := range doc.TraceEvents {
		switch {
		case e.Ph == "M" && e.Name == "thread_name":
			var a struct{ Name string }
			_ = json.Unmarshal(e.Args, &a)
			threads[e.Tid] = a.Name
		case e.Ph == "X":
			got = append(got, fmt.Sprintf("%s@%g on %s", e.Name, e.Ts, threads[e.Tid]))
		}
	}
	want := []string{"service@0 on request#0", "branch 0@1000 on request#0", "branch 1@1000 on request#0 branches",
		"branch 2@1000 on request#0 branches 2", "branch 0@10000 on request#0"}
	if !slices.Equal(got, want) {
		t.Errorf("slices %q; want %q", got, want)
	}
	golden.Check(t, "trace-branches.json", buf.Bytes())
}

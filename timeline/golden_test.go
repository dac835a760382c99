package timeline_test

import (
	"bytes"
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

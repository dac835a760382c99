package workloads

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"asyncsim/internal/stream"
	"asyncsim/sim"
)

// TestParseGather: both forms of gather parse into a Gather StepSpec,
// branches with holds, repeats and gathers of their own.
func TestParseGather(t *testing.T) {
	s := mustParse(t, `
name: w
resources: [{name: db, capacity: 2}]
tasks:
  - name: a
    count: 1
    steps:
      - cpu: 1ms
      - gather:
          - [{io: 30ms}]
          - [{cpu: 500us}, {hold: db, steps: [{io: 10ms}]}]
          - [{repeat: 2, steps: [{gather: {count: 3, steps: [{blocking_io: 1ms}]}}]}]
strategies: [{kind: event_loop}]
`)
	ms := func(k sim.StepKind, n float64) StepSpec {
		return StepSpec{Kind: k, Dur: Constant(sim.Time(n * float64(sim.Millisecond)))}
	}
	want := []StepSpec{
		ms(sim.CPU, 1),
		{Kind: sim.Gather, Branches: [][]StepSpec{
			{ms(sim.IO, 30)},
			{ms(sim.CPU, 0.5), {Kind: sim.Acquire, Resource: 0, Steps: []StepSpec{ms(sim.IO, 10)}}},
			{{Repeat: 2, Steps: []StepSpec{{Kind: sim.Gather, Count: 3, Branches: [][]StepSpec{{ms(sim.BlockingIO, 1)}}}}}},
		}},
	}
	if got := s.Classes[0].Steps; !reflect.DeepEqual(got, want) {
		t.Errorf("steps = %+v; want %+v", got, want)
	}
}

// TestGatherSums: a gather's CPU is that of all its branches, its
// duration estimate the branches one after the other, and its steps one
// for its start, one for each branch's start and the branches' own.
func TestGatherSums(t *testing.T) {
	s := mustParse(t, `
name: w
resources: [{name: db, capacity: 2}]
tasks:
  - name: a
    count: 1
    steps:
      - cpu: 1ms
      - gather:
          - [{io: 30ms}]
          - [{cpu: 2ms}, {hold: db, steps: [{io: 10ms}]}]
      - gather: {count: 4, steps: [{cpu: 3ms}, {io: 5ms}]}
strategies: [{kind: event_loop}]
`)
	steps := s.Classes[0].Steps
	// cpu: 1 + 2 + 4 × 3 = 15ms.
	if got, want := meanCPU(steps), 15e6; got != want {
		t.Errorf("meanCPU = %g; want %g", got, want)
	}
	// 1 + (30 + 2 + 10) + 4 × (3 + 5) = 75ms.
	if got, want := meanWork(steps), 75e6; got != want {
		t.Errorf("meanWork = %g; want %g", got, want)
	}
	// 1 cpu; gather 1 + branch 1 + io 1 + branch 1 + cpu 1 + acquire,
	// io, release 3 = 8; gather 1 + 4 × (branch 1 + 2 steps) = 13.
	if got, want := expandedSteps(steps), int64(22); got != want {
		t.Errorf("expandedSteps = %d; want %d", got, want)
	}
	task := drain(s.Source(0))[0]
	if int64(len(task.Steps)) != expandedSteps(steps) {
		t.Errorf("the task has %d steps; expandedSteps counts %d", len(task.Steps), expandedSteps(steps))
	}
}

// TestSourceGatherEncoding: a gather becomes a Gather step, and each
// branch a Branch step and its steps, with the spans sim.Step documents;
// steps of zero duration are left out, and so of the spans. Counted by
// hand: the inner gather spans branch, io, branch, acquire, cpu, release
// (6); the second branch cpu, the inner gather and its 6 (8); the outer
// gather its three branches, 2 + 9 + 1 steps (12).
func TestSourceGatherEncoding(t *testing.T) {
	s := mustParse(t, `
name: w
resources: [{name: db, capacity: 1}]
tasks:
  - name: a
    count: 1
    steps:
      - gather:
          - [{io: 30ms}]
          - [{cpu: 1ms}, {io: 0s}, {gather: [[{io: 2ms}], [{hold: db, steps: [{cpu: 3ms}]}]]}]
          - [{io: 0s}]
      - cpu: 4ms
strategies: [{kind: event_loop}]
`)
	ms := func(k sim.StepKind, n int) sim.Step { return sim.Step{Kind: k, Dur: sim.Time(n) * sim.Millisecond} }
	want := []sim.Step{
		sim.GatherStep(3, 12),
		sim.BranchStep(1), ms(sim.IO, 30),
		sim.BranchStep(8), ms(sim.CPU, 1),
		sim.GatherStep(2, 6),
		sim.BranchStep(1), ms(sim.IO, 2),
		sim.BranchStep(3), {Kind: sim.Acquire}, ms(sim.CPU, 3), {Kind: sim.Release},
		sim.BranchStep(0),
		ms(sim.CPU, 4),
	}
	if got := drain(s.Source(0))[0].Steps; !slices.Equal(got, want) {
		t.Errorf("steps\n%v\nwant\n%v", got, want)
	}
}

// TestSourceGatherCountDraws: each copy of a count gather samples its own
// durations, in order from the class's stream: a count 3 gather of
// {io: {exp: 10ms}} then a cpu {exp: 1ms} draws the class's first four
// exponentials, derived here from the stream by gonum's distuv (which the
// source's sampler matches, TestExpMatchesDistuv).
func TestSourceGatherCountDraws(t *testing.T) {
	s := mustParse(t, `
name: w
seed: 7
tasks:
  - name: fan
    count: 2
    steps:
      - gather: {count: 3, steps: [{io: {exp: 10ms}}]}
      - cpu: {exp: 1ms}
strategies: [{kind: event_loop}]
`)
	p := stream.New(7, 0, "fan", purposeSteps, stream.NoClient)
	r := rand.New(&p)
	exp := func(mean sim.Time) sim.Time {
		return roundTime(distuv.Exponential{Rate: 1 / float64(mean), Src: r}.Rand())
	}
	tasks := drain(s.Source(0))
	for i, task := range tasks {
		d1, d2, d3 := exp(10*sim.Millisecond), exp(10*sim.Millisecond), exp(10*sim.Millisecond)
		want := []sim.Step{
			sim.GatherStep(3, 6),
			sim.BranchStep(1), {Kind: sim.IO, Dur: d1},
			sim.BranchStep(1), {Kind: sim.IO, Dur: d2},
			sim.BranchStep(1), {Kind: sim.IO, Dur: d3},
			{Kind: sim.CPU, Dur: exp(sim.Millisecond)},
		}
		if !slices.Equal(task.Steps, want) {
			t.Errorf("task %d steps\n%v\nwant\n%v", i, task.Steps, want)
		}
		if d1 == d2 || d2 == d3 {
			t.Errorf("task %d: the copies drew the same durations %v, %v, %v", i, d1, d2, d3)
		}
	}
}

// TestGatherBadInput: the mistakes of writing a gather, each with its
// position and exact message.
func TestGatherBadInput(t *testing.T) {
	const res = "name: w\nresources: [{name: db, capacity: 2}]\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty gather", res + "tasks: [{name: a, count: 1, steps: [{gather: []}]}]\n" + okStrategies,
			"w.yaml:3:46: gather must list at least one branch, like [[{io: 30ms}], [{io: 10ms}]]"},
		{"empty branch", res + "tasks: [{name: a, count: 1, steps: [{gather: [[{io: 1ms}], []]}]}]\n" + okStrategies,
			"w.yaml:3:60: a branch of gather must not be empty"},
		{"steps not branches", res + "tasks: [{name: a, count: 1, steps: [{gather: [{io: 1ms}, {io: 2ms}]}]}]\n" + okStrategies,
			"w.yaml:3:47: expected a branch of gather (a list of steps like [{io: 30ms}]), got a mapping: write each branch as a list, [[{io: 30ms}], [{io: 10ms}]]\n" +
				"w.yaml:3:58: expected a branch of gather (a list of steps like [{io: 30ms}]), got a mapping: write each branch as a list, [[{io: 30ms}], [{io: 10ms}]]"},
		{"scalar", res + "tasks: [{name: a, count: 1, steps: [{gather: 3}]}]\n" + okStrategies,
			"w.yaml:3:46: gather takes a list of branches like [[{io: 30ms}], [{io: 10ms}]] or {count: N, steps: [...]}, got the number 3"},
		{"count 0", res + "tasks: [{name: a, count: 1, steps: [{gather: {count: 0, steps: [{io: 1ms}]}}]}]\n" + okStrategies,
			"w.yaml:3:54: gather count must be at least 1, got 0"},
		{"absurd count", res + "tasks: [{name: a, count: 1, steps: [{gather: {count: 5000000, steps: [{io: 1ms}]}}]}]\n" + okStrategies,
			"w.yaml:3:54: gather count 5000000 is too large: at most 1000000 branches"},
		{"count expands too far", res + "tasks: [{name: a, count: 1, steps: [{gather: {count: 1000, steps: [{repeat: 1000, steps: [{io: 1ms}]}]}}]}]\n" + okStrategies,
			"w.yaml:3:36: a task of class \"a\" has more than 1000000 steps once repeats and gathers are expanded"},
		{"missing steps", res + "tasks: [{name: a, count: 1, steps: [{gather: {count: 2}}]}]\n" + okStrategies,
			"w.yaml:3:46: missing field \"steps\" in gather"},
		{"misspelt key", res + "tasks: [{name: a, count: 1, steps: [{gather: {cout: 2, steps: [{io: 1ms}]}}]}]\n" + okStrategies,
			"w.yaml:3:47: unknown field \"cout\" in gather; did you mean \"count\"?"},
		{"steps beside gather", res + "tasks: [{name: a, count: 1, steps: [{gather: [[{io: 1ms}]], steps: [{io: 1ms}]}]}]\n" + okStrategies,
			"w.yaml:3:61: steps goes inside gather: write {gather: {count: N, steps: [...]}}, or list the branches, {gather: [[{io: 30ms}], [{io: 10ms}]]}"},
		{"gather and cpu", res + "tasks: [{name: a, count: 1, steps: [{cpu: 1ms, gather: [[{io: 1ms}]]}]}]\n" + okStrategies,
			"w.yaml:3:48: a step is exactly one of cpu, io, blocking_io, repeat, hold or gather, not both cpu and gather"},
		// DESIGN.md: a resource nested in itself is an error, through
		// the branches of a gather too.
		{"hold nested through a gather", res + "tasks: [{name: a, count: 1, steps: [{hold: db, steps: [{gather: [[{io: 1ms}], [{hold: db, steps: [{io: 1ms}]}]]}]}]}]\n" + okStrategies,
			"w.yaml:3:87: resource \"db\" is nested in itself: the hold on line 3 holds it already (a hold takes one unit; nest holds of different resources)"},
		{"bad branch step", res + "tasks: [{name: a, count: 1, steps: [{gather: {count: 2, steps: [{iox: 1ms}]}}]}]\n" + okStrategies,
			"w.yaml:3:66: unknown field \"iox\" in step; did you mean \"io\"?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("w.yaml", []byte(tc.yaml))
			if err == nil || s != nil {
				t.Fatalf("Parse = %v, %v; want error\n%s", s, err, tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestGatherHoldsInSiblingBranches: branches may hold the same resource
// side by side (not nested), and a hold may be around a gather whose
// branches hold another.
func TestGatherHoldsInSiblingBranches(t *testing.T) {
	mustParse(t, `
name: w
resources: [{name: db, capacity: 1}, {name: api, capacity: 3}]
tasks:
  - name: a
    count: 1
    steps:
      - gather: {count: 3, steps: [{hold: db, steps: [{io: 1ms}]}]}
      - hold: api
        steps: [{gather: [[{hold: db, steps: [{io: 1ms}]}], [{hold: db, steps: [{io: 2ms}]}]]}]
strategies: [{kind: event_loop}]
`)
}

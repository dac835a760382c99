package workloads

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"asyncsim/sim"
)

func mustParse(t testing.TB, src string) *Spec {
	t.Helper()
	s, err := Parse("w.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// drain returns every task of one replication: the open arrivals in the
// order Next yields them, each closed-loop task followed at once by its
// client's remaining requests, as if each completed when its steps would
// end if it ran alone.
func drain(src sim.Source) []sim.Task {
	var out []sim.Task
	var t sim.Task
	for {
		if _, ok := src.Peek(); !ok {
			return out
		}
		src.Next(&t)
		for {
			out = append(out, clone(t))
			if t.Client < 0 {
				break
			}
			end := t.Arrival
			for _, st := range t.Steps {
				end += st.Dur
			}
			if !src.FollowUp(&t, end, &t) {
				break
			}
		}
	}
}

func clone(t sim.Task) sim.Task {
	t.Steps = slices.Clone(t.Steps)
	return t
}

// key identifies a task: class, index, client, request and arrival.
func key(t sim.Task) string {
	return fmt.Sprintf("c%d i%d cl%d r%d @%v", t.Class, t.Index, t.Client, t.Request, t.Arrival)
}

func TestSourceOrderWithTies(t *testing.T) {
	s := mustParse(t, `
name: ties
tasks:
  - {name: a, count: 3, steps: [{cpu: 1ms}]}
  - {name: b, count: 3, arrival: {interarrival: 1ms}, steps: [{cpu: 1ms}]}
  - {name: c, clients: {count: 2, requests: 2, think: 1ms}, steps: [{cpu: 1ms}]}
  - {name: d, count: 2, arrival: {start: 1ms, interarrival: 0s}, steps: [{cpu: 1ms}]}
strategies: [{kind: blocking}]
`)
	src := s.Source(0)
	var got []string
	var task sim.Task
	for {
		at, ok := src.Peek()
		if !ok {
			break
		}
		src.Next(&task)
		if task.Arrival != at {
			t.Errorf("Peek() = %v but Next gave arrival %v", at, task.Arrival)
		}
		got = append(got, key(task))
	}
	ms := sim.Millisecond
	want := []string{
		key(sim.Task{Class: 0, Index: 0, Client: -1}),
		key(sim.Task{Class: 0, Index: 1, Client: -1}),
		key(sim.Task{Class: 0, Index: 2, Client: -1}),
		key(sim.Task{Class: 1, Index: 0, Client: -1}),
		key(sim.Task{Class: 2, Index: 0, Client: 0}),
		key(sim.Task{Class: 2, Index: 2, Client: 1}),
		key(sim.Task{Class: 1, Index: 1, Client: -1, Arrival: ms}),
		key(sim.Task{Class: 3, Index: 0, Client: -1, Arrival: ms}),
		key(sim.Task{Class: 3, Index: 1, Client: -1, Arrival: ms}),
		key(sim.Task{Class: 1, Index: 2, Client: -1, Arrival: 2 * ms}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("open arrivals:\n%q\nwant\n%q", got, want)
	}
	if _, ok := src.Peek(); ok {
		t.Errorf("Peek() reports more after the last arrival")
	}
}

func TestSourceRandomOrder(t *testing.T) {
	s := mustParse(t, `
name: poisson
seed: 9
tasks:
  - {name: a, count: 500, arrival: {interarrival: {exp: 3ms}}, steps: [{cpu: {exp: 1ms}}]}
  - {name: b, count: 300, arrival: {start: 100ms, interarrival: {uniform: [0s, 4ms]}}, steps: [{io: 1ms}]}
  - {name: c, count: 200, arrival: {interarrival: {choice: [{value: 0s}, {value: 5ms}]}}, steps: [{io: 1ms}]}
strategies: [{kind: blocking}]
`)
	tasks := drain(s.Source(0))
	if int64(len(tasks)) != s.Tasks() {
		t.Fatalf("drained %d tasks; want %d", len(tasks), s.Tasks())
	}
	next := make([]int64, len(s.Classes))
	for i, task := range tasks {
		if task.Index != next[task.Class] {
			t.Fatalf("task %d: class %d index %d; want %d", i, task.Class, task.Index, next[task.Class])
		}
		next[task.Class]++
		if i > 0 {
			p := tasks[i-1]
			if p.Arrival > task.Arrival || (p.Arrival == task.Arrival && p.Class > task.Class) {
				t.Fatalf("task %d (%s) comes after %s", i, key(task), key(p))
			}
		}
	}
	if tasks[0].Arrival != 0 {
		t.Errorf("first arrival %v; want 0", tasks[0].Arrival)
	}
}

func TestSourceClosedLoop(t *testing.T) {
	s := mustParse(t, `
name: closed
tasks:
  - name: open
    count: 1
    steps: [{cpu: 1ms}]
  - name: c
    clients: {count: 2, requests: 3, think: 10ms}
    arrival: {start: 5ms}
    steps: [{cpu: 2ms}, {io: 3ms}]
strategies: [{kind: blocking}]
`)
	src := s.Source(0)
	var open, c0, c1 sim.Task
	src.Next(&open)
	src.Next(&c0)
	src.Next(&c1)
	if _, ok := src.Peek(); ok {
		t.Fatalf("Peek() after the clients' first requests reports more")
	}
	if src.FollowUp(&open, 7, &sim.Task{}) {
		t.Errorf("FollowUp(open task) = true")
	}
	wantSteps := []sim.Step{{Kind: sim.CPU, Dur: 2 * sim.Millisecond}, {Kind: sim.IO, Dur: 3 * sim.Millisecond}}
	if c0.Client != 0 || c0.Request != 0 || c0.Index != 0 || c0.Arrival != 5*sim.Millisecond || !reflect.DeepEqual(c0.Steps, wantSteps) {
		t.Errorf("client 0 first request = %+v", c0)
	}
	if c1.Client != 1 || c1.Index != 3 || c1.Arrival != 5*sim.Millisecond {
		t.Errorf("client 1 first request = %+v", c1)
	}
	var next sim.Task
	if !src.FollowUp(&c1, 20*sim.Millisecond, &next) {
		t.Fatalf("FollowUp(client 1 request 0) = false")
	}
	if next.Class != 1 || next.Client != 1 || next.Request != 1 || next.Index != 4 || next.Arrival != 30*sim.Millisecond || !reflect.DeepEqual(next.Steps, wantSteps) {
		t.Errorf("FollowUp = %+v", next)
	}
	// next may be done itself.
	if !src.FollowUp(&next, 40*sim.Millisecond, &next) || next.Request != 2 || next.Index != 5 || next.Arrival != 50*sim.Millisecond {
		t.Errorf("FollowUp in place = %+v", next)
	}
	if src.FollowUp(&next, 60*sim.Millisecond, &next) {
		t.Errorf("FollowUp after the last request = true")
	}
	bogus := []sim.Task{{Class: 5, Client: 0}, {Class: -1, Client: 0}, {Class: 1, Client: 7}, {Class: 1, Client: -1}, {Class: 0, Client: 0}}
	for _, b := range bogus {
		if src.FollowUp(&b, 0, &sim.Task{}) {
			t.Errorf("FollowUp(%+v) = true", b)
		}
	}
}

const independence = `
name: indep
seed: 3
tasks:
  - name: a
    count: 50
    arrival: {interarrival: {exp: 2ms}}
    steps: [{cpu: {exp: 1ms}}, {repeat: 2, steps: [{io: {lognormal: {median: 1ms, sigma: 1}}}]}]
  - name: b
    count: 40
    arrival: {interarrival: {exp: 1ms}}
    steps: [{cpu: {uniform: [1ms, 2ms]}}]
  - name: c
    clients: {count: 3, requests: 4, think: {exp: 5ms}}
    steps: [{io: {exp: 1ms}}]
strategies: [{kind: blocking}]
`

// byClass returns the tasks of the class called name, in index order.
func byClass(s *Spec, tasks []sim.Task, name string) []sim.Task {
	ci := slices.IndexFunc(s.Classes, func(c Class) bool { return c.Name == name })
	var out []sim.Task
	for _, t := range tasks {
		if t.Class == ci {
			t.Class = 0
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b sim.Task) int { return int(a.Index - b.Index) })
	return out
}

func TestSourceDeterminism(t *testing.T) {
	s := mustParse(t, independence)
	r0 := drain(s.Source(0))
	if again := drain(s.Source(0)); !reflect.DeepEqual(r0, again) {
		t.Errorf("Source(0) twice gave different tasks")
	}
	if again := drain(mustParse(t, independence).Source(0)); !reflect.DeepEqual(r0, again) {
		t.Errorf("parsing the same workload twice gave different tasks")
	}
	if r1 := drain(s.Source(1)); reflect.DeepEqual(r0, r1) {
		t.Errorf("replications 0 and 1 gave the same tasks")
	}
	s.Seed = 4
	if other := drain(s.Source(0)); reflect.DeepEqual(r0, other) {
		t.Errorf("seeds 3 and 4 gave the same tasks")
	}
}

func TestSourceIndependence(t *testing.T) {
	base := mustParse(t, independence)
	tasks := drain(base.Source(0))
	a, c := byClass(base, tasks, "a"), byClass(base, tasks, "c")
	for _, edit := range []struct{ name, from, to string }{
		{"b's steps", "steps: [{cpu: {uniform: [1ms, 2ms]}}]", "steps: [{cpu: {exp: 7ms}}, {io: {exp: 1ms}}]"},
		{"b's count", "count: 40", "count: 400"},
		{"b's arrivals", "interarrival: {exp: 1ms}", "interarrival: {uniform: [0s, 9ms]}"},
		{"b removed", "  - name: b\n    count: 40\n    arrival: {interarrival: {exp: 1ms}}\n    steps: [{cpu: {uniform: [1ms, 2ms]}}]\n", ""},
		{"a class added", "  - name: c\n", "  - {name: z, count: 9, steps: [{cpu: {exp: 1ms}}]}\n  - name: c\n"},
		{"strategy added", "strategies: [{kind: blocking}]", "strategies: [{kind: blocking}, {kind: threaded}]"},
	} {
		src := replaceOnce(t, independence, edit.from, edit.to)
		s := mustParse(t, src)
		got := drain(s.Source(0))
		if ga := byClass(s, got, "a"); !reflect.DeepEqual(ga, a) {
			t.Errorf("changing %s changed class a's tasks", edit.name)
		}
		if gc := byClass(s, got, "c"); !reflect.DeepEqual(gc, c) {
			t.Errorf("changing %s changed class c's tasks", edit.name)
		}
	}
	// Changing a's steps changes neither its arrival times nor c's tasks.
	s := mustParse(t, replaceOnce(t, independence, "steps: [{cpu: {exp: 1ms}}, {repeat: 2,", "steps: [{cpu: {exp: 9ms}}, {cpu: {exp: 1ms}}, {repeat: 2,"))
	got := drain(s.Source(0))
	ga := byClass(s, got, "a")
	for i := range a {
		if ga[i].Arrival != a[i].Arrival {
			t.Fatalf("changing a's steps moved its task %d from %v to %v", i, a[i].Arrival, ga[i].Arrival)
		}
	}
	if reflect.DeepEqual(ga, a) {
		t.Errorf("changing a's steps did not change its steps")
	}
	if gc := byClass(s, got, "c"); !reflect.DeepEqual(gc, c) {
		t.Errorf("changing a's steps changed class c's tasks")
	}
}

func replaceOnce(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("%q not in workload", from)
	}
	return s[:i] + to + s[i+len(from):]
}

func TestSourceSteps(t *testing.T) {
	s := mustParse(t, `
name: steps
tasks:
  - name: a
    count: 2
    steps:
      - cpu: 0s
      - repeat: 2
        steps: [{io: 1ms}, {cpu: 0s}, {repeat: 2, steps: [{blocking_io: 2ms}]}]
      - cpu: 3ms
strategies: [{kind: blocking}]
`)
	src := s.Source(0)
	task := sim.Task{Steps: make([]sim.Step, 0, 16)}
	backing := &task.Steps[:1][0]
	src.Next(&task)
	io, bio := sim.Step{Kind: sim.IO, Dur: sim.Millisecond}, sim.Step{Kind: sim.BlockingIO, Dur: 2 * sim.Millisecond}
	want := []sim.Step{io, bio, bio, io, bio, bio, {Kind: sim.CPU, Dur: 3 * sim.Millisecond}}
	if !reflect.DeepEqual(task.Steps, want) {
		t.Errorf("steps = %v; want %v", task.Steps, want)
	}
	if &task.Steps[0] != backing {
		t.Errorf("Next did not reuse the Steps slice's capacity")
	}
	task.Steps = append(task.Steps[:0], make([]sim.Step, 12)...) // stale contents
	src.Next(&task)
	if !reflect.DeepEqual(task.Steps, want) || &task.Steps[0] != backing {
		t.Errorf("second task steps = %v (reused %v)", task.Steps, &task.Steps[0] == backing)
	}
}

func TestSourceRepeatResamples(t *testing.T) {
	s := mustParse(t, `
name: resample
tasks: [{name: a, count: 1, steps: [{repeat: 50, steps: [{cpu: {exp: 1ms}}]}]}]
strategies: [{kind: blocking}]
`)
	var task sim.Task
	s.Source(0).Next(&task)
	if len(task.Steps) != 50 {
		t.Fatalf("%d steps; want 50", len(task.Steps))
	}
	distinct := map[sim.Time]bool{}
	for _, st := range task.Steps {
		distinct[st.Dur] = true
	}
	if len(distinct) < 45 {
		t.Errorf("repeat re-sampled only %d distinct durations of 50", len(distinct))
	}
}

func TestSourceHandBuiltSpec(t *testing.T) {
	// A Spec built in code, with nil durations and empty classes, works.
	s := &Spec{Seed: 1, Classes: []Class{
		{Name: "a", Count: 2, Steps: []StepSpec{{Kind: sim.CPU, Dur: Constant(sim.Millisecond)}, {Kind: sim.IO}}},
		{Name: "empty", Count: 0},
		{Name: "c", Clients: &Clients{Count: 1, Requests: 2}, Steps: []StepSpec{{Kind: sim.IO, Dur: Constant(1)}}},
	}}
	if got := drain(s.Source(0)); int64(len(got)) != s.Tasks() || s.Tasks() != 4 {
		t.Errorf("drained %d tasks; Tasks() = %d; want 4", len(got), s.Tasks())
	}
}

func TestSourceNextWithoutArrivalPanics(t *testing.T) {
	s := mustParse(t, "name: w\n"+okRest)
	src := s.Source(0)
	var task sim.Task
	src.Next(&task)
	defer func() {
		if recover() == nil {
			t.Errorf("Next with nothing pending did not panic")
		}
	}()
	src.Next(&task)
}

func BenchmarkSource(b *testing.B) {
	ex, _ := LookupExample("web-service")
	s, err := Parse("web-service", ex.YAML)
	if err != nil {
		b.Fatal(err)
	}
	var task sim.Task
	for b.Loop() {
		src := s.Source(0)
		for {
			if _, ok := src.Peek(); !ok {
				break
			}
			src.Next(&task)
		}
	}
}

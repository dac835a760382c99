package workloads

import (
	"reflect"
	"slices"
	"testing"

	"asyncsim/internal/schema"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// brokenSnippets seed FuzzParse beside the examples and the bad inputs.
var brokenSnippets = []string{
	"",
	"---\n---\n",
	"name: [",
	"{",
	"name: w\ntasks: &t [*t]\n" + okStrategies,
	"name: w\n<<: {tasks: []}\n" + okStrategies,
	"name: w\ntasks:\n  - &c {name: a, count: 1, steps: [{cpu: 1ms}]}\n  - <<: *c\n    name: b\n" + okStrategies,
	"name: w\ntasks: [{name: a, count: 3, arrival: {interarrival: {pareto: {min: 1ns, alpha: 0.01}}}, steps: [{io: {normal: {mean: 0s, stddev: 24h}}}]}]\n" + okStrategies,
	"name: w\ntasks: [{name: a, clients: {count: 3, requests: 4, think: {exp: 24h}}, arrival: {start: 24h}, steps: [{repeat: 3, steps: [{cpu: 24h}]}]}]\n" + okStrategies,
	"name: w\nseed: 0\nreplications: 10000\nwarmup: 24h\nmachine: {cores: 4096}\n" + okTasks +
		"strategies: [{kind: threaded, threads: 0, gil: true, switch_interval: 1ns, switch_cost: 24h}, {kind: event_loop, name: e, loops: 1000000, executor: 1000000, max_concurrency: 1000000000, offload: true, await_blocking: true}]\n",
	// Services (issue 13).
	"name: w\nresources: [{name: db, capacity: 2}, {name: api, capacity: 1, scope: machine}]\n" +
		"tasks: [{name: a, count: 5, arrival: {per_second: 1e9}, timeout: 1ns, retries: 100, backoff: {pareto: {min: 1ns, alpha: 0.5}}, steps: [{hold: db, steps: [{repeat: 2, steps: [{hold: api, steps: [{io: 1ms}]}]}]}]}," +
		" {name: b, arrival: {start: 24h, rate: [{for: 24h, per_second: 0}, {for: 1ns, per_second: 1e9}, {for: 1s, per_second: 0.0001}]}, steps: [{hold: api, steps: [{cpu: 1ms}]}]}]\n" +
		"strategies: [{kind: blocking, backlog: 0, backlog_full: syn_retry}, {kind: threaded, threads: 1, backlog: 1000000000}, {kind: event_loop, max_concurrency: 1, backlog: 3}]\n",
	"name: w\nresources: &r [{name: db, capacity: 1}]\ntasks: [{name: a, count: 1, steps: &s [{hold: db, steps: *s}]}]\n" + okStrategies,
	"name: w\ntasks: [{name: a, clients: {count: 2, requests: 3}, timeout: 10ms, retries: 1, arrival: {per_second: 3}, steps: [{cpu: 1ms}]}]\n" + okStrategies,
	// Fan-out and empirical distributions (issue 14).
	"name: w\nresources: [{name: db, capacity: 2}]\ntasks: [{name: a, count: 3, arrival: {interarrival: {empirical: [1ms, 0s, 3ms]}}, steps: [{gather: [[{io: {exp: 1ms}}], [{hold: db, steps: [{gather: {count: 3, steps: [{cpu: {empirical: [0s, 1us]}}]}}]}]]}]}]\n" + okStrategies,
	"name: w\ntasks: [{name: a, count: 2, steps: [{repeat: 2, steps: [{gather: {count: 2, steps: [{gather: [[{io: 1ms}], [{blocking_io: 0s}]]}]}}]}]}]\n" + okStrategies,
	// Data files beside f.yaml, in this package's directory.
	"name: w\ntasks: [{name: a, count: 3, arrival: {trace: testdata/trace.txt, speed: 1.5, start: 1s}, steps: [{io: {empirical: testdata/samples.txt}}]}]\n" + okStrategies,
}

func FuzzParse(f *testing.F) {
	for _, ex := range Examples() {
		f.Add(ex.YAML)
	}
	for _, tc := range badInputs {
		f.Add([]byte(tc.yaml))
	}
	for _, s := range brokenSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 || len(list) > schema.MaxErrors+1 || s != nil {
				t.Fatalf("Parse error %T %v with spec %v", err, err, s)
			}
			for _, e := range list {
				if e.File != "f.yaml" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
					t.Fatalf("malformed error %#v", e)
				}
			}
			return
		}
		checkSpec(t, s)
		again, err := Parse("f.yaml", data)
		if err != nil || !reflect.DeepEqual(s, again) {
			t.Fatalf("second Parse differs: %v", err)
		}
		checkSource(t, s)
	})
}

// checkSpec asserts the invariants of every Spec that Parse accepts.
func checkSpec(t *testing.T, s *Spec) {
	t.Helper()
	if !workloadName.MatchString(s.Name) || s.Replications < 1 || s.Replications > maxReplications ||
		s.Cores < 1 || s.Cores > maxCores || s.Warmup < 0 || s.Warmup > sim.MaxDuration {
		t.Fatalf("bad top level: %+v", s)
	}
	if len(s.Classes) == 0 || len(s.Strategies) == 0 {
		t.Fatalf("no classes or strategies")
	}
	if n := s.Tasks(); n < 1 || n > maxTasks {
		t.Fatalf("Tasks() = %d", n)
	}
	names := map[string]bool{}
	for _, c := range s.Classes {
		if c.Name == "" || names[c.Name] {
			t.Fatalf("class name %q empty or duplicated", c.Name)
		}
		names[c.Name] = true
		if c.Clients != nil {
			if c.Count != 0 || c.Interarrival != nil || c.Clients.Count < 1 || c.Clients.Count > maxClients || c.Clients.Requests < 1 {
				t.Fatalf("bad closed class %+v %+v", c, *c.Clients)
			}
		} else if c.Rate != nil {
			if c.Count < 0 || c.Count > maxTasks || c.Interarrival != nil {
				t.Fatalf("bad rate class %+v", c)
			}
			var expected float64
			for _, seg := range c.Rate {
				if seg.For <= 0 || seg.For > sim.MaxDuration || !(seg.PerSecond >= 0 && seg.PerSecond <= maxPerSecond) {
					t.Fatalf("bad rate segment %+v", seg)
				}
				expected += seg.expected()
			}
			if expected <= 0 {
				t.Fatalf("rate without arrivals %+v", c.Rate)
			}
		} else if c.Count < 1 || c.Count > maxTasks {
			t.Fatalf("bad open class %+v", c)
		}
		if c.Timeout < 0 || c.Retries < 0 || c.Retries > maxRetries || (c.Backoff != nil && c.Retries == 0) {
			t.Fatalf("bad clients' behaviour: timeout %v, retries %d, backoff %v", c.Timeout, c.Retries, c.Backoff)
		}
		if c.Start < 0 || c.Start > sim.MaxDuration {
			t.Fatalf("bad start %v", c.Start)
		}
		if n := checkSteps(t, c.Steps, len(s.Resources), nil); n < 1 || n > maxTaskSteps {
			t.Fatalf("class %s expands to %d steps", c.Name, n)
		}
	}
	names = map[string]bool{}
	for _, r := range s.Resources {
		if !workloadName.MatchString(r.Name) || names[r.Name] || r.Capacity < 1 || r.Capacity > maxCapacity {
			t.Fatalf("bad resource %+v", r)
		}
		names[r.Name] = true
	}
	names = map[string]bool{}
	for _, c := range s.Strategies {
		if c.Name == "" || names[c.Name] {
			t.Fatalf("strategy name %q empty or duplicated", c.Name)
		}
		names[c.Name] = true
		ok := c.SwitchCost >= 0 && c.SwitchCost <= sim.MaxDuration &&
			(c.BacklogFull == strategies.BacklogReject || c.BacklogFull == strategies.BacklogSYNRetry) &&
			c.Backlog >= 0 && (c.Bounded || c.Backlog == 0 && c.BacklogFull == strategies.BacklogReject)
		switch c.Kind {
		case strategies.KindBlocking:
			ok = ok && c.Workers >= 1 && c.Workers <= strategies.MaxPool &&
				c.Threads == 0 && c.Loops == 0 && c.Executor == 0 && c.SwitchInterval == 0 && !c.GIL && !c.Offload && !c.AwaitBlocking
		case strategies.KindThreaded:
			ok = ok && c.Threads >= 0 && c.Threads <= strategies.MaxPool && c.SwitchInterval >= strategies.MinSwitchInterval &&
				c.Workers == 0 && c.Loops == 0 && c.Executor == 0 && !c.Offload && !c.AwaitBlocking && c.MaxConcurrency == 0
		case strategies.KindEventLoop:
			ok = ok && c.Loops >= 1 && c.Loops <= strategies.MaxPool && c.Executor >= 1 && c.Executor <= strategies.MaxPool && c.MaxConcurrency >= 0 &&
				c.Workers == 0 && c.Threads == 0 && !c.GIL && c.SwitchInterval == 0
		default:
			ok = false
		}
		if !ok {
			t.Fatalf("bad strategy %+v", c)
		}
	}
}

// checkSteps asserts that steps are well-formed, their holds of the
// resources (of which there are nres) not nested in holds of the same
// ones (held), and returns how many steps they expand to.
func checkSteps(t *testing.T, steps []StepSpec, nres int, held []int) int64 {
	t.Helper()
	if len(steps) == 0 {
		t.Fatalf("empty steps")
	}
	var n int64
	for _, st := range steps {
		if st.Repeat > 0 {
			if st.Dur != nil {
				t.Fatalf("repeat with a duration")
			}
			n += int64(st.Repeat) * checkSteps(t, st.Steps, nres, held)
			continue
		}
		if st.Kind == sim.Acquire {
			if st.Dur != nil || st.Resource < 0 || st.Resource >= nres || slices.Contains(held, st.Resource) {
				t.Fatalf("bad hold %+v within holds of %v", st, held)
			}
			n += 2 + checkSteps(t, st.Steps, nres, append(slices.Clone(held), st.Resource))
			continue
		}
		if st.Kind == sim.Gather {
			if st.Dur != nil || st.Steps != nil || len(st.Branches) == 0 || st.Count < 0 || st.Count > 0 && len(st.Branches) != 1 {
				t.Fatalf("bad gather %+v", st)
			}
			n++
			for k := range st.branches() {
				n += 1 + checkSteps(t, st.Branches[min(k, len(st.Branches)-1)], nres, held)
			}
			continue
		}
		if st.Repeat < 0 || st.Dur == nil || st.Steps != nil || st.Branches != nil || st.Kind > sim.BlockingIO {
			t.Fatalf("bad step %+v", st)
		}
		if m := st.Dur.Mean(); m < 0 || m != m {
			t.Fatalf("step %v has mean %v", st.Dur, m)
		}
		n++
	}
	return n
}

// checkSource drains one replication of a small enough Spec, driving the
// closed-loop clients with FollowUp, and checks that it yields exactly
// Tasks() well-formed tasks.
func checkSource(t *testing.T, s *Spec) {
	var work int64
	for _, c := range s.Classes {
		work += c.tasks() * expandedSteps(c.Steps)
	}
	if s.Tasks() > 20_000 || work > 200_000 {
		return
	}
	src := s.Source(0)
	var n int64
	var last sim.Time
	var task sim.Task
	// Arrivals of rate classes, which are random in number, by class.
	rated := make([]int64, len(s.Classes))
	for {
		at, ok := src.Peek()
		if !ok {
			break
		}
		if at < last {
			t.Fatalf("open arrivals out of order: %v after %v", at, last)
		}
		last = at
		src.Next(&task)
		for {
			if task.Arrival < 0 || task.Class < 0 || task.Class >= len(s.Classes) {
				t.Fatalf("bad task %+v", task)
			}
			if c := &s.Classes[task.Class]; c.Rate != nil {
				rated[task.Class]++
				if task.Arrival <= c.Start || c.Count > 0 && rated[task.Class] > int64(c.Count) {
					t.Fatalf("rate arrival %d at %v of class %+v", rated[task.Class], task.Arrival, c)
				}
			} else if n++; n > s.Tasks() {
				t.Fatalf("more than Tasks() = %d tasks", s.Tasks())
			}
			checkEncoding(t, task.Steps, task.Steps)
			if !src.FollowUp(&task, task.Arrival+sim.Millisecond, &task) {
				break
			}
		}
	}
	for _, c := range s.Classes {
		if c.Rate != nil {
			n += c.tasks()
		}
	}
	if n != s.Tasks() {
		t.Fatalf("Source(0) yielded %d tasks not of rate classes; Tasks() counts %d with the rate classes' expected ones", n, s.Tasks())
	}
}

// checkEncoding asserts that seq, a task's steps or a branch's (of all, the
// task's), is well-formed: its holds released within it in reverse order,
// its gathers each followed by the branches they count, of the spans they
// give.
func checkEncoding(t *testing.T, seq, all []sim.Step) {
	t.Helper()
	var held []int32
	for i := 0; i < len(seq); i++ {
		st := seq[i]
		switch {
		case st.Kind == sim.Acquire && st.Dur == 0:
			held = append(held, st.Resource)
		case st.Kind == sim.Release && st.Dur == 0 && len(held) > 0 && held[len(held)-1] == st.Resource:
			held = held[:len(held)-1]
		case st.Kind == sim.Gather && st.Branches() > 0 && st.Span() >= st.Branches() && i+st.Span() < len(seq):
			body := seq[i+1 : i+1+st.Span()]
			branches := 0
			for j := 0; j < len(body); j += 1 + body[j].Span() {
				if b := body[j]; b.Kind != sim.Branch || b.Span() < 0 || j+b.Span() >= len(body) {
					t.Fatalf("bad branch %+v at %d of gather %+v in %v", b, j, st, all)
				}
				checkEncoding(t, body[j+1:j+1+body[j].Span()], all)
				branches++
			}
			if branches != st.Branches() {
				t.Fatalf("gather %+v has %d branches in %v", st, branches, all)
			}
			i += st.Span()
		case st.Kind > sim.BlockingIO || st.Dur <= 0 || st.Dur > sim.MaxDuration:
			t.Fatalf("bad step %+v in %v", st, all)
		}
	}
	if len(held) > 0 {
		t.Fatalf("holds of %v never released in %v", held, all)
	}
}

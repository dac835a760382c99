package timeline_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/timeline"
	"asyncsim/workloads"
)

// recorded is one example run with replication 0 of every strategy
// recorded.
type recorded struct {
	spec *workloads.Spec
	res  *experiment.Result
	recs []*timeline.Recorder
}

// record runs spec with a recorder made by opts for replication 0 of each
// strategy.
func record(t *testing.T, spec *workloads.Spec, opts timeline.Options) recorded {
	t.Helper()
	cfgs, err := experiment.Select(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]*timeline.Recorder, len(cfgs))
	for i := range recs {
		o := opts
		o.Cores = spec.Cores
		for _, c := range spec.Classes {
			o.Classes = append(o.Classes, c.Name)
		}
		recs[i] = timeline.NewRecorder(o)
	}
	res, err := experiment.Run(spec, experiment.Options{
		Tasks: true,
		Recorder: func(s, rep int) sim.Recorder {
			if rep != 0 {
				return nil
			}
			return recs[s]
		},
		OnTask: func(s, rep int) func(sim.TaskRecord) {
			if rep != 0 {
				return nil
			}
			return recs[s].RecordTask
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return recorded{spec, res, recs}
}

func examples(t *testing.T) []*workloads.Spec {
	t.Helper()
	var specs []*workloads.Spec
	for _, ex := range workloads.Examples() {
		spec, err := workloads.Load(ex.Name)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, spec)
	}
	return specs
}

// wholeRun records every interval of every context.
var wholeRun = timeline.Options{MaxContexts: 1 << 20, MaxIntervals: 1 << 30, MaxTasks: 1 << 20}

// TestIntervalsCoverTheRun checks the timeline of every strategy of every
// example: per context, intervals in order, never overlapping, merged,
// covering exactly [creation, end of run]; and their sums equal the
// run's statistics.
func TestIntervalsCoverTheRun(t *testing.T) {
	for _, spec := range examples(t) {
		rec := record(t, spec, wholeRun)
		for i, sr := range rec.res.Strategies {
			name := spec.Name + "/" + sr.Config.Name
			tl := rec.recs[i].Timeline(sr.Contexts)
			if tl.From != 0 || tl.To != tl.End || tl.Cut != timeline.CutEnd {
				t.Errorf("%s: window [%v, %v] cut %q; want the whole run [0, %v], cut end", name, tl.From, tl.To, tl.Cut, tl.End)
			}
			if len(tl.Contexts) != len(sr.Contexts) || tl.AllContexts != len(sr.Contexts) {
				t.Fatalf("%s: %d rows of %d contexts; the run has %d", name, len(tl.Contexts), tl.AllContexts, len(sr.Contexts))
			}
			checkCoverage(t, name, tl)

			// The window of the statistics: first counted arrival to last
			// counted completion.
			first, last := sim.Time(math.MaxInt64), sim.Time(0)
			for _, r := range sr.Tasks[0] {
				if r.Counted {
					first, last = min(first, r.Arrival), max(last, r.Completion)
				}
			}
			sum := make([]sim.Time, len(sim.States()))
			for _, c := range tl.Contexts {
				for _, iv := range c.Intervals {
					if a, b := max(iv.Start, first), min(iv.End, last); b > a {
						sum[iv.State] += b - a
					}
				}
			}
			v := sr.Runs[0].Values
			near(t, name+": blocked time", sum[sim.Blocked].Seconds(), v[sim.LoopBlocked])
			near(t, name+": GIL waiting time", sum[sim.Waiting].Seconds(), v[sim.GILWait])
			cpuWork := v[sim.CPUUtilization] * float64(spec.Cores) * v[sim.Makespan]
			if maxRunning(tl) <= spec.Cores {
				near(t, name+": running time (cores never oversubscribed)", sum[sim.Running].Seconds(), cpuWork)
			}
			if spec.Warmup == 0 {
				// Everything happens inside the statistics' window: the
				// series integrate to the CPU work and to the latencies.
				s := rec.recs[i].Series()
				var busy, flight float64
				for _, b := range s.Bins {
					busy += b.Busy * (b.End - b.Start).Seconds()
					flight += b.InFlight * (b.End - b.Start).Seconds()
				}
				near(t, name+": integral of busy cores", busy, cpuWork)
				near(t, name+": integral of tasks in flight", flight, v[sim.InFlightMean]*v[sim.Makespan])
				// Latencies are of succeeded requests from their first
				// send: the tasks' own spans when every attempt is a
				// request that succeeded, none rejected or given up.
				if v[sim.Succeeded] == float64(sr.Runs[0].Tasks) && v[sim.Rejected] == 0 && v[sim.Timeouts] == 0 {
					near(t, name+": integral of tasks in flight vs latencies", flight, v[sim.LatencyMean]*float64(sr.Runs[0].Tasks))
				}
			}
		}
	}
}

// checkCoverage checks that each context's intervals cover
// [max(created, From), min(To, End)] in order, without overlap, gap, empty
// interval or two adjacent intervals in one state.
func checkCoverage(t *testing.T, name string, tl *timeline.Timeline) {
	t.Helper()
	stop := tl.Shown()
	for _, c := range tl.Contexts {
		from := max(c.Created, tl.From)
		if from >= stop {
			if len(c.Intervals) != 0 {
				t.Errorf("%s: %s, created at %v after the window, has intervals", name, c.Name, c.Created)
			}
			continue
		}
		if len(c.Intervals) == 0 {
			t.Errorf("%s: %s has no intervals", name, c.Name)
			continue
		}
		at := from
		for k, iv := range c.Intervals {
			switch {
			case iv.Start != at:
				t.Errorf("%s: %s interval %d starts at %v; want %v (no gap, no overlap)", name, c.Name, k, iv.Start, at)
			case iv.End <= iv.Start:
				t.Errorf("%s: %s interval %d [%v, %v] is empty", name, c.Name, k, iv.Start, iv.End)
			case k > 0 && c.Intervals[k-1].State == iv.State:
				t.Errorf("%s: %s intervals %d and %d both %v: not merged", name, c.Name, k-1, k, iv.State)
			}
			at = iv.End
		}
		if at != stop {
			t.Errorf("%s: %s intervals end at %v; want %v", name, c.Name, at, stop)
		}
	}
}

// maxRunning returns the most contexts running at once.
func maxRunning(tl *timeline.Timeline) int {
	type edge struct {
		at sim.Time
		d  int
	}
	var edges []edge
	for _, c := range tl.Contexts {
		for _, iv := range c.Intervals {
			if iv.State == sim.Running {
				edges = append(edges, edge{iv.Start, 1}, edge{iv.End, -1})
			}
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		return edges[i].at < edges[j].at || edges[i].at == edges[j].at && edges[i].d < edges[j].d
	})
	n, most := 0, 0
	for _, e := range edges {
		n += e.d
		most = max(most, n)
	}
	return most
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9+1e-9*math.Abs(want) {
		t.Errorf("%s = %.12g; want %.12g (the statistics')", what, got, want)
	}
}

// TestRecorderChangesNothing checks that recording leaves every result
// as it is.
func TestRecorderChangesNothing(t *testing.T) {
	spec, err := workloads.Load("web-service")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := experiment.Run(spec, experiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, spec, timeline.Options{Auto: true})
	for i := range plain.Strategies {
		a, b := plain.Strategies[i], rec.res.Strategies[i]
		if !reflect.DeepEqual(a.Runs, b.Runs) || !reflect.DeepEqual(a.Latencies, b.Latencies) {
			t.Errorf("%s: results differ with a recorder", a.Config.Name)
		}
	}
}

// TestWindow checks an explicit window against the whole run's timeline,
// clipped.
func TestWindow(t *testing.T) {
	spec, err := workloads.Load("web-service")
	if err != nil {
		t.Fatal(err)
	}
	from, to := 2*sim.Second, 2*sim.Second+300*sim.Millisecond
	whole := record(t, spec, wholeRun)
	opts := wholeRun
	opts.From, opts.To = from, to
	win := record(t, spec, opts)
	for i, sr := range whole.res.Strategies {
		name := sr.Config.Name
		all := whole.recs[i].Timeline(sr.Contexts)
		tl := win.recs[i].Timeline(sr.Contexts)
		if tl.From != from || tl.To != to || tl.Cut != timeline.CutWindow {
			t.Errorf("%s: window [%v, %v] cut %q; want [%v, %v] cut window", name, tl.From, tl.To, tl.Cut, from, to)
		}
		checkCoverage(t, name, tl)
		for k, c := range all.Contexts {
			var want []timeline.Interval
			for _, iv := range c.Intervals {
				if a, b := max(iv.Start, from), min(iv.End, to); b > a {
					want = append(want, timeline.Interval{Start: a, End: b, State: iv.State})
				}
			}
			if got := tl.Contexts[k].Intervals; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s: windowed intervals differ from the whole run's, clipped:\n got %v\nwant %v", name, c.Name, got, want)
			}
		}
		// Tasks: the first by arrival among those overlapping the window.
		var want []sim.TaskRecord
		for _, r := range sr.Tasks[0] {
			if r.Arrival < to && r.Completion > from {
				want = append(want, r)
			}
		}
		sort.Slice(want, func(a, b int) bool {
			x, y := want[a], want[b]
			return x.Arrival < y.Arrival || x.Arrival == y.Arrival && (x.Class < y.Class || x.Class == y.Class && x.Index < y.Index)
		})
		if tl.AllTasks != int64(len(want)) {
			t.Errorf("%s: %d tasks in the window; want %d", name, tl.AllTasks, len(want))
		}
		for k, task := range tl.Tasks {
			w := want[k]
			if task.Class != w.Class || task.Index != w.Index || task.Arrival != w.Arrival || task.Start != w.Start || task.Completion != w.Completion {
				t.Errorf("%s: task %d = %+v; want %+v", name, k, task, w)
			}
			if wantName := timeline.TaskName(spec.Classes[w.Class].Name, w.Index); task.Name != wantName {
				t.Errorf("%s: task %d named %q; want %q", name, k, task.Name, wantName)
			}
		}
	}
}

// TestAutoWindow checks the default window of a big run: it ends at the
// 40th completion (or earlier, at a context's 150th state change) and
// keeps at most 40 tasks.
func TestAutoWindow(t *testing.T) {
	spec, err := workloads.Load("web-service")
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, spec, timeline.Options{Auto: true})
	for i, sr := range rec.res.Strategies {
		tl := rec.recs[i].Timeline(sr.Contexts)
		completions := make([]sim.Time, 0, len(sr.Tasks[0]))
		for _, r := range sr.Tasks[0] {
			completions = append(completions, r.Completion)
		}
		fortieth := completions[timeline.DefaultAutoTasks-1]
		switch tl.Cut {
		case timeline.CutTasks:
			if tl.To != fortieth {
				t.Errorf("%s: window ends at %v; want the 40th completion, %v", sr.Config.Name, tl.To, fortieth)
			}
		case timeline.CutChanges:
			if tl.To > fortieth {
				t.Errorf("%s: window cut for state changes at %v, after the 40th completion %v", sr.Config.Name, tl.To, fortieth)
			}
		default:
			t.Errorf("%s: cut %q; want tasks or changes", sr.Config.Name, tl.Cut)
		}
		if len(tl.Tasks) > timeline.DefaultMaxTasks || len(tl.Tasks) == 0 {
			t.Errorf("%s: %d tasks kept; want 1 to %d", sr.Config.Name, len(tl.Tasks), timeline.DefaultMaxTasks)
		}
		checkCoverage(t, sr.Config.Name, tl)
	}
}

// TestRecordAttempts checks that the recorder keeps each attempt's
// number and outcome, names retries apart, orders attempts of one
// request by number, and ends a default window at the AutoTasks-th
// attempt served, not counting rejections and abandonments.
func TestRecordAttempts(t *testing.T) {
	ms := sim.Millisecond
	r := timeline.NewRecorder(timeline.Options{Auto: true, AutoTasks: 2, Classes: []string{"get"}})
	r.RecordState(0, 0, sim.Idle)
	for _, rec := range []sim.TaskRecord{
		{Index: 0, Arrival: 1 * ms, Start: 1 * ms, Completion: 1 * ms, Outcome: sim.OutcomeRejected},
		{Index: 1, Arrival: 1 * ms, Start: 3 * ms, Completion: 3 * ms, Outcome: sim.OutcomeAbandoned},
		{Index: 2, Arrival: 1 * ms, Start: 1 * ms, Completion: 5 * ms, Outcome: sim.OutcomeLate},
		{Index: 0, Attempt: 1, Arrival: 2 * ms, Start: 5 * ms, Completion: 7 * ms},
		{Index: 3, Arrival: 8 * ms, Start: 8 * ms, Completion: 9 * ms},
	} {
		r.RecordTask(rec)
	}
	tl := r.Timeline(nil)
	// Served: index 2 (late) at 5 ms and index 0's retry at 7 ms: the
	// second, at 7 ms, ends the window; index 3 arrives after it.
	if tl.Cut != timeline.CutTasks || tl.To != 7*ms {
		t.Errorf("window cut %q at %v; want %q at 7ms", tl.Cut, tl.To, timeline.CutTasks)
	}
	type kept struct {
		name    string
		attempt int
		outcome sim.Outcome
	}
	var got []kept
	for _, task := range tl.Tasks {
		got = append(got, kept{task.Name, task.Attempt, task.Outcome})
	}
	// By arrival, then index, then attempt.
	want := []kept{{"get#0", 0, sim.OutcomeRejected}, {"get#1", 0, sim.OutcomeAbandoned},
		{"get#2", 0, sim.OutcomeLate}, {"get#0 (retry 1)", 1, sim.OutcomeDone}}
	if !slices.Equal(got, want) {
		t.Errorf("tasks %v; want %v", got, want)
	}
}

// TestTaskSpans checks the spans of the tasks of services(), clipped to
// its window (0 to 40 ms).
func TestTaskSpans(t *testing.T) {
	ms := sim.Millisecond
	type sp struct {
		row, state string
		start, end sim.Time
	}
	want := []sp{
		{"request#0", timeline.TaskService, 0, 21 * ms},
		{"request#1", timeline.TaskLate, 0, 36 * ms},
		{"request#2", timeline.TaskRejected, 0, 0},
		{"request#3", timeline.TaskQueued, 1 * ms, 11 * ms},
		{"request#3", timeline.TaskAbandoned, 11 * ms, 11 * ms},
		{"request#1 (retry 1)", timeline.TaskQueued, 15 * ms, 36 * ms},
		{"request#1 (retry 1)", timeline.TaskService, 36 * ms, 40 * ms}, // completes at 45 ms
		{"request#4", timeline.TaskQueued, 39 * ms, 40 * ms},            // rejected at 41 ms
	}
	var got []sp
	for _, s := range services().TaskSpans() {
		got = append(got, sp{s.Task.Name, s.State, s.Start, s.End})
	}
	if !slices.Equal(got, want) {
		t.Errorf("spans\n%v\nwant\n%v", got, want)
	}
}

// TestMaxIntervals checks that the interval bound ends the window.
func TestMaxIntervals(t *testing.T) {
	spec, err := workloads.Load("web-service")
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, spec, timeline.Options{MaxIntervals: 500})
	for i, sr := range rec.res.Strategies {
		tl := rec.recs[i].Timeline(sr.Contexts)
		n := 0
		for _, c := range tl.Contexts {
			n += len(c.Intervals)
		}
		if tl.Cut != timeline.CutSize || n > 500+len(tl.Contexts) {
			t.Errorf("%s: cut %q with %d intervals; want cut size, at most 500 + one per context", sr.Config.Name, tl.Cut, n)
		}
		checkCoverage(t, sr.Config.Name, tl)
	}
}

// TestSeriesBins checks the bins' layout and, on random step functions,
// their means against a direct integration.
func TestSeriesBins(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		end := sim.Time(1 + rng.Int64N(1<<uint(10+trial%30)))
		r := timeline.NewRecorder(timeline.Options{Cores: 3})
		// Contexts switching between running and io at random instants,
		// and tasks with random spans, all inside [0, end].
		const contexts = 5
		for c := range contexts {
			r.RecordState(0, int32(c), sim.Idle)
		}
		type change struct {
			at  sim.Time
			ctx int32
			s   sim.State
		}
		var changes []change
		for range 200 {
			s := sim.InIO
			if rng.IntN(2) == 0 {
				s = sim.Running
			}
			changes = append(changes, change{sim.Time(rng.Int64N(int64(end) + 1)), int32(rng.IntN(contexts)), s})
		}
		sort.Slice(changes, func(i, j int) bool { return changes[i].at < changes[j].at })
		for _, ch := range changes {
			r.RecordState(ch.at, ch.ctx, ch.s)
		}
		var tasks []sim.TaskRecord
		for range 100 {
			a := sim.Time(rng.Int64N(int64(end) + 1))
			c := a + sim.Time(rng.Int64N(int64(end-a)+1))
			tasks = append(tasks, sim.TaskRecord{Arrival: a, Start: a, Completion: c, Counted: true})
		}
		sort.Slice(tasks, func(i, j int) bool { return tasks[i].Completion < tasks[j].Completion })
		for _, tk := range tasks {
			r.RecordTask(tk)
		}
		for c := range contexts {
			r.RecordState(end, int32(c), sim.Idle)
		}
		s := r.Series()
		if len(s.Bins) > timeline.MaxBins || s.Width&(s.Width-1) != 0 {
			t.Fatalf("end %v: %d bins of width %v; want at most %d of a power of two", end, len(s.Bins), s.Width, timeline.MaxBins)
		}
		at := sim.Time(0)
		for _, b := range s.Bins {
			if b.Start != at || b.End <= b.Start || b.End-b.Start > s.Width {
				t.Fatalf("end %v: bin [%v, %v) after %v", end, b.Start, b.End, at)
			}
			at = b.End
		}
		if at != end {
			t.Fatalf("bins end at %v; want %v", at, end)
		}
		// Direct integration over each bin.
		state := make([]sim.State, contexts)
		level := func(t0 sim.Time) (busy, flight float64) {
			for i := range state {
				state[i] = sim.Idle
			}
			for _, ch := range changes {
				if ch.at <= t0 {
					state[ch.ctx] = ch.s
				}
			}
			n := 0
			for _, st := range state {
				if st == sim.Running {
					n++
				}
			}
			for _, tk := range tasks {
				if tk.Arrival <= t0 && t0 < tk.Completion {
					flight++
				}
			}
			return float64(min(n, 3)), flight
		}
		var points []sim.Time
		for _, ch := range changes {
			points = append(points, ch.at)
		}
		for _, tk := range tasks {
			points = append(points, tk.Arrival, tk.Completion)
		}
		for _, b := range s.Bins {
			pts := []sim.Time{b.Start, b.End}
			for _, p := range points {
				if p > b.Start && p < b.End {
					pts = append(pts, p)
				}
			}
			sort.Slice(pts, func(i, j int) bool { return pts[i] < pts[j] })
			var busy, flight float64
			for k := 0; k+1 < len(pts); k++ {
				bu, fl := level(pts[k])
				d := float64(pts[k+1] - pts[k])
				busy += bu * d
				flight += fl * d
			}
			l := float64(b.End - b.Start)
			if math.Abs(busy/l-b.Busy) > 1e-6 || math.Abs(flight/l-b.InFlight) > 1e-6 {
				t.Fatalf("end %v: bin [%v, %v): busy %g, in flight %g; want %g, %g", end, b.Start, b.End, b.Busy, b.InFlight, busy/l, flight/l)
			}
		}
	}
}

// TestTrace checks trace.json against the trace event format: valid
// JSON, the fields each event needs, a name for every process and thread,
// and events of one thread that never overlap.
func TestTrace(t *testing.T) {
	for _, spec := range examples(t) {
		rec := record(t, spec, timeline.Options{Auto: true})
		var procs []timeline.TraceProcess
		for i, sr := range rec.res.Strategies {
			procs = append(procs, timeline.TraceProcess{Name: sr.Config.Name, Timeline: rec.recs[i].Timeline(sr.Contexts)})
		}
		var buf bytes.Buffer
		if err := timeline.WriteTrace(&buf, spec.Name, procs); err != nil {
			t.Fatal(err)
		}
		checkTrace(t, spec.Name, buf.Bytes(), procs)
	}
}

// TestTraceAttempts records the web-service example with clients that
// time out after 20 ms and retry once and a backlog of 2 under every
// strategy, and checks its trace as TestTrace does, and that it keeps
// every attempt of the whole run with the outcome the engine gave it:
// the rejected ones as instants, the late ones as late spans.
func TestTraceAttempts(t *testing.T) {
	spec, err := workloads.Load("web-service")
	if err != nil {
		t.Fatal(err)
	}
	for i := range spec.Classes {
		spec.Classes[i].Timeout, spec.Classes[i].Retries = 20*sim.Millisecond, 1
	}
	for i := range spec.Strategies {
		spec.Strategies[i].Bounded, spec.Strategies[i].Backlog = true, 2
	}
	rec := record(t, spec, wholeRun)
	var procs []timeline.TraceProcess
	for i, sr := range rec.res.Strategies {
		tl := rec.recs[i].Timeline(sr.Contexts)
		procs = append(procs, timeline.TraceProcess{Name: sr.Config.Name, Timeline: tl})
		want := map[sim.Outcome]int{}
		for _, r := range sr.Tasks[0] {
			want[r.Outcome]++
		}
		got := map[sim.Outcome]int{}
		for _, task := range tl.Tasks {
			got[task.Outcome]++
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: outcomes %v; want the engine's %v", sr.Config.Name, got, want)
		}
		spans := map[string]int{}
		for _, sp := range tl.TaskSpans() {
			spans[sp.State]++
		}
		if spans[timeline.TaskRejected] != want[sim.OutcomeRejected] || spans[timeline.TaskLate] != want[sim.OutcomeLate] {
			t.Errorf("%s: %d rejected instants and %d late spans; want %d and %d", sr.Config.Name,
				spans[timeline.TaskRejected], spans[timeline.TaskLate], want[sim.OutcomeRejected], want[sim.OutcomeLate])
		}
	}
	var buf bytes.Buffer
	if err := timeline.WriteTrace(&buf, spec.Name, procs); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, spec.Name, buf.Bytes(), procs)
	for _, ev := range []string{`"name": "rejected", "cat": "task", "ph": "i"`, `"name": "late", "cat": "task", "ph": "X"`} {
		if !bytes.Contains(buf.Bytes(), []byte(ev)) {
			t.Errorf("no %s event in the trace: the test does not test it", ev)
		}
	}
}

func checkTrace(t *testing.T, name string, data []byte, procs []timeline.TraceProcess) {
	t.Helper()
	var doc struct {
		TraceEvents []struct {
			Name *string         `json:"name"`
			Ph   *string         `json:"ph"`
			Ts   *float64        `json:"ts"`
			Dur  *float64        `json:"dur"`
			Pid  *int            `json:"pid"`
			Tid  *int            `json:"tid"`
			Cat  *string         `json:"cat"`
			S    *string         `json:"s"`
			Args json.RawMessage `json:"args"`
		} `json:"traceEvents"`
		DisplayTimeUnit string `json:"displayTimeUnit"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: trace is not valid JSON: %v", name, err)
	}
	type key struct{ pid, tid int }
	processNames := map[int]string{}
	threadNames := map[key]string{}
	spans := map[key][][2]float64{}
	for i, e := range doc.TraceEvents {
		if e.Name == nil || e.Ph == nil || e.Pid == nil || e.Tid == nil {
			t.Fatalf("%s: event %d lacks name, ph, pid or tid", name, i)
		}
		k := key{*e.Pid, *e.Tid}
		switch *e.Ph {
		case "M":
			var args struct {
				Name      *string `json:"name"`
				SortIndex *int    `json:"sort_index"`
			}
			if err := json.Unmarshal(e.Args, &args); err != nil {
				t.Fatalf("%s: event %d: args: %v", name, i, err)
			}
			switch *e.Name {
			case "process_name":
				processNames[k.pid] = *args.Name
			case "thread_name":
				threadNames[k] = *args.Name
			case "process_sort_index", "thread_sort_index":
				if args.SortIndex == nil {
					t.Errorf("%s: event %d: %s without sort_index", name, i, *e.Name)
				}
			default:
				t.Errorf("%s: event %d: unknown metadata %q", name, i, *e.Name)
			}
		case "X":
			if e.Ts == nil || e.Dur == nil || *e.Dur <= 0 || *e.Ts < 0 {
				t.Fatalf("%s: complete event %d lacks ts or a positive dur", name, i)
			}
			spans[k] = append(spans[k], [2]float64{*e.Ts, *e.Ts + *e.Dur})
		case "i":
			if e.Ts == nil || *e.Ts < 0 || e.S == nil || *e.S != "t" {
				t.Fatalf("%s: instant event %d lacks ts or the thread scope", name, i)
			}
			spans[k] = append(spans[k], [2]float64{*e.Ts, *e.Ts})
		default:
			t.Errorf("%s: event %d has phase %q; want M, X or i", name, i, *e.Ph)
		}
		if e.Cat != nil && *e.Cat == "task" {
			var args struct {
				Attempt *int    `json:"attempt"`
				Outcome *string `json:"outcome"`
			}
			if err := json.Unmarshal(e.Args, &args); err != nil || args.Attempt == nil || args.Outcome == nil {
				t.Errorf("%s: task event %d: args %s; want attempt and outcome", name, i, e.Args)
			}
		}
	}
	for i, p := range procs {
		if processNames[i+1] != p.Name {
			t.Errorf("%s: process %d named %q; want %q", name, i+1, processNames[i+1], p.Name)
		}
	}
	for k, ss := range spans {
		if _, ok := threadNames[k]; !ok {
			t.Errorf("%s: pid %d tid %d has events but no thread_name", name, k.pid, k.tid)
		}
		if _, ok := processNames[k.pid]; !ok {
			t.Errorf("%s: pid %d has events but no process_name", name, k.pid)
		}
		// Events of a thread may nest (a branch in its task's service
		// span), never overlap otherwise.
		slices.SortStableFunc(ss, func(a, b [2]float64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(b[1], a[1])) })
		var open [][2]float64
		for _, s := range ss {
			for len(open) > 0 && open[len(open)-1][1] <= s[0]+1e-9 {
				open = open[:len(open)-1]
			}
			if n := len(open); n > 0 && s[1] > open[n-1][1]+1e-9 {
				t.Errorf("%s: %s: events [%g, %g] and [%g, %g] overlap", name, threadNames[k], open[n-1][0], open[n-1][1], s[0], s[1])
			}
			open = append(open, s)
		}
	}
}

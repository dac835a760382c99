package fuzzcheck

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// Case is a set of runs to check: the same tasks under each strategy.
type Case struct {
	// Cores is the machine's core count.
	Cores int
	// Warmup leaves the tasks arriving before it out of the statistics.
	Warmup sim.Time
	// Strategies are the strategies to run, with every parameter
	// resolved as the workload loader resolves them.
	Strategies []strategies.Config
	// NewSource returns a fresh stream of the tasks; each call must
	// return the same tasks.
	NewSource func() sim.Source
	// MaxEvents bounds each run; a run that needs more fails the check
	// (a small case that does is caught in a loop). 0 means 1,000,000.
	MaxEvents int64
}

// key identifies a task across strategies.
type key struct {
	class int
	index int64
}

func (k key) String() string { return fmt.Sprintf("task %d/%d", k.class, k.index) }

// task is what a source generated for one task.
type task struct {
	arrival sim.Time
	client  int
	steps   []sim.Step
}

// recordingSource remembers every task its source generates.
type recordingSource struct {
	sim.Source
	tasks map[key]*task
	dup   error
}

func (r *recordingSource) record(t *sim.Task) {
	k := key{t.Class, t.Index}
	if _, ok := r.tasks[k]; ok && r.dup == nil {
		r.dup = fmt.Errorf("the source generated %v twice", k)
	}
	r.tasks[k] = &task{arrival: t.Arrival, client: t.Client, steps: slices.Clone(t.Steps)}
}

func (r *recordingSource) Next(t *sim.Task) (sim.Time, bool) {
	at, ok := r.Source.Next(t)
	r.record(t)
	return at, ok
}

func (r *recordingSource) FollowUp(done *sim.Task, completed sim.Time, next *sim.Task) bool {
	if !r.Source.FollowUp(done, completed, next) {
		return false
	}
	if next.Arrival < completed {
		r.dup = fmt.Errorf("a follow-up of %v arrives at %v, before its predecessor completed at %v", key{done.Class, done.Index}, next.Arrival, completed)
	}
	r.record(next)
	return true
}

// orderedStrategy records the order in which tasks arrive.
type orderedStrategy struct {
	sim.Strategy
	e     *sim.Engine
	order []key
}

func (o *orderedStrategy) Init(e *sim.Engine) {
	o.e = e
	o.Strategy.Init(e)
}

func (o *orderedStrategy) Arrive(t sim.TaskRef) {
	task := o.e.Task(t)
	o.order = append(o.order, key{task.Class, task.Index})
	o.Strategy.Arrive(t)
}

// change is one recorded change of a context's state.
type change struct {
	at    sim.Time
	ctx   int32
	state sim.State
}

type recorder struct{ changes []change }

func (r *recorder) RecordState(at sim.Time, ctx int32, s sim.State) {
	r.changes = append(r.changes, change{at, ctx, s})
}

// run is everything one run produced.
type run struct {
	res     *sim.Result
	records []sim.TaskRecord
	changes []change
	tasks   map[key]*task
	order   []key
}

// Check runs every strategy of c in order, then again in reverse order,
// and returns an error describing the first broken invariant.
func Check(c Case) error {
	if c.MaxEvents == 0 {
		c.MaxEvents = 1_000_000
	}
	forward := make([]*run, len(c.Strategies))
	for i, cfg := range c.Strategies {
		r, err := c.run(cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", cfg.Name, err)
		}
		if err := c.check(cfg, r); err != nil {
			return fmt.Errorf("%s (%+v): %w", cfg.Name, cfg, err)
		}
		forward[i] = r
	}
	if err := sameTasks(c.Strategies, forward); err != nil {
		return err
	}
	for i := len(c.Strategies) - 1; i >= 0; i-- {
		cfg := c.Strategies[i]
		r, err := c.run(cfg)
		if err != nil {
			return fmt.Errorf("%s, run again: %w", cfg.Name, err)
		}
		f := forward[i]
		if !reflect.DeepEqual(r.res, f.res) || !reflect.DeepEqual(r.records, f.records) || !reflect.DeepEqual(r.changes, f.changes) {
			return fmt.Errorf("%s: the result differs when the strategies run in reverse order", cfg.Name)
		}
	}
	return nil
}

func (c *Case) run(cfg strategies.Config) (*run, error) {
	strat, err := strategies.New(cfg)
	if err != nil {
		return nil, err
	}
	src := &recordingSource{Source: c.NewSource(), tasks: map[key]*task{}}
	ordered := &orderedStrategy{Strategy: strat}
	rec := &recorder{}
	r := &run{tasks: src.tasks}
	r.res, err = sim.Run(src, ordered, sim.Config{
		Cores: c.Cores, Warmup: c.Warmup, MaxEvents: c.MaxEvents, Recorder: rec,
		OnTask: func(t sim.TaskRecord) { r.records = append(r.records, t) },
	})
	if err != nil {
		return nil, err
	}
	if src.dup != nil {
		return nil, src.dup
	}
	r.changes, r.order = rec.changes, ordered.order
	return r, nil
}

// sameTasks checks common random numbers: every strategy saw tasks with
// the same steps, and open arrivals at the same instants.
func sameTasks(cfgs []strategies.Config, runs []*run) error {
	for i := 1; i < len(runs); i++ {
		a, b := runs[0].tasks, runs[i].tasks
		if len(a) != len(b) {
			return fmt.Errorf("%s generated %d tasks, %s %d", cfgs[0].Name, len(a), cfgs[i].Name, len(b))
		}
		for k, ta := range a {
			tb, ok := b[k]
			switch {
			case !ok:
				return fmt.Errorf("%s never saw %v", cfgs[i].Name, k)
			case !slices.Equal(ta.steps, tb.steps):
				return fmt.Errorf("%v has steps %v under %s, %v under %s", k, ta.steps, cfgs[0].Name, tb.steps, cfgs[i].Name)
			case ta.client < 0 && ta.arrival != tb.arrival:
				return fmt.Errorf("%v arrives at %v under %s, %v under %s", k, ta.arrival, cfgs[0].Name, tb.arrival, cfgs[i].Name)
			}
		}
	}
	return nil
}

// check checks the invariants of one run.
func (c *Case) check(cfg strategies.Config, r *run) error {
	if err := checkTasks(cfg, c, r); err != nil {
		return err
	}
	if err := checkStatistics(c, r); err != nil {
		return err
	}
	if err := checkStates(cfg, c, r); err != nil {
		return err
	}
	if err := checkOrder(cfg, r); err != nil {
		return err
	}
	if err := checkConcurrency(cfg, r); err != nil {
		return err
	}
	if c.Warmup == 0 {
		if err := checkCounts(cfg, r); err != nil {
			return err
		}
	}
	return checkNoIdleGaps(cfg, r)
}

// checkConcurrency checks that a pool never runs more tasks at once than
// it has workers or threads, and that an event loop with max_concurrency
// never has more coroutines in progress.
func checkConcurrency(cfg strategies.Config, r *run) error {
	limit, lanes := 0, 1
	switch cfg.Kind {
	case strategies.KindBlocking:
		limit = cfg.Workers
	case strategies.KindThreaded:
		limit = cfg.Threads
	case strategies.KindEventLoop:
		limit, lanes = cfg.MaxConcurrency, cfg.Loops
	}
	if limit == 0 {
		return nil
	}
	type edge struct {
		at    sim.Time
		delta int
	}
	edges := make([][]edge, lanes)
	lane := map[key]int{}
	for i, k := range r.order {
		lane[k] = i % lanes
	}
	for _, rec := range r.records {
		l := lane[key{rec.Class, rec.Index}]
		edges[l] = append(edges[l], edge{rec.Start, 1}, edge{rec.Completion, -1})
	}
	for l, es := range edges {
		// At one instant, completions come before starts: a context
		// that finishes takes the next task at once.
		slices.SortFunc(es, func(a, b edge) int {
			if a.at != b.at {
				return int(a.at - b.at)
			}
			return a.delta - b.delta
		})
		n := 0
		for _, e := range es {
			if n += e.delta; n > limit {
				return fmt.Errorf("%d tasks in progress at %v (lane %d); at most %d", n, e.at, l, limit)
			}
		}
	}
	return nil
}

// checkCounts checks, on a run that counts every task, the context
// switches and the time loops spent blocked against the tasks' steps:
// a pool switches once per task and once per call returning, plus, under
// a GIL, once per acquisition after a wait; an event loop resumes each
// coroutine once at its start and once after each call it awaits or
// offloads; and a loop thread that runs blocking calls itself is blocked
// for exactly their durations.
func checkCounts(cfg strategies.Config, r *run) error {
	var want, blocking sim.Time
	for _, t := range r.tasks {
		want++
		for _, s := range t.steps {
			switch {
			case s.Kind == sim.IO:
				want++
			case s.Kind == sim.BlockingIO:
				blocking += s.Dur
				if cfg.Kind != strategies.KindEventLoop || cfg.Offload || cfg.AwaitBlocking {
					want++
				}
			}
		}
	}
	v := &r.res.Values
	switches := sim.Time(v[sim.ContextSwitches])
	if switches != want && !(cfg.GIL && switches > want) {
		return fmt.Errorf("context_switches = %d; the tasks' steps make %d", switches, want)
	}
	if cfg.Kind != strategies.KindEventLoop || cfg.Offload || cfg.AwaitBlocking {
		blocking = 0
	}
	if !near(v[sim.LoopBlocked], blocking.Seconds()) {
		return fmt.Errorf("loop_blocked_s = %v; the loop runs %v of blocking calls itself", v[sim.LoopBlocked], blocking)
	}
	if !cfg.GIL && v[sim.GILWait] != 0 {
		return fmt.Errorf("gil_wait_s = %v without a GIL", v[sim.GILWait])
	}
	return nil
}

// interval is a span [from, to) of virtual time.
type interval struct{ from, to sim.Time }

// checkNoIdleGaps checks that no task waits to be taken while a context
// that could take it is idle: any worker or thread of a pool, or its own
// loop's thread (tasks are dealt to loops round-robin in arrival order)
// when the loop caps no concurrency.
func checkNoIdleGaps(cfg strategies.Config, r *run) error {
	if cfg.Kind == strategies.KindEventLoop && cfg.MaxConcurrency > 0 {
		return nil
	}
	infos := r.res.Contexts
	idle := make([][]interval, len(infos))
	since := make([]sim.Time, len(infos))
	state := make([]sim.State, len(infos))
	seen := make([]bool, len(infos))
	end := r.changes[len(r.changes)-1].at
	for _, x := range r.changes { // the final records close the open spans
		switch {
		case !seen[x.ctx]: // created, idle
			seen[x.ctx], since[x.ctx] = true, x.at
		case state[x.ctx] == sim.Idle && (x.state != sim.Idle || x.at == end):
			if x.at > since[x.ctx] {
				idle[x.ctx] = append(idle[x.ctx], interval{since[x.ctx], x.at})
			}
			since[x.ctx] = x.at
		case x.state == sim.Idle:
			since[x.ctx] = x.at
		}
		state[x.ctx] = x.state
	}
	start := map[key]sim.Time{}
	for _, rec := range r.records {
		start[key{rec.Class, rec.Index}] = rec.Start
	}
	for i, k := range r.order {
		wait := interval{r.tasks[k].arrival, start[k]}
		if wait.to <= wait.from {
			continue
		}
		for ctx, spans := range idle {
			info := infos[ctx]
			if cfg.Kind == strategies.KindEventLoop && (info.Role != "loop" || info.Index != i%cfg.Loops) {
				continue
			}
			for _, sp := range spans {
				if lo, hi := max(sp.from, wait.from), min(sp.to, wait.to); hi > lo {
					return fmt.Errorf("%v waits from %v to %v to be taken, but %s is idle from %v to %v", k, wait.from, wait.to, info.Name(), lo, hi)
				}
			}
		}
	}
	return nil
}

// sumSteps returns the total duration of the cpu, io and blocking_io
// steps of steps (branches of gathers included), and how many are io or
// blocking_io calls.
func sumSteps(steps []sim.Step) (total sim.Time, calls int) {
	for _, s := range steps {
		switch s.Kind {
		case sim.CPU:
			total += s.Dur
		case sim.IO, sim.BlockingIO:
			total += s.Dur
			calls++
		}
	}
	return total, calls
}

// exclusiveCPU reports whether each running task has a core to itself:
// workers or a fixed pool of threads without a GIL, no more than the cores.
func exclusiveCPU(cfg strategies.Config, cores int) bool {
	switch cfg.Kind {
	case strategies.KindBlocking:
		return cfg.Workers <= cores
	case strategies.KindThreaded:
		return !cfg.GIL && cfg.Threads >= 1 && cfg.Threads <= cores
	}
	return false
}

// checkTasks checks every task's record against what was generated.
func checkTasks(cfg strategies.Config, c *Case, r *run) error {
	seen := map[key]bool{}
	for _, rec := range r.records {
		k := key{rec.Class, rec.Index}
		t, ok := r.tasks[k]
		switch {
		case !ok:
			return fmt.Errorf("%v completed but was never generated", k)
		case seen[k]:
			return fmt.Errorf("%v completed twice", k)
		case rec.Arrival != t.arrival:
			return fmt.Errorf("%v arrived at %v but was generated for %v", k, rec.Arrival, t.arrival)
		case rec.Start < rec.Arrival || rec.Completion < rec.Start:
			return fmt.Errorf("%v arrived at %v, started at %v, completed at %v", k, rec.Arrival, rec.Start, rec.Completion)
		case rec.Counted != (rec.Arrival >= c.Warmup):
			return fmt.Errorf("%v arrived at %v: counted = %v with warm-up %v", k, rec.Arrival, rec.Counted, c.Warmup)
		}
		seen[k] = true
		work, calls := sumSteps(t.steps)
		if got := rec.Completion - rec.Start; got < work {
			return fmt.Errorf("%v ran for %v from its start, less than its steps %v (%v)", k, got, work, t.steps)
		}
		// With a core to itself a task runs exactly its steps, plus a
		// switch when taken and after every call.
		if want := work + sim.Time(1+calls)*cfg.SwitchCost; exclusiveCPU(cfg, c.Cores) && rec.Completion-rec.Start != want {
			return fmt.Errorf("%v ran for %v from its start with a core to itself; want %v (steps %v)", k, rec.Completion-rec.Start, want, t.steps)
		}
	}
	if len(seen) != len(r.tasks) {
		for k := range r.tasks {
			if !seen[k] {
				return fmt.Errorf("%v was generated but never completed (%d of %d completed)", k, len(seen), len(r.tasks))
			}
		}
	}
	return nil
}

// near reports whether a and b agree to a relative 1e-9 (or absolutely,
// near zero).
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1e-9, math.Max(math.Abs(a), math.Abs(b)))
}

// checkStatistics checks the summary against the tasks' records.
func checkStatistics(c *Case, r *run) error {
	res := r.res
	v := &res.Values
	var counted []sim.TaskRecord
	for _, rec := range r.records {
		if rec.Counted {
			counted = append(counted, rec)
		}
	}
	if res.Tasks != int64(len(counted)) || len(res.Latencies) != len(counted) {
		return fmt.Errorf("tasks = %d, %d latencies; %d tasks counted", res.Tasks, len(res.Latencies), len(counted))
	}
	if len(counted) == 0 {
		if *v != ([sim.NumMetrics]float64{}) {
			return fmt.Errorf("no task counted, but statistics %v", *v)
		}
		return nil
	}
	first, last := counted[0].Arrival, counted[0].Completion
	var lats []sim.Time
	var sumLat, sumWait sim.Time
	for _, rec := range counted {
		first, last = min(first, rec.Arrival), max(last, rec.Completion)
		lat := rec.Completion - rec.Arrival
		lats = append(lats, lat)
		sumLat += lat
		sumWait += rec.Start - rec.Arrival
	}
	window := last - first
	if res.FirstArrival != first || res.LastCompletion != last {
		return fmt.Errorf("window [%v, %v]; the counted tasks span [%v, %v]", res.FirstArrival, res.LastCompletion, first, last)
	}
	slices.Sort(lats)
	if !slices.Equal(slices.Sorted(slices.Values(res.Latencies)), lats) {
		return fmt.Errorf("latencies %v; the records give %v", res.Latencies, lats)
	}
	if v[sim.Makespan] != window.Seconds() || window < lats[len(lats)-1] {
		return fmt.Errorf("makespan_s = %v, window %v, longest task %v", v[sim.Makespan], window, lats[len(lats)-1])
	}
	n := float64(len(lats))
	checks := []struct {
		m    sim.Metric
		want float64
	}{
		{sim.LatencyMean, float64(sumLat) / n / float64(sim.Second)},
		{sim.WaitMean, float64(sumWait) / n / float64(sim.Second)},
		{sim.LatencyP50, nearestRank(lats, 0.50)},
		{sim.LatencyP90, nearestRank(lats, 0.90)},
		{sim.LatencyP95, nearestRank(lats, 0.95)},
		{sim.LatencyP99, nearestRank(lats, 0.99)},
		{sim.LatencyMax, lats[len(lats)-1].Seconds()},
	}
	for _, ch := range checks {
		if !near(v[ch.m], ch.want) {
			return fmt.Errorf("%v = %v; the records give %v", ch.m, v[ch.m], ch.want)
		}
	}
	if u := v[sim.CPUUtilization]; !(u >= 0 && u <= 1+1e-12) {
		return fmt.Errorf("cpu_utilization = %v, outside [0, 1]", u)
	}
	if window == 0 {
		if v[sim.Throughput] != 0 || v[sim.CPUUtilization] != 0 || v[sim.InFlightMean] != 0 {
			return fmt.Errorf("a window of 0 with throughput %v, cpu_utilization %v, in_flight_mean %v",
				v[sim.Throughput], v[sim.CPUUtilization], v[sim.InFlightMean])
		}
		return nil
	}
	if want := n / window.Seconds(); !near(v[sim.Throughput], want) {
		return fmt.Errorf("throughput_per_s = %v; want %v", v[sim.Throughput], want)
	}
	if want := res.CPUWork.Seconds() / (float64(c.Cores) * window.Seconds()); !near(v[sim.CPUUtilization], want) {
		return fmt.Errorf("cpu_utilization = %v; CPU work %v over %v on %d cores gives %v", v[sim.CPUUtilization], res.CPUWork, window, c.Cores, want)
	}
	// Little's law is an identity over a window that holds every counted
	// task's whole stay: the integral of the tasks in flight is the sum of
	// their latencies.
	if l := v[sim.InFlightMean] * float64(window); !near(l, float64(sumLat)) {
		return fmt.Errorf("in_flight_mean × window = %v; the latencies sum to %v", l, float64(sumLat))
	}
	if lw := v[sim.Throughput] * v[sim.LatencyMean]; !near(v[sim.InFlightMean], lw) {
		return fmt.Errorf("in_flight_mean = %v; throughput × latency_mean = %v", v[sim.InFlightMean], lw)
	}
	return nil
}

// nearestRank is the p-quantile of sorted values under gonum's
// stat.Empirical rule, in seconds: the smallest value with at least a
// share p of the values at or below it.
func nearestRank(sorted []sim.Time, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)].Seconds()
}

// checkStates checks the recorded states of the contexts: in time order,
// never overlapping, each context idle at its creation and at the end,
// states that the strategy can produce, at most one thread running under
// a GIL, and time integrals that agree with the statistics.
func checkStates(cfg strategies.Config, c *Case, r *run) error {
	res := r.res
	ch := r.changes
	nctx := len(res.Contexts)
	if len(ch) < nctx {
		return fmt.Errorf("%d state changes for %d contexts", len(ch), nctx)
	}
	// The run ends with every context's state, in id order, at one instant.
	end := ch[len(ch)-1].at
	final := ch[len(ch)-nctx:]
	for i, f := range final {
		if f.ctx != int32(i) || f.at != end || f.state != sim.Idle {
			return fmt.Errorf("final record %d is %+v; want context %d idle at %v", i, f, i, end)
		}
	}
	for _, rec := range r.records {
		if rec.Completion > end {
			return fmt.Errorf("the states end at %v, before a task completed at %v", end, rec.Completion)
		}
	}
	if err := checkContexts(cfg, res.Contexts, ch, r.records); err != nil {
		return err
	}
	state := make([]sim.State, 0, nctx)
	lastAt := make([]sim.Time, 0, nctx)
	var count [8]int
	var busy sim.Time
	var waiting, blocked float64
	maxRunning := 0
	from, to := res.FirstArrival, res.LastCompletion
	body := ch[:len(ch)-nctx]
	for i, x := range body {
		switch {
		case i > 0 && x.at < body[i-1].at:
			return fmt.Errorf("state changes out of time order: %+v after %+v", x, body[i-1])
		case x.state > sim.Blocked:
			return fmt.Errorf("unknown state in %+v", x)
		case int(x.ctx) > len(state):
			return fmt.Errorf("context %d appears before context %d", x.ctx, len(state))
		case int(x.ctx) == len(state):
			if x.state != sim.Idle {
				return fmt.Errorf("context %d is created %v, not idle", x.ctx, x.state)
			}
			state = append(state, sim.Idle)
			lastAt = append(lastAt, x.at)
			count[sim.Idle]++
		case state[x.ctx] == x.state:
			return fmt.Errorf("context %d changes to %v, its state already", x.ctx, x.state)
		case x.at < lastAt[x.ctx]:
			return fmt.Errorf("context %d changes at %v, before its last change at %v", x.ctx, x.at, lastAt[x.ctx])
		default:
			count[state[x.ctx]]--
			state[x.ctx] = x.state
			lastAt[x.ctx] = x.at
			count[x.state]++
		}
		// The counts hold from now until the next change at a later time.
		next := end
		if i+1 < len(body) {
			next = body[i+1].at
		}
		if next == x.at {
			continue
		}
		running := count[sim.Running]
		maxRunning = max(maxRunning, running)
		if cfg.GIL && running > 1 {
			return fmt.Errorf("%d threads run CPU at once under the GIL, from %v to %v", running, x.at, next)
		}
		if cfg.GIL && running == 0 && count[sim.Waiting] > 0 {
			return fmt.Errorf("%d threads wait for the GIL while none holds it, from %v to %v", count[sim.Waiting], x.at, next)
		}
		lo, hi := max(x.at, from), min(next, to)
		if hi > lo {
			dt := hi - lo
			busy += dt * sim.Time(min(running, c.Cores))
			waiting += float64(dt) * float64(count[sim.Waiting])
			blocked += float64(dt) * float64(count[sim.Blocked])
		}
	}
	if len(state) != nctx {
		return fmt.Errorf("%d contexts recorded; the result names %d", len(state), nctx)
	}
	if res.Tasks == 0 {
		return nil
	}
	if busy != res.CPUWork {
		return fmt.Errorf("CPU work %v; the running states integrate to %v", res.CPUWork, busy)
	}
	v := &res.Values
	if !near(v[sim.GILWait], waiting/float64(sim.Second)) || !near(v[sim.LoopBlocked], blocked/float64(sim.Second)) {
		return fmt.Errorf("gil_wait_s %v, loop_blocked_s %v; the states integrate to %v, %v",
			v[sim.GILWait], v[sim.LoopBlocked], waiting/float64(sim.Second), blocked/float64(sim.Second))
	}
	if c.Warmup == 0 {
		return checkCPUWork(cfg, c, r, maxRunning)
	}
	return nil
}

// checkCPUWork checks that the CPU work done is the sampled cpu steps plus
// a switch cost per context switch. It is exact when no core was ever
// shared. Under processor sharing each completion is rounded up to the
// next nanosecond (docs/model.md), during which the finishing context's core
// time is spent but no work is left to do: the work done may exceed the
// steps by less than a nanosecond per burst of CPU, and a burst begins
// with a cpu step, a switch cost, or a thread's taking up its CPU again.
func checkCPUWork(cfg strategies.Config, c *Case, r *run, maxRunning int) error {
	var want, bursts sim.Time
	for _, t := range r.tasks {
		for _, s := range t.steps {
			if s.Kind == sim.CPU {
				want += s.Dur
				bursts++
			}
		}
	}
	switches := sim.Time(r.res.Values[sim.ContextSwitches])
	want += switches * cfg.SwitchCost
	// An iterating loop model adds resume_cost per resume and poll_cost
	// per iteration; an iteration resumes at least one coroutine, so
	// there are between 1 and switches polls (none without tasks).
	var polls, pollsMax sim.Time
	if cfg.Kind == strategies.KindEventLoop && cfg.LoopModel != strategies.LoopFIFO && switches > 0 {
		want += switches * cfg.ResumeCost
		polls, pollsMax = 1, switches
	}
	lo, hi := want+polls*cfg.PollCost, want+pollsMax*cfg.PollCost
	got := r.res.CPUWork
	if maxRunning <= c.Cores {
		if got < lo || got > hi {
			return fmt.Errorf("CPU work %v; the cpu steps, %d switches and %d to %d polls cost %v to %v", got, switches, polls, pollsMax, lo, hi)
		}
		return nil
	}
	for _, x := range r.changes {
		if x.state == sim.Running {
			bursts++
		}
	}
	bursts += switches + pollsMax
	if got < lo || got > hi+bursts {
		return fmt.Errorf("CPU work %v; the cpu steps, %d switches and %d to %d polls cost %v to %v (and %d bursts might round up by %v)", got, switches, polls, pollsMax, lo, hi, bursts, bursts)
	}
	return nil
}

// checkContexts checks the contexts a strategy created against its
// configuration, and the states each kind of context may take.
func checkContexts(cfg strategies.Config, infos []sim.ContextInfo, ch []change, records []sim.TaskRecord) error {
	created := map[int32]sim.Time{}
	for _, x := range ch {
		if _, ok := created[x.ctx]; !ok {
			created[x.ctx] = x.at
		}
	}
	want := -1 // the contexts a fixed-size strategy creates at time 0
	switch cfg.Kind {
	case strategies.KindBlocking:
		want = cfg.Workers
	case strategies.KindThreaded:
		if cfg.Threads > 0 {
			want = cfg.Threads
		} else if len(infos) > len(records) {
			return fmt.Errorf("%d threads for %d tasks", len(infos), len(records))
		}
	case strategies.KindEventLoop:
		want = cfg.Loops
		if cfg.Offload && !cfg.AwaitBlocking {
			want += cfg.Loops * cfg.Executor
		}
	}
	if want >= 0 {
		if len(infos) != want {
			return fmt.Errorf("%d contexts; want %d", len(infos), want)
		}
		for id, at := range created {
			if at != 0 {
				return fmt.Errorf("context %d created at %v, not at 0", id, at)
			}
		}
	}
	mayBlock := cfg.Kind == strategies.KindEventLoop && !cfg.Offload && !cfg.AwaitBlocking
	for _, x := range ch {
		if int(x.ctx) >= len(infos) {
			return fmt.Errorf("state change of context %d; the result names %d", x.ctx, len(infos))
		}
		role := infos[x.ctx].Role
		bad := false
		switch x.state {
		case sim.Waiting:
			bad = !cfg.GIL
		case sim.Blocked:
			bad = !mayBlock || role != "loop"
		case sim.Running:
			bad = role == "executor"
		}
		if bad {
			return fmt.Errorf("%s (%s) is %v at %v", infos[x.ctx].Name(), role, x.state, x.at)
		}
	}
	return nil
}

// checkOrder checks that tasks are taken first come, first served: by a
// pool in arrival order, by a thread per task at once, and by each event
// loop (tasks are dealt to loops round-robin) in its arrival order.
func checkOrder(cfg strategies.Config, r *run) error {
	if len(r.order) != len(r.records) {
		return fmt.Errorf("%d arrivals, %d completions", len(r.order), len(r.records))
	}
	start := map[key]sim.Time{}
	for _, rec := range r.records {
		start[key{rec.Class, rec.Index}] = rec.Start
	}
	lanes := 1
	if cfg.Kind == strategies.KindEventLoop {
		lanes = cfg.Loops
	}
	last := make([]sim.Time, lanes)
	for i, k := range r.order {
		s, t := start[k], r.tasks[k]
		if cfg.Kind == strategies.KindThreaded && cfg.Threads == 0 {
			if s != t.arrival {
				return fmt.Errorf("%v arrived at %v but its thread took it at %v", k, t.arrival, s)
			}
			continue
		}
		lane := i % lanes
		if s < last[lane] {
			return errors.New(fmt.Sprint(k, " arrived after another task but started before it: at ", s, " rather than ", last[lane], " or later"))
		}
		last[lane] = s
	}
	return nil
}

package timeline

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"asyncsim/sim"
)

// Defaults of Options.
const (
	// DefaultMaxContexts is how many contexts have their rows kept.
	DefaultMaxContexts = 256
	// DefaultMaxTasks is how many task spans are kept.
	DefaultMaxTasks = 40
	// DefaultMaxIntervals bounds the intervals kept per run.
	DefaultMaxIntervals = 100_000
	// DefaultAutoTasks is the completions after which a default window
	// ends: enough to show a few dozen tasks.
	DefaultAutoTasks = 40
	// DefaultAutoChanges is the state changes of one context after which a
	// default window ends, so that its row stays readable.
	DefaultAutoChanges = 150
)

// Options configure a Recorder. The zero value records the whole run, with
// the default bounds.
type Options struct {
	// Cores is the machine's core count (at least 1): the busy cores are
	// the running contexts, at most Cores.
	Cores int
	// From and To are the window in which intervals and task spans are
	// kept; To = 0 means until the end of the run.
	From, To sim.Time
	// Auto ends an open window (To = 0) early, so that a big run's
	// timeline stays readable: once AutoTasks tasks have completed or a
	// kept context has changed state AutoChanges times.
	Auto bool
	// AutoTasks and AutoChanges tune Auto; 0 means DefaultAutoTasks and
	// DefaultAutoChanges.
	AutoTasks, AutoChanges int
	// Classes names the task classes, by index, for task names.
	Classes []string
	// MaxContexts is how many contexts, the first by id, have their rows
	// kept; 0 means DefaultMaxContexts.
	MaxContexts int
	// MaxTasks is how many task spans are kept, those arriving first;
	// 0 means DefaultMaxTasks.
	MaxTasks int
	// MaxIntervals bounds the intervals kept: when they reach it, the
	// window ends there; 0 means DefaultMaxIntervals.
	MaxIntervals int
}

// never is the end of an open window.
const never = sim.Time(math.MaxInt64)

// Recorder records a run for a Timeline and a Series. Give it to the run
// as its sim.Recorder and call RecordTask for every completed task; after
// the run, Timeline and Series return what it recorded. Its memory is
// bounded by its Options and MaxBins, plus one byte per context.
type Recorder struct {
	opts Options
	to   sim.Time // the window's end: never while it is open
	cut  Cut
	now  sim.Time

	states  []sim.State // every context's current state
	running int
	busy    int

	// Per kept context (the first MaxContexts):
	created   []sim.Time
	since     []sim.Time // when its current state began
	rows      [][]Interval
	changes   []int
	intervals int

	completed int
	tasks     []sim.TaskRecord   // the first MaxTasks by arrival, sorted
	branches  []sim.BranchRecord // inside the window, MaxTasks × BranchesPerTask at most
	allTasks  int64

	series stepSeries
}

// NewRecorder returns a recorder for one run.
func NewRecorder(opts Options) *Recorder {
	if opts.Cores < 1 {
		opts.Cores = 1
	}
	if opts.MaxContexts <= 0 {
		opts.MaxContexts = DefaultMaxContexts
	}
	if opts.MaxTasks <= 0 {
		opts.MaxTasks = DefaultMaxTasks
	}
	if opts.MaxIntervals <= 0 {
		opts.MaxIntervals = DefaultMaxIntervals
	}
	if opts.AutoTasks <= 0 {
		opts.AutoTasks = DefaultAutoTasks
	}
	if opts.AutoChanges <= 0 {
		opts.AutoChanges = DefaultAutoChanges
	}
	r := &Recorder{opts: opts, to: never, cut: CutEnd, series: newStepSeries()}
	if opts.To > 0 {
		r.to, r.cut = opts.To, CutWindow
	}
	return r
}

// RecordState implements sim.Recorder.
func (r *Recorder) RecordState(at sim.Time, ctx int32, s sim.State) {
	r.now = max(r.now, at)
	id := int(ctx)
	if id >= len(r.states) { // a new context: contexts come in id order
		r.states = append(r.states, s)
		if id < r.opts.MaxContexts {
			r.created = append(r.created, at)
			r.since = append(r.since, at)
			r.rows = append(r.rows, nil)
			r.changes = append(r.changes, 0)
		}
		r.setRunning(at, s == sim.Running, false)
		return
	}
	old := r.states[id]
	if old == s { // the engine's closing report of each state
		return
	}
	r.states[id] = s
	if old == sim.Running || s == sim.Running {
		r.setRunning(at, s == sim.Running, old == sim.Running)
	}
	if id >= r.opts.MaxContexts {
		return
	}
	r.emit(id, old, r.since[id], at)
	r.since[id] = at
	if at < r.to {
		r.changes[id]++
		if r.opts.Auto && r.cut == CutEnd && r.changes[id] >= r.opts.AutoChanges {
			r.endWindow(at, CutChanges)
		}
	}
}

// setRunning updates the running count and the busy cores' series.
func (r *Recorder) setRunning(at sim.Time, nowRunning, wasRunning bool) {
	if nowRunning == wasRunning {
		return
	}
	if nowRunning {
		r.running++
	} else {
		r.running--
	}
	if b := min(r.running, r.opts.Cores); b != r.busy {
		r.series.add(chBusy, at, int64(b-r.busy))
		r.busy = b
	}
}

// emit keeps context id's interval [a, b) in state s, clipped to the
// window and merged with the previous one when they touch in one state.
func (r *Recorder) emit(id int, s sim.State, a, b sim.Time) {
	a, b = max(a, r.opts.From), min(b, r.to)
	if b <= a {
		return
	}
	row := r.rows[id]
	if n := len(row); n > 0 && row[n-1].End == a && row[n-1].State == s {
		row[n-1].End = b
		return
	}
	r.rows[id] = append(row, Interval{Start: a, End: b, State: s})
	r.intervals++
	if r.intervals >= r.opts.MaxIntervals {
		r.endWindow(b, CutSize)
	}
}

// endWindow ends the window at t, unless it already ends sooner.
func (r *Recorder) endWindow(t sim.Time, why Cut) {
	if t < r.to {
		r.to, r.cut = t, why
	}
}

// RecordTask takes a completed task's record, at its completion: an
// attempt served (in time or late), rejected or abandoned.
func (r *Recorder) RecordTask(t sim.TaskRecord) {
	r.now = max(r.now, t.Completion)
	r.series.add(chFlight, t.Arrival, 1)
	r.series.add(chFlight, t.Completion, -1)
	// A rejection is no completion: a burst of them must not end a
	// default window before anything was served.
	if t.Outcome != sim.OutcomeRejected && t.Outcome != sim.OutcomeAbandoned {
		r.completed++
	}
	if r.opts.Auto && r.cut == CutEnd && r.completed >= r.opts.AutoTasks {
		r.endWindow(t.Completion, CutTasks)
	}
	if t.Arrival >= r.to || t.Completion <= r.opts.From {
		return // outside the window
	}
	r.allTasks++
	// Keep the first MaxTasks by (arrival, class, index), sorted.
	n := len(r.tasks)
	if n == r.opts.MaxTasks {
		if !taskBefore(&t, &r.tasks[n-1]) {
			return
		}
		r.tasks = r.tasks[:n-1]
		n--
	}
	i := n
	for i > 0 && taskBefore(&t, &r.tasks[i-1]) {
		i--
	}
	r.tasks = append(r.tasks, sim.TaskRecord{})
	copy(r.tasks[i+1:], r.tasks[i:n])
	r.tasks[i] = t
}

// BranchesPerTask bounds a recorder's branches of gathers: it keeps at
// most Options.MaxTasks times as many, those first reported.
const BranchesPerTask = 64

// RecordBranch takes the record of a branch of a gather as it joins, for
// the trace's nested slices (sim.Config.OnBranch).
func (r *Recorder) RecordBranch(b sim.BranchRecord) {
	if b.Start < r.to && b.End > r.opts.From && len(r.branches) < r.opts.MaxTasks*BranchesPerTask {
		r.branches = append(r.branches, b)
	}
}

func taskBefore(a, b *sim.TaskRecord) bool {
	if a.Arrival != b.Arrival {
		return a.Arrival < b.Arrival
	}
	if a.Class != b.Class {
		return a.Class < b.Class
	}
	if a.Index != b.Index {
		return a.Index < b.Index
	}
	return a.Attempt < b.Attempt
}

// End returns the end of the run as far as it has been recorded: the
// latest instant reported.
func (r *Recorder) End() sim.Time { return r.now }

// Timeline returns the timeline recorded so far, the run ending at End.
// contexts names the run's contexts by id (sim.Result.Contexts); missing
// names are made up from the id.
func (r *Recorder) Timeline(contexts []sim.ContextInfo) *Timeline {
	end := r.now
	tl := &Timeline{From: r.opts.From, To: r.to, End: end, Cut: r.cut, AllContexts: len(r.states), AllTasks: r.allTasks}
	if r.to == never {
		tl.To = end
	}
	if tl.To < tl.From {
		tl.To = tl.From
	}
	stop := min(tl.To, end)
	tl.Contexts = make([]Context, len(r.rows))
	for id, row := range r.rows {
		c := &tl.Contexts[id]
		if id < len(contexts) {
			c.Name = contexts[id].Name()
		} else {
			c.Name = "context-" + strconv.Itoa(id)
		}
		c.Created = r.created[id]
		c.Intervals = append([]Interval(nil), row...)
		// The current state, up to the window's end.
		a := max(r.since[id], tl.From)
		if a < stop {
			s := r.states[id]
			if n := len(c.Intervals); n > 0 && c.Intervals[n-1].End == a && c.Intervals[n-1].State == s {
				c.Intervals[n-1].End = stop
			} else {
				c.Intervals = append(c.Intervals, Interval{Start: a, End: stop, State: s})
			}
		}
	}
	tl.Tasks = make([]Task, len(r.tasks))
	for i, t := range r.tasks {
		name := "class-" + strconv.Itoa(t.Class)
		if t.Class < len(r.opts.Classes) {
			name = r.opts.Classes[t.Class]
		}
		tl.Tasks[i] = Task{Name: AttemptName(name, t.Index, t.Attempt), Class: t.Class, Index: t.Index,
			Attempt: t.Attempt, Outcome: t.Outcome, Arrival: t.Arrival, Start: t.Start, Completion: t.Completion}
	}
	tl.Branches = r.keptBranches()
	return tl
}

// keptBranches returns the branches of the kept tasks, in the order of
// Timeline.Branches.
func (r *Recorder) keptBranches() []Branch {
	if len(r.branches) == 0 {
		return nil
	}
	type attempt struct {
		class   int
		index   int64
		attempt int
	}
	task := make(map[attempt]int, len(r.tasks))
	for i, t := range r.tasks {
		task[attempt{t.Class, t.Index, t.Attempt}] = i
	}
	var out []Branch
	for _, b := range r.branches {
		if i, ok := task[attempt{b.Class, b.Index, b.Attempt}]; ok {
			out = append(out, Branch{Task: i, Branch: b.Branch, Depth: b.Depth, ID: b.ID, Parent: b.Parent, Start: b.Start, End: b.End})
		}
	}
	slices.SortStableFunc(out, func(a, b Branch) int {
		return cmp.Or(cmp.Compare(a.Task, b.Task), cmp.Compare(a.Start, b.Start), cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Series returns the busy cores and tasks in flight from 0 to the end of
// the run.
func (r *Recorder) Series() *Series {
	s := r.series // the bins are widened on a copy
	for ch := range numChannels {
		s.delta[ch] = append([]int64(nil), s.delta[ch]...)
		s.moment[ch] = append([]float64(nil), s.moment[ch]...)
	}
	bins := s.bins(r.now)
	return &Series{Cores: r.opts.Cores, Width: s.width, Bins: bins}
}

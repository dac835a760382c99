package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// State is what a context is doing at an instant.
type State uint8

// The states of a context.
const (
	// Idle: no work.
	Idle State = iota
	// Running: executing a CPU step (at a shared rate when the cores are
	// oversubscribed).
	Running
	// Waiting: ready to run CPU but waiting for the GIL.
	Waiting
	// InIO: in an io or blocking_io call.
	InIO
	// Blocked: an event loop's thread stuck in a blocking call.
	Blocked
	// Acquiring: a worker or thread waiting for a unit of a resource
	// (holding no GIL).
	Acquiring
	numStates
)

var stateNames = [...]string{Idle: "idle", Running: "running", Waiting: "waiting", InIO: "io", Blocked: "blocked",
	Acquiring: "acquiring"}

// String returns the state's name as timelines and traces show it.
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// States lists every state, in display order.
func States() []State { return []State{Idle, Running, Waiting, Acquiring, InIO, Blocked} }

// ContextInfo names a context: a worker process, a thread, an event loop's
// thread or an executor thread.
type ContextInfo struct {
	// Role is what the context is: "worker", "thread", "loop", "executor".
	Role string
	// Group is the process the context belongs to (an event loop's index
	// for its executor threads), or -1.
	Group int
	// Index is the context's number within its role and group.
	Index int
}

// Name returns the context's display name: "thread-3", "executor-1.2".
func (c ContextInfo) Name() string {
	if c.Group >= 0 {
		return c.Role + "-" + strconv.Itoa(c.Group) + "." + strconv.Itoa(c.Index)
	}
	return c.Role + "-" + strconv.Itoa(c.Index)
}

// TaskRef is a handle on a task in flight in an Engine. It is valid from
// the task's arrival until Engine.Finish.
type TaskRef int32

// Strategy drives an Engine: it owns the contexts and decides which runs
// what. The engine calls it for every event; each call runs at Engine.Now
// and must leave every context in a settled state.
type Strategy interface {
	// Init creates the strategy's contexts; it is called once, at time 0.
	Init(e *Engine)
	// Arrive hands the strategy a task that has just arrived.
	Arrive(t TaskRef)
	// Timer delivers a timer set with Engine.After or Engine.At.
	Timer(kind uint8, ctx, arg int32)
	// CPUDone reports that ctx finished all the CPU work it was given.
	CPUDone(ctx int32)
}

// Recorder receives every change of a context's state, for timelines and
// traces. Changes come in time order; a context's first change is its
// creation (Idle).
type Recorder interface {
	RecordState(at Time, ctx int32, s State)
}

// TaskRecord is one completed task, as tasks.csv lists it.
type TaskRecord struct {
	Class      int
	Index      int64
	Arrival    Time
	Start      Time
	Completion Time
	// Counted is false for tasks of requests first sent before the
	// warm-up ended.
	Counted bool
	// Attempt is the attempt's number within its request (Task.Attempt).
	Attempt int
	// Outcome is how the attempt ended. A rejected or abandoned attempt
	// has Start and Completion at the instant it ended.
	Outcome Outcome
}

// Config sets up one run.
type Config struct {
	// Cores is the machine's core count (at least 1).
	Cores int
	// Warmup leaves tasks arriving before it out of the statistics.
	Warmup Time
	// MaxEvents stops the run with an *EventBudgetError after this many
	// events; 0 is no limit.
	MaxEvents int64
	// Until is the run's horizon: the run ends there if it has not ended
	// before, with what it completed by then (Summary.Horizon; the window
	// of the time averages ends at Until, and InFlightEnd counts the
	// attempts left). A run whose horizon comes before any counted
	// attempt ended fails with a *HorizonError. 0 is no horizon.
	Until Time
	// OnTask, if set, is called for every completed task.
	OnTask func(TaskRecord)
	// OnBranch, if set, is called for every branch of a gather as it
	// joins.
	OnBranch func(BranchRecord)
	// Recorder, if set, receives every state change.
	Recorder Recorder
	// ExpectedTasks, if known, sizes the latency store up front.
	ExpectedTasks int64
	// Classes is the number of task classes (Task.Class is below it), for
	// the figures per class (Summary.Classes).
	Classes int
	// Resources are the limited resources that Acquire steps take, indexed
	// by Step.Resource.
	Resources []Resource
	// Clients gives, per class, how its clients give up and retry; nil,
	// or a zero Client, is clients that wait forever.
	Clients []Client
	// OnUnits, if set, is called whenever a pool of a resource changes:
	// the resource (an index in Resources), the pool (0 for scope
	// machine, else the process), and the units held and tasks waiting
	// after the change. It is for checks of the pools' invariants.
	OnUnits func(at Time, resource, pool, held, waiting int)
	// MaxInFlight stops the run with an *InFlightError when more tasks
	// than this are in flight at once (arrived and not finished), or more than
	// StepsPerTaskInFlight times as many of their steps. Every task in
	// flight holds memory (a few hundred bytes, a thread's more under a
	// thread per task, 16 bytes a step), so this bounds a run's memory:
	// a queue that grows without end, as under overload, or a burst of
	// millions of tasks stops with a message rather than exhausting
	// memory. 0 means DefaultMaxInFlight; a negative value, no limit.
	MaxInFlight int
}

// DefaultMaxInFlight is the default Config.MaxInFlight: a million tasks in
// flight take about half a gigabyte, and their steps at most one more.
const DefaultMaxInFlight = 1_000_000

// StepsPerTaskInFlight is the steps in flight allowed per task of
// Config.MaxInFlight.
const StepsPerTaskInFlight = 64

// ErrBudget is what every budget error wraps: errors.Is(err, ErrBudget)
// reports whether a run was stopped by Config.MaxEvents or
// Config.MaxInFlight. The errors themselves are an *EventBudgetError or
// an *InFlightError, carrying their numbers. A horizon (Config.Until) is
// not a budget: it ends a run.
var ErrBudget = errors.New("run stopped by its budget")

// EventBudgetError is the error of a run that needed more than
// Config.MaxEvents events.
type EventBudgetError struct {
	// Limit is Config.MaxEvents.
	Limit int64
	// At is the virtual time the run had reached: that of the last event
	// within the limit.
	At Time
}

func (e *EventBudgetError) Error() string {
	return fmt.Sprintf("more than %d events, at virtual time %v: %v", e.Limit, e.At, ErrBudget)
}

// Unwrap returns ErrBudget.
func (e *EventBudgetError) Unwrap() error { return ErrBudget }

// HorizonError is the error of a run that reached its horizon,
// Config.Until, before any counted attempt ended: it measured nothing.
type HorizonError struct {
	// Until is Config.Until.
	Until Time
	// InFlight is the number of tasks in flight (arrived, not finished)
	// at the horizon.
	InFlight int
}

func (e *HorizonError) Error() string {
	return fmt.Sprintf("the horizon %v came before any counted task ended (%d in flight): nothing was measured", e.Until, e.InFlight)
}

// InFlightError is the error of a run that held more tasks, or more of
// their steps, in flight at once than Config.MaxInFlight allows.
type InFlightError struct {
	// Steps is true when the steps in flight passed their limit
	// (StepsPerTaskInFlight per task of the limit), false for the tasks.
	Steps bool
	// N is the number of tasks, or steps, in flight, and Limit the most
	// allowed.
	N, Limit int64
	// At is the virtual time at which the limit was passed.
	At Time
}

func (e *InFlightError) Error() string {
	what := "tasks"
	if e.Steps {
		what = "steps of tasks"
	}
	return fmt.Sprintf("%d %s in flight at virtual time %v, more than the %d a run may hold in memory "+
		"(tasks arrive faster than they complete, or too many at once): %v", e.N, what, e.At, e.Limit, ErrBudget)
}

// Unwrap returns ErrBudget.
func (e *InFlightError) Unwrap() error { return ErrBudget }

// Engine kinds of event, above those a strategy may use.
const (
	// MaxTimerKind is the largest kind a Strategy may pass to After or At.
	MaxTimerKind = 127
	kindFollowUp = 128
)

type taskSlot struct {
	Task
	start Time
	next  int32
	// gen tells this use of the slot from later ones, for the events
	// that outlive an attempt (its time-out): it changes when the slot
	// is freed.
	gen uint32
	// sent is when the attempt's request was first sent.
	sent    Time
	counted bool
	started bool
	// Whether the attempt's client gave up on it, whether its SYN waits
	// for a retransmission, and how many it had.
	gaveUp bool
	inSYN  bool
	syn    uint8
	// isBranch marks a child task's slot (Spawn): one for good or never.
	isBranch bool
}

// context is what the engine tracks of a context at every event; its
// ContextInfo, needed only for output, is kept apart so that this stays
// small.
type context struct {
	state   State
	group   uint8 // its group of contexts (groupOf its role)
	pending int64 // CPU work units given but not on the CPU
}

// accumulators are the integrals and counts behind the time-averaged
// statistics; snapshots of them at the window's ends give the window's.
type accumulators struct {
	busy     Time    // core-nanoseconds of CPU work done
	waiting  float64 // context-nanoseconds spent waiting for the GIL
	blocked  float64 // context-nanoseconds loop threads spent blocked
	inFlight float64 // task-nanoseconds of counted tasks in flight
	switches int64
	// context-nanoseconds of each group's contexts not idle
	occupied [numGroups]float64
}

// Engine runs one simulation: a virtual clock, the event queue, processor
// sharing of the cores, the contexts and the tasks in flight. Create one
// per run with Run; strategies use its methods from their callbacks.
type Engine struct {
	cfg   Config
	src   Source
	strat Strategy

	// The next open arrival, as the source last reported it, or never.
	arrivalAt Time

	now    Time
	seq    uint64
	events int64
	queue  eventQueue

	// The budget: the first instant past Config.Until, and
	// Config.MaxEvents; never and the largest count where unset.
	stopAt    Time
	maxEvents int64

	ps      processorSharing
	psDirty bool   // the running contexts changed since psAt was computed
	psAt    Time   // when the first running context finishes, or never
	psSeq   uint64 // the sequence number psAt was computed with

	tasks         []taskSlot
	free          []TaskRef
	branchFree    []TaskRef // free slots of child tasks (Spawn)
	forks         []fork    // per slot, once a gather has needed it
	inFlight      int       // all tasks arrived and not finished
	inFlightSteps int64     // their steps
	branches      int       // child tasks spawned and not joined
	peakInFlight  int       // Result.PeakInFlight
	// Config.MaxInFlight resolved, for tasks and for their steps; the
	// largest values where there is no limit.
	maxInFlight      int
	maxInFlightSteps int64

	ctxs       []context
	infos      []ContextInfo
	stateCount [numStates]int
	grp        groups

	acc            accumulators
	windowStart    accumulators
	windowEnd      accumulators
	countedFlight  int
	statesSince    Time // the integrals of states are up to date until then
	flightSince    Time // the integral of countedFlight is up to date until then
	firstCounted   Time
	lastCompletion Time
	counted        int64 // attempts served (done or late)
	unserved       int64 // attempts rejected or abandoned
	sumWait        float64
	lat            latencyStore // of the succeeded requests
	// reached is set when the run ends at its horizon with work left.
	reached bool
	trend   trend

	// svc is the services model's state (resources, clients that give
	// up).
	svc services
}

// Run simulates the tasks of src under strategy s until every task has
// completed, and returns the run's result.
func Run(src Source, s Strategy, cfg Config) (*Result, error) {
	if cfg.Cores < 1 {
		return nil, fmt.Errorf("sim: cores must be at least 1, not %d", cfg.Cores)
	}
	if cfg.Clients != nil && len(cfg.Clients) < cfg.Classes {
		return nil, fmt.Errorf("sim: %d clients for %d classes", len(cfg.Clients), cfg.Classes)
	}
	e := &Engine{cfg: cfg, src: src, strat: s, firstCounted: -1}
	e.lat = newLatencyStore(min(max(cfg.ExpectedTasks, 0), ExactLatencies))
	e.initServices()
	e.ps.cores = int64(cfg.Cores)
	e.maxInFlight, e.maxInFlightSteps = math.MaxInt, math.MaxInt64
	switch {
	case cfg.MaxInFlight == 0:
		e.maxInFlight = DefaultMaxInFlight
	case cfg.MaxInFlight > 0:
		e.maxInFlight = cfg.MaxInFlight
	}
	if e.maxInFlight <= math.MaxInt64/StepsPerTaskInFlight {
		e.maxInFlightSteps = int64(e.maxInFlight) * StepsPerTaskInFlight
	}
	e.stopAt, e.maxEvents, e.trend.next = never, math.MaxInt64, never
	if cfg.Until > 0 && cfg.Until < never {
		e.stopAt = cfg.Until + 1
	}
	if cfg.MaxEvents > 0 {
		e.maxEvents = cfg.MaxEvents
	}
	e.psAt = never
	s.Init(e)
	e.arrivalAt = never
	if at, ok := src.Peek(); ok {
		e.arrivalAt = at
	}
	if err := e.loop(); err != nil {
		return nil, err
	}
	return e.result(), nil
}

// never is the instant of what will not happen: later than every event,
// whose times are capped far below it.
const never = Time(math.MaxInt64)

// The sources of the next event.
const (
	fromArrival = iota
	fromQueue
	fromCPU
)

func (e *Engine) loop() error {
	for {
		if e.psDirty {
			e.psDirty = false
			at, _, ok := e.ps.next()
			if !ok {
				at = never
			}
			e.psAt = at
			e.seq++
			e.psSeq = e.seq
		}
		// Open arrivals count as scheduled before anything else, so they
		// win ties; the queue and the CPU completion go by (time, seq).
		// The comparisons are written so that the compiler can make them
		// conditional moves: which source comes next is a coin toss a
		// branch predictor would lose.
		queueAt, queueSeq := never, uint64(0)
		if e.queue.len() > 0 {
			h := e.queue.head()
			queueAt, queueSeq = h.at, h.seq()
		}
		from, at := fromArrival, e.arrivalAt
		if queueAt < at {
			from = fromQueue
		}
		at = min(at, queueAt)
		if e.psAt < at {
			from = fromCPU
		}
		if e.psAt == at && from == fromQueue && e.psSeq < queueSeq { // a tie: rare
			from = fromCPU
		}
		at = min(at, e.psAt)
		if at >= e.stopAt { // one comparison for the end and the budget
			if at == never {
				break
			}
			if over, err := e.atHorizon(); err != nil {
				return err
			} else if over {
				break
			}
			continue
		}
		e.events++
		if e.events > e.maxEvents {
			return &EventBudgetError{Limit: e.cfg.MaxEvents, At: e.now}
		}
		switch from {
		case fromArrival:
			e.now = at
			ref := e.alloc()
			e.tasks[ref].Attempt = 0
			at, ok := e.src.Next(&e.tasks[ref].Task)
			if !ok {
				at = never
			}
			e.arrivalAt = at
			if err := e.arrive(ref); err != nil {
				return err
			}
			if !ok {
				e.endTrend() // the last open arrival
			}
		case fromQueue:
			ev := e.queue.pop()
			if kind := ev.kind(); kind <= MaxTimerKind {
				e.now = at
				e.strat.Timer(kind, ev.ctx(), ev.arg())
			} else if err := e.engineEvent(&ev); err != nil {
				return err
			}
		case fromCPU:
			e.now = at
			e.ps.advance(e.now)
			ctx := e.ps.finish()
			e.psDirty = true
			e.strat.CPUDone(ctx)
		}
	}
	if e.inFlight != 0 && !e.reached {
		if e.svc.waiting > 0 {
			return e.deadlock()
		}
		return fmt.Errorf("sim: run ended at %v with %d tasks unfinished (a strategy lost them)", e.now, e.inFlight)
	}
	if r := e.cfg.Recorder; r != nil {
		for i := range e.ctxs {
			r.RecordState(e.now, int32(i), e.ctxs[i].state)
		}
	}
	return nil
}

// atHorizon handles a next event past Config.Until: it reports whether
// the run is over, because nothing is left to do (what lies past the
// horizon is a strategy's housekeeping) or because the run ends at its
// horizon with work left; nil and false to go on (what lay past it stood
// for nothing and is gone); or the run's *HorizonError.
func (e *Engine) atHorizon() (over bool, err error) {
	switch {
	// Only clients that give up leave events that stand for nothing: their
	// deadlines, and the retransmissions of the SYNs they abandon.
	case e.svc.clients != nil && e.dropStale():
		return false, nil
	case e.over():
		return true, nil
	}
	return true, e.endAtHorizon()
}

// endAtHorizon ends the run at its horizon with work left: the clock
// moves to the horizon, and the window of the time averages and the
// trend end there. It returns a *HorizonError if no counted attempt has
// ended: then nothing was measured.
func (e *Engine) endAtHorizon() error {
	e.reached = true
	e.now = e.cfg.Until
	if e.counted+e.unserved == 0 {
		return &HorizonError{Until: e.cfg.Until, InFlight: e.inFlight}
	}
	if e.firstCounted >= 0 {
		e.snapshot(&e.windowEnd)
		if e.svc.res != nil {
			e.snapshotResources(e.svc.resEnd)
		}
		e.endTrend()
	}
	return nil
}

// engineEvent runs ev, an event of the engine's own kinds just taken from
// the queue: a closed-loop client's next request, or the services
// model's retries, deadlines and SYN retransmissions.
func (e *Engine) engineEvent(ev *event) error {
	kind := ev.kind()
	if kind >= kindTimeout && e.skip(ev) {
		// It stands for nothing, or for a later instant: the clock stays
		// where it is, so that a run ends at its last real event.
		return nil
	}
	e.now = ev.at
	switch kind {
	case kindFollowUp:
		return e.arrive(TaskRef(ev.arg()))
	case kindRetry:
		return e.retry(TaskRef(ev.arg()))
	case kindTimeout:
		e.expire(int(ev.ctx()), ev.seq())
	case kindSYN:
		e.resend(TaskRef(ev.arg()))
	}
	return nil
}

// over reports whether the run is over although events remain: no task
// is in flight and none is to come (no open arrival, no closed-loop
// client's next request, no retry), so that what remains are timers of a
// strategy with nothing left to act on (the GIL's drop deadline, set
// while a thread ran and left in the queue when its task ended). It is
// for the horizon, which such a timer must not make a finished run pass;
// it scans the queue, which only a run at its horizon does once.
func (e *Engine) over() bool {
	if e.inFlight != 0 || e.arrivalAt != never {
		return false
	}
	for i := range e.queue.items {
		if k := e.queue.items[i].kind(); k == kindFollowUp || k == kindRetry {
			return false
		}
	}
	return true
}

// overflow is the error of a run that holds more tasks, or steps, in
// flight than Config.MaxInFlight allows.
func (e *Engine) overflow() error {
	if n, limit := int64(e.inFlight), int64(e.maxInFlight); n > limit {
		return &InFlightError{N: n, Limit: limit, At: e.now}
	}
	return &InFlightError{Steps: true, N: e.inFlightSteps, Limit: e.maxInFlightSteps, At: e.now}
}

// The time integrals (of waiting and blocked contexts, and of counted
// tasks in flight) are brought up to date lazily, only when what they
// integrate changes or a snapshot is taken, not at every event: the
// integral of a count that stays constant over many events is the count
// times the whole span.

// integrateStates brings the waiting and blocked integrals up to now.
func (e *Engine) integrateStates() {
	if e.stateCount[Waiting] == 0 && e.stateCount[Blocked] == 0 {
		e.statesSince = e.now // adding zeros would change nothing
		return
	}
	dt := float64(e.now - e.statesSince)
	e.acc.waiting += dt * float64(e.stateCount[Waiting])
	e.acc.blocked += dt * float64(e.stateCount[Blocked])
	e.statesSince = e.now
}

// integrateFlight brings the in-flight integral up to now. Where the
// count changes next, passMarks must come first.
func (e *Engine) integrateFlight() {
	e.acc.inFlight += float64(e.now-e.flightSince) * float64(e.countedFlight)
	e.flightSince = e.now
}

// snapshot stores the accumulators as of now in a (in place: it runs at
// every counted completion, where copying through a return value showed).
func (e *Engine) snapshot(a *accumulators) {
	e.ps.advance(e.now)
	e.integrateStates()
	e.passMarks()
	e.integrateFlight()
	e.integrateGroups()
	// Field by field: copied at once, the struct is read in 16-byte words,
	// which wait for the 8-byte store integrateFlight has just made.
	a.busy = e.ps.busy
	a.waiting, a.blocked, a.inFlight = e.acc.waiting, e.acc.blocked, e.acc.inFlight
	a.switches = e.acc.switches
	a.occupied = e.acc.occupied
}

// release frees a slot whose attempt has ended.
func (e *Engine) release(ref TaskRef) {
	e.tasks[ref].gen++
	e.free = append(e.free, ref)
}

func (e *Engine) alloc() TaskRef {
	if n := len(e.free); n > 0 {
		ref := e.free[n-1]
		e.free = e.free[:n-1]
		return ref
	}
	e.tasks = append(e.tasks, taskSlot{})
	return TaskRef(len(e.tasks) - 1)
}

// arrive hands an arrived task to the strategy. Only arrivals add to the
// tasks in flight, so it is where the memory bound is checked.
func (e *Engine) arrive(ref TaskRef) error {
	slot := &e.tasks[ref]
	slot.next, slot.started = 0, false
	slot.gaveUp, slot.inSYN, slot.syn = false, false, 0
	if slot.Attempt == 0 {
		slot.sent = slot.Arrival
		slot.counted = slot.Arrival >= e.cfg.Warmup
	}
	e.inFlight++
	e.inFlightSteps += int64(len(slot.Steps))
	if e.inFlight > e.maxInFlight || e.inFlightSteps > e.maxInFlightSteps {
		return e.overflow()
	}
	if slot.counted {
		if e.firstCounted < 0 {
			e.firstCounted = e.now
			e.snapshot(&e.windowStart)
			if e.svc.res != nil {
				e.snapshotResources(e.svc.resStart)
			}
			e.startTrend()
		}
		e.passMarks()
		e.integrateFlight()
		e.countedFlight++
	}
	if e.svc.clients != nil {
		e.sent(ref)
	}
	e.strat.Arrive(ref)
	e.notePeak()
	return nil
}

// notePeak raises the peak of the tasks on the server to their number
// now, which only an arrival or a spawned branch can raise: it runs after
// the strategy has taken the arrival, so that one it refused at once
// does not count.
func (e *Engine) notePeak() {
	if n := e.inFlight - e.svc.inSYN + e.branches; n > e.peakInFlight {
		e.peakInFlight = n
	}
}

// Now returns the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Task returns the task behind ref.
func (e *Engine) Task(ref TaskRef) *Task { return &e.tasks[ref].Task }

// NextStep returns the task's next step and moves past it, or reports
// false when all its steps are done. For a child task (a branch of a
// gather: Spawn) the end of its steps is a Join step instead.
func (e *Engine) NextStep(ref TaskRef) (Step, bool) {
	slot := &e.tasks[ref]
	i := uint(slot.next) // unsigned, so that one comparison checks both bounds
	if i >= uint(len(slot.Steps)) {
		if slot.isBranch {
			return Step{Kind: Join}, true
		}
		return Step{}, false
	}
	slot.next++
	return slot.Steps[i], true
}

// PeekStep returns the task's next step without moving past it, or
// reports false when all its steps are done.
func (e *Engine) PeekStep(ref TaskRef) (Step, bool) {
	slot := &e.tasks[ref]
	if i := uint(slot.next); i < uint(len(slot.Steps)) {
		return slot.Steps[i], true
	}
	return Step{}, false
}

// Begin records that a context has taken the task: its wait ends now. Only
// the first call for a task counts.
func (e *Engine) Begin(ref TaskRef) {
	slot := &e.tasks[ref]
	if !slot.started {
		slot.started = true
		slot.start = e.now
	}
}

// Finish completes the task now and releases ref. A closed-loop client's
// next request is scheduled after its think time.
func (e *Engine) Finish(ref TaskRef) {
	slot := &e.tasks[ref]
	if !slot.started {
		slot.started, slot.start = true, e.now
	}
	e.inFlight--
	e.inFlightSteps -= int64(len(slot.Steps))
	// An attempt its client gave up on completes late: its request has
	// retried or failed, and its work is wasted.
	late := slot.gaveUp
	if slot.counted {
		// The snapshot brings the in-flight integral up to now, with
		// this task still in flight until now.
		e.snapshot(&e.windowEnd)
		if e.svc.res != nil {
			e.snapshotResources(e.svc.resEnd)
		}
		e.countedFlight--
		e.counted++
		e.sumWait += float64(slot.start - slot.Arrival)
		e.lastCompletion = e.now
		if !late {
			// The request succeeded: its latency is from its first send.
			// (The successes are counted by their latencies.)
			lat := e.now - slot.sent
			e.lat.sum += float64(lat)
			e.lat.add(lat)
			if e.svc.byClass != nil {
				e.recordClass(slot.Class, lat)
			}
		} else {
			e.counts(slot.Class).wastedCPU += cpuOf(slot.Steps)
		}
	}
	outcome := OutcomeDone
	if late {
		outcome = OutcomeLate
	}
	if e.cfg.OnTask != nil {
		e.cfg.OnTask(TaskRecord{Class: slot.Class, Index: slot.Index, Arrival: slot.Arrival,
			Start: slot.start, Completion: e.now, Counted: slot.counted, Attempt: slot.Attempt, Outcome: outcome})
	}
	if !late && slot.Client >= 0 {
		e.followUp(ref)
	}
	e.release(ref)
}

// recordClass keeps the latency of a succeeded request of class c, in a
// run of several classes.
func (e *Engine) recordClass(c int, lat Time) {
	e.svc.byClass[c].sum += float64(lat)
	e.svc.byClass[c].add(lat)
}

// followUp schedules the next request of the closed-loop client whose
// request, that of attempt ref, has just ended (succeeded or failed).
func (e *Engine) followUp(ref TaskRef) {
	next := e.alloc()
	slot := &e.tasks[ref] // alloc may have moved the slots
	n := &e.tasks[next]
	if e.src.FollowUp(&slot.Task, e.now, &n.Task) {
		n.Attempt = 0
		e.schedule(n.Arrival, kindFollowUp, -1, int32(next))
	} else {
		e.free = append(e.free, next)
	}
}

func (e *Engine) schedule(at Time, kind uint8, ctx, arg int32) {
	e.seq++
	e.queue.push(newEvent(at, e.seq, kind, ctx, arg))
}

// After sets a timer: Strategy.Timer(kind, ctx, arg) is called d from now.
// kind must be at most MaxTimerKind.
func (e *Engine) After(d Time, kind uint8, ctx, arg int32) {
	e.schedule(e.now+d, kind, ctx, arg)
}

// Stamp reserves the place among simultaneous events that a timer set now
// with After would take, for a timer set later with At. A strategy that
// keeps one timer and moves it, where it would otherwise set a new timer
// and let the old ones fire for nothing, keeps the order of events the
// new timers would have had.
func (e *Engine) Stamp() uint64 {
	e.seq++
	return e.seq
}

// At sets a timer at the instant at: it fires among the events of that
// instant in the place of stamp, from Stamp. The place must not be one the
// run has passed: at must not be before now, nor, if it is now, stamp
// before the event being handled. kind must be at most MaxTimerKind.
func (e *Engine) At(at Time, stamp uint64, kind uint8, ctx, arg int32) {
	e.queue.push(newEvent(at, stamp, kind, ctx, arg))
}

// NewContext adds a context in state Idle and returns its id; ids count
// from 0 in order of creation.
func (e *Engine) NewContext(info ContextInfo) int32 {
	id := int32(len(e.ctxs))
	g := groupOf(info.Role)
	e.ctxs = append(e.ctxs, context{state: Idle, group: g})
	if g < numGroups {
		e.addContext(g)
	}
	e.infos = append(e.infos, info)
	e.ps.addContext()
	e.stateCount[Idle]++
	if r := e.cfg.Recorder; r != nil {
		r.RecordState(e.now, id, Idle)
	}
	return id
}

// Contexts returns the information of every context created so far,
// indexed by id.
func (e *Engine) Contexts() []ContextInfo {
	return slices.Clone(e.infos)
}

// SetState changes ctx's state from now on.
func (e *Engine) SetState(ctx int32, s State) {
	// Strategies often set the state a context already has; this much is
	// small enough to be inlined into them.
	if e.ctxs[ctx].state != s {
		e.changeState(ctx, s)
	}
}

// changeState is SetState for a state that differs from ctx's.
func (e *Engine) changeState(ctx int32, s State) {
	c := &e.ctxs[ctx]
	if c.state == Waiting || c.state == Blocked || s == Waiting || s == Blocked {
		e.integrateStates()
	}
	if (c.state == Idle) != (s == Idle) && c.group < numGroups {
		e.occupy(c.group, s)
	}
	e.stateCount[c.state]--
	e.stateCount[s]++
	c.state = s
	if r := e.cfg.Recorder; r != nil {
		r.RecordState(e.now, ctx, s)
	}
}

// CountSwitch counts one context switch or coroutine resume.
func (e *Engine) CountSwitch() { e.acc.switches++ }

// AddCPU gives ctx d more CPU work, to run when StartCPU puts it on the
// CPU (or at once, if it is on the CPU).
func (e *Engine) AddCPU(ctx int32, d Time) {
	// Inlined, this costs nothing where d is zero, as a switch cost mostly
	// is.
	if d > 0 {
		e.addCPU(ctx, d)
	}
}

func (e *Engine) addCPU(ctx int32, d Time) {
	if e.onCPU(ctx) {
		e.ps.advance(e.now)
		w := e.ps.stop(ctx) + int64(d)*workScale
		e.ps.start(ctx, w)
		e.psDirty = true
		return
	}
	e.ctxs[ctx].pending += int64(d) * workScale
}

// HasCPU reports whether ctx has CPU work that is not yet on the CPU.
func (e *Engine) HasCPU(ctx int32) bool { return e.ctxs[ctx].pending > 0 }

// StartCPU puts ctx's pending CPU work, and d more, on the CPU; CPUDone
// follows when it is done. ctx must not be on the CPU, and d must not be
// negative. StartCPU(ctx, d) is AddCPU(ctx, d) then StartCPU(ctx, 0) in
// one call, which a strategy that runs each CPU step as it comes saves on
// every step.
func (e *Engine) StartCPU(ctx int32, d Time) {
	c := &e.ctxs[ctx]
	e.ps.advance(e.now)
	e.ps.start(ctx, c.pending+int64(d)*workScale)
	c.pending = 0
	e.psDirty = true
}

// StopCPU takes ctx off the CPU, keeping the work it has left pending.
func (e *Engine) StopCPU(ctx int32) {
	e.ps.advance(e.now)
	e.ctxs[ctx].pending += e.ps.stop(ctx)
	e.psDirty = true
}

// CPUFinishesNow reports whether ctx is on the CPU and completes its work
// at this very instant (its CPUDone is still to come).
func (e *Engine) CPUFinishesNow(ctx int32) bool {
	if !e.onCPU(ctx) {
		return false
	}
	e.ps.advance(e.now)
	return e.ps.realTime(e.ps.jobs[e.ps.pos[ctx]].tag-e.ps.v) == 0
}

func (e *Engine) onCPU(ctx int32) bool {
	return e.ps.pos[ctx] >= 0
}

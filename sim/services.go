package sim

// The engine's part of the services model (DESIGN.md, "Services"): the
// pools of resources, and the clients that give up, retry and meet full
// queues. A workload that uses none of it leaves all of this empty, and
// the engine's hot path tests it only through Engine.svc.

// Engine kinds of event of the services model.
const (
	// kindTimeout is the deadline of the oldest attempt of a class whose
	// client may give up on it: ctx is the class.
	kindTimeout = 129 + iota
	// kindRetry is a client sending an attempt again: arg is the attempt.
	kindRetry
	// kindSYN is a retransmitted SYN of an attempt refused by a full
	// listen backlog: arg is the attempt, ctx the slot's generation.
	kindSYN
)

// requestCounts are the counts of one class's counted requests. Every
// request a run counts ends, succeeded or failed (a run stopped by its
// horizon has no result), so the requests are those two.
type requestCounts struct {
	succeeded, failed, rejected, timeouts, retriesSent, synRetries int64
	wastedCPU                                                      Time
}

// unitPool is one pool of a resource: its free units and its FIFO of
// waiters.
type unitPool struct {
	free    int
	waiters ring[unitWaiter]
	index   int32 // among its resource's pools
}

// unitWaiter is a task waiting for a unit, with the strategy's argument
// for it and when it began waiting.
type unitWaiter struct {
	task  TaskRef
	arg   int32
	since Time
}

// resourceState is what the engine keeps of a resource: where its pools
// are, how many units are held and tasks wait across them, and the
// integrals of those counts.
type resourceState struct {
	first, pools  int // its pools are pools[first : first+pools]
	held, waiting int
	since         Time    // the integrals are up to date until then
	heldInt       float64 // unit-nanoseconds held
	waitingInt    float64 // task-nanoseconds waiting
	holds         int64   // holds granted to counted tasks
	waitSum       float64 // their waits, in ns
}

// resourceWindow is a snapshot of a resource's integrals.
type resourceWindow struct{ heldInt, waitingInt float64 }

// deadline is when the client of an attempt gives up on it unless it has
// ended (its slot's generation is no longer gen), and seq the place among
// simultaneous events that an event set when the attempt was sent would
// have had: the class's event takes it, so that the give-up comes before
// anything the attempt's own work scheduled for that instant (its
// completion).
type deadline struct {
	at  Time
	seq uint64
	ref TaskRef
	gen uint32
}

// deadlines are the deadlines of a class's attempts in flight, in the
// order they were sent, which is their order: every attempt of a class
// has the same timeout. One event, at the oldest deadline, stands for
// them all, where one per attempt would mostly fire for attempts long
// completed and, waiting in the queue, make every event cost more.
type deadlines struct {
	ring[deadline]
	armed bool // an event is in the queue for this class
}

// services is the state of the services model of one run.
type services struct {
	clients   []Client    // per class, or nil: no class gives up
	deadlines []deadlines // per class, with clients
	classes   []requestCounts
	// latencies per class, when there are several classes.
	byClass []latencyStore

	res     []resourceState
	pools   []unitPool
	waiting int // tasks waiting for units, over all resources
	inSYN   int // attempts whose SYN waits to be retransmitted
	// Snapshots of the resources' integrals at the window's ends.
	resStart, resEnd []resourceWindow
}

// initServices sets up the services model of a run: the counts per class,
// the clients (left nil where none gives up or retries, which is how the
// engine knows to skip them) and one process's pools of the resources.
func (e *Engine) initServices() {
	s := &e.svc
	s.classes = make([]requestCounts, max(e.cfg.Classes, 1))
	if e.cfg.Classes > 1 {
		s.byClass = make([]latencyStore, e.cfg.Classes)
		for i := range s.byClass {
			s.byClass[i] = newLatencyStore(0)
		}
	}
	for _, c := range e.cfg.Clients {
		if c.Timeout > 0 || c.Retries > 0 {
			s.clients = e.cfg.Clients
			s.deadlines = make([]deadlines, len(s.clients))
			break
		}
	}
	if len(e.cfg.Resources) > 0 {
		e.initPools(1)
	}
}

// counts returns the counts of class c's requests, making room for them
// where Config.Classes left the classes to count as they come.
func (e *Engine) counts(c int) *requestCounts {
	if c >= len(e.svc.classes) {
		e.svc.classes = append(e.svc.classes, make([]requestCounts, c+1-len(e.svc.classes))...)
	}
	return &e.svc.classes[c]
}

// sent starts the clock of attempt ref's client, if it has a time-out.
func (e *Engine) sent(ref TaskRef) {
	slot := &e.tasks[ref]
	if to := e.svc.clients[slot.Class].Timeout; to > 0 {
		// A completion at the deadline is in time: the client gives up at
		// the first instant after it, a nanosecond (the clock's
		// resolution) later, which no tie between events can reorder.
		q := &e.svc.deadlines[slot.Class]
		q.push(deadline{at: addTime(addTime(slot.Arrival, to), 1), seq: e.Stamp(), ref: ref, gen: slot.gen})
		if !q.armed {
			e.arm(slot.Class)
		}
	}
}

// arm sets the event of class c's oldest deadline, in its place.
func (e *Engine) arm(c int) {
	q := &e.svc.deadlines[c]
	q.armed = true
	d := q.peek()
	e.queue.push(newEvent(d.at, d.seq, kindTimeout, int32(c), 0))
}

// dropEnded takes from the head of class c's deadlines those of attempts
// that have ended, and reports whether any are left.
func (e *Engine) dropEnded(c int) bool {
	q := &e.svc.deadlines[c]
	for q.len() > 0 {
		d := q.peek()
		if e.tasks[d.ref].gen == d.gen {
			return true
		}
		q.pop()
	}
	return false
}

// expire runs the event of class c's oldest deadline, due now in the
// place seq: the clients of the attempts whose deadlines have come, up to
// that place, give up on them.
func (e *Engine) expire(c int, seq uint64) {
	q := &e.svc.deadlines[c]
	q.armed = false
	for q.len() > 0 && (q.peek().at < e.now || q.peek().at == e.now && q.peek().seq <= seq) {
		d := q.pop()
		if e.tasks[d.ref].gen == d.gen {
			e.timeout(d.ref)
		}
	}
	if e.dropEnded(c) && !q.armed {
		e.arm(c)
	}
}

// retry sends attempt ref again, as its client does after giving up on
// the previous one.
func (e *Engine) retry(ref TaskRef) error {
	if slot := &e.tasks[ref]; slot.counted {
		e.counts(slot.Class).retriesSent++
	}
	return e.arrive(ref)
}

// resend delivers the retransmitted SYN of attempt ref to the strategy,
// as an arrival.
func (e *Engine) resend(ref TaskRef) {
	slot := &e.tasks[ref]
	slot.inSYN = false
	e.svc.inSYN--
	if slot.counted {
		e.counts(slot.Class).synRetries++
	}
	e.strat.Arrive(ref)
	e.notePeak()
}

// cpuOf returns the CPU of a task's steps.
func cpuOf(steps []Step) Time {
	var d Time
	for _, s := range steps {
		if s.Kind == CPU {
			d += s.Dur
		}
	}
	return d
}

// Processes tells the engine how many processes the strategy runs, for the
// pools of resources of scope process: every process has its own. A
// strategy calls it in Init, before any task arrives; without a call
// there is one process.
func (e *Engine) Processes(n int) {
	if len(e.cfg.Resources) > 0 {
		e.initPools(max(n, 1))
	}
}

// initPools creates the pools of every resource for procs processes.
func (e *Engine) initPools(procs int) {
	s := &e.svc
	s.res = make([]resourceState, len(e.cfg.Resources))
	s.pools = s.pools[:0]
	for i, r := range e.cfg.Resources {
		n := 1
		if !r.Machine {
			n = procs
		}
		s.res[i] = resourceState{first: len(s.pools), pools: n}
		for j := range n {
			s.pools = append(s.pools, unitPool{free: r.Capacity, index: int32(j)})
		}
	}
	s.resStart = make([]resourceWindow, len(s.res))
	s.resEnd = make([]resourceWindow, len(s.res))
}

// pool returns the pool of resource r that process proc uses.
func (e *Engine) pool(r int32, proc int) (*resourceState, *unitPool) {
	rs := &e.svc.res[r]
	i := rs.first
	if rs.pools > 1 {
		i += proc
	}
	return rs, &e.svc.pools[i]
}

// changed reports a change of resource r's pool p to Config.OnUnits.
func (e *Engine) changed(r int32, rs *resourceState, p *unitPool) {
	i := 0
	if rs.pools > 1 {
		i = int(p.index)
	}
	e.cfg.OnUnits(e.now, int(r), i, e.cfg.Resources[r].Capacity-p.free, p.waiters.len())
}

// integrate brings a resource's integrals up to now.
func (rs *resourceState) integrate(now Time) {
	dt := float64(now - rs.since)
	rs.heldInt += dt * float64(rs.held)
	rs.waitingInt += dt * float64(rs.waiting)
	rs.since = now
}

// Acquire takes for task t, run by process proc, one unit of the resource
// of s, an Acquire step, and reports whether it got one. If none is free
// t joins the pool's FIFO of waiters, with arg, and a later Release hands
// it the unit (returning t and arg).
func (e *Engine) Acquire(t TaskRef, s Step, proc int, arg int32) bool {
	rs, p := e.pool(s.Resource, proc)
	rs.integrate(e.now)
	got := p.free > 0
	if got {
		p.free--
		rs.held++
		if e.tasks[t].counted {
			rs.holds++
		}
	} else {
		p.waiters.push(unitWaiter{task: t, arg: arg, since: e.now})
		rs.waiting++
		e.svc.waiting++
	}
	if e.cfg.OnUnits != nil {
		e.changed(s.Resource, rs, p)
	}
	return got
}

// Release gives back the unit of the resource of s, a Release step, that
// a task run by process proc holds. If tasks wait for one, the unit goes
// at this instant to the head waiter, which Release returns with the arg
// it waited with, for the strategy to resume.
func (e *Engine) Release(s Step, proc int) (waiter TaskRef, arg int32, ok bool) {
	rs, p := e.pool(s.Resource, proc)
	rs.integrate(e.now)
	waiter, arg = -1, 0
	if ok = p.waiters.len() > 0; ok {
		w := p.waiters.pop()
		waiter, arg = w.task, w.arg
		rs.waiting--
		e.svc.waiting--
		if e.tasks[w.task].counted {
			rs.holds++
			rs.waitSum += float64(e.now - w.since)
		}
	} else {
		p.free++
		rs.held--
	}
	if e.cfg.OnUnits != nil {
		e.changed(s.Resource, rs, p)
	}
	return waiter, arg, ok
}

// deadlock is the error of a run that ended with tasks waiting for units.
func (e *Engine) deadlock() error {
	err := &DeadlockError{At: e.now}
	for i, rs := range e.svc.res {
		if rs.waiting > 0 {
			err.Waiting = append(err.Waiting, ResourceWaiters{Resource: e.cfg.Resources[i].Name, Tasks: rs.waiting})
		}
	}
	return err
}

// snapshotResources stores the resources' integrals as of now in w.
func (e *Engine) snapshotResources(w []resourceWindow) {
	for i := range e.svc.res {
		rs := &e.svc.res[i]
		rs.integrate(e.now)
		w[i] = resourceWindow{rs.heldInt, rs.waitingInt}
	}
}

// Reject refuses task t, an attempt that has just arrived, as a full queue
// does: it ends at once with outcome rejected, and its client retries it
// like an attempt it gave up on (DESIGN.md, "Full queues").
func (e *Engine) Reject(t TaskRef) {
	slot := &e.tasks[t]
	if slot.counted {
		e.counts(slot.Class).rejected++
	}
	e.endUnserved(t, OutcomeRejected)
}

// Retransmit is Reject for a kernel's listen backlog: task t, an attempt
// that has just arrived (or whose SYN was retransmitted), finds the accept
// queue full and its SYN is dropped; the client retransmits it at the
// next of SYNRetransmissions after the attempt was sent, when the strategy
// sees it arrive again. After the last retransmission it is rejected.
func (e *Engine) Retransmit(t TaskRef) {
	slot := &e.tasks[t]
	if int(slot.syn) >= len(SYNRetransmissions) {
		e.Reject(t)
		return
	}
	at := slot.Arrival + SYNRetransmissions[slot.syn]
	slot.syn++
	slot.inSYN = true
	e.svc.inSYN++
	e.schedule(at, kindSYN, int32(slot.gen), int32(t))
}

// endUnserved ends attempt t, which no context took, with outcome o at
// now: the attempt is done with, and its request retries or fails.
func (e *Engine) endUnserved(t TaskRef, o Outcome) {
	slot := &e.tasks[t]
	e.inFlight--
	e.inFlightSteps -= int64(len(slot.Steps))
	if slot.counted {
		e.passMarks()
		e.integrateFlight()
		e.countedFlight--
		e.unserved++
	}
	if e.cfg.OnTask != nil {
		e.cfg.OnTask(TaskRecord{Class: slot.Class, Index: slot.Index, Arrival: slot.Arrival, Start: e.now,
			Completion: e.now, Counted: slot.counted, Attempt: slot.Attempt, Outcome: o})
	}
	e.giveUp(t)
	e.release(t)
}

// giveUp is the client of attempt t giving up on it now (a time-out, a
// rejection): it sends the request again after its backoff if it has
// retries left, and otherwise the request fails.
func (e *Engine) giveUp(t TaskRef) {
	slot := &e.tasks[t]
	if e.svc.clients != nil && slot.Attempt < e.svc.clients[slot.Class].Retries {
		c := &e.svc.clients[slot.Class]
		retry := e.alloc()
		slot = &e.tasks[t] // alloc may have moved the slots
		r := &e.tasks[retry]
		r.Class, r.Index, r.Client, r.Request = slot.Class, slot.Index, slot.Client, slot.Request
		r.Attempt = slot.Attempt + 1
		r.Steps = append(r.Steps[:0], slot.Steps...)
		r.sent, r.counted = slot.sent, slot.counted
		at := e.now
		if c.Backoff != nil {
			at = addTime(at, c.Backoff())
		}
		r.Arrival = at
		e.schedule(at, kindRetry, -1, int32(retry))
		return
	}
	if slot.counted {
		e.counts(slot.Class).failed++
	}
	if slot.Client >= 0 {
		e.followUp(t)
	}
}

// timeout handles the time-out of attempt t, set when it was sent with the
// slot's generation gen: its client gives up on it now.
func (e *Engine) timeout(t TaskRef) {
	slot := &e.tasks[t]
	slot.gaveUp = true
	if slot.counted {
		e.counts(slot.Class).timeouts++
	}
	if slot.inSYN {
		// Its SYN waits to be retransmitted: the client closes the socket,
		// the kernel sends no more, and no server ever sees the attempt.
		slot.inSYN = false
		e.svc.inSYN--
		e.endUnserved(t, OutcomeAbandoned) // its retransmission is now stale
		return
	}
	e.giveUp(t)
}

// skip handles ev, an event of the services model just taken from the
// queue, that stands for nothing any more, and reports whether it did:
// the retransmission of an abandoned SYN; the deadline event of a class
// whose attempts due then have all ended (moved to the oldest deadline
// left, if any).
func (e *Engine) skip(ev *event) bool {
	switch ev.kind() {
	case kindSYN:
		return e.tasks[ev.arg()].gen != uint32(ev.ctx())
	case kindTimeout:
		c := int(ev.ctx())
		q := &e.svc.deadlines[c]
		if !e.dropEnded(c) {
			q.armed = false
			return true
		}
		if d := q.peek(); d.at > ev.at || d.seq != ev.seq() {
			e.arm(c) // later, or later at this instant
			return true
		}
	}
	return false
}

// dropStale takes from the head of the queue the events of the services
// model that stand for nothing (skip), and reports whether there were
// any. The loop skips them as it meets them; this is for the horizon,
// which they must not make a run pass.
func (e *Engine) dropStale() bool {
	dropped := false
	for e.queue.len() > 0 && e.queue.head().kind() >= kindTimeout {
		ev := e.queue.pop()
		if !e.skip(&ev) {
			e.queue.push(ev) // back where it was: its (time, sequence) is unchanged
			break
		}
		dropped = true
	}
	return dropped
}

// addTime adds d to t, saturating at never.
func addTime(t, d Time) Time {
	if d > never-t {
		return never
	}
	return t + d
}

// ring is a first-in-first-out queue on a ring buffer that reuses its
// storage.
type ring[T any] struct {
	buf  []T
	head int
	n    int
}

func (q *ring[T]) len() int { return q.n }

func (q *ring[T]) push(v T) {
	if q.n == len(q.buf) {
		grown := make([]T, max(8, 2*len(q.buf)))
		for i := range q.n {
			grown[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
}

// peek returns the oldest element; the queue must not be empty.
func (q *ring[T]) peek() T { return q.buf[q.head] }

// pop removes and returns the oldest element; the queue must not be empty.
func (q *ring[T]) pop() T {
	v := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return v
}

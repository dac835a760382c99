package strategies

import (
	"math/rand/v2"

	"asyncsim/sim"
)

// Timer kinds of the pool strategies.
const (
	timerIODone uint8 = iota
	timerGILDeadline
)

// pool is a set of contexts that pull tasks first-come-first-served from
// one queue and run each start to finish: the worker processes of a
// blocking server (Blocking) and the threads of one process's pool
// (Threaded), which differ only in the GIL. Context ids are the pool's
// indexes: the pool creates every context of its engine.
type pool struct {
	cfg   Config
	role  string
	size  int // 0: a new thread whenever none is idle
	e     *sim.Engine
	task  []sim.TaskRef // per context: the task it runs
	idle  lowestFirst
	queue fifo[sim.TaskRef]

	gil       bool
	holder    int32 // context holding the GIL, or -1
	acquired  sim.Time
	waiters   fifo[int32] // in the order their waits began
	waitSince []sim.Time
	gen       int32 // identifies the current drop deadline

	// cpython is set under HandoverCPython: the waiters are a set (kept
	// in the order their waits began) and the winner of a hand-over is
	// drawn from draw, the strategy's own stream.
	cpython bool
	draw    *rand.Rand

	// The holder's drop deadline, valid while its gen is the pool's, and
	// the one timer that serves every deadline. Hand-overs re-arm the
	// deadline far more often than it expires; setting a timer each time
	// would fill the event queue with stale ones. The timer instead stays
	// where it is, and when it fires early it moves to the deadline then
	// current, in the place among simultaneous events that a timer set
	// when the deadline was armed would have had (Engine.Stamp), so that
	// every run is event for event what it would be with a timer per
	// deadline.
	deadline   drop
	timerSet   bool
	timerStamp uint64
}

// drop is a deadline at which the GIL's holder must drop it.
type drop struct {
	at    sim.Time
	stamp uint64 // the place of its timer among simultaneous events
	ctx   int32
	gen   int32
}

func newPool(c Config, size int, role string, gil bool) *pool {
	return &pool{cfg: c, role: role, size: size, gil: gil, holder: -1, cpython: gil && c.GILHandover == HandoverCPython}
}

func (p *pool) Init(e *sim.Engine) {
	p.e = e
	if p.cpython {
		p.draw = rand.New(newStream(p.cfg.Seed, p.cfg.Replication, p.cfg.Name, streamGIL))
	}
	if p.cfg.Kind == KindBlocking {
		e.Processes(p.size) // a worker is a process
	}
	for range p.size {
		p.idle.push(p.newContext())
	}
}

// process returns the process ctx belongs to, for resources of scope
// process: a blocking worker is one, and a pool's threads share one.
func (p *pool) process(ctx int32) int {
	if p.cfg.Kind == KindBlocking {
		return int(ctx)
	}
	return 0
}

func (p *pool) newContext() int32 {
	ctx := p.e.NewContext(sim.ContextInfo{Role: p.role, Group: -1, Index: len(p.task)})
	p.task = append(p.task, -1)
	p.waitSince = append(p.waitSince, 0)
	return ctx
}

func (p *pool) Arrive(t sim.TaskRef) {
	switch {
	case p.idle.len() > 0:
		p.dispatch(p.idle.pop(), t)
	case p.size == 0:
		p.dispatch(p.newContext(), t)
	case p.cfg.Bounded && p.queue.len() >= p.cfg.Backlog:
		refuse(p.e, &p.cfg, t)
	default:
		p.queue.push(t)
	}
}

// dispatch gives ctx a task and runs it until it must wait; if it
// finishes at once, ctx takes the next.
func (p *pool) dispatch(ctx int32, t sim.TaskRef) {
	for {
		p.task[ctx] = t
		p.e.Begin(t)
		p.switchTo(ctx)
		if !p.advance(ctx) {
			return
		}
		if p.queue.len() == 0 {
			p.e.SetState(ctx, sim.Idle)
			p.idle.push(ctx)
			return
		}
		t = p.queue.pop()
	}
}

// switchTo counts a context switch to ctx and charges its cost.
func (p *pool) switchTo(ctx int32) {
	p.e.CountSwitch()
	p.e.AddCPU(ctx, p.cfg.SwitchCost)
}

// advance runs ctx's task until it waits for the CPU or an IO call, and
// reports whether the task finished instead.
func (p *pool) advance(ctx int32) (finished bool) {
	t := p.task[ctx]
	for {
		if p.e.HasCPU(ctx) {
			p.runCPU(ctx)
			return false
		}
		step, ok := p.e.NextStep(t)
		if !ok {
			p.release(ctx)
			p.task[ctx] = -1
			p.e.Finish(t)
			return true
		}
		if step.Kind == sim.CPU {
			p.e.AddCPU(ctx, step.Dur)
			continue
		}
		if step.Kind >= sim.Acquire {
			if step.Kind >= sim.Gather {
				if step.Kind == sim.Gather {
					t = p.fork(t, step)
				} else {
					t = p.join(t)
				}
				p.task[ctx] = t
				continue
			}
			if p.hold(ctx, t, step) {
				continue
			}
			return false
		}
		// io and blocking_io both leave the thread waiting, without the GIL.
		p.release(ctx)
		p.e.SetState(ctx, sim.InIO)
		p.e.After(step.Dur, timerIODone, ctx, 0)
		return false
	}
}

// fork starts the gather step s of task t and returns its first branch,
// for the context to run: a synchronous handler makes its calls one
// after another (as `requests` in a loop), each branch a child task
// spawned when the one before it has joined.
func (p *pool) fork(t sim.TaskRef, s sim.Step) sim.TaskRef {
	p.e.Fork(t, s)
	child, _ := p.e.Spawn(t)
	return child
}

// join ends branch, whose steps are all done, and returns what its
// context runs next: the gather's next branch, or after the last the
// parent, which goes on after the gather.
func (p *pool) join(branch sim.TaskRef) sim.TaskRef {
	parent, last := p.e.Join(branch)
	if last {
		return parent
	}
	next, _ := p.e.Spawn(parent)
	return next
}

// hold runs an Acquire or Release step of ctx's task t, and reports
// whether the task goes on at once. A context that must wait for a unit
// waits in state acquiring, without the GIL; it is resumed (timerIODone)
// when a Release hands it the unit.
func (p *pool) hold(ctx int32, t sim.TaskRef, step sim.Step) bool {
	if step.Kind == sim.Release {
		if _, waiter, ok := p.e.Release(step, p.process(ctx)); ok {
			// At this instant, but after this context's turn: resuming
			// it here would run two contexts' steps interleaved.
			p.e.After(0, timerIODone, waiter, 0)
		}
		return true
	}
	if p.e.Acquire(t, step, p.process(ctx), ctx) {
		return true
	}
	p.release(ctx)
	p.e.SetState(ctx, sim.Acquiring)
	return false
}

// next gives a context whose task finished the next queued task, or idles it.
func (p *pool) next(ctx int32) {
	if p.queue.len() > 0 {
		p.dispatch(ctx, p.queue.pop())
		return
	}
	p.e.SetState(ctx, sim.Idle)
	p.idle.push(ctx)
}

func (p *pool) Timer(kind uint8, ctx, _ int32) {
	switch kind {
	case timerIODone:
		p.switchTo(ctx)
		if p.advance(ctx) {
			p.next(ctx)
		}
	case timerGILDeadline:
		p.timerFired()
	}
}

func (p *pool) CPUDone(ctx int32) {
	if p.advance(ctx) {
		p.next(ctx)
	}
}

// runCPU puts ctx's pending CPU work on the CPU, first taking the GIL where
// there is one.
func (p *pool) runCPU(ctx int32) {
	switch {
	case !p.gil || p.holder == ctx:
		p.e.SetState(ctx, sim.Running)
		p.e.StartCPU(ctx, 0)
	case p.holder < 0:
		p.acquire(ctx)
	default:
		p.wait(ctx)
	}
}

func (p *pool) wait(ctx int32) {
	p.waitSince[ctx] = p.e.Now()
	p.waiters.push(ctx)
	p.e.SetState(ctx, sim.Waiting)
	if p.waiters.len() == 1 {
		p.armDeadline()
	}
}

func (p *pool) acquire(ctx int32) {
	p.holder = ctx
	p.acquired = p.e.Now()
	p.e.SetState(ctx, sim.Running)
	p.e.StartCPU(ctx, 0)
	p.armDeadline()
}

// armDeadline sets the holder's drop deadline: switch_interval after the
// later of its acquisition and the start of the earliest current wait.
// Under HandoverCPython that is when the first waiter's timer runs out:
// every hand-over restarts every waiter's timer, and a thread that starts
// waiting starts its own, so the earliest timer is the one restarted at
// the holder's acquisition or begun by the earliest wait since.
func (p *pool) armDeadline() {
	p.gen++
	if p.holder < 0 || p.waiters.len() == 0 {
		return
	}
	from := max(p.acquired, p.waitSince[p.waiters.peek()])
	p.setDeadline(from+p.cfg.SwitchInterval, p.holder)
}

// setDeadline makes at the drop deadline of ctx, the holder, under the
// current gen, and sets the timer if none is set.
func (p *pool) setDeadline(at sim.Time, ctx int32) {
	p.deadline = drop{at: at, stamp: p.e.Stamp(), ctx: ctx, gen: p.gen}
	// Deadlines only move later: one is armed switch_interval after now
	// (the later of the acquisition and the earliest wait is now whenever
	// one is armed), or at now by expire, which runs only once the timer
	// has fired. So a timer already set fires no later than the new
	// deadline, and moves to it then.
	if !p.timerSet {
		p.setTimer()
	}
}

// setTimer sets the timer for the current deadline.
func (p *pool) setTimer() {
	d := p.deadline
	p.timerSet, p.timerStamp = true, d.stamp
	p.e.At(d.at, d.stamp, timerGILDeadline, d.ctx, 0)
}

// timerFired handles the deadline timer: it enforces the current deadline
// if the timer stands for it, moves to it if it is later, and is done if
// there is none.
func (p *pool) timerFired() {
	p.timerSet = false
	d := p.deadline
	switch {
	case d.gen != p.gen:
		// No deadline is armed.
	case d.at != p.e.Now() || d.stamp != p.timerStamp:
		p.setTimer()
	default:
		p.expire(d.ctx)
	}
}

// release gives up the GIL, if ctx holds it, to the longest waiter, or
// under HandoverCPython to a waiter drawn uniformly.
func (p *pool) release(ctx int32) {
	if !p.gil || p.holder != ctx {
		return
	}
	p.holder = -1
	p.gen++
	if p.waiters.len() > 0 {
		if p.cpython {
			p.giveTo(p.waiters.removeAt(p.drawUniform()))
			return
		}
		p.handOver()
	}
}

// handOver gives the free GIL to the head waiter.
func (p *pool) handOver() {
	next := p.waiters.pop()
	p.switchTo(next)
	p.acquire(next)
}

// giveTo gives the free GIL to next, a thread that was waiting for it and
// has left the waiters.
func (p *pool) giveTo(next int32) {
	p.switchTo(next)
	p.acquire(next)
}

// expire forces ctx, the holder, to drop the GIL at its deadline, unless
// its CPU step ends at this very instant: then the step completes first,
// and the deadline is looked at again right after.
func (p *pool) expire(ctx int32) {
	if p.holder != ctx {
		return
	}
	if p.e.CPUFinishesNow(ctx) {
		p.gen++
		p.setDeadline(p.e.Now(), ctx)
		return
	}
	p.e.StopCPU(ctx)
	p.holder = -1
	if p.cpython {
		// The forced releaser is not a candidate: it starts waiting only
		// once the winner is drawn.
		next := p.waiters.removeAt(p.drawForced())
		p.wait(ctx)
		p.giveTo(next)
		return
	}
	p.wait(ctx)
	p.handOver()
}

// requester returns the index among the waiters of the one whose timer
// runs out first: every timer restarted at the last hand-over (the
// holder's acquisition) runs out before one begun later, and among those
// the thread that began waiting last comes first. In CPython only the
// thread forced out at a switch starts its timed wait there; the others
// notice the switch when their own timed wait, begun earlier, runs out,
// and only then wait a full interval again.
func (p *pool) requester() int {
	r := 0
	for i := range p.waiters.len() {
		if p.waitSince[p.waiters.at(i)] > p.acquired {
			break
		}
		r = i
	}
	return r
}

// drawForced returns the index among the waiters of the one that wins a
// forced hand-over: the requester with probability requesterShare(bias, n),
// otherwise one of the other waiters, uniformly. Nothing is drawn where
// there is no choice: a lone waiter wins, and a lone other waiter needs
// no second draw.
func (p *pool) drawForced() int {
	r := p.requester()
	n := p.waiters.len()
	if n == 1 || p.draw.Float64() < requesterShare(p.cfg.GILRequesterBias, n) {
		return r
	}
	i := 0
	if n > 2 {
		i = p.draw.IntN(n - 1)
	}
	if i >= r {
		i++
	}
	return i
}

// requesterShare is the requester's chance among n candidates when its
// odds against any one other waiter are bias/(1 − bias): w/(w + n − 1)
// with w = bias/(1 − bias), written so that bias 1 needs no division by
// zero. With n = 2 it is bias itself; with more waiters the requester's
// share falls, each other waiter keeping 1/(w + n − 1).
func requesterShare(bias float64, n int) float64 {
	return bias / (bias + float64(n-1)*(1-bias))
}

// drawUniform returns the index among the waiters of the one that wins a
// voluntary hand-over (the holder went to IO or finished its task): no
// thread asked for it, so every waiter is equally likely. A lone waiter
// wins without a draw.
func (p *pool) drawUniform() int {
	if n := p.waiters.len(); n > 1 {
		return p.draw.IntN(n)
	}
	return 0
}

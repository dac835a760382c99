package strategies

import "asyncsim/sim"

// Timer kinds of the event loop.
const (
	timerResume   uint8 = iota // an awaited io call completed: arg is the task
	timerUnblock               // the loop thread's blocking call returned
	timerExecDone              // an executor thread's call returned: arg is the task
)

// offloaded is a blocking call waiting for an executor thread.
type offloaded struct {
	task sim.TaskRef
	dur  sim.Time
}

// loop is one event-loop process: its thread, its coroutines and its
// executor pool.
type loop struct {
	ctx      int32
	ready    fifo[sim.TaskRef] // coroutines ready to run, FIFO
	admit    fifo[sim.TaskRef] // tasks waiting for a max_concurrency slot
	inFlight int
	current  sim.TaskRef // the coroutine the loop thread runs, or -1

	execCtx   []int32 // context of each executor thread
	execIdle  lowestFirst
	execQueue fifo[offloaded]

	index int // among the loops: its process, for resources
}

// eventLoop is the event_loop strategy: Loops processes, each with one
// cooperative loop thread and its own executor. Tasks go to the loops
// round-robin.
type eventLoop struct {
	cfg   Config
	e     *sim.Engine
	loops []loop
	owner []*loop // per context: the loop it belongs to
	exec  []int32 // per context: its executor index, or -1 for a loop thread
	rr    int
	// wake lets a loop that may be idle run what became ready in it from
	// outside its own events (a unit of a machine-wide resource handed
	// to one of its coroutines): runReady, or the iterating loop's own.
	wake func(l *loop)
}

func newEventLoop(c Config) *eventLoop { return &eventLoop{cfg: c} }

func (el *eventLoop) Init(e *sim.Engine) {
	el.e = e
	el.wake = el.runReady
	e.Processes(el.cfg.Loops)
	el.loops = make([]loop, el.cfg.Loops)
	for i := range el.loops {
		l := &el.loops[i]
		l.current, l.index = -1, i
		l.ctx = el.newContext(sim.ContextInfo{Role: "loop", Group: -1, Index: i}, l, -1)
		if !el.cfg.Offload || el.cfg.AwaitBlocking {
			continue // the executor would never be used
		}
		for x := range el.cfg.Executor {
			ctx := el.newContext(sim.ContextInfo{Role: "executor", Group: i, Index: x}, l, int32(x))
			l.execCtx = append(l.execCtx, ctx)
			l.execIdle.push(int32(x))
		}
	}
}

func (el *eventLoop) newContext(info sim.ContextInfo, owner *loop, exec int32) int32 {
	ctx := el.e.NewContext(info)
	el.owner = append(el.owner, owner)
	el.exec = append(el.exec, exec)
	return ctx
}

func (el *eventLoop) Arrive(t sim.TaskRef) {
	l := &el.loops[el.rr]
	if el.rr++; el.rr == len(el.loops) {
		el.rr = 0
	}
	if el.cfg.MaxConcurrency > 0 && l.inFlight >= el.cfg.MaxConcurrency {
		el.admit(l, t)
		return
	}
	l.inFlight++
	l.ready.push(t)
	el.runReady(l)
}

// admit queues t, an arrival at l with no max_concurrency slot free, for
// one, unless the backlog is full.
func (el *eventLoop) admit(l *loop, t sim.TaskRef) {
	if el.cfg.Bounded && l.admit.len() >= el.cfg.Backlog {
		refuse(el.e, &el.cfg, t)
		return
	}
	l.admit.push(t)
}

// runReady lets an idle loop thread take coroutines from the head of its
// ready queue until one occupies it or none is left.
func (el *eventLoop) runReady(l *loop) {
	for l.current < 0 && l.ready.len() > 0 {
		t := l.ready.pop()
		l.current = t
		el.e.Begin(t)
		el.e.CountSwitch()
		el.e.AddCPU(l.ctx, el.cfg.SwitchCost)
		el.step(l)
	}
	if l.current < 0 {
		el.e.SetState(l.ctx, sim.Idle)
	}
}

// step runs the current coroutine until it occupies the loop thread (CPU
// or a blocking call) or gives it up (awaits, offloads or finishes).
func (el *eventLoop) step(l *loop) {
	t := l.current
	if el.e.HasCPU(l.ctx) { // a switch cost, which runs first
		el.runCPU(l, 0)
		return
	}
	for {
		s, ok := el.e.NextStep(t)
		if !ok {
			el.e.Finish(t)
			l.current = -1
			l.inFlight--
			if l.admit.len() > 0 {
				l.inFlight++
				l.ready.push(l.admit.pop())
			}
			return
		}
		switch {
		case s.Kind == sim.CPU:
			if s.Dur > 0 {
				el.runCPU(l, s.Dur)
				return
			}
		case s.Kind >= sim.Acquire:
			if s.Kind >= sim.Gather {
				if s.Kind == sim.Gather {
					el.gather(l, t, s)
				} else {
					el.join(l, t)
				}
				l.current = -1
				return
			}
			if !el.hold(l, t, s) {
				l.current = -1
				return
			}
		case s.Kind == sim.IO || el.cfg.AwaitBlocking:
			el.e.After(s.Dur, timerResume, l.ctx, int32(t))
			l.current = -1
			return
		case el.cfg.Offload:
			el.offload(l, offloaded{t, s.Dur})
			l.current = -1
			return
		default: // blocking_io on the loop thread: nothing else progresses
			el.e.SetState(l.ctx, sim.Blocked)
			el.e.After(s.Dur, timerUnblock, l.ctx, int32(t))
			return
		}
	}
}

// hold runs an Acquire or Release step of l's current coroutine t, and
// reports whether the coroutine goes on at once. Acquiring is awaitable:
// a coroutine that must wait for a unit is suspended, and joins the back
// of its loop's ready queue when a Release hands it the unit.
func (el *eventLoop) hold(l *loop, t sim.TaskRef, s sim.Step) bool {
	proc := l.index
	if s.Kind == sim.Acquire {
		return el.e.Acquire(t, s, proc, int32(proc))
	}
	if waiter, at, ok := el.e.Release(s, proc); ok {
		w := &el.loops[at]
		w.ready.push(waiter)
		el.wake(w) // a no-op for l, whose thread is busy with t
	}
	return true
}

// gather starts the gather step s of l's current coroutine t, which
// awaits it: its branches, child coroutines, join the back of the ready
// queue in order, and t rejoins it when the last of them has ended.
func (el *eventLoop) gather(l *loop, t sim.TaskRef, s sim.Step) {
	el.e.Fork(t, s)
	for {
		child, ok := el.e.Spawn(t)
		if !ok {
			return
		}
		l.ready.push(child)
	}
}

// join ends t, a child coroutine whose steps are done: after the last
// branch of its gather, the parent rejoins the back of the ready queue.
func (el *eventLoop) join(l *loop, t sim.TaskRef) {
	if parent, last := el.e.Join(t); last {
		l.ready.push(parent)
	}
}

// runCPU puts the loop thread's pending CPU work, and d more, on the CPU.
func (el *eventLoop) runCPU(l *loop, d sim.Time) {
	el.e.SetState(l.ctx, sim.Running)
	el.e.StartCPU(l.ctx, d)
}

// offload hands a blocking call to an idle executor thread, or queues it.
func (el *eventLoop) offload(l *loop, call offloaded) {
	if l.execIdle.len() == 0 {
		l.execQueue.push(call)
		return
	}
	ctx := l.execCtx[l.execIdle.pop()]
	el.e.SetState(ctx, sim.InIO)
	el.e.After(call.dur, timerExecDone, ctx, int32(call.task))
}

func (el *eventLoop) Timer(kind uint8, ctx, arg int32) {
	l := el.owner[ctx]
	switch kind {
	case timerResume:
		l.ready.push(sim.TaskRef(arg))
	case timerUnblock:
		el.step(l)
	case timerExecDone:
		l.ready.push(sim.TaskRef(arg))
		if l.execQueue.len() > 0 {
			call := l.execQueue.pop()
			el.e.After(call.dur, timerExecDone, ctx, int32(call.task))
		} else {
			el.e.SetState(ctx, sim.Idle)
			l.execIdle.push(el.exec[ctx])
		}
	}
	el.runReady(l)
}

func (el *eventLoop) CPUDone(ctx int32) {
	l := el.owner[ctx]
	el.step(l)
	el.runReady(l)
}

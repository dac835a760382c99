package strategies

import "asyncsim/sim"

// iterLoop is the event_loop strategy under an iterating loop model
// (LoopAsyncio, LoopUVLoop): each loop runs iterations as asyncio's
// BaseEventLoop._run_once does — a poll (select, then _process_events),
// then exactly the ntodo callbacks that were ready after it — and each
// poll costs poll_cost and each coroutine resume resume_cost of CPU on the
// loop thread. It shares everything else with the FIFO loop: Arrive and
// Timer repeat the FIFO loop's but for what runs next, so that the
// default's hot path carries no test of the model. Measured on bench-loop
// (instructions per task): factoring the executor's branch out of the FIFO
// loop's Timer, with two more fields in loop, cost 0.75%; sharing it as a
// method, execDone, 0.44%; sharing Arrive's queueing as a method (cost
// 198, not inlined), 1.45%.
type iterLoop struct {
	eventLoop
	// Per loop thread (by context id): whether it is polling, and how
	// many coroutines of its current iteration are still to run. They
	// live here rather than in loop so that the FIFO loop's data stay as
	// they are.
	polling []bool
	batch   []int
}

func (il *iterLoop) Init(e *sim.Engine) {
	il.eventLoop.Init(e)
	il.eventLoop.wake = il.wake
	n := len(il.owner)
	il.polling, il.batch = make([]bool, n), make([]int, n)
}

func (il *iterLoop) Arrive(t sim.TaskRef) {
	l := &il.loops[il.rr]
	if il.rr++; il.rr == len(il.loops) {
		il.rr = 0
	}
	if il.cfg.MaxConcurrency > 0 && l.inFlight >= il.cfg.MaxConcurrency {
		il.admit(l, t)
		return
	}
	l.inFlight++
	l.ready.push(t)
	il.wake(l)
}

func (il *iterLoop) Timer(kind uint8, ctx, arg int32) {
	l := il.owner[ctx]
	switch kind {
	case timerResume:
		l.ready.push(sim.TaskRef(arg))
	case timerUnblock:
		// The loop thread's blocking call returned: the coroutine goes on,
		// then the rest of the iteration.
		il.step(l)
		il.runBatch(l)
		return
	case timerExecDone:
		l.ready.push(sim.TaskRef(arg))
		if l.execQueue.len() > 0 {
			call := l.execQueue.pop()
			il.e.After(call.dur, timerExecDone, ctx, int32(call.task))
		} else {
			il.e.SetState(ctx, sim.Idle)
			l.execIdle.push(il.exec[ctx])
		}
	}
	il.wake(l)
}

func (il *iterLoop) CPUDone(ctx int32) {
	l := il.owner[ctx]
	if il.polling[ctx] {
		il.polling[ctx] = false
		il.batch[ctx] = l.ready.len()
	} else {
		il.step(l)
	}
	il.runBatch(l)
}

// wake begins an iteration of l if it is idle (blocked in its poll):
// what became ready makes the poll return.
func (il *iterLoop) wake(l *loop) {
	if l.current < 0 && !il.polling[l.ctx] && il.batch[l.ctx] == 0 {
		il.runBatch(l)
	}
}

// runBatch runs the rest of the current iteration's coroutines, in the
// order they became ready, until one occupies the loop thread; after the
// last, the next iteration begins. What became ready meanwhile (a resumed
// coroutine, an arrival, an admitted task) waits for it.
func (il *iterLoop) runBatch(l *loop) {
	for {
		for l.current < 0 && il.batch[l.ctx] > 0 {
			il.batch[l.ctx]--
			t := l.ready.pop()
			l.current = t
			il.e.Begin(t)
			il.e.CountSwitch()
			il.e.AddCPU(l.ctx, il.cfg.SwitchCost+il.cfg.ResumeCost)
			il.resume(l)
		}
		if l.current >= 0 || !il.poll(l) {
			return
		}
	}
}

// resume runs the coroutine just resumed, whose resume cost is pending on
// the loop thread. When its next step is CPU the cost and the step run as
// one burst: the loop thread runs them back to back either way, and one
// burst is one event rather than two.
func (il *iterLoop) resume(l *loop) {
	if s, ok := il.e.PeekStep(l.current); ok && s.Kind == sim.CPU && s.Dur > 0 && il.e.HasCPU(l.ctx) {
		il.e.NextStep(l.current)
		il.runCPU(l, s.Dur)
		return
	}
	il.step(l)
}

// poll begins an iteration of a loop that has run the last one's
// coroutines, and reports whether the new iteration's coroutines are to
// run at once. With nothing ready the loop idles. Otherwise it polls,
// costing poll_cost on the loop thread, and the iteration's coroutines
// are those ready when the poll ends: at once, if the poll costs nothing.
func (il *iterLoop) poll(l *loop) bool {
	switch {
	case l.ready.len() == 0:
		il.e.SetState(l.ctx, sim.Idle)
		return false
	case il.cfg.PollCost > 0:
		il.polling[l.ctx] = true
		il.runCPU(l, il.cfg.PollCost)
		return false
	}
	il.batch[l.ctx] = l.ready.len()
	return true
}

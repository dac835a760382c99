package memory

import (
	"asyncsim/sim"
	"asyncsim/strategies"
)

// Usage is a server's memory at its peak, by part.
type Usage struct {
	// Processes, Threads and Tasks are what the server ran at its peak:
	// its processes, its threads beyond each process's main one, and its
	// asyncio tasks in flight.
	Processes, Threads, Tasks int64
	// Bytes is the memory they hold, with the shared pages.
	Bytes int64
}

// MiB returns u's bytes in mebibytes (2²⁰ bytes).
func (u Usage) MiB() float64 { return float64(u.Bytes) / (1 << 20) }

// Estimate returns the peak memory of the server that c stands for, at
// the costs c.Memory, in a run that created contexts
// (sim.Result.Contexts) and held at most peakInFlight tasks at once
// (sim.Result.PeakInFlight):
//   - blocking: one process per worker;
//   - threaded: one process, whose main thread accepts, and a thread per
//     thread context: the pool's size, or under threads: 0 the threads
//     the run created, which is the most tasks it ran at once;
//   - event_loop: one process per loop, a thread per executor thread
//     (created only with offload), and a task per task in flight on the
//     loops, those waiting for admission under max_concurrency too, and
//     per branch of their gathers.
//
// A blocking or threaded server's queued requests are not counted: each
// is a connection the kernel or the server holds for a few KiB.
func Estimate(c strategies.Config, contexts []sim.ContextInfo, peakInFlight int) Usage {
	var u Usage
	for _, ctx := range contexts {
		switch ctx.Role {
		case "worker", "loop":
			u.Processes++
		case "thread", "executor":
			u.Threads++
		}
	}
	switch c.Kind {
	case strategies.KindThreaded:
		u.Processes = 1
	case strategies.KindEventLoop:
		u.Tasks = int64(peakInFlight)
	}
	costs := &c.Memory
	u.Bytes = costs.Shared + u.Processes*costs.Process + u.Threads*costs.Thread + u.Tasks*costs.Task
	return u
}

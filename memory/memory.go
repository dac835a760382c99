package memory

import (
	"asyncsim/sim"
	"asyncsim/strategies"
)

// Costs are the memory costs of a CPython server's parts, in bytes.
type Costs struct {
	// Shared is the interpreter's resident file-backed pages (its code
	// and libraries), which every process of the one binary shares: the
	// server holds them once.
	Shared int64
	// Process is one server process's own memory: its anonymous pages
	// with what a server imports, its page tables and its main thread's
	// kernel memory.
	Process int64
	// Thread is each thread beyond a process's main one: the pages of
	// its stack and thread state touched by a request's call depth, its
	// page tables, and its kernel stack and task structures.
	Thread int64
	// Task is each asyncio task in flight: the Task, its chain of
	// suspended coroutines and the future it awaits.
	Task int64
}

// Default holds the medians of five repetitions of calibrate/memory.py on
// the development machine (x86-64, Linux 6.18, Debian 12's CPython
// 3.11.2), from calibrate/measurements/memory.json ("costs"):
//   - Shared: shared_bytes, the RssFile of an idle server process;
//   - Process: process_bytes, its RssAnon and VmPTE (14,790,656 bytes)
//     and its main thread's kernel memory (thread_kernel_bytes);
//   - Thread: thread_bytes, per thread of 1,000 blocked at a call depth
//     of 20 frames: RssAnon 37,859, VmPTE 4,256, KernelStack 16,384
//     (THREAD_SIZE on x86-64) and SUnreclaim 6,681 (task_struct is 5,952
//     of it);
//   - Task: task_bytes, RssAnon per task of 100,000 suspended at the
//     bottom of three coroutines (tracemalloc counts 1,629 of its 1,684).
var Default = Costs{Shared: 9_711_616, Process: 14_813_721, Thread: 65_180, Task: 1_684}

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

// Estimate returns the peak memory of the server that c stands for, in a
// run that created contexts (sim.Result.Contexts) and held at most
// peakInFlight tasks at once (sim.Result.PeakInFlight):
//   - blocking: one process per worker;
//   - threaded: one process, whose main thread accepts, and a thread per
//     thread context: the pool's size, or under threads: 0 the threads
//     the run created, which is the most tasks it ran at once;
//   - event_loop: one process per loop, a thread per executor thread
//     (created only with offload), and a task per task in flight on the
//     loops, those waiting for admission under max_concurrency too.
//
// A blocking or threaded server's queued requests are not counted: each
// is a connection the kernel or the server holds for a few KiB.
func Estimate(c strategies.Config, contexts []sim.ContextInfo, peakInFlight int, costs Costs) Usage {
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
	u.Bytes = costs.Shared + u.Processes*costs.Process + u.Threads*costs.Thread + u.Tasks*costs.Task
	return u
}

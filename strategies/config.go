package strategies

import (
	"fmt"

	"asyncsim/sim"
)

// Kind names a strategy as the workload YAML does.
type Kind string

// The strategy kinds.
const (
	KindBlocking  Kind = "blocking"
	KindThreaded  Kind = "threaded"
	KindEventLoop Kind = "event_loop"
)

// Kinds lists every strategy kind, in documentation order.
var Kinds = []Kind{KindBlocking, KindThreaded, KindEventLoop}

// DefaultSwitchInterval is CPython's GIL switch interval
// (sys.getswitchinterval() = 0.005).
const DefaultSwitchInterval = 5 * sim.Millisecond

// DefaultPoolSize is the thread count of Python's ThreadPoolExecutor on a
// machine with the given cores: min(32, cores+4).
func DefaultPoolSize(cores int) int { return min(32, cores+4) }

// Config is one strategy of a workload with every parameter resolved: the
// workload loader fills in the defaults and checks the values against
// Schemas, so a Config says exactly what runs.
// Fields that do not belong to Kind are zero.
type Config struct {
	// Name labels the strategy in every output; it defaults to the kind.
	Name string
	Kind Kind

	// Workers is the number of single-threaded worker processes (blocking).
	Workers int

	// Threads is the pool size (threaded); 0 means one thread per task.
	Threads int
	// GIL makes at most one thread run CPU at a time (threaded).
	GIL bool
	// SwitchInterval is how long a GIL holder may run while others wait
	// before it is forced to drop the GIL (threaded with GIL).
	SwitchInterval sim.Time
	// Loops is the number of event-loop processes (event_loop).
	Loops int
	// Executor is the size of each loop's executor pool (event_loop).
	Executor int
	// Offload runs blocking_io steps on the executor instead of the loop
	// thread (event_loop).
	Offload bool
	// AwaitBlocking replaces every blocking_io step by its awaitable
	// equivalent (asyncio.sleep for time.sleep, aiohttp for requests): the
	// coroutine awaits it as an io step (event_loop).
	AwaitBlocking bool
	// MaxConcurrency caps the coroutines in flight per loop; 0 is no cap
	// (event_loop).
	MaxConcurrency int
	// SwitchCost is CPU consumed per context switch (blocking, threaded) or
	// per coroutine resume (event_loop).
	SwitchCost sim.Time
	// Bounded makes Backlog the bound of the tasks waiting for a context:
	// the accept queue (blocking), the queue for a free thread (threaded),
	// each loop's admission queue (event_loop, with MaxConcurrency). An
	// arrival that finds it full is refused. Without Bounded the queue has
	// no bound; Backlog 0 with Bounded is a loss system.
	Bounded bool
	Backlog int
	// BacklogFull is what a refused arrival meets: BacklogReject or
	// BacklogSYNRetry.
	BacklogFull string

	// The runtime models' parameters come last, after those of the exact
	// rules, so that adding them left the drivers' hot fields in place.

	// GILHandover is the rule that gives the GIL to a waiter (threaded
	// with GIL): HandoverFIFO or HandoverCPython.
	GILHandover string
	// GILRequesterBias is the probability that the requester wins a forced
	// hand-over under HandoverCPython against one other waiter: its odds
	// against each other waiter are GILRequesterBias/(1 − GILRequesterBias).
	GILRequesterBias float64

	// LoopModel is how a loop schedules its ready coroutines (event_loop):
	// LoopFIFO, LoopAsyncio or LoopUVLoop.
	LoopModel string
	// PollCost is the loop thread's CPU per iteration, and ResumeCost its
	// CPU per coroutine resume, under LoopAsyncio and LoopUVLoop.
	PollCost, ResumeCost sim.Time

	// Memory is what the server's parts hold in memory, for the estimate
	// of its peak (package memory): the runtime profile's, or
	// DefaultRuntime's. The workload loader sets it; it changes no run.
	Memory MemoryCosts

	// Seed and Replication identify the run, for a strategy that draws
	// (HandoverCPython): its stream is derived from (Seed, Replication,
	// Name, "gil"), as a task class's is from its name. The workload
	// loader leaves them zero; the caller of New sets them per run.
	Seed        uint64
	Replication int
}

// The GIL hand-over rules (Config.GILHandover).
const (
	// HandoverFIFO gives the GIL to the longest waiter (the exact rule).
	HandoverFIFO = "fifo"
	// HandoverCPython follows CPython's ceval_gil.c: per-waiter timers, a
	// requester, and the winner drawn by the operating system.
	HandoverCPython = "cpython"
)

// What an arrival that finds the backlog full meets (Config.BacklogFull).
const (
	// BacklogReject answers at once with an error (a 503): the attempt is
	// rejected.
	BacklogReject = "reject"
	// BacklogSYNRetry is a kernel's listen backlog: the SYN is dropped and
	// the client retransmits it (sim.SYNRetransmissions).
	BacklogSYNRetry = "syn_retry"
)

// The loop models (Config.LoopModel).
const (
	// LoopFIFO runs the head of the ready queue whenever the loop is free,
	// at no cost of its own (the exact rule).
	LoopFIFO = "fifo"
	// LoopAsyncio runs iterations as asyncio's _run_once does: a poll
	// costing PollCost, then exactly the coroutines ready when the
	// iteration began, each resume costing ResumeCost.
	LoopAsyncio = "asyncio"
	// LoopUVLoop is LoopAsyncio with uvloop's costs.
	LoopUVLoop = "uvloop"
)

// New returns a fresh driver for one run of c, a Config as the workload
// loader resolves it (within the limits of Schemas, which New does not
// check again). It fails only on an unknown kind.
func New(c Config) (sim.Strategy, error) {
	switch c.Kind {
	case KindBlocking:
		return newPool(c, c.Workers, "worker", false), nil
	case KindThreaded:
		return newPool(c, c.Threads, "thread", c.GIL), nil
	case KindEventLoop:
		if c.LoopModel == LoopAsyncio || c.LoopModel == LoopUVLoop {
			return &iterLoop{eventLoop: *newEventLoop(c)}, nil
		}
		return newEventLoop(c), nil
	}
	return nil, fmt.Errorf("strategies: unknown kind %q", c.Kind)
}

// LoopCosts are an event loop's own CPU costs: per iteration (Poll) and
// per coroutine resume (Resume).
type LoopCosts struct {
	Poll, Resume sim.Time
}

// MemoryCosts are the memory costs of a CPython server's parts, in
// bytes (docs/model.md, "Memory").
type MemoryCosts struct {
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

// Runtime is a runtime profile: the defaults of the runtime models'
// parameters, as the calibration kit (calibrate/) measures them on a
// machine and writes them for a workload's `runtime:` key.
type Runtime struct {
	// Asyncio and UVLoop are the costs of the loop models of those names.
	Asyncio, UVLoop LoopCosts
	// RequesterBias is the default gil_requester_bias.
	RequesterBias float64
	// Memory is what the server's parts hold in memory.
	Memory MemoryCosts
}

// DefaultRuntime holds the built-in defaults: the calibration kit's fit
// (calibrate/measurements/debian12-cpython3.11.2/profile.yaml) to its full
// run, five repetitions of every scenario, on the 2-vCPU development VM
// with Debian 12's CPython 3.11.2 and python3-uvloop 0.17.0, the machine
// otherwise idle, rounded to two figures:
//   - asyncio's poll_cost 2.8us and resume_cost 2.4us (fitted 2.797us and
//     2.382us per iteration and per resume);
//   - uvloop's poll_cost 0 and resume_cost 1.5us (fitted 0us, the fit's
//     negative intercept clamped at zero, and 1.522us);
//   - gil_requester_bias 0.56: the median of the 10 per-repetition fits
//     beside two CPU-bound threads at switch intervals of 5 and 20 ms
//     (0.563); beside three the model then fits the measurements too.
//
// Its memory costs are the medians of five repetitions of
// calibrate/memory.py on the same machine (x86-64, Linux 6.18), from
// calibrate/measurements/memory.json ("costs"):
//   - Shared: shared_bytes, the RssFile of an idle server process;
//   - Process: process_bytes, its RssAnon and VmPTE (14,790,656 bytes)
//     and its main thread's kernel memory (thread_kernel_bytes);
//   - Thread: thread_bytes, per thread of 1,000 blocked at a call depth
//     of 20 frames: RssAnon 37,859, VmPTE 4,256, KernelStack 16,384
//     (THREAD_SIZE on x86-64) and SUnreclaim 6,681 (task_struct is 5,952
//     of it);
//   - Task: task_bytes, RssAnon per task of 100,000 suspended at the
//     bottom of three coroutines (tracemalloc counts 1,629 of its 1,684).
var DefaultRuntime = Runtime{
	Asyncio:       LoopCosts{Poll: 2800, Resume: 2400},
	UVLoop:        LoopCosts{Poll: 0, Resume: 1500},
	RequesterBias: 0.56,
	Memory:        MemoryCosts{Shared: 9_711_616, Process: 14_813_721, Thread: 65_180, Task: 1_684},
}

// Loop returns the costs of the loop model m, which is LoopAsyncio or
// LoopUVLoop.
func (r *Runtime) Loop(m string) LoopCosts {
	if m == LoopUVLoop {
		return r.UVLoop
	}
	return r.Asyncio
}

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
}

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
		return newEventLoop(c), nil
	}
	return nil, fmt.Errorf("strategies: unknown kind %q", c.Kind)
}

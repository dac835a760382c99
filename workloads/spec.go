package workloads

import (
	"math"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// Spec is a validated workload with every default resolved.
type Spec struct {
	// File names the workload in error messages: a path, or
	// "example:NAME" for an embedded example.
	File string
	// Name is the workload's name, matching [a-z0-9._-]+.
	Name string
	// Description is free text.
	Description string
	// Seed is the root of every random stream (default 1).
	Seed uint64
	// Replications is how many independent runs to make (default 1).
	Replications int
	// Warmup leaves tasks arriving before it out of statistics (default 0).
	Warmup sim.Time
	// Cores is machine.cores (default 1).
	Cores int
	// Resources are the limited resources (top-level `resources`), in
	// file order; a hold step names one by its index here.
	Resources []sim.Resource
	// Classes are the task classes, in file order.
	Classes []Class
	// Strategies are the strategies to compare, in file order, with their
	// defaults resolved.
	Strategies []strategies.Config

	// where holds the positions of the values that checks made after
	// parsing (CheckBudget) point at.
	where positions
}

// positions are where a workload's parts are written: the values of its
// warmup, tasks and strategies keys, and each class and strategy.
type positions struct {
	warmup, tasks, strategies position
	classItems, strategyItems []position
}

// position is a line and column in the workload's file; the zero value
// means the part was not written (a default).
type position struct{ line, col int }

// Class is a task class: open arrivals (Count tasks, the first at Start,
// then separated by Interarrival; or of a changing Rate; or replayed from
// a Trace) or closed-loop Clients.
type Class struct {
	// Name identifies the class; names are unique within a workload.
	Name string
	// Count is the number of open arrivals; 0 when Clients is not nil,
	// and under Rate or Trace 0 when only the rate's or the trace's end
	// ends the stream.
	Count int
	// Start is arrival.start: the first arrival, or every client's first
	// request.
	Start sim.Time
	// Interarrival is the gap between successive open arrivals; nil means
	// every task arrives at Start (without Rate). arrival.per_second R
	// sets it to the exponential of mean 1/R.
	Interarrival *Dist
	// Rate, when not nil, makes the open arrivals a Poisson stream whose
	// rate changes by segments (arrival.rate); Interarrival is then nil.
	Rate []RateSegment
	// Trace, when not nil, replays the open arrivals from a file
	// (arrival.trace), at most Count of them when Count > 0, each at
	// Start plus its instant divided by Trace.Speed.
	Trace *Trace
	// Clients describes closed-loop clients, or is nil for open arrivals.
	Clients *Clients
	// Timeout is how long a client waits for an attempt before giving up
	// on it; 0 is forever.
	Timeout sim.Time
	// Retries is how many more attempts a request may make.
	Retries int
	// Backoff is the wait before each retry; nil is none.
	Backoff *Dist
	// Steps are the steps of every task of the class, run in order.
	Steps []StepSpec
}

// RateSegment is one segment of arrival.rate: For long, PerSecond
// arrivals per second (0: a pause).
type RateSegment struct {
	For       sim.Time
	PerSecond float64
}

// Clients are closed-loop clients: each sends Requests requests one after
// the other, the next one Think after the previous one completes.
type Clients struct {
	// Count is the number of clients.
	Count int
	// Requests is the number of requests each client sends.
	Requests int
	// Think is the think time between a completion and the client's next
	// request; nil is zero.
	Think *Dist
}

// StepSpec is one step of a class: a cpu, io or blocking_io step of
// duration Dur, or (Repeat > 0) a repeat block running Steps Repeat times,
// with Dur nil, or (Kind sim.Acquire) a hold block running Steps while
// holding one unit of Spec.Resources[Resource], with Dur nil, or (Kind
// sim.Gather) a gather block whose Branches run concurrently, with Dur
// nil: Count copies of its one branch when Count > 0, each sampled anew.
type StepSpec struct {
	// Resource is a hold block's resource, an index in Spec.Resources.
	Resource int
	// Kind is the step's kind: sim.Acquire for a hold block, sim.Gather
	// for a gather block (unused for a repeat block).
	Kind sim.StepKind
	// Dur is the step's duration.
	Dur *Dist
	// Repeat is the repeat count of a repeat block, or 0.
	Repeat int
	// Steps are the repeated steps of a repeat block, or the held steps
	// of a hold block.
	Steps []StepSpec
	// Branches are a gather block's branches: one, copied Count times,
	// when Count > 0.
	Branches [][]StepSpec
	// Count is the number of copies of a `count` gather's branch, or 0.
	Count int
}

// branches returns the number of branches a gather block g runs.
func (g *StepSpec) branches() int {
	if g.Count > 0 {
		return g.Count
	}
	return len(g.Branches)
}

// Tasks returns the number of requests one replication generates: the sum
// of the open classes' counts and of clients × requests of the closed
// ones. A class of arrival.rate counts the expected number of its
// arrivals, Σ for × per_second rounded up, at most its count: the number
// itself is random. Retries are not counted: they are attempts of the
// same requests.
func (s *Spec) Tasks() int64 {
	var n int64
	for i := range s.Classes {
		n += s.Classes[i].tasks()
	}
	return n
}

// attempts is the most attempts a request of class c may make.
func (c *Class) attempts() float64 { return float64(1 + c.Retries) }

// tasks returns the number of tasks class c generates per replication
// (the expected number under arrival.rate, see Spec.Tasks).
func (c *Class) tasks() int64 {
	if c.Clients != nil {
		return int64(max(c.Clients.Count, 0)) * int64(max(c.Clients.Requests, 0))
	}
	if c.Rate != nil {
		var expected float64
		for _, seg := range c.Rate {
			expected += seg.expected()
		}
		n := int64(min(math.Ceil(expected), maxTasks))
		if c.Count > 0 {
			n = min(n, int64(c.Count))
		}
		return n
	}
	if c.Trace != nil {
		if c.Count > 0 {
			return min(c.Trace.Arrivals, int64(c.Count))
		}
		return c.Trace.Arrivals
	}
	return int64(max(c.Count, 0))
}

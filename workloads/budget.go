package workloads

import (
	"fmt"
	"math"
	"strconv"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// DefaultMaxWork is the work (see Work) a simulation may be estimated to
// need unless its caller allows more: a billion steps and GIL hand-overs,
// a few minutes of one core's time.
const DefaultMaxWork = 1e9

// MaxContexts is the most contexts (worker processes, threads, event
// loops and their executor threads) a strategy may start with: each costs
// about a hundred bytes in every run going on.
const MaxContexts = 1_000_000

// MaxStrategies is the most strategies a workload may compare: each has
// its own row, its own runs and, with figures, its own files.
const MaxStrategies = 100

// Work estimates what simulating a workload takes, summed over the
// strategies simulated and all replications, from the mean durations.
type Work struct {
	// Steps is the steps of the tasks, repeats multiplied out: each is at
	// least one event.
	Steps float64
	// Handovers is the forced GIL hand-overs of the strategies with a GIL:
	// their CPU time divided by switch_interval.
	Handovers float64
	// Runs is the number of runs: strategies × replications.
	Runs int
}

// Total is the work's measure, which DefaultMaxWork bounds: steps plus
// hand-overs.
func (w Work) Total() float64 { return w.Steps + w.Handovers }

// Limits bound what EstimateWork counts of each run: only the tasks that
// arrive before Until (when positive) and at most MaxEvents (when
// positive) of its steps and hand-overs, as sim.Config's bounds of the
// same names stop a run there.
type Limits struct {
	Until     sim.Time
	MaxEvents int64
}

// EstimateWork estimates the work of simulating every replication of s
// under each of cfgs (normally s.Strategies, or a selection of them).
func EstimateWork(s *Spec, cfgs []strategies.Config, lim Limits) Work {
	steps, cpu := s.demand(lim.Until)
	w := Work{Runs: len(cfgs) * s.Replications}
	reps := float64(s.Replications)
	for _, c := range cfgs {
		runSteps, handovers := steps, forcedHandovers(c, cpu)
		if lim.MaxEvents > 0 {
			// Every step and hand-over is at least one event.
			runSteps = min(runSteps, float64(lim.MaxEvents))
			handovers = min(handovers, float64(lim.MaxEvents)-runSteps)
		}
		w.Steps += reps * runSteps
		w.Handovers += reps * handovers
	}
	return w
}

// demand returns, for one replication of s, the steps of its tasks
// (repeats multiplied out) and their mean CPU time, counting only the
// tasks that arrive before until (all of them when until is 0). A class
// with retries counts every request as sent 1+retries times: an upper
// bound, as each attempt is served to the end.
func (s *Spec) demand(until sim.Time) (steps, cpu float64) {
	for i := range s.Classes {
		c := &s.Classes[i]
		n := tasksBefore(c, until) * c.attempts()
		steps += n * float64(expandedSteps(c.Steps))
		cpu += n * meanCPU(c.Steps)
	}
	return steps, cpu
}

// forcedHandovers estimates how often strategy c, running cpu of CPU time,
// forces the GIL to change hands: once a switch_interval (none without a
// GIL).
func forcedHandovers(c strategies.Config, cpu float64) float64 {
	if !c.GIL || c.SwitchInterval <= 0 {
		return 0
	}
	return cpu / float64(c.SwitchInterval)
}

// tasksBefore estimates the tasks of class c that arrive before until (all
// of them when until is 0), from the mean gap between arrivals.
func tasksBefore(c *Class, until sim.Time) float64 {
	n := float64(c.tasks())
	if until <= 0 || c.Clients != nil {
		return n
	}
	if until < c.Start {
		return 0
	}
	if c.Rate != nil {
		// The expected arrivals of the segments up to until.
		var expected float64
		t := c.Start
		for _, seg := range c.Rate {
			if t >= until {
				break
			}
			expected += min(seg.For, until-t).Seconds() * seg.PerSecond
			t = addTime(t, seg.For)
		}
		return min(n, math.Ceil(expected))
	}
	if tr := c.Trace; tr != nil {
		// As if the arrivals were spread evenly from the first to the
		// last.
		first, last := addTime(c.Start, tr.at(tr.First)), addTime(c.Start, tr.at(tr.Last))
		switch {
		case until <= first:
			return 0
		case until > last:
			return n
		}
		return min(n, math.Ceil(float64(tr.Arrivals)*float64(until-first)/float64(last-first+1)))
	}
	if gap := c.Interarrival.clampedMean(); gap > 0 {
		n = min(n, math.Floor(float64(until-c.Start)/gap)+1)
	}
	return n
}

// Contexts returns the contexts strategy c starts with: its workers, the
// threads of a fixed pool, or its loops and their executor threads. A
// pool of a thread per task (threads: 0) starts with none and holds one
// per task in flight, which sim.Config.MaxInFlight bounds.
func Contexts(c strategies.Config) int64 {
	switch c.Kind {
	case strategies.KindBlocking:
		return int64(c.Workers)
	case strategies.KindThreaded:
		return int64(c.Threads)
	case strategies.KindEventLoop:
		return int64(c.Loops) * (1 + int64(c.Executor))
	}
	return 0
}

// WorkError is the error of a workload whose estimated work exceeds the
// budget it is run with. It gives the position of the workload's tasks.
type WorkError struct {
	File      string
	Line, Col int
	// Context, if set, says which workload it is, before the message
	// (a sweep's "point 3 (path=value): ").
	Context string
	Work    Work
	// Limit is the budget: Work.Total() is more.
	Limit float64
}

func (e *WorkError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %stoo much work: %s, more than the budget of %s", e.File, e.Line, e.Col, e.Context, e.Work.Describe(), approx(e.Limit))
}

// Describe words the estimate: "about 120 steps to simulate in 4 runs
// (strategies × replications)", "about 1.2e+09 steps and GIL hand-overs
// ...".
func (w Work) Describe() string {
	what := "steps"
	if w.Handovers > 0 {
		what = "steps and GIL hand-overs"
	}
	runs := "1 run"
	if w.Runs != 1 {
		runs = fmt.Sprintf("%d runs", w.Runs)
	}
	return fmt.Sprintf("about %s %s to simulate in %s (strategies × replications)", approx(w.Total()), what, runs)
}

// approx writes x to three significant digits: 120, 3570, 1.17e+05.
func approx(x float64) string {
	if x < 1e4 {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// CheckBudget returns an error if simulating s under cfgs exceeds what a
// run may do: a *WorkError when its estimated work is more than maxWork,
// an *Error when there are more than MaxStrategies strategies or one
// starts with more than MaxContexts contexts, when a class's tasks arrive
// all at once holding more than a run may have in flight, or when the
// warm-up ends after every task has arrived, which the arrivals (when
// they are not random) show before anything runs.
func CheckBudget(s *Spec, cfgs []strategies.Config, lim Limits, maxWork float64) error {
	if len(s.Strategies) > MaxStrategies {
		line, col := s.position("strategies", -1)
		return &Error{File: s.File, Line: line, Col: col,
			Msg: fmt.Sprintf("too many strategies: %d, more than %d", len(s.Strategies), MaxStrategies)}
	}
	for i, c := range s.Strategies {
		if n := Contexts(c); n > MaxContexts {
			line, col := s.position("strategies", i)
			return &Error{File: s.File, Line: line, Col: col,
				Msg: fmt.Sprintf("strategy %s would start %d contexts (loops × (1 + executor)), more than %d", c.Name, n, MaxContexts)}
		}
	}
	for i := range s.Classes {
		if err := s.checkBurst(i); err != nil {
			return err
		}
	}
	if last, ok := s.LastArrival(); ok && s.Warmup > last {
		line, col := s.position("warmup", -1)
		return &Error{File: s.File, Line: line, Col: col,
			Msg: fmt.Sprintf("warmup %s ends after every arrival (the last at %s): no task would be counted", fmtTime(s.Warmup), fmtTime(last))}
	}
	if w := EstimateWork(s, cfgs, lim); w.Total() > maxWork {
		line, col := s.position("tasks", -1)
		return &WorkError{File: s.File, Line: line, Col: col, Work: w, Limit: maxWork}
	}
	return nil
}

// checkBurst refuses a class whose tasks arrive all at once (open
// arrivals without a gap, a trace's equal instants, or the clients' first
// requests) holding more
// tasks or steps than a run may have in flight (sim.DefaultMaxInFlight):
// every run of it would fill its memory up to that bound and stop.
func (s *Spec) checkBurst(i int) error {
	c := &s.Classes[i]
	n := int64(c.Count)
	switch {
	case c.Clients != nil:
		n = int64(c.Clients.Count)
	case c.Trace != nil:
		n = c.Trace.Burst
		if c.Count > 0 {
			n = min(n, int64(c.Count))
		}
	case c.Rate != nil:
		return nil
	case c.Interarrival != nil && !(c.Interarrival.kind == distConst && c.Interarrival.d1 == 0):
		return nil
	}
	steps := n * expandedSteps(c.Steps) // at most 10^6 × 10^9: no overflow
	maxSteps := int64(sim.DefaultMaxInFlight) * sim.StepsPerTaskInFlight
	if n <= sim.DefaultMaxInFlight && steps <= maxSteps {
		return nil
	}
	line, col := s.position("tasks", i)
	return &Error{File: s.File, Line: line, Col: col, Msg: fmt.Sprintf("class %s: %d tasks arrive at once with %d steps between them, more than a run may hold in flight (%d tasks, %d steps)",
		c.Name, n, steps, sim.DefaultMaxInFlight, maxSteps)}
}

// LastArrival returns the instant of the workload's last arrival when the
// arrivals do not depend on chance or on the run: every class open with a
// constant gap (or none), or replaying a whole trace, or of clients that
// send one request each.
func (s *Spec) LastArrival() (sim.Time, bool) {
	var last sim.Time
	for i := range s.Classes {
		c := &s.Classes[i]
		switch {
		case c.Clients != nil && c.Clients.Requests == 1:
			last = max(last, c.Start)
		case c.Clients != nil, c.Rate != nil:
			return 0, false
		case c.Trace != nil && c.Count > 0 && int64(c.Count) < c.Trace.Arrivals:
			return 0, false
		case c.Trace != nil:
			last = max(last, addTime(c.Start, c.Trace.at(c.Trace.Last)))
		case c.Interarrival == nil:
			last = max(last, c.Start)
		case c.Interarrival.kind == distConst:
			// Arrivals are capped at sim.MaxDuration, as the source caps them.
			at := float64(c.Start) + float64(c.Count-1)*float64(c.Interarrival.d1)
			last = max(last, sim.Time(min(at, float64(sim.MaxDuration))))
		default:
			return 0, false
		}
	}
	return last, true
}

// position returns the line and column, as parsed, of the value of the
// workload's key "warmup", "tasks" or "strategies" (of its item number
// index, if index ≥ 0); 1, 1 for a part not written, such as a default.
func (s *Spec) position(key string, index int) (line, col int) {
	var p position
	var list []position
	switch key {
	case "warmup":
		p = s.where.warmup
	case "tasks":
		p, list = s.where.tasks, s.where.classItems
	case "strategies":
		p, list = s.where.strategies, s.where.strategyItems
	}
	if index >= 0 && index < len(list) {
		p = list[index]
	}
	if p.line == 0 {
		return 1, 1
	}
	return p.line, p.col
}

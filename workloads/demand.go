package workloads

import (
	"asyncsim/sim"
	"asyncsim/strategies"
)

// Demand is what one task of a class asks of a server on average, from
// the mean durations of its steps (repeats multiplied out, a gather's
// branches all counted but for their io, of which only what makes the
// longest branch last longer counts): the input of the test of overload
// (docs/model.md, "Overload and horizons").
type Demand struct {
	// CPU, IO and BlockingIO are the mean total durations of the task's
	// cpu, io and blocking_io steps, in nanoseconds.
	CPU, IO, BlockingIO float64
	// Hold is, per resource (indexed like Spec.Resources), the mean total
	// duration of the steps the task runs while holding a unit of it: a
	// lower bound of its hold time, which waits for the CPU, the GIL or
	// other resources lengthen.
	Hold []float64
}

// Demand returns the mean demand of a task of class c, in a workload of
// the given number of resources.
func (c *Class) Demand(resources int) Demand {
	d := Demand{Hold: make([]float64, resources)}
	d.add(c.Steps, 1, nil)
	return d
}

// add adds times the durations of steps, run while holding the resources
// of held, to d.
func (d *Demand) add(steps []StepSpec, times float64, held []int) {
	for i := range steps {
		st := &steps[i]
		switch {
		case st.Repeat > 0:
			d.add(st.Steps, times*float64(st.Repeat), held)
			continue
		case st.Kind == sim.Acquire:
			d.add(st.Steps, times, append(held[:len(held):len(held)], st.Resource))
			continue
		case st.Kind == sim.Gather:
			d.addGather(st, times, held)
			continue
		}
		mean := times * st.Dur.clampedMean()
		switch st.Kind {
		case sim.CPU:
			d.CPU += mean
		case sim.IO:
			d.IO += mean
		case sim.BlockingIO:
			d.BlockingIO += mean
		}
		for _, r := range held {
			d.Hold[r] += mean
		}
	}
}

// addGather adds times the demand of gather block g, its steps run while
// holding the resources of held. Its branches run at once: all their CPU,
// blocking calls and holds are demand, but the block lasts as long as its
// longest branch, at least, so what its io adds to the task's length is
// what the longest branch lasts beyond all that (0 if nothing), and the
// resources of held are held that long.
func (d *Demand) addGather(g *StepSpec, times float64, held []int) {
	branches, copies := g.Branches, 1.0
	if g.Count > 0 {
		branches, copies = g.Branches[:1], float64(g.Count)
	}
	var cpu, blocking, longest float64
	for _, b := range branches {
		// The branch's own holds; those of held last the whole block.
		one := Demand{Hold: make([]float64, len(d.Hold))}
		one.add(b, times, nil)
		cpu += copies * one.CPU
		blocking += copies * one.BlockingIO
		longest = max(longest, one.CPU+one.IO+one.BlockingIO)
		for r, h := range one.Hold {
			d.Hold[r] += copies * h
		}
	}
	d.CPU += cpu
	d.BlockingIO += blocking
	d.IO += max(0, longest-cpu-blocking)
	for _, r := range held {
		d.Hold[r] += longest
	}
}

// MeanRate returns the long-run rate of class c's open arrivals per second:
// the inverse of the mean gap between arrivals, or the mean rate of the
// segments of arrival.rate weighted by their lengths, or a trace's
// arrivals over its span at its speed. It reports false
// for closed-loop clients and for a burst (every task arriving at once),
// which have no such rate.
func (c *Class) MeanRate() (float64, bool) {
	switch {
	case c.Clients != nil:
		return 0, false
	case c.Rate != nil:
		var n, span float64
		for _, seg := range c.Rate {
			n += seg.For.Seconds() * seg.PerSecond
			span += seg.For.Seconds()
		}
		if span == 0 {
			return 0, false
		}
		return n / span, true
	case c.Trace != nil:
		// The trace's arrivals over its span, replayed at its speed.
		tr := c.Trace
		span := (tr.Last - tr.First).Seconds() / tr.Speed
		if tr.Arrivals < 2 || span <= 0 {
			return 0, false
		}
		return float64(tr.Arrivals-1) / span, true
	case c.Interarrival == nil:
		return 0, false
	}
	gap := c.Interarrival.clampedMean()
	if gap <= 0 {
		return 0, false
	}
	return float64(sim.Second) / gap, true
}

// Open reports whether the workload has open arrivals spread over time:
// a class without clients whose arrivals follow a rate, a trace or a gap
// of positive mean (a Poisson stream, a fixed gap). Its makespan is set by
// its last arrival, and so says little of a strategy: its figures and its
// verdict compare latency instead.
func (s *Spec) Open() bool {
	for _, c := range s.Classes {
		if c.Clients == nil && (c.Rate != nil || c.Trace != nil || c.Interarrival != nil && c.Interarrival.Mean() > 0) {
			return true
		}
	}
	return false
}

// Stochastic reports whether a replication of s draws anything at
// random: a random distribution of a duration, a think time or a backoff,
// Poisson arrivals, or a strategy's GIL hand-over drawn as CPython's
// scheduler would (gil_handover: cpython). A workload that draws nothing gives the same result
// in every replication, which then need no confidence interval.
func (s *Spec) Stochastic() bool {
	for i := range s.Classes {
		c := &s.Classes[i]
		if c.Rate != nil || random(c.Interarrival) || random(c.Backoff) || c.Clients != nil && random(c.Clients.Think) ||
			randomSteps(c.Steps) {
			return true
		}
	}
	for _, c := range s.Strategies {
		if c.GIL && c.GILHandover == strategies.HandoverCPython {
			return true
		}
	}
	return false
}

// random reports whether d draws at random: it is neither nil nor a
// constant.
func random(d *Dist) bool { return d != nil && d.kind != distConst }

// randomSteps reports whether some step of steps has a random duration.
func randomSteps(steps []StepSpec) bool {
	return sumSteps(steps, 0, func(st *StepSpec) int64 {
		if random(st.Dur) {
			return 1
		}
		return 0
	}) > 0
}

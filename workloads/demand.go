package workloads

import (
	"asyncsim/sim"
	"asyncsim/strategies"
)

// Demand is what one task of a class asks of a server on average, from
// the mean durations of its steps (repeats multiplied out): the input of
// the test of overload (docs/model.md, "Overload and horizons").
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

// MeanRate returns the long-run rate of class c's open arrivals per second:
// the inverse of the mean gap between arrivals, or the mean rate of the
// segments of arrival.rate weighted by their lengths. It reports false
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
	case c.Interarrival == nil:
		return 0, false
	}
	gap := c.Interarrival.clampedMean()
	if gap <= 0 {
		return 0, false
	}
	return float64(sim.Second) / gap, true
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
	for i := range steps {
		if random(steps[i].Dur) || randomSteps(steps[i].Steps) {
			return true
		}
	}
	return false
}

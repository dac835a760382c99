package workloads

import (
	"math"
	"slices"

	"asyncsim/sim"
)

// OpenRate returns the total mean arrival rate of the workload's open
// classes (see Class.MeanRate), per second.
func (s *Spec) OpenRate() float64 {
	var total float64
	for i := range s.Classes {
		if r, ok := s.Classes[i].MeanRate(); ok {
			total += r
		}
	}
	return total
}

// ScaleOpen returns a copy of s in which every class that has an open
// rate (Class.MeanRate) arrives f times as fast: its interarrival gaps are
// divided by f, its arrival.rate segments' rates or its trace's speed
// multiplied by f. A
// class of interarrival gaps keeps its count (the same number of
// requests arrives f times sooner); one of rate segments keeps their
// lengths (f times as many requests, up to its count). Closed-loop
// classes and batches are unchanged. f must be positive and finite.
func (s *Spec) ScaleOpen(f float64) *Spec {
	out := *s
	out.Classes = slices.Clone(s.Classes)
	for i := range out.Classes {
		c := &out.Classes[i]
		if _, ok := c.MeanRate(); !ok {
			continue
		}
		if c.Trace != nil {
			tr := *c.Trace
			tr.Speed *= f
			c.Trace = &tr
			continue
		}
		if c.Rate != nil {
			c.Rate = slices.Clone(c.Rate)
			for j := range c.Rate {
				c.Rate[j].PerSecond *= f
			}
			continue
		}
		c.Interarrival = c.Interarrival.scaled(1 / f)
	}
	return &out
}

// scaled returns d with every duration multiplied by k, rounded to the
// nearest nanosecond: the same family, since each is a scale family. An
// exponential keeps its rate exactly (1/k times), not the rounded mean's.
func (d *Dist) scaled(k float64) *Dist {
	t := func(v sim.Time) sim.Time { return clampTime(sim.Time(math.Round(float64(v) * k))) }
	out := *d
	out.d1, out.d2 = t(d.d1), t(d.d2)
	if d.kind == distExp {
		out.x = d.x / k
	}
	if d.values != nil {
		out.values = make([]sim.Time, len(d.values))
		for i, v := range d.values {
			out.values[i] = t(v)
		}
	}
	if d.choices != nil {
		out.choices = slices.Clone(d.choices)
		for i := range out.choices {
			out.choices[i].value = t(d.choices[i].value)
		}
	}
	return &out
}

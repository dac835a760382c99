package fuzzcheck

import (
	"fmt"
	"strings"

	"asyncsim/sim"
	"asyncsim/workloads"
)

// yamlServiceSteps writes a list of steps in workload YAML, with hold blocks
// of resources r<from> and above (of n) nested up to depth levels, in
// increasing resource index.
func (r *reader) yamlServiceSteps(b *strings.Builder, from, n, depth int) {
	b.WriteString("[")
	for i := range 1 + r.intn(3) {
		if i > 0 {
			b.WriteString(", ")
		}
		if depth > 0 && from < n && !r.chance(3) {
			res := from + r.intn(n-from)
			fmt.Fprintf(b, "{hold: r%d, steps: ", res)
			r.yamlServiceSteps(b, res+1, n, depth-1)
			b.WriteString("}")
			continue
		}
		fmt.Fprintf(b, "{%s: %s}", pick(r, "cpu", "cpu", "io", "blocking_io"), r.dist())
	}
	b.WriteString("]")
}

// ServicesWorkload returns a small workload, in YAML, of the services
// model described by data: one to three resources of either scope, up to
// three task classes (open arrivals at a fixed gap, a rate, or rate
// segments, some of them pauses; or closed-loop clients) whose steps hold
// them, with time-outs, retries and drawn backoffs, and up to four
// strategies of any kind with and without a backlog that rejects or drops
// SYNs; and sometimes a warm-up. Every workload it returns is valid.
func ServicesWorkload(data []byte) string {
	r := &reader{data: data}
	var b strings.Builder
	fmt.Fprintf(&b, "name: fuzz\nseed: %d\nmachine: {cores: %d}\n", r.byte(), 1+r.intn(4))
	if r.chance(4) {
		fmt.Fprintf(&b, "warmup: %s\n", pick(r, "1ns", "1ms", "5ms"))
	}
	nres := 1 + r.intn(3)
	b.WriteString("resources:\n")
	for i := range nres {
		fmt.Fprintf(&b, "  - {name: r%d, capacity: %d, scope: %s}\n", i, pick(r, 1, 1, 2, 3), pick(r, "machine", "machine", "process"))
	}
	b.WriteString("tasks:\n")
	for i := range 1 + r.intn(3) {
		fmt.Fprintf(&b, "  - name: c%d\n", i)
		if r.chance(3) {
			fmt.Fprintf(&b, "    clients: {count: %d, requests: %d", 1+r.intn(3), 1+r.intn(4))
			if !r.chance(3) {
				fmt.Fprintf(&b, ", think: %s", r.dist())
			}
			b.WriteString("}\n")
		} else {
			fmt.Fprintf(&b, "    count: %d\n", 1+r.intn(8))
			switch r.intn(4) {
			case 0:
				fmt.Fprintf(&b, "    arrival: {start: %s, interarrival: %s}\n", pick(r, durations...), r.dist())
			case 1:
				fmt.Fprintf(&b, "    arrival: {per_second: %d}\n", pick(r, 100, 1000, 10000, 100000))
			case 2:
				b.WriteString("    arrival: {rate: [")
				for j := range 1 + r.intn(3) {
					if j > 0 {
						b.WriteString(", ")
					}
					fmt.Fprintf(&b, "{for: %s, per_second: %d}", pick(r, "100us", "1ms", "5ms"), pick(r, 0, 1000, 5000))
				}
				b.WriteString(", {for: 1ms, per_second: 2000}]}\n") // never all pauses
			}
		}
		if !r.chance(3) {
			fmt.Fprintf(&b, "    timeout: %s\n", pick(r, durations[1:]...))
			if n := r.intn(3); n > 0 {
				fmt.Fprintf(&b, "    retries: %d\n", n)
				if r.chance(2) {
					fmt.Fprintf(&b, "    backoff: %s\n", r.dist())
				}
			}
		}
		b.WriteString("    steps: ")
		r.yamlServiceSteps(&b, 0, nres, 2)
		b.WriteString("\n")
	}
	b.WriteString("strategies:\n")
	for i := range 1 + r.intn(4) {
		fmt.Fprintf(&b, "  - {name: s%d, ", i)
		backlog := ""
		if r.chance(3) {
			backlog = fmt.Sprintf(", backlog: %d", r.intn(4))
			if r.chance(2) {
				backlog += ", backlog_full: syn_retry"
			}
		}
		switch r.intn(3) {
		case 0:
			fmt.Fprintf(&b, "kind: blocking, workers: %d%s", 1+r.intn(4), backlog)
		case 1:
			fmt.Fprintf(&b, "kind: threaded, threads: %d", 1+r.intn(4))
			if r.chance(2) {
				fmt.Fprintf(&b, ", gil: true, switch_interval: %s", pick(r, "50us", "1ms", "5ms"))
				if r.chance(2) {
					b.WriteString(", gil_handover: cpython")
				}
			}
			b.WriteString(backlog)
		default:
			mc := r.intn(4)
			fmt.Fprintf(&b, "kind: event_loop, loops: %d, executor: %d, max_concurrency: %d", 1+r.intn(3), 1+r.intn(3), mc)
			if mc > 0 {
				b.WriteString(backlog)
			}
			if r.chance(2) {
				b.WriteString(", offload: true")
			}
			switch r.intn(4) {
			case 1:
				b.WriteString(", loop_model: asyncio")
			case 2:
				b.WriteString(", loop_model: uvloop")
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// ServicesWorkloadCase parses ServicesWorkload(data) and returns the case
// of its first replication, and the YAML.
func ServicesWorkloadCase(data []byte) (ServiceCase, string, error) {
	yaml := ServicesWorkload(data)
	spec, err := workloads.Parse("fuzz.yaml", []byte(yaml))
	if err != nil {
		return ServiceCase{}, yaml, err
	}
	c := ServiceCase{
		Cores: spec.Cores, Warmup: spec.Warmup, Classes: len(spec.Classes), Resources: spec.Resources,
		Strategies: spec.Strategies,
		NewSource:  func() sim.Source { return spec.Source(0) },
		NewClients: func() []sim.Client { return spec.Clients(0) },
	}
	for _, cl := range spec.Clients(0) {
		c.Clients = append(c.Clients, ServiceClient{Timeout: cl.Timeout, Retries: cl.Retries, Drawn: cl.Backoff != nil})
	}
	return c, yaml, nil
}

// CheckRates checks the open arrivals of spec's first replication against
// its classes' rate segments (DESIGN.md, "Changing load"): each arrival of
// a class with arrival.rate comes after arrival.start, within a segment of
// positive rate (a pause sends none), by the end of the last segment, and
// no class sends more than its count.
func CheckRates(spec *workloads.Spec) error { return checkRates(spec.Source(0), spec.Classes) }

// checkRates checks the open arrivals of src against classes.
func checkRates(src sim.Source, classes []workloads.Class) error {
	counts := make([]int, len(classes))
	var t sim.Task
	for {
		if _, ok := src.Peek(); !ok {
			break
		}
		src.Next(&t)
		c := &classes[t.Class]
		counts[t.Class]++
		if c.Count > 0 && counts[t.Class] > c.Count {
			return fmt.Errorf("class %s sent %d open arrivals; its count is %d", c.Name, counts[t.Class], c.Count)
		}
		if c.Rate == nil {
			continue
		}
		in, from := false, c.Start
		for _, seg := range c.Rate {
			to := from + seg.For
			if seg.PerSecond > 0 && t.Arrival >= from && t.Arrival <= to {
				in = true
			}
			from = to
		}
		if !in {
			return fmt.Errorf("class %s: an arrival at %v, in no segment of positive rate of %+v from %v", c.Name, t.Arrival, c.Rate, c.Start)
		}
	}
	return nil
}

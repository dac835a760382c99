package fuzzcheck

import (
	"fmt"
	"strings"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// reader hands out the fuzzer's bytes as small choices; past the end it
// returns zeros, so every input, even an empty one, describes a case.
type reader struct {
	data []byte
	pos  int
}

func (r *reader) byte() byte {
	if r.pos >= len(r.data) {
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

// intn returns a number in [0, n).
func (r *reader) intn(n int) int { return int(r.byte()) % n }

// chance is true with probability about 1/n.
func (r *reader) chance(n int) bool { return r.intn(n) == 0 }

// pick returns one of options.
func pick[T any](r *reader, options ...T) T { return options[r.intn(len(options))] }

// Durations close to each other and to the switch intervals, so that
// events often coincide.
var durations = []string{"0s", "1ns", "3ns", "1us", "50us", "100us", "500us", "1ms", "2ms", "5ms", "10ms"}

// dist returns a duration or a distribution in workload YAML.
func (r *reader) dist() string {
	d := func() string { return pick(r, durations...) }
	switch r.intn(10) {
	case 0:
		return "{exp: " + pick(r, durations[1:]...) + "}"
	case 1:
		a, b := d(), d()
		if dur(a) > dur(b) {
			a, b = b, a
		}
		return "{uniform: [" + a + ", " + b + "]}"
	case 2:
		return "{choice: [{value: " + d() + ", weight: 2}, {value: " + d() + ", weight: 1}]}"
	case 3:
		return "{normal: {mean: " + d() + ", stddev: " + d() + "}}"
	case 4:
		return "{lognormal: {median: " + pick(r, durations[1:]...) + ", sigma: " + pick(r, "0", "0.5", "1.5") + "}}"
	case 5:
		return "{pareto: {min: " + pick(r, durations[1:8]...) + ", alpha: " + pick(r, "1.5", "3") + "}}"
	}
	return d()
}

// dur parses one of durations.
func dur(s string) sim.Time {
	for _, u := range []struct {
		suffix string
		unit   sim.Time
	}{{"ns", sim.Nanosecond}, {"us", sim.Microsecond}, {"ms", sim.Millisecond}, {"s", sim.Second}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			var x int64
			fmt.Sscan(n, &x)
			return sim.Time(x) * u.unit
		}
	}
	return 0
}

// steps writes a list of steps, nested repeats up to depth levels.
func (r *reader) steps(b *strings.Builder, depth int) {
	n := 1 + r.intn(4)
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if depth > 0 && r.chance(5) {
			fmt.Fprintf(b, "{repeat: %d, steps: ", 1+r.intn(3))
			r.steps(b, depth-1)
			b.WriteString("}")
			continue
		}
		fmt.Fprintf(b, "{%s: %s}", pick(r, "cpu", "cpu", "io", "blocking_io"), r.dist())
	}
	b.WriteString("]")
}

// Workload returns a small workload, in YAML, described by data: up to
// three task classes of open arrivals or closed-loop clients, with random
// steps and durations, and up to four strategies of any kind with random
// parameters (GIL, switch interval and cost, the GIL's hand-over and
// requester bias, pool sizes, loops, executor, offload, await_blocking,
// max_concurrency, the loop model and its costs), and sometimes a warm-up.
// Every workload it returns is valid.
func Workload(data []byte) string {
	r := &reader{data: data}
	var b strings.Builder
	fmt.Fprintf(&b, "name: fuzz\nseed: %d\nmachine: {cores: %d}\n", r.byte(), 1+r.intn(4))
	if r.chance(4) {
		fmt.Fprintf(&b, "warmup: %s\n", pick(r, "1ns", "1ms", "5ms"))
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
			if r.chance(2) {
				fmt.Fprintf(&b, "    arrival: {start: %s}\n", pick(r, durations...))
			}
		} else {
			fmt.Fprintf(&b, "    count: %d\n", 1+r.intn(8))
			switch r.intn(3) {
			case 0:
				fmt.Fprintf(&b, "    arrival: {start: %s}\n", pick(r, durations...))
			case 1:
				fmt.Fprintf(&b, "    arrival: {start: %s, interarrival: %s}\n", pick(r, durations...), r.dist())
			}
		}
		b.WriteString("    steps: ")
		r.steps(&b, 2)
		b.WriteString("\n")
	}
	b.WriteString("strategies:\n")
	for i := range 1 + r.intn(4) {
		fmt.Fprintf(&b, "  - {name: s%d, ", i)
		cost := pick(r, "0s", "0s", "1ns", "1us", "10us")
		switch r.intn(3) {
		case 0:
			fmt.Fprintf(&b, "kind: blocking, workers: %d", 1+r.intn(4))
		case 1:
			fmt.Fprintf(&b, "kind: threaded, threads: %d", r.intn(5))
			if r.chance(2) {
				// Down to 20µs, not less: a shorter interval over the
				// seconds of CPU work a heavy-tailed case can draw needs
				// more events (three per hand-over) than Check allows.
				si := pick(r, "50us", "1ms", "5ms")
				if cost == "0s" && r.chance(4) {
					si = "20us"
				}
				fmt.Fprintf(&b, ", gil: true, switch_interval: %s", si)
				if r.chance(2) {
					fmt.Fprintf(&b, ", gil_handover: cpython, gil_requester_bias: %s", pick(r, "0", "0.5", "0.8", "1"))
				}
			}
		default:
			fmt.Fprintf(&b, "kind: event_loop, loops: %d, executor: %d, max_concurrency: %d", 1+r.intn(3), 1+r.intn(3), r.intn(4))
			if r.chance(2) {
				b.WriteString(", offload: true")
			}
			if r.chance(4) {
				b.WriteString(", await_blocking: true")
			}
			switch r.intn(4) {
			case 1:
				b.WriteString(", loop_model: asyncio") // the built-in costs
			case 2:
				fmt.Fprintf(&b, ", loop_model: uvloop, poll_cost: %s, resume_cost: %s", pick(r, "0s", "1ns", "3us"), pick(r, "0s", "2ns", "5us"))
			}
		}
		fmt.Fprintf(&b, ", switch_cost: %s}\n", cost)
	}
	return b.String()
}

// WorkloadCase parses Workload(data) and returns the case of its first
// replication, and the YAML.
func WorkloadCase(data []byte) (Case, string, error) {
	yaml := Workload(data)
	spec, err := workloads.Parse("fuzz.yaml", []byte(yaml))
	if err != nil {
		return Case{}, yaml, err
	}
	return Case{
		Cores: spec.Cores, Warmup: spec.Warmup, Strategies: spec.Strategies,
		NewSource: func() sim.Source { return spec.Source(0) },
	}, yaml, nil
}

// Tasks returns a case described by data that bypasses the workload
// format: up to 12 tasks with arbitrary durations of a few nanoseconds to
// a few microseconds, many arriving at the same instants, some of them
// closed-loop clients, under up to four strategies configured directly.
// Odd durations exercise the rounding of processor sharing and
// coincidences with GIL deadlines.
func Tasks(data []byte) Case {
	r := &reader{data: data}
	c := Case{Cores: 1 + r.intn(3)}
	src := &simtest.ListSource{Requests: 1 + r.intn(3), Think: sim.Time(r.intn(4))}
	n := 1 + r.intn(12)
	var at sim.Time
	clients := 0
	for i := range n {
		if !r.chance(3) {
			at += sim.Time(r.intn(8))
		}
		t := sim.Task{Index: int64(i) * int64(src.Requests), Client: -1, Arrival: at}
		if r.chance(4) {
			t.Client = clients
			clients++
		}
		for range 1 + r.intn(4) {
			d := sim.Time(1 + r.intn(16))
			if r.chance(4) {
				d *= 1000
			}
			t.Steps = append(t.Steps, sim.Step{Kind: pick(r, sim.CPU, sim.CPU, sim.IO, sim.BlockingIO), Dur: d})
		}
		src.Tasks = append(src.Tasks, t)
	}
	if r.chance(4) {
		c.Warmup = sim.Time(r.intn(8))
	}
	for i := range 1 + r.intn(4) {
		c.Strategies = append(c.Strategies, r.strategy(i))
	}
	c.NewSource = func() sim.Source {
		s := *src
		return &s
	}
	return c
}

// strategy returns the i-th strategy of a case: any kind, with random
// parameters (switch cost, GIL, switch interval, the GIL's hand-over and
// requester bias, pool sizes, loops, executor, offload, await_blocking,
// max_concurrency, the loop model and its costs).
func (r *reader) strategy(i int) strategies.Config {
	cfg := strategies.Config{Name: fmt.Sprint("s", i), SwitchCost: sim.Time(pick(r, 0, 0, 0, 1, 2))}
	switch r.intn(3) {
	case 0:
		cfg.Kind, cfg.Workers = strategies.KindBlocking, 1+r.intn(3)
	case 1:
		cfg.Kind, cfg.Threads = strategies.KindThreaded, r.intn(4)
		cfg.SwitchInterval = sim.Time(pick(r, 3, 5, 8, 1000))
		cfg.GIL = r.chance(2)
		cfg.GILHandover = pick(r, strategies.HandoverFIFO, strategies.HandoverCPython)
		cfg.GILRequesterBias = pick(r, 0, 0.5, 1)
	default:
		cfg.Kind, cfg.Loops, cfg.Executor = strategies.KindEventLoop, 1+r.intn(2), 1+r.intn(2)
		cfg.MaxConcurrency = r.intn(3)
		cfg.Offload, cfg.AwaitBlocking = r.chance(2), r.chance(5)
		cfg.LoopModel = pick(r, strategies.LoopFIFO, strategies.LoopFIFO, strategies.LoopAsyncio, strategies.LoopUVLoop)
		if cfg.LoopModel != strategies.LoopFIFO {
			cfg.PollCost, cfg.ResumeCost = sim.Time(pick(r, 0, 1, 3)), sim.Time(pick(r, 0, 1, 2))
		}
	}
	return cfg
}

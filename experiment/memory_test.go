package experiment

import (
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// TestMemoryPeak checks memory_peak_mib of each kind of strategy on
// twelve tasks arriving at once, each 10 ms of CPU then a 1 s call: what
// each server holds at its peak is countable by hand.
func TestMemoryPeak(t *testing.T) {
	spec := parse(t, `
name: memory
replications: 3
machine: {cores: 2}
tasks:
  - name: request
    count: 12
    steps: [{cpu: 10ms}, {blocking_io: 1s}]
strategies:
  - {name: prefork, kind: blocking, workers: 4}
  - {name: pool, kind: threaded, threads: 8, gil: true}
  - {name: per-task, kind: threaded, threads: 0}
  - {name: loops, kind: event_loop, loops: 2, await_blocking: true}
  - {name: offload, kind: event_loop, loops: 3, offload: true, executor: 2}
`)
	res, err := Run(spec, Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := strategies.DefaultRuntime.Memory
	want := map[string]int64{
		// Four worker processes, however many tasks wait.
		"prefork": d.Shared + 4*d.Process,
		// One process and its pool of eight threads.
		"pool": d.Shared + d.Process + 8*d.Thread,
		// A thread for each of the twelve tasks at once.
		"per-task": d.Shared + d.Process + 12*d.Thread,
		// Two loop processes holding all twelve coroutines.
		"loops": d.Shared + 2*d.Process + 12*d.Task,
		// Three loops, each with two executor threads, and the twelve
		// coroutines.
		"offload": d.Shared + 3*d.Process + 6*d.Thread + 12*d.Task,
	}
	for _, s := range res.Strategies {
		got, ci := s.Aggregate.Mean[sim.MemoryPeak], s.Aggregate.CI95[sim.MemoryPeak]
		if w := float64(want[s.Config.Name]) / (1 << 20); got != w || ci != 0 {
			t.Errorf("%s: memory_peak_mib = %v ± %v; want %v ± 0", s.Config.Name, got, ci, w)
		}
	}
	// A runtime profile's costs (Config.Memory) are the ones used: the
	// loops at 1 MiB shared, 2 MiB a process and 4 KiB a task give 1 + 2
	// × 2 MiB + 12 × 4 KiB = 5 MiB + 48 KiB.
	spec.Strategies = spec.Strategies[3:4]
	spec.Strategies[0].Memory = strategies.MemoryCosts{Shared: 1 << 20, Process: 2 << 20, Thread: 1 << 10, Task: 4 << 10}
	res, err = Run(spec, Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Strategies[0].Aggregate.Mean[sim.MemoryPeak], 5+48.0/1024; got != want {
		t.Errorf("loops at a profile's costs: memory_peak_mib = %v; want %v", got, want)
	}
}

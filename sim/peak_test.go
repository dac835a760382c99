package sim_test

import (
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// TestPeakInFlight checks Result.PeakInFlight, the most tasks on the
// server at once, on runs whose peak can be counted by hand.
func TestPeakInFlight(t *testing.T) {
	const ms = sim.Millisecond
	worker := strategies.Config{Name: "worker", Kind: strategies.KindBlocking, Workers: 1}
	lossy := worker
	lossy.Bounded, lossy.Backlog, lossy.BacklogFull = true, 0, strategies.BacklogReject
	syn := lossy
	syn.BacklogFull = strategies.BacklogSYNRetry
	awaiting := &tasksSource{}
	for i := range 10 {
		awaiting.tasks = append(awaiting.tasks, sim.Task{Index: int64(i), Client: -1,
			Steps: []sim.Step{{Kind: sim.IO, Dur: sim.Second}}})
	}
	gathering := func() *tasksSource {
		src := &tasksSource{}
		for i := range 2 {
			steps := []sim.Step{sim.GatherStep(3, 6)}
			for range 3 {
				steps = append(steps, sim.BranchStep(1), sim.Step{Kind: sim.IO, Dur: 10 * ms})
			}
			src.tasks = append(src.tasks, sim.Task{Index: int64(i), Client: -1, Steps: steps})
		}
		return src
	}
	tests := []struct {
		name string
		cfg  strategies.Config
		src  *tasksSource
		want int
	}{
		// One arrival per ms and 2 ms of service, 100 tasks: just after
		// the arrival at k ms, k+1 tasks have arrived and those that
		// completed at 2, 4, … ms strictly before k have left (an
		// arrival goes before a completion at its instant): (k+3)/2 in
		// flight for k odd, k/2+2 for k even. The last arrival, at 99 ms,
		// gives the most: 51.
		{"an overload", worker, cpuTasks(100, 1, 2*ms, ms), 51},
		// Ten coroutines awaiting at once.
		{"a burst on a loop", strategies.Config{Name: "loop", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1},
			awaiting, 10},
		// A loss system: of three tasks at once, the worker takes one and
		// refuses the others at once, which never count.
		{"refused", lossy, cpuTasks(3, 1, ms, 0), 1},
		// A listen backlog of 0: the other two tasks' SYNs wait on the
		// clients' side to be retransmitted at 1 s, where one finds the
		// worker free and the other waits again until 3 s.
		{"SYNs dropped", syn, cpuTasks(3, 1, ms, 0), 1},
		// Two tasks at once, each gathering three 10 ms calls: a loop
		// spawns all six branches at once, a worker one at a time.
		{"gathers on a loop", strategies.Config{Name: "loop", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1},
			gathering(), 2 + 6},
		{"gathers on a worker", worker, gathering(), 2 + 1},
	}
	for _, tt := range tests {
		s, err := strategies.New(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		r, err := sim.Run(tt.src, s, sim.Config{Cores: 1})
		if err != nil {
			t.Fatalf("%s: Run = %v", tt.name, err)
		}
		if r.PeakInFlight != tt.want {
			t.Errorf("%s: PeakInFlight = %d; want %d", tt.name, r.PeakInFlight, tt.want)
		}
	}
}

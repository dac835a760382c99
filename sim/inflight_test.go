package sim_test

import (
	"errors"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// tasksSource serves a fixed list of open tasks in arrival order.
type tasksSource struct {
	tasks []sim.Task
	next  int
}

func (s *tasksSource) Peek() (sim.Time, bool) {
	if s.next < len(s.tasks) {
		return s.tasks[s.next].Arrival, true
	}
	return 0, false
}

func (s *tasksSource) Next(t *sim.Task) (sim.Time, bool) {
	*t = s.tasks[s.next]
	s.next++
	return s.Peek()
}

func (s *tasksSource) FollowUp(*sim.Task, sim.Time, *sim.Task) bool { return false }

// cpuTasks returns n tasks of steps cpu steps of d each, the i-th arriving
// at i·gap.
func cpuTasks(n, steps int, d, gap sim.Time) *tasksSource {
	src := &tasksSource{}
	for i := range n {
		t := sim.Task{Index: int64(i), Client: -1, Arrival: sim.Time(i) * gap}
		for range steps {
			t.Steps = append(t.Steps, sim.Step{Kind: sim.CPU, Dur: d})
		}
		src.tasks = append(src.tasks, t)
	}
	return src
}

func runWorker(t *testing.T, src sim.Source, maxInFlight int) error {
	t.Helper()
	s, err := strategies.New(strategies.Config{Name: "worker", Kind: strategies.KindBlocking, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sim.Run(src, s, sim.Config{Cores: 1, MaxInFlight: maxInFlight})
	return err
}

func TestMaxInFlight(t *testing.T) {
	const ms = sim.Millisecond
	tests := []struct {
		name        string
		src         *tasksSource
		maxInFlight int
		want        string // "" for success
	}{
		{"a burst one over the cap", cpuTasks(11, 1, ms, 0), 10,
			"11 tasks in flight at virtual time 0s, more than the 10 a run may hold in memory (tasks arrive faster than they complete, or too many at once): run stopped by its budget"},
		{"a burst at the cap", cpuTasks(10, 1, ms, 0), 10, ""},
		{"no cap", cpuTasks(11, 1, ms, 0), -1, ""},
		{"the default cap", cpuTasks(11, 1, ms, 0), 0, ""},
		// One arrival per ms and 2 ms of service: just after the arrival
		// at k ms (k even; arrivals win ties with completions), k+1 tasks
		// have arrived and k/2−1 completed, so k/2+2 are in flight: 21
		// first at 38 ms.
		{"an overload", cpuTasks(100, 1, 2*ms, ms), 20,
			"21 tasks in flight at virtual time 38ms, more than the 20 a run may hold in memory (tasks arrive faster than they complete, or too many at once): run stopped by its budget"},
		// Two tasks of 100 steps each against 2 × 64.
		{"too many steps", cpuTasks(2, 100, ms, 0), 2,
			"200 steps of tasks in flight at virtual time 0s, more than the 128 a run may hold in memory (tasks arrive faster than they complete, or too many at once): run stopped by its budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runWorker(t, tt.src, tt.maxInFlight)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Run = %v; want success", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("Run = %v; want %s", err, tt.want)
			case tt.want != "" && !errors.Is(err, sim.ErrBudget):
				t.Errorf("Run = %v; want it to wrap ErrBudget", err)
			}
		})
	}
}

// TestBudgetErrors checks that each budget stops a run with its typed
// error, carrying the numbers the command line words, and wrapping
// ErrBudget.
func TestBudgetErrors(t *testing.T) {
	const ms = sim.Millisecond
	run := func(cfg sim.Config) error {
		s, err := strategies.New(strategies.Config{Name: "worker", Kind: strategies.KindBlocking, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Ten tasks of 2 ms each, one per ms: one worker finishes the
		// last at 20 ms, after 20 events (10 arrivals, 10 completions).
		_, err = sim.Run(cpuTasks(10, 1, 2*ms, ms), s, cfg)
		return err
	}
	if err := run(sim.Config{Cores: 1, MaxEvents: 20, Until: 20 * ms}); err != nil {
		t.Fatalf("Run within both budgets = %v; want success", err)
	}
	err := run(sim.Config{Cores: 1, MaxEvents: 19})
	var eb *sim.EventBudgetError
	// In time order the events are the arrivals at 0, 1, ..., 9 ms and
	// the completions at 2, 4, ..., 20 ms: the 19th is the completion at
	// 18 ms, where the run stands when the 20th would exceed the budget.
	if !errors.As(err, &eb) || *eb != (sim.EventBudgetError{Limit: 19, At: 18 * ms}) || !errors.Is(err, sim.ErrBudget) {
		t.Errorf("MaxEvents 19: Run = %#v; want an EventBudgetError{19, 18ms} wrapping ErrBudget", err)
	}
	if eb != nil && eb.Error() != "more than 19 events, at virtual time 18ms: run stopped by its budget" {
		t.Errorf("EventBudgetError says %q", eb.Error())
	}
	err = runWorker(t, cpuTasks(11, 1, ms, 0), 10)
	var fe *sim.InFlightError
	if !errors.As(err, &fe) || *fe != (sim.InFlightError{N: 11, Limit: 10}) {
		t.Errorf("MaxInFlight 10: Run = %#v; want an InFlightError{N: 11, Limit: 10}", err)
	}
	err = runWorker(t, cpuTasks(2, 100, ms, 0), 2)
	if !errors.As(err, &fe) || *fe != (sim.InFlightError{Steps: true, N: 200, Limit: 128}) {
		t.Errorf("MaxInFlight 2, 200 steps: Run = %#v; want an InFlightError{Steps, 200, 128}", err)
	}
}

package sim_test

import (
	"errors"
	"math"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// runOneWorker runs src under one worker on one core with cfg's horizon.
func runOneWorker(t *testing.T, src sim.Source, until sim.Time) (*sim.Result, error) {
	t.Helper()
	s, err := strategies.New(strategies.Config{Name: "worker", Kind: strategies.KindBlocking, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return sim.Run(src, s, sim.Config{Cores: 1, Until: until})
}

// TestHorizonEndsTheRun checks a horizon's semantics on a case derived by
// hand: ten tasks of 2 ms of CPU arriving one per millisecond (at 0, 1,
// ..., 9 ms) on one worker, which completes task k at 2(k+1) ms.
func TestHorizonEndsTheRun(t *testing.T) {
	const ms = sim.Millisecond
	// A horizon at 9 ms: the events at or before it run, so tasks 0-3
	// complete (at 2, 4, 6, 8 ms) and all ten have arrived (the last at
	// 9 ms): six are left in flight.
	r, err := runOneWorker(t, cpuTasks(10, 1, 2*ms, ms), 9*ms)
	if err != nil {
		t.Fatal(err)
	}
	want := map[sim.Metric]float64{
		// The window is [0, 9 ms]: its length, and 4 tasks over it.
		sim.Makespan:   0.009,
		sim.Throughput: 4 / 0.009,
		// The latencies of tasks 0-3: 2, 3, 4, 5 ms; the median by nearest
		// rank is the 2nd of 4.
		sim.LatencyMean: 0.0035,
		sim.LatencyP50:  0.003,
		sim.LatencyMax:  0.005,
		// Tasks 0-3 start at 0, 2, 4, 6 ms: waits of 0, 1, 2, 3 ms.
		sim.WaitMean: 0.0015,
		// The worker is busy from 0 to the horizon.
		sim.CPUUtilization:     1,
		sim.WorkersUtilization: 1,
		// In flight on each millisecond of [0, 9): 1, 2, 2, 3, 3, 4, 4,
		// 5, 5 (an arrival each ms, a completion each 2 ms): 29/9.
		sim.InFlightMean: 29.0 / 9,
		sim.InFlightEnd:  6,
		sim.Requests:     4,
		sim.Succeeded:    4,
	}
	for m, w := range want {
		if got := r.Values[m]; math.Abs(got-w) > 1e-12*max(1, math.Abs(w)) {
			t.Errorf("%v = %v; want %v", m, got, w)
		}
	}
	if !r.Horizon || r.Tasks != 4 || r.FirstArrival != 0 || r.LastCompletion != 8*ms {
		t.Errorf("Horizon %v, Tasks %d, window from %v, last completion %v; want true, 4, 0, 8ms",
			r.Horizon, r.Tasks, r.FirstArrival, r.LastCompletion)
	}

	// A horizon after the last completion (20 ms), or at it, changes
	// nothing: the run ends when its work is done.
	full, err := runOneWorker(t, cpuTasks(10, 1, 2*ms, ms), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, until := range []sim.Time{20 * ms, 25 * ms} {
		r, err := runOneWorker(t, cpuTasks(10, 1, 2*ms, ms), until)
		if err != nil {
			t.Fatal(err)
		}
		if r.Horizon || r.Values != full.Values {
			t.Errorf("horizon %v: Horizon %v, %v; want the run without one, %v", until, r.Horizon, r.Values, full.Values)
		}
	}

	// A horizon before the first completion measures nothing: at 1 ms
	// tasks 0 and 1 have arrived and none has completed.
	_, err = runOneWorker(t, cpuTasks(10, 1, 2*ms, ms), ms)
	var he *sim.HorizonError
	if !errors.As(err, &he) || *he != (sim.HorizonError{Until: ms, InFlight: 2}) || errors.Is(err, sim.ErrBudget) {
		t.Errorf("horizon 1ms: Run = %#v; want a HorizonError{1ms, 2}, not a budget error", err)
	}
	if he != nil && he.Error() != "the horizon 1ms came before any counted task ended (2 in flight): nothing was measured" {
		t.Errorf("HorizonError says %q", he.Error())
	}
}

// TestTrendOfGrowth checks the trend of the tasks in flight where they
// grow at a known rate: a task every millisecond (1000, over [0, 999 ms]),
// each 2 ms of CPU on one worker, so that in flight at t are ⌊t/1ms⌋+1
// arrived less ⌊t/2ms⌋ completed: t/2ms, give or take one. The trend's
// window is [0, 999 ms], its second half [499.5, 999 ms]: over it the
// tasks in flight grow by 499.5/2 = 249.75, and their mean is that of
// t/2ms over the half, (499.5+999)/4 = 374.6. The buckets' staircase and
// the rounding of the half to whole buckets allow 1%.
func TestTrendOfGrowth(t *testing.T) {
	const ms = sim.Millisecond
	r, err := runOneWorker(t, cpuTasks(1000, 1, 2*ms, ms), 0)
	if err != nil {
		t.Fatal(err)
	}
	tr := r.Trend
	if tr.Buckets < 16 || math.Abs(tr.Growth-249.75) > 0.01*249.75 || math.Abs(tr.Mean-374.6) > 0.01*374.6 ||
		math.Abs(tr.Half-0.4995) > 1e-9 {
		t.Errorf("trend %+v; want 16 buckets or more, a growth of 249.75, a mean of 374.6 and a half of 0.4995 s, within 1%%", tr)
	}
	// Served as fast as they come (a task of 0.5 ms each ms), at most
	// one task is in flight: the trend is flat.
	r, err = runOneWorker(t, cpuTasks(1000, 1, ms/2, ms), 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr := r.Trend; tr.Buckets < 16 || math.Abs(tr.Growth) > 0.05 || math.Abs(tr.Mean-0.5) > 0.01 {
		t.Errorf("trend %+v; want no growth (within 0.05) and a mean of 0.5 (±0.01)", tr)
	}
}

package workloads

import (
	"testing"

	"asyncsim/internal/stream"
	"asyncsim/sim"
)

// TestSourceRateExact pins arrival.rate's rule arrival by arrival, on one
// replication, against the class's arrival stream drawn here by hand:
// starting at arrival.start, each gap is an exponential draw at the
// segment's rate (mean 1 s / per_second, rounded to the nanosecond); an
// arrival at or past the segment's end is not one: that draw is dropped
// and the next is drawn from the segment's end at the next segment's
// rate; a pause (per_second 0) draws nothing.
//
// The schedule from start 1 s: a pause [1 s, 2 s), 50/s over [2 s,
// 2.1 s), a pause [2.1 s, 3.1 s), 10/s over [3.1 s, 3.3 s). So no
// arrival before 2 s nor in [2.1 s, 3.1 s), and the first arrival is one
// gap after 2 s, not after 1 s: the pause drew nothing.
func TestSourceRateExact(t *testing.T) {
	s := mustParse(t, `
name: w
seed: 5
tasks:
  - name: a
    arrival:
      start: 1s
      rate:
        - {for: 1s, per_second: 0}
        - {for: 100ms, per_second: 50}
        - {for: 1s, per_second: 0}
        - {for: 200ms, per_second: 10}
    steps: [{cpu: 1ms}]
strategies: [{kind: blocking}]
`)
	type segment struct {
		end  sim.Time
		mean sim.Time // 0: a pause
	}
	segments := []segment{{2 * sim.Second, 0}, {2100 * sim.Millisecond, 20 * sim.Millisecond},
		{3100 * sim.Millisecond, 0}, {3300 * sim.Millisecond, 100 * sim.Millisecond}}
	p := stream.New(5, 0, "a", purposeArrival, stream.NoClient)
	var want []sim.Time
	at := sim.Second
	for _, seg := range segments {
		for seg.mean > 0 {
			next := at + expDist(seg.mean).expDuration(expFloat64(&p))
			if next >= seg.end {
				break
			}
			at = next
			want = append(want, at)
		}
		at = seg.end
	}
	if len(want) < 3 {
		t.Fatalf("the hand-drawn schedule has %d arrivals; choose a seed with more", len(want))
	}
	got := drain(s.Source(0))
	if len(got) != len(want) {
		t.Fatalf("%d arrivals %v; want %d %v", len(got), arrivals(got), len(want), want)
	}
	for i, task := range got {
		if task.Arrival != want[i] {
			t.Errorf("arrival %d at %v; want %v", i, task.Arrival, want[i])
		}
		if a := task.Arrival; a < 2*sim.Second || (a >= 2100*sim.Millisecond && a < 3100*sim.Millisecond) || a >= 3300*sim.Millisecond {
			t.Errorf("arrival %d at %v, in a pause or outside the segments", i, a)
		}
	}
}

func arrivals(tasks []sim.Task) []sim.Time {
	out := make([]sim.Time, len(tasks))
	for i, t := range tasks {
		out[i] = t.Arrival
	}
	return out
}

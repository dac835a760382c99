package workloads

import (
	"math"
	"slices"
	"testing"

	"asyncsim/sim"
)

const scaleWorkload = `name: scale
tasks:
  - name: exp
    count: 10
    arrival: {interarrival: {exp: 5ms}}
    steps: [{cpu: 1ms}]
  - name: uniform
    count: 10
    arrival: {interarrival: {uniform: [10ms, 30ms]}}
    steps: [{cpu: 1ms}]
  - name: segments
    arrival: {rate: [{for: 1s, per_second: 100}, {for: 1s, per_second: 0}]}
    steps: [{cpu: 1ms}]
  - name: batch
    count: 5
    steps: [{cpu: 1ms}]
  - name: clients
    clients: {count: 2, requests: 3}
    steps: [{cpu: 1ms}]
strategies: [{kind: blocking}]
`

func TestScaleOpen(t *testing.T) {
	spec, err := Parse("scale.yaml", []byte(scaleWorkload))
	if err != nil {
		t.Fatal(err)
	}
	// Rates as written: exp 1/5ms = 200/s, uniform 1/20ms = 50/s,
	// segments (100·1 + 0·1)/2 s = 50/s; the batch and the clients have
	// none. Total 300/s.
	if got := spec.OpenRate(); math.Abs(got-300) > 1e-9 {
		t.Fatalf("OpenRate = %v, want 300", got)
	}
	scaled := spec.ScaleOpen(2.5)
	if got := scaled.OpenRate(); math.Abs(got-750) > 1e-6 {
		t.Errorf("OpenRate scaled by 2.5 = %v, want 750", got)
	}
	want := map[string]float64{"exp": 500, "uniform": 125, "segments": 125}
	for i := range scaled.Classes {
		c := &scaled.Classes[i]
		r, ok := c.MeanRate()
		if w, open := want[c.Name]; open != ok || open && math.Abs(r-w) > 1e-6 {
			t.Errorf("class %s: rate %v (open %v), want %v (open %v)", c.Name, r, ok, w, open)
		}
		if c.Count != spec.Classes[i].Count {
			t.Errorf("class %s: count %d, want %d kept", c.Name, c.Count, spec.Classes[i].Count)
		}
	}
	// The exponential keeps its rate exactly: 2.5/5ms.
	if x := scaled.Classes[0].Interarrival.x; x != spec.Classes[0].Interarrival.x*2.5 {
		t.Errorf("exp rate %v, want exactly 2.5 × %v", x, spec.Classes[0].Interarrival.x)
	}
	if scaled.Classes[3].Interarrival != nil || scaled.Classes[4].Clients != spec.Classes[4].Clients {
		t.Error("the batch or the clients changed")
	}
	// The original is untouched.
	if got := spec.OpenRate(); math.Abs(got-300) > 1e-9 || spec.Classes[2].Rate[0].PerSecond != 100 {
		t.Errorf("ScaleOpen changed its receiver: rate %v", got)
	}
}

// TestScaleOpenByOneIsIdentity checks that scaling by 1 draws exactly
// the arrivals of the workload as written.
func TestScaleOpenByOneIsIdentity(t *testing.T) {
	spec, err := Parse("scale.yaml", []byte(scaleWorkload))
	if err != nil {
		t.Fatal(err)
	}
	a, b := arrivals(drain(spec.Source(0))), arrivals(drain(spec.ScaleOpen(1).Source(0)))
	if !slices.Equal(a, b) {
		t.Fatalf("arrivals %v, scaled by 1 %v", a, b)
	}
}

// TestScaleOpenTraceAndEmpirical: a trace scales by its speed, an
// empirical interarrival by its values.
func TestScaleOpenTraceAndEmpirical(t *testing.T) {
	spec, err := loadIn(t, map[string]string{
		// Four arrivals over 2 s of trace, replayed twice as fast: three
		// gaps over 1 s, 3/s.
		"trace.txt": "0\n0.5\n1\n2\n",
		"w.yaml": `name: scale
tasks:
  - name: replay
    arrival: {trace: trace.txt, speed: 2}
    steps: [{cpu: 1ms}]
  - name: empirical
    count: 4
    arrival: {interarrival: {empirical: [10ms, 30ms]}}
    steps: [{cpu: 1ms}]
strategies: [{kind: blocking}]
`})
	if err != nil {
		t.Fatal(err)
	}
	// 3/s, and 1/20ms = 50/s for the empirical gaps: 53/s.
	if got := spec.OpenRate(); math.Abs(got-53) > 1e-9 {
		t.Fatalf("OpenRate = %v, want 53", got)
	}
	scaled := spec.ScaleOpen(2.5)
	// Speed 5: the trace's instants 0, 0.1, 0.2 and 0.4 s; the empirical
	// gaps 4 and 12 ms, 125/s. In all 7.5 + 125 = 132.5/s.
	if got := scaled.OpenRate(); math.Abs(got-132.5) > 1e-9 {
		t.Errorf("OpenRate scaled by 2.5 = %v, want 132.5", got)
	}
	if sp := scaled.Classes[0].Trace.Speed; sp != 5 || spec.Classes[0].Trace.Speed != 2 {
		t.Errorf("trace speed %v (the original's %v), want 5 (2)", sp, spec.Classes[0].Trace.Speed)
	}
	if v := scaled.Classes[1].Interarrival.values; !slices.Equal(v, []sim.Time{4 * sim.Millisecond, 12 * sim.Millisecond}) {
		t.Errorf("empirical gaps %v, want [4ms 12ms]", v)
	}
	var replay []sim.Time
	for _, tk := range drain(scaled.Source(0)) {
		if tk.Class == 0 {
			replay = append(replay, tk.Arrival)
		}
	}
	if want := []sim.Time{0, 100 * sim.Millisecond, 200 * sim.Millisecond, 400 * sim.Millisecond}; !slices.Equal(replay, want) {
		t.Errorf("replayed arrivals %v, want %v", replay, want)
	}
}

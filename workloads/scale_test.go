package workloads

import (
	"math"
	"slices"
	"testing"
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

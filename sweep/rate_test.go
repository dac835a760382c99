package sweep

import (
	"os"
	"path/filepath"
	"testing"
)

// rated is a workload whose load is written as rates: a plain Poisson
// stream and one of changing rate.
const rated = `name: rated
resources: [{name: db, capacity: 2}]
tasks:
  - name: request
    count: 50
    arrival: {per_second: 100}
    timeout: 1s
    steps: [{cpu: 1ms}, {hold: db, steps: [{io: 5ms}]}]
  - name: burst
    arrival:
      rate: [{for: 1s, per_second: 20}, {for: 1s, per_second: 0}]
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking, workers: 2, backlog: 4}
`

// TestVaryRates: a rate is a sweep path like any other, per_second and a
// segment's per_second alike, and its values are the x axis in requests
// per second, growing to the right.
func TestVaryRates(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rated.yaml"), []byte(rated), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `workload: rated.yaml
vary:
  - path: tasks.request.arrival.per_second
    values: [50, 200, 400]
  - path: tasks.burst.arrival.rate.0.per_second
    values: [10, 0.5]
`
	path := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 6 {
		t.Fatalf("%d points; want 3 × 2", len(s.Points))
	}
	// per_second R is interarrival {exp: 1/R}: means 20ms, 5ms, 2.5ms.
	wantMean := []float64{20e6, 5e6, 2.5e6}
	wantSeg := []float64{10, 0.5}
	var prevX float64
	for i, pt := range s.Points {
		req, burst := pt.Spec.Classes[0], pt.Spec.Classes[1]
		if got := req.Interarrival.Mean(); got != wantMean[i/2] {
			t.Errorf("point %d: request interarrival mean %g ns; want %g", i, got, wantMean[i/2])
		}
		if got := burst.Rate[0].PerSecond; got != wantSeg[i%2] || burst.Rate[1].PerSecond != 0 {
			t.Errorf("point %d: burst rate %+v; want %g/s then a pause", i, burst.Rate, wantSeg[i%2])
		}
		x, ok := AxisValue(pt.Values[0])
		if !ok || (i%2 == 0 && i > 0 && x <= prevX) {
			t.Errorf("point %d: x value %q = %g, %t; want a number above %g", i, pt.Values[0], x, ok, prevX)
		}
		if i%2 == 0 {
			prevX = x
		}
	}
}

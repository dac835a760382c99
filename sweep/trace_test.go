package sweep

import (
	"os"
	"path/filepath"
	"testing"

	"asyncsim/sim"
)

// TestVaryTrace: arrival.speed is a sweep path whose values are the x
// axis, and a trace path, varied or not, names a file relative to the
// workload file (the sweep file for a workload written inline).
func TestVaryTrace(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"load/w.yaml": `name: w
tasks:
  - name: replay
    arrival: {trace: traces/day.txt}
    steps: [{cpu: 1ms}]
strategies: [{kind: blocking}]
`,
		"load/traces/day.txt":   "0\n1\n2\n",
		"load/traces/burst.txt": "0\n0\n0\n0\n0.5\n",
		"speed.yaml": `workload: load/w.yaml
vary:
  - path: tasks.replay.arrival.speed
    values: [1, 1.5, 2]
  - path: tasks.replay.arrival.trace
    values: [traces/day.txt, traces/burst.txt]
`,
		"inline.yaml": `workload:
  name: inline
  tasks: [{name: replay, arrival: {trace: load/traces/day.txt}, steps: [{cpu: 1ms}]}]
  strategies: [{kind: blocking}]
vary:
  - path: tasks.replay.arrival.speed
    values: [0.5, 4]
`,
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(filepath.Join(dir, "speed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 6 {
		t.Fatalf("%d points; want 3 speeds × 2 traces", len(s.Points))
	}
	speeds := []float64{1, 1.5, 2}
	// day.txt lists 3 arrivals to 2s, burst.txt 5 to 0.5s.
	arrivals, last := []int64{3, 5}, []sim.Time{2 * sim.Second, 500 * sim.Millisecond}
	for i, pt := range s.Points {
		tr := pt.Spec.Classes[0].Trace
		if tr == nil || tr.Speed != speeds[i/2] || tr.Arrivals != arrivals[i%2] || tr.Last != last[i%2] {
			t.Errorf("point %d: trace %+v; want speed %g, %d arrivals to %v", i, tr, speeds[i/2], arrivals[i%2], last[i%2])
		}
		if x, ok := AxisValue(pt.Values[0]); !ok || x != speeds[i/2] {
			t.Errorf("point %d: x value %q = %g, %t; want %g", i, pt.Values[0], x, ok, speeds[i/2])
		}
	}
	s, err = Load(filepath.Join(dir, "inline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range s.Points {
		if tr := pt.Spec.Classes[0].Trace; tr == nil || tr.Arrivals != 3 || tr.Speed != []float64{0.5, 4}[i] {
			t.Errorf("inline point %d: trace %+v", i, tr)
		}
	}
}

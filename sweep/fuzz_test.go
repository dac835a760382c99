package sweep

import (
	"errors"
	"strings"
	"testing"
	"time"

	"asyncsim/workloads"
)

// FuzzParse checks that no sweep file makes Parse panic, that every error
// is positioned, and that every sweep it accepts has valid points.
func FuzzParse(f *testing.F) {
	f.Add(gridSweep)
	f.Add(bench200)
	for _, ex := range Examples() {
		f.Add(string(ex.YAML))
	}
	f.Add("workload: tornado\nvary: [{path: strategies.0, values: [{kind: blocking}, &a {kind: event_loop}, *a]}]\n")
	f.Add("workload: {name: x, tasks: [{name: t, count: 1, steps: [{cpu: 1ms}]}], strategies: [{kind: blocking}]}\nzip: true\nvary: [{path: tasks.t.steps.0.cpu, values: [1ms, 2ms]}, {path: seed, values: [1, 2]}]\n")
	// Rates, holds and backlogs as sweep paths (issue 13).
	f.Add("workload: {name: x, resources: [{name: db, capacity: 2}], tasks: [{name: t, arrival: {rate: [{for: 1s, per_second: 5}, {for: 1s, per_second: 0}]}, timeout: 1s, retries: 1, steps: [{hold: db, steps: [{io: 1ms}]}]}, {name: u, count: 3, arrival: {per_second: 10}, steps: [{cpu: 1ms}]}], strategies: [{kind: blocking, backlog: 1}]}\n" +
		"vary: [{path: tasks.t.arrival.rate.1.per_second, values: [0, 2.5]}, {path: tasks.u.arrival.per_second, values: [1, 100]}, {path: strategies.blocking.backlog_full, values: [reject, syn_retry]}, {path: resources.db.capacity, values: [1, 3]}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		start := time.Now()
		s, err := Parse("fuzz.yaml", []byte(src))
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Parse took %v", d)
		}
		if err != nil {
			var list workloads.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not a positioned workloads.ErrorList", err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Col < 1 || e.Msg == "" || e.File == "" {
					t.Fatalf("badly positioned error %+v", e)
				}
			}
			return
		}
		if len(s.Points) == 0 || len(s.Points) > MaxPoints || !strings.HasPrefix(s.Hash, "sha256:") {
			t.Fatalf("accepted a sweep with %d points, hash %q", len(s.Points), s.Hash)
		}
		for i, pt := range s.Points {
			if pt.Index != i || pt.Spec == nil || len(pt.Values) != len(s.Vary) || pt.Spec.Replications != s.Replications {
				t.Fatalf("point %d: %+v", i, pt)
			}
		}
	})
}

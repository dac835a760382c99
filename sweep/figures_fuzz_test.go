package sweep

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"asyncsim/plots"
)

// figuresSeed is a small sweep.json: two varied paths, two strategies.
const figuresSeed = `{
  "workload": "w",
  "replications": 2,
  "points": 4,
  "hash": "sha256:00",
  "vary": ["tasks.t.steps.1.io", "strategies.s.threads"],
  "plot": {"x": "strategies.s.threads", "y": ["makespan_s", "cpu_utilization"], "log_x": true, "log_y": false},
  "results": [
    {"point": 0, "tasks.t.steps.1.io": "5ms", "strategies.s.threads": 1, "strategy": "s", "kind": "threaded", "makespan_s": 2.5, "makespan_s_ci95": 0.1, "cpu_utilization": 0.5},
    {"point": 0, "tasks.t.steps.1.io": "5ms", "strategies.s.threads": 1, "strategy": "l", "kind": "event_loop", "makespan_s": 1.5, "makespan_s_ci95": null, "cpu_utilization": 0.25},
    {"point": 1, "tasks.t.steps.1.io": "5ms", "strategies.s.threads": 2, "strategy": "s", "kind": "threaded", "makespan_s": 1.25, "makespan_s_ci95": 0.1, "cpu_utilization": 0.75},
    {"point": 2, "tasks.t.steps.1.io": "1s", "strategies.s.threads": 1, "strategy": "s", "kind": "threaded", "makespan_s": 4, "makespan_s_ci95": 0, "cpu_utilization": 1},
    {"point": 3, "tasks.t.steps.1.io": "1s", "strategies.s.threads": 2, "strategy": "s", "kind": "threaded", "makespan_s": 3, "makespan_s_ci95": 0.5, "cpu_utilization": 0.1}
  ]
}
`

// FuzzFigures checks that Figures, given any sweep.json, either refuses
// it with an error or returns figures that all render, quickly: what
// 'asyncsim plot DIR' does with a sweep's folder (issue 12, point 15).
func FuzzFigures(f *testing.F) {
	f.Add([]byte(figuresSeed))
	f.Add([]byte(`{"hash": "h", "vary": ["a"], "plot": {"x": "a", "y": ["m"], "log_x": true, "log_y": true}, "results": [{"point": 0, "a": "x", "strategy": "", "kind": "", "m": -1}, {"point": 0, "a": 0, "strategy": "", "kind": "", "m": 1e308}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		start := time.Now()
		figs, err := Figures(fstest.MapFS{JSONName: &fstest.MapFile{Data: data}})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Figures took %v", d)
		}
		if err != nil {
			return
		}
		for _, fig := range figs {
			start := time.Now()
			if _, err := fig.Render(plots.PNG, plots.MinWidth, plots.MinHeight); err != nil {
				t.Fatalf("Figures accepted a sweep.json that %s cannot draw: %v", fig.Name, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%s took %v", fig.Name, d)
			}
		}
	})
}

// TestFiguresPositions checks that a malformed sweep.json is refused with
// the line and column of the fault (issue 12, point 15).
func TestFiguresPositions(t *testing.T) {
	tests := []struct{ data, want string }{
		{strings.Replace(figuresSeed, `"points": 4,`, `"points": 4,,`, 1), "sweep: sweep.json:4:15: invalid character ','"},
		{figuresSeed + "x", "sweep: sweep.json:16:1: more data after the JSON value"},
		{figuresSeed[:100], "sweep: sweep.json:6:21: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		_, err := Figures(fstest.MapFS{JSONName: &fstest.MapFile{Data: []byte(tt.data)}})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Figures: %v; want %q", err, tt.want)
		}
	}
}

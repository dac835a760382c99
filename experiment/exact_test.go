package experiment

import (
	"testing"

	"asyncsim/sim"
)

// TestExactFromYAML pins hand-derived results of whole workloads, read
// from YAML as a user writes them, through the real task streams.
func TestExactFromYAML(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want map[string][2]float64 // strategy → makespan_s, latency_mean_s
	}{
		{
			// Two coroutines of repeat 3 × (cpu 1ms, io 2ms) on one loop
			// interleave their CPU bursts; one blocking worker runs them
			// one after the other.
			name: "repeat on an event loop",
			yaml: `
name: r
tasks:
  - name: t
    count: 2
    steps:
      - repeat: 3
        steps: [{cpu: 1ms}, {io: 2ms}]
strategies:
  - {name: loop, kind: event_loop}
  - {name: worker, kind: blocking}
`,
			// loop: c0 cpu 0-1 io 1-3, c1 cpu 1-2 io 2-4, c0 cpu 3-4 io 4-6,
			// c1 cpu 4-5 io 5-7, c0 cpu 6-7 io 7-9 (done 9), c1 cpu 7-8 io
			// 8-10 (done 10). worker: 9 ms each, one after the other.
			want: map[string][2]float64{"loop": {0.010, 0.0095}, "worker": {0.018, 0.0135}},
		},
		{
			name: "closed-loop clients",
			yaml: `
name: c
tasks:
  - name: t
    clients: {count: 2, requests: 3, think: 5ms}
    steps: [{cpu: 10ms}]
strategies: [{kind: blocking}]
`,
			// c0: 0-10, c1: 10-20, c0 (arrives 15): 20-30, c1 (25): 30-40,
			// c0 (35): 40-50, c1 (45): 50-60. Latencies 10, 20, 15, 15, 15, 15.
			want: map[string][2]float64{"blocking": {0.060, 0.015}},
		},
		{
			name: "warm-up and interarrival",
			yaml: `
name: w
warmup: 15ms
tasks:
  - name: t
    count: 4
    arrival: {start: 0s, interarrival: 10ms}
    steps: [{cpu: 5ms}]
strategies: [{kind: blocking}]
`,
			// Arrivals 0, 10, 20, 30; only 20 and 30 count: window 20-35.
			want: map[string][2]float64{"blocking": {0.015, 0.005}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(parse(t, tt.yaml), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Strategies {
				want, ok := tt.want[s.Config.Name]
				if !ok {
					t.Fatalf("unexpected strategy %s", s.Config.Name)
				}
				m := s.Aggregate.Mean
				if !equalSeconds(m[sim.Makespan], want[0]) || !equalSeconds(m[sim.LatencyMean], want[1]) {
					t.Errorf("%s: makespan %v, latency mean %v; want %v, %v",
						s.Config.Name, m[sim.Makespan], m[sim.LatencyMean], want[0], want[1])
				}
			}
		})
	}
}

func equalSeconds(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }

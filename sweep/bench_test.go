package sweep

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
)

// bench200 is a sweep of 200 small points: 20 loads × 10 pool sizes, each
// point 2000 tasks under three strategies, one replication (a few
// milliseconds of work).
const bench200 = `
workload:
  name: bench
  seed: 9
  machine: {cores: 2}
  tasks:
    - name: request
      count: 2000
      arrival: {interarrival: {exp: 2ms}}
      steps:
        - cpu: {exp: 500us}
        - blocking_io: {exp: 5ms}
        - io: {exp: 2ms}
        - cpu: {exp: 300us}
  strategies:
    - {name: threads, kind: threaded, threads: 4, gil: true}
    - {name: prefork, kind: blocking, workers: 4}
    - {name: loop, kind: event_loop, offload: true, executor: 4}
vary:
  - path: tasks.request.arrival.interarrival
    values: [{exp: 500us}, {exp: 600us}, {exp: 700us}, {exp: 800us}, {exp: 900us},
             {exp: 1ms}, {exp: 1.2ms}, {exp: 1.4ms}, {exp: 1.6ms}, {exp: 1.8ms},
             {exp: 2ms}, {exp: 2.5ms}, {exp: 3ms}, {exp: 3.5ms}, {exp: 4ms},
             {exp: 5ms}, {exp: 6ms}, {exp: 7ms}, {exp: 8ms}, {exp: 10ms}]
  - path: strategies.threads.threads
    values: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16]
plot: {y: [latency_p99_s], log_x: true}
`

// BenchmarkSweep200 runs the 200-point sweep end to end (journal and final
// files) with one and with two jobs, without and with its figure, under
// the garbage collector setting of asyncsim sweep; on a 2-core machine two
// jobs should take at most 0.55× the time of one. Drawing the figure
// (about 0.1 s) cannot be shared between jobs.
func BenchmarkSweep200(b *testing.B) {
	s, err := Parse("bench.yaml", []byte(bench200))
	if err != nil {
		b.Fatal(err)
	}
	if len(s.Points) != 200 {
		b.Fatalf("%d points; want 200", len(s.Points))
	}
	// As asyncsim sweep does (unless GOGC is set).
	defer debug.SetGCPercent(debug.SetGCPercent(GCPercent))
	for _, figures := range []bool{false, true} {
		for _, jobs := range []int{1, 2} {
			name := "points"
			if figures {
				name = "with-figure"
			}
			b.Run(name+"/jobs="+strconv.Itoa(jobs), func(b *testing.B) {
				for b.Loop() {
					dir, err := os.MkdirTemp(b.TempDir(), "run")
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Run(context.Background(), s, Options{Dir: dir, Jobs: jobs, NoFigures: !figures}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

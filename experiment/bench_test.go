package experiment

import (
	"fmt"
	"testing"

	"asyncsim/workloads"
)

// benchRun runs spec once per iteration and reports simulated tasks and
// events per second of wall time and nanoseconds per event.
func benchRun(b *testing.B, spec *workloads.Spec) {
	b.Helper()
	b.ReportAllocs()
	var events int64
	for b.Loop() {
		res, err := Run(spec, Options{Jobs: 1})
		if err != nil {
			b.Fatal(err)
		}
		events = res.Strategies[0].Events
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(spec.Tasks())/perOp, "tasks/s")
	b.ReportMetric(perOp*1e9/float64(events), "ns/event")
}

// BenchmarkReference runs each reference workload of 'asyncsim bench',
// scaled down to 100,000 tasks.
func BenchmarkReference(b *testing.B) {
	for _, ex := range workloads.Benchmarks() {
		b.Run(ex.Name, func(b *testing.B) {
			spec, err := workloads.Parse(ex.Name, ex.YAML)
			if err != nil {
				b.Fatal(err)
			}
			spec.Classes[0].Count = 100_000
			benchRun(b, spec)
		})
	}
}

// BenchmarkConcurrentThreads runs n CPU-bound tasks at once on unbounded
// threads sharing 4 cores: with n contexts running, each CPU event must
// still cost O(log n).
func BenchmarkConcurrentThreads(b *testing.B) {
	for _, n := range []int{10, 1000, 100_000} {
		b.Run(fmt.Sprintf("running=%d", n), func(b *testing.B) {
			spec, err := workloads.Parse("concurrent", fmt.Appendf(nil, `
name: concurrent
machine: {cores: 4}
tasks:
  - name: crunch
    count: %d
    steps: [{cpu: {exp: 1ms}}, {io: {exp: 1ms}}, {cpu: {exp: 1ms}}]
strategies: [{kind: threaded, threads: 0}]
`, n))
			if err != nil {
				b.Fatal(err)
			}
			benchRun(b, spec)
		})
	}
}

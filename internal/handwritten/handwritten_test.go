package handwritten

import (
	"math"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// TestAgreesWithAsyncsim checks that the yardstick simulates the model of
// bench-loop: its mean latency agrees with asyncsim's on that workload
// within their sampling error (the two draw different random numbers).
func TestAgreesWithAsyncsim(t *testing.T) {
	const n = 200_000
	var yaml []byte
	for _, b := range workloads.Benchmarks() {
		if b.Name == "bench-loop" {
			yaml = b.YAML
		}
	}
	spec, err := workloads.Parse("bench-loop", yaml)
	if err != nil {
		t.Fatal(err)
	}
	spec.Classes[0].Count = n
	res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := res.Strategies[0].Runs[0].Values[sim.LatencyMean] * 1e9
	got := Loop(n, 1)
	if got.Events != 4*n {
		t.Errorf("%d events; want 4 per task, %d", got.Events, 4*n)
	}
	t.Logf("mean latency: hand-written %.0f ns, asyncsim %.0f ns", got.MeanLatency, want)
	if diff := math.Abs(got.MeanLatency-want) / want; diff > 0.03 {
		t.Errorf("mean latency %.0f ns; asyncsim's is %.0f ns, %.1f%% away", got.MeanLatency, want, 100*diff)
	}
}

func BenchmarkLoop(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		Loop(n, 1)
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "tasks/s")
}

package sweep

import (
	"testing"

	"asyncsim/plots"
)

// TestMetricUnit checks how sweep figures read each kind of statistic:
// goodput_per_s, a rate added by issue 13, was drawn as a time (in
// minutes) because it ends in _s.
func TestMetricUnit(t *testing.T) {
	for _, tt := range []struct {
		metric string
		want   plots.SweepUnit
	}{
		{"makespan_s", plots.SweepSeconds},
		{"latency_p99_s", plots.SweepSeconds},
		{"wasted_cpu_s", plots.SweepSeconds},
		{"resource.db.wait_mean_s", plots.SweepSeconds},
		{"throughput_per_s", plots.SweepPlain},
		{"goodput_per_s", plots.SweepPlain},
		{"cpu_utilization", plots.SweepFraction},
		{"resource.db.utilization", plots.SweepFraction},
		{"resource.db.queue_mean", plots.SweepPlain},
		{"rejected", plots.SweepPlain},
	} {
		if got := metricUnit(tt.metric); got != tt.want {
			t.Errorf("metricUnit(%q) = %v; want %v", tt.metric, got, tt.want)
		}
	}
}

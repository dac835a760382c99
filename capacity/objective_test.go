package capacity

import "testing"

func TestParseObjective(t *testing.T) {
	for _, tc := range []struct {
		text      string
		column    string
		op        Op
		threshold float64
		share     bool
	}{
		{"p99<200ms", "latency_p99_s", Less, 0.2, false},
		{"latency_p99_s < 0.2", "latency_p99_s", Less, 0.2, false},
		{"wait_mean_s<40ms", "wait_mean_s", Less, 0.04, false},
		{"mean<=250us", "latency_mean_s", LessEqual, 250e-6, false},
		{"max<1.5s", "latency_max_s", Less, 1.5, false},
		{"p50<800µs", "latency_p50_s", Less, 800e-6, false},
		{"p90<5000ns", "latency_p90_s", Less, 5e-6, false},
		{"rejected<1%", "rejected", Less, 0.01, true}, // a share of the requests
		{"rejected<3", "rejected", Less, 3, false},    // a count
		{"memory<2GiB", "memory_peak_mib", Less, 2048, false},
		{"memory_peak_mib<512KiB", "memory_peak_mib", Less, 0.5, false},
		{"throughput_per_s>=100", "throughput_per_s", GreaterEqual, 100, false},
		{"throughput>99.5/s", "throughput_per_s", Greater, 99.5, false},
		{"cpu_utilization<80%", "cpu_utilization", Less, 0.8, false},
		{"resource.db.wait_mean_s<5ms", "resource.db.wait_mean_s", Less, 0.005, false},
	} {
		o, err := ParseObjective(tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if o.Column != tc.column || o.Op != tc.op || o.Share != tc.share || !near(o.Threshold, tc.threshold) {
			t.Errorf("%q = %+v; want %s %s %v (share %v)", tc.text, o, tc.column, tc.op, tc.threshold, tc.share)
		}
	}
}

// near reports whether a and b agree to 12 digits.
func near(a, b float64) bool { return a == b || (a-b)/b < 1e-12 && (b-a)/b < 1e-12 }

func TestObjectiveMet(t *testing.T) {
	for _, tc := range []struct {
		text string
		v    float64
		met  bool
	}{
		{"p99<200ms", 0.1999, true}, {"p99<200ms", 0.2, false},
		{"p99<=200ms", 0.2, true}, {"throughput>100", 100, false}, {"throughput>=100", 100, true},
	} {
		o, err := ParseObjective(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Met(tc.v); got != tc.met {
			t.Errorf("%q met by %v = %v, want %v", tc.text, tc.v, got, tc.met)
		}
	}
}

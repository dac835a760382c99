package report

import (
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

func TestSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{10.02, "10.020 s"},
		{1.011, "1.011 s"},
		{0.0025, "2.500 ms"},
		{0.01410, "14.10 ms"},
		{0.000950, "950.0 µs"},
		{1.5e-7, "150.0 ns"},
		{285, "4.750 min"},
		{7740, "2.150 h"},
		{-0.002, "-2.000 ms"},
	}
	for _, tt := range tests {
		if got := Seconds(tt.in); got != tt.want {
			t.Errorf("Seconds(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCells(t *testing.T) {
	tests := []struct {
		f        format
		mean, ci float64
		want     string
	}{
		{timeFormat, 0.01410, 0.00021, "14.10 ±0.21 ms"},
		{timeFormat, 14.523, 2.035, "14.523 ±2.035 s"},
		{percentFormat, 0.137, 0.015, "13.7 ±1.5%"},
		{percentFormat, 0.0005, 0, "0.050 ±0.000%"},
		{rateFormat, 200.6, 25.86, "200.6 ±25.9/s"},
		{countFormat, 5909, 53.74, "5909 ±54"},
		{countFormat, 2.827, 0.353, "2.827 ±0.353"},
		{countFormat, 0, 0, "0"},
	}
	for _, tt := range tests {
		if got := tt.f.cell(tt.mean, tt.ci, true); got != tt.want {
			t.Errorf("cell(%v, %v) = %q; want %q", tt.mean, tt.ci, got, tt.want)
		}
	}
	if got := format(percentFormat).cell(0.0005, 0, false); got != "0.050%" {
		t.Errorf("percent cell without CI = %q; want 0.050%%", got)
	}
}

// result builds a result with the given makespans and p99 latencies.
func result(makespan, p99 []float64) *experiment.Result {
	res := &experiment.Result{Spec: &workloads.Spec{Name: "w", Replications: 1, Cores: 1}}
	for i := range makespan {
		s := experiment.StrategyResult{Config: strategies.Config{Name: string(rune('a' + i)), Kind: strategies.KindBlocking}}
		s.Aggregate.Replications = 1
		s.Aggregate.Mean[sim.Makespan] = makespan[i]
		s.Aggregate.Mean[sim.LatencyP99] = p99[i]
		res.Strategies = append(res.Strategies, s)
	}
	return res
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		makespan, p99 []float64
		want          string
	}{
		{[]float64{2}, []float64{1}, "a finished in 2.000 s."},
		{[]float64{10.02, 1.011, 1.011}, []float64{10, 1, 1}, "b and c tied for first: makespan 1.011 s, 9.91× shorter than a (10.020 s)."},
		{[]float64{3, 1, 2}, []float64{1, 1, 1}, "b finished first: makespan 1.000 s, 3.00× shorter than a (3.000 s)."},
		{[]float64{5, 5.01}, []float64{0.2, 0.1}, "All strategies finished within 1% of 5.000 s; b had the lowest p99 latency, 100.0 ms, 2.00× lower than a (200.0 ms)."},
		{[]float64{5, 5}, []float64{0.1, 0.1}, "All strategies finished in 5.000 s, with the same p99 latency, 100.0 ms."},
	}
	for _, tt := range tests {
		if got := Verdict(result(tt.makespan, tt.p99)); got != tt.want {
			t.Errorf("Verdict(%v, %v) = %q; want %q", tt.makespan, tt.p99, got, tt.want)
		}
	}
}

func TestTableAlignsColumns(t *testing.T) {
	var b strings.Builder
	if err := Table(&b, result([]float64{10.02, 1.011}, []float64{10, 1})); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	// heading, machine line, blank, header, two rows, blank, verdict.
	if len(lines) < 7 || !strings.HasPrefix(lines[3], "STRATEGY") {
		t.Fatalf("table:\n%s", b.String())
	}
	width := len([]rune(lines[3]))
	for _, l := range lines[4:6] {
		if len([]rune(l)) != width {
			t.Errorf("row %q is %d runes wide; header is %d", l, len([]rune(l)), width)
		}
	}
	// Each row names its strategy's kind, under KIND.
	if f := strings.Fields(lines[3]); len(f) < 3 || f[1] != "KIND" || f[2] != "TASKS" {
		t.Errorf("header %q; want STRATEGY KIND TASKS ...", lines[3])
	}
	for _, l := range lines[4:6] {
		if f := strings.Fields(l); len(f) < 2 || f[1] != "blocking" {
			t.Errorf("row %q does not give the kind blocking second", l)
		}
	}
	if strings.Contains(lines[3], "GIL WAIT") || strings.Contains(lines[3], "LOOP BLOCKED") {
		t.Errorf("header %q shows a column no strategy needs", lines[3])
	}
}

// TestGoodputVerdict: where requests failed, the verdict compares
// goodput and gives each end's share of failed requests (failed /
// requests), since finishing first may only mean failing fast.
func TestGoodputVerdict(t *testing.T) {
	// with returns a result whose strategies have these goodputs and
	// failed requests, of 200 requests each.
	with := func(goodput, failed []float64) *experiment.Result {
		res := result(make([]float64, len(goodput)), make([]float64, len(goodput)))
		for i := range goodput {
			a := &res.Strategies[i].Aggregate
			a.Mean[sim.Makespan], a.Mean[sim.Requests] = 2, 200
			a.Mean[sim.Goodput], a.Mean[sim.Failed] = goodput[i], failed[i]
		}
		return res
	}
	tests := []struct {
		goodput, failed []float64
		want            string
	}{
		// 25 of 200 failed: 12.5%.
		{[]float64{87.5}, []float64{25}, "a finished in 2.000 s with a goodput of 87.50/s: 12.5% of requests failed."},
		// 100/50 = 2; 0 and 100 of 200 failed.
		{[]float64{50, 100}, []float64{100, 0}, "b had the highest goodput, 100.0/s (no request failed), 2.00× that of a (50.00/s, 50.0% of requests failed)."},
		{[]float64{100, 100, 0}, []float64{0, 0, 200}, "a and b tied for the highest goodput, 100.0/s (no request failed); c had none (100.0% of requests failed)."},
		{[]float64{90, 90}, []float64{20, 20}, "All strategies had the same goodput, 90.00/s, and under each 10.0% of requests failed."},
		// 20 and 40 of 200 failed: 10% and 20%.
		{[]float64{90, 90}, []float64{20, 40}, "All strategies had the same goodput, 90.00/s; requests failed: a 10.0% and b 20.0%."},
	}
	for _, tt := range tests {
		if got := Verdict(with(tt.goodput, tt.failed)); got != tt.want {
			t.Errorf("Verdict(%v, %v) =\n%q; want\n%q", tt.goodput, tt.failed, got, tt.want)
		}
	}
}

// TestVerdictConfidence: with replications the verdict names a winner
// only when each mean lies outside the other's 95% confidence interval,
// and with one replication of a random workload it names none.
func TestVerdictConfidence(t *testing.T) {
	// with returns a result of 5 replications with these makespans and
	// p99 latencies, each a mean and a half-width.
	with := func(makespan, p99 [][2]float64) *experiment.Result {
		res := result(make([]float64, len(makespan)), make([]float64, len(makespan)))
		res.Spec.Replications = 5
		for i := range makespan {
			a := &res.Strategies[i].Aggregate
			a.Replications = 5
			a.Mean[sim.Makespan], a.CI95[sim.Makespan] = makespan[i][0], makespan[i][1]
			a.Mean[sim.LatencyP99], a.CI95[sim.LatencyP99] = p99[i][0], p99[i][1]
		}
		return res
	}
	tests := []struct {
		name          string
		makespan, p99 [][2]float64
		want          string
	}{
		// 2 − 1 = 1 s is more than either half-width: separated.
		{"separated makespans", [][2]float64{{1, 0.01}, {2, 0.02}}, [][2]float64{{0.1, 0}, {0.1, 0}},
			"a finished first: makespan 1.000 ±0.010 s, 2.00× shorter than b (2.000 ±0.020 s)."},
		// The case: 172.2 − 118.4 = 53.8 ms, less than b's ±146 ms.
		{"tied p99", [][2]float64{{5, 0.01}, {5.01, 0.01}}, [][2]float64{{0.1184, 0.042}, {0.1722, 0.146}},
			"All strategies finished within 1% of 5.000 s; their p99 latencies, 118.4 ±42.0 ms to 172.2 ±146.0 ms, are tied within the 95% confidence intervals."},
		// 0.3 s apart (3%): outside a's ±0.05 s but inside b's ±0.4 s.
		{"tied makespans, separated p99", [][2]float64{{10, 0.05}, {10.3, 0.4}}, [][2]float64{{0.2, 0.01}, {0.1, 0.01}},
			"The makespans, 10.000 ±0.050 s to 10.300 ±0.400 s, are tied within the 95% confidence intervals; b had the lowest p99 latency, 100.0 ±10.0 ms, 2.00× lower than a (200.0 ±10.0 ms)."},
		// b's ±250 ms holds a's 100 ms: tied with it, although its mean is
		// the largest; c is separated from a, and is the one compared.
		{"worst separated", [][2]float64{{5, 0}, {5, 0}, {5, 0}}, [][2]float64{{0.1, 0.01}, {0.3, 0.25}, {0.2, 0.02}},
			"All strategies finished in 5.000 s; a and b had the lowest p99 latency, 100.0 ±10.0 ms, 2.00× lower than c (200.0 ±20.0 ms)."},
		// c is separated from a, b is not: a and b tie for first.
		{"two tied for first", [][2]float64{{1, 0.1}, {1.05, 0.1}, {3, 0.1}}, [][2]float64{{0.1, 0}, {0.1, 0}, {0.1, 0}},
			"a and b tied for first: makespan 1.000 ±0.100 s, 3.00× shorter than c (3.000 ±0.100 s)."},
	}
	for _, tt := range tests {
		if got := Verdict(with(tt.makespan, tt.p99)); got != tt.want {
			t.Errorf("%s: Verdict =\n%q; want\n%q", tt.name, got, tt.want)
		}
	}

	// One replication of a batch drawn at random (a GIL handed over as
	// CPython's scheduler would): no winner, however far apart.
	res := result([]float64{1, 2}, []float64{0.1, 0.1})
	res.Spec.Classes = []workloads.Class{{Name: "r", Count: 10}}
	res.Spec.Strategies = []strategies.Config{{Kind: strategies.KindThreaded, GIL: true, GILHandover: strategies.HandoverCPython}}
	want := "a had the lowest makespan, 1.000 s, and b the highest, 2.000 s, but one replication of a random workload " +
		"cannot tell whether the difference is real: run replications (--replications N, or replications: N in the workload) " +
		"to compare them within 95% confidence intervals."
	if got := Verdict(res); got != want {
		t.Errorf("one replication of a random workload: Verdict =\n%q; want\n%q", got, want)
	}
	// Open arrivals set the makespans: the strategies are compared by
	// their latency, here by one replication of a random workload.
	res = result([]float64{1, 2}, []float64{0.1, 0.2})
	res.Spec.Classes = []workloads.Class{{Name: "r", Rate: []workloads.RateSegment{{For: sim.Second, PerSecond: 10}}}}
	want = "The arrivals are open: the makespans, 1.000 s to 2.000 s, measure how long the slower strategies took to drain " +
		"their queues after the last arrival; a had the lowest p99 latency, 100.0 ms, and b the highest, 200.0 ms, but one " +
		"replication of a random workload cannot tell whether the difference is real: run replications (--replications N, " +
		"or replications: N in the workload) to compare them within 95% confidence intervals."
	if got := Verdict(res); got != want {
		t.Errorf("open arrivals, one replication: Verdict =\n%q; want\n%q", got, want)
	}
	res = result([]float64{5, 5}, []float64{0.1, 0.2})
	res.Spec.Classes = []workloads.Class{{Name: "r", Rate: []workloads.RateSegment{{For: sim.Second, PerSecond: 10}}}}
	want = "All strategies finished in 5.000 s; a had the lowest p99 latency, 100.0 ms, and b the highest, 200.0 ms, " +
		"but one replication of a random workload cannot tell whether the difference is real: run replications " +
		"(--replications N, or replications: N in the workload) to compare them within 95% confidence intervals."
	if got := Verdict(res); got != want {
		t.Errorf("one replication of a random workload, same makespans: Verdict =\n%q; want\n%q", got, want)
	}
}

// TestTableMarksOverload: an overloaded strategy's row is marked, and a
// line under the table says why, in the words of its cause.
func TestTableMarksOverload(t *testing.T) {
	res := result([]float64{10, 12, 11}, []float64{0.1, 0.2, 0.15})
	res.Strategies[1].Stability = experiment.Stability{Overloaded: true, Cause: experiment.OfferedDemand,
		Bottleneck: "loop", BottleneckUtilization: 0.9996, Saturated: 1,
		Loads: []experiment.Load{{Group: "cpu", Size: 2, Utilization: 0.5, Offered: 0.625}, {Group: "loop", Size: 1, Utilization: 0.9996, Offered: 1.25}}}
	res.Strategies[2].Stability = experiment.Stability{Overloaded: true, Cause: experiment.InFlightGrowth,
		Bottleneck: "resource.db", BottleneckUtilization: 0.999, Saturated: -1, Growth: 240.4, GrowthOver: 5,
		Loads: []experiment.Load{{Group: "cpu", Size: 2, Utilization: 0.3}, {Group: "resource.db", Size: 10, Utilization: 0.999}}}
	res.Strategies[0].Stability = experiment.Stability{Bottleneck: "workers", BottleneckUtilization: 0.5}
	var b strings.Builder
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BOTTLENECK",
		"\na   ", "\nb!  ", "\nc!  ",
		"workers 50.0%", "loop 100.0%", "resource.db 99.9%",
		"\n! overloaded (not stable):\n" +
			"  b: overloaded: the loop thread is offered 125.0% of its capacity and busy 100.0% of the time; latency grows with run length\n" +
			"  c: overloaded: tasks in flight grew by 240 over the last 5.000 s, with the 10 units of db held 99.9% of the time; latency grows with run length\n",
	}
	for _, w := range want {
		if !strings.Contains(b.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, b.String())
		}
	}
}

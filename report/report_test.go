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

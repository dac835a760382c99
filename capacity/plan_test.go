package capacity

import (
	"fmt"
	"testing"

	"asyncsim/sim"
	"asyncsim/sweep"
)

func template(t *testing.T, yaml string) *sweep.Template {
	t.Helper()
	tp, err := sweep.NewTemplate("plan.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func objectives(t *testing.T, texts ...string) []Objective {
	t.Helper()
	var out []Objective
	for _, s := range texts {
		o, err := ParseObjective(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func TestPlanMatchesErlangC(t *testing.T) {
	// M/M/c at λ = 3000/s, μ = 1000/s (a = 3): the smallest c whose mean
	// wait C(c, a)/(cμ − λ) is below 0.2 ms. Erlang C gives c = 4:
	// 0.509 ms, c = 5: 0.118 ms, so 5; c = 3 is unstable (ρ = 1).
	const lambda, mu, limit = 3000.0, 1000.0, 0.0002
	want := 0
	for c := 4; want == 0; c++ {
		if erlangC(c, lambda/mu)/(float64(c)*mu-lambda) < limit {
			want = c
		}
	}
	n := 20000
	if testing.Short() {
		n = 8000
	}
	tp := template(t, fmt.Sprintf(`name: mmc
seed: 5
replications: 3
machine: {cores: 16}
tasks:
  - name: t
    count: %d
    arrival: {per_second: 1000}
    steps: [{cpu: {exp: 1ms}}]
strategies:
  - {name: workers, kind: blocking, workers: 1}
`, n))
	rep, err := Plan(tp, []Param{{Path: "workers", Lo: 1, Hi: 16}}, lambda, Options{Objectives: objectives(t, "wait_mean_s<0.2ms")})
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Answers[0]
	for _, p := range rep.Points {
		t.Logf("workers=%d: %v (%d replications) wait %.3g ± %.2g s, growth %.3f", p.Values[0], p.Verdict, p.Replications,
			p.Checks[1].Mean, p.Checks[1].CI95, p.Checks[0].Mean)
	}
	if !a.Met || len(a.Values) != 1 || a.Values[0] != want {
		t.Errorf("plan: workers=%v met %v, want the Erlang C answer %d", a.Values, a.Met, want)
	}
}

func TestPlanDeterministicIsExact(t *testing.T) {
	// A task every 1 ms of 3.5 ms of CPU: c workers serve c/3.5 ms, so
	// fewer than 4 fall behind (3 serve 857/s of the 1000/s); from 4 on
	// no task waits and every latency is 3.5 ms exactly, so
	// latency_max_s<=3.5ms is met first at 4, and every replication
	// gives the same numbers.
	tp := template(t, `name: det
machine: {cores: 32}
tasks:
  - name: t
    count: 2000
    arrival: {interarrival: 1ms}
    steps: [{cpu: 3500us}]
strategies:
  - {name: workers, kind: blocking, workers: 1}
  - {name: pool, kind: threaded, threads: 1}
`)
	rep, err := Plan(tp, []Param{{Path: "workers", Lo: 1, Hi: 32}, {Path: "threads", Lo: 1, Hi: 32}}, 0,
		Options{Objectives: objectives(t, "max<=3.5ms")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Answers {
		if !a.Met || len(a.Values) != 1 || a.Values[0] != 4 {
			t.Errorf("%s: %v=%v met %v, want exactly 4", a.Strategy, a.Paths, a.Values, a.Met)
		}
		if a.Point.Replications != 2 {
			t.Errorf("%s: decided with %d replications, want 2 (identical runs need no more)", a.Strategy, a.Point.Replications)
		}
	}
}

func TestPlanGridScansFromTheBottom(t *testing.T) {
	// Eight requests at once, each a 10 ms awaitable call, on a loop that
	// runs at most c at a time: the last completes after ⌈8/c⌉ × 10 ms,
	// so max<=20ms holds from c = 4. max_concurrency is not a monotone
	// parameter for Plan (more concurrency can mean more latency under
	// CPU work), so it tries every value from 1 after the top of the
	// range: 8, then 1, 2, 3 (not met) and 4.
	tp := template(t, `name: grid
tasks:
  - name: t
    count: 8
    steps: [{io: 10ms}]
strategies:
  - {name: loop, kind: event_loop, max_concurrency: 1}
`)
	p := Param{Path: "strategies.loop.max_concurrency", Lo: 1, Hi: 8}
	if p.Monotone() {
		t.Fatal("max_concurrency taken as monotone")
	}
	rep, err := Plan(tp, []Param{p}, 0, Options{Objectives: objectives(t, "max<=20ms")})
	if err != nil {
		t.Fatal(err)
	}
	var tried []int
	for _, pt := range rep.Points {
		tried = append(tried, pt.Values[0])
	}
	a := rep.Answers[0]
	if !a.Met || a.Values[0] != 4 || fmt.Sprint(tried) != "[8 1 2 3 4]" {
		t.Errorf("answer %v met %v after %v; want 4 after [8 1 2 3 4]", a.Values, a.Met, tried)
	}
}

func TestPlanNotMetAtTheTop(t *testing.T) {
	// One worker serving 3.5 ms tasks arriving every 1 ms is offered 3.5
	// times its capacity, and no worker count up to 3 serves 1000/s
	// (3/3.5 ms = 857/s): the answer is the top of the range, not met.
	tp := template(t, `name: over
machine: {cores: 4}
tasks:
  - name: t
    count: 500
    arrival: {interarrival: 1ms}
    steps: [{cpu: 3500us}]
strategies:
  - {name: workers, kind: blocking}
`)
	rep, err := Plan(tp, []Param{{Path: "workers", Lo: 1, Hi: 3}}, 0, Options{Objectives: objectives(t, "p99<1s")})
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Answers[0]
	if a.Met || a.Values[0] != 3 || len(rep.Points) != 1 || a.Point.Checks[0].Met {
		t.Errorf("answer %v met %v after %d points (stable %v); want 3, not met, unstable, after 1", a.Values, a.Met, len(rep.Points), a.Point.Checks[0].Met)
	}
}

func TestJudgeUsesTheConfidenceBound(t *testing.T) {
	// Two replications of p99 x ± d: the Student-t 95% half-width with one
	// degree of freedom is 12.706 × s/√2 = 12.706 × d (s = d√2), so
	// 100 ± 1 ms is within [87.3, 112.7] ms: met against 200 ms; 300 ± 1
	// ms wholly above: not met; 195 ± 1 ms reaches 207.7 ms: undecided.
	spec := mmc(t, 1, 1000, 2)
	objs, err := bind(objectives(t, "p99<200ms"), spec)
	if err != nil {
		t.Fatal(err)
	}
	s := &search{cfg: spec.Strategies[0]}
	for _, tc := range []struct {
		p99  float64
		want Verdict
	}{{0.100, Met}, {0.300, NotMet}, {0.195, Undecided}} {
		var samples []*sample
		for _, d := range []float64{-0.001, 0.001} {
			var sum sim.Summary
			sum.Values[sim.LatencyP99] = tc.p99 + d
			samples = append(samples, &sample{summary: sum})
		}
		pt := judge(s, probe{spec: spec, cfg: spec.Strategies[0]}, samples, objs)
		if pt.Verdicts[1] != tc.want {
			t.Errorf("p99 %v ± 1 ms: %v, want %v", tc.p99, pt.Verdicts[1], tc.want)
		}
	}
}

package capacity

import (
	"fmt"
	"testing"

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

package validation

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"sync"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// quick runs the quick form once for all the tests that read it. They run
// in parallel with TestValidationDocIsCurrent, whose full form takes far
// longer, so that the quick form's runs use the cores it leaves.
var quick = sync.OnceValues(func() (*Report, error) { return Run(Options{Quick: true}) })

func quickReport(t *testing.T) *Report {
	t.Helper()
	rep, err := quick()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestQuickFormPasses(t *testing.T) {
	t.Parallel()
	rep := quickReport(t)
	if !rep.Quick {
		t.Error("Report.Quick = false for the quick form")
	}
	for _, c := range rep.Failed() {
		t.Errorf("%s %s %s: simulated %v ± %v, theory %v (%s)", c.Scenario, c.Strategy, c.Figure, c.Mean, c.CI95, c.Theory, c.Tolerance)
	}
	// Every family of the issue is there, each with its scenarios.
	want := []string{"M/M/1", "M/D/1", "M/M/c", "M/G/1, first come first served", "M/G/1, processor sharing",
		"Little's law", "Closed-loop clients", "GIL convoy effect", "Executor saturation",
		"Loss system (Erlang B)", "Finite queue (M/M/c/K)", "A pool under an event loop (Erlang C)",
		"Little's law for a pool's queue", "Fork-join (gather)"}
	var got []string
	scenarios := map[string]bool{}
	for _, f := range rep.Families {
		got = append(got, f.Title)
		if len(f.Scenarios) == 0 || f.Text == "" {
			t.Errorf("family %s has no scenarios or no text", f.Title)
		}
		for _, sc := range f.Scenarios {
			scenarios[sc.Name] = true
		}
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("families = %q; want %q", got, want)
	}
	for _, c := range rep.Checks {
		if !scenarios[c.Scenario] {
			t.Errorf("check of unknown scenario %q", c.Scenario)
		}
		if math.IsNaN(c.Mean) || math.IsInf(c.Mean, 0) || c.Theory <= 0 || c.CI95 < 0 {
			t.Errorf("%s %s %s: mean %v, theory %v, CI %v", c.Scenario, c.Strategy, c.Figure, c.Mean, c.Theory, c.CI95)
		}
	}
	// Little's law is checked for every strategy kind and option.
	if n := countChecks(rep, "littles-law"); n != len(littlesStrategies) {
		t.Errorf("%d Little's law checks; want %d", n, len(littlesStrategies))
	}
	// The full queues are checked under every strategy kind, and the
	// pool's queue under every kind and both scopes.
	for _, sc := range []string{"erlang-b-exp", "erlang-b-const"} {
		if n := countChecks(rep, sc); n != len(queueStrategies) {
			t.Errorf("%d checks of %s; want one per strategy, %d", n, sc, len(queueStrategies))
		}
	}
	kinds := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Scenario == "pool-littles-law" {
			kinds[strategyKind(t, rep, c.Scenario, c.Strategy)] = true
		}
	}
	if len(kinds) != 3 {
		t.Errorf("the pool's Little's law is checked under the kinds %v; want all three", kinds)
	}
}

// strategyKind returns the kind of a scenario's strategy, from its
// workload.
func strategyKind(t *testing.T, rep *Report, scenario, strategy string) string {
	t.Helper()
	for _, f := range rep.Families {
		for _, sc := range f.Scenarios {
			if sc.Name != scenario {
				continue
			}
			spec, err := workloads.Parse(sc.Name+".yaml", []byte(sc.YAML))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range spec.Strategies {
				if s.Name == strategy {
					return string(s.Kind)
				}
			}
		}
	}
	t.Fatalf("no strategy %s in scenario %s", strategy, scenario)
	return ""
}

// TestWrongLawsMiss judges the services' checks against a plausible but
// wrong law, and expects each to fail: the simulations are precise enough
// to tell the right formula from its near misses.
func TestWrongLawsMiss(t *testing.T) {
	t.Parallel()
	a := lossPerSecond / serviceMu
	pool := mmc{lambda: poolPerSecond, mu: serviceMu, c: poolUnits}
	wrong := map[string][]struct {
		law    string
		theory float64
	}{
		// A loss system is not a queue: the probability of waiting in
		// M/M/4 (Erlang C, 59.6%), or Erlang B with a server more or less.
		"erlang-b-exp/rejected / requests": {{"Erlang C", mmc{lambda: lossPerSecond, mu: serviceMu, c: lossServers}.erlangC()},
			{"B(c+1, a)", erlangB(lossServers+1, a)}, {"B(c−1, a)", erlangB(lossServers-1, a)}},
		"erlang-b-const/rejected / requests": {{"B(c+1, a)", erlangB(lossServers+1, a)}, {"B(c−1, a)", erlangB(lossServers-1, a)}},
		// K counts the tasks in service too: K = backlog, or one more
		// room than there is, misses.
		"mmck-c2-k5/rejected / requests": {{"K = backlog", mmcK{lambda: 1600, mu: serviceMu, c: 2, k: 3}.blocking()},
			{"K + 1", mmcK{lambda: 1600, mu: serviceMu, c: 2, k: 6}.blocking()}},
		"mmck-c2-k5/latency_mean_s": {{"K + 1", mmcK{lambda: 1600, mu: serviceMu, c: 2, k: 6}.latency()},
			{"M/M/c, no limit", mmc{lambda: 1600, mu: serviceMu, c: 2}.latency()}},
		// (Overloaded, P_K depends little on K: K + 1 gives 23.9% against
		// 25.1%, closer than the quick form can tell.)
		"mmck-c4-k8/rejected / requests": {{"K = backlog", mmcK{lambda: 5000, mu: serviceMu, c: 4, k: 4}.blocking()},
			{"1 − 1/ρ, an infinite queue", 0.2}},
		"mmck-c4-k8/wait_mean_s": {{"K + 1", mmcK{lambda: 5000, mu: serviceMu, c: 4, k: 9}.wait()}},
		// One server c times as fast is not c servers; nor is a pool of
		// one unit more.
		"pool-erlang-c/resource.db.wait_mean_s": {{"M/M/1 at cμ", mm1{lambda: poolPerSecond, mu: poolUnits * serviceMu}.wait()},
			{"c + 1 units", mmc{lambda: poolPerSecond, mu: serviceMu, c: poolUnits + 1}.wait()}},
		"pool-erlang-c/resource.db.queue_mean":  {{"c + 1 units", poolPerSecond * mmc{lambda: poolPerSecond, mu: serviceMu, c: poolUnits + 1}.wait()}},
		"pool-erlang-c/resource.db.utilization": {{"a/(c+1)", pool.lambda / pool.mu / (poolUnits + 1)}},
	}
	rep := quickReport(t)
	seen := map[string]int{}
	for _, c := range rep.Checks {
		key := c.Scenario + "/" + c.Figure
		for _, w := range wrong[key] {
			seen[key]++
			c.Theory = w.theory
			c.judge()
			if c.Pass {
				t.Errorf("%s %s passes against the wrong law %s = %v: simulated %v ± %v", key, c.Strategy, w.law, w.theory, c.Mean, c.CI95)
			}
		}
	}
	for key := range wrong {
		if seen[key] == 0 {
			t.Errorf("no check %s", key)
		}
	}
	// Little's law for a pool's queue needs the rate of holds, which the
	// retries make higher than the requests' rate: with the
	// latter it misses.
	for _, f := range rep.Families {
		for _, sc := range f.Scenarios {
			if sc.Name != "pool-littles-law" {
				continue
			}
			spec, err := workloads.Parse(sc.Name+".yaml", []byte(sc.YAML))
			if err != nil {
				t.Fatal(err)
			}
			res, err := experiment.Run(spec, experiment.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range poolLittle {
				for _, r := range p.resources {
					c := derived(res, p.strategy, "queue_mean", "λW, λ of requests", Count,
						func(s *sim.Summary) float64 { return s.Resources[r][sim.ResourceQueueMean] },
						func(s *sim.Summary) float64 { return poolLittlePerSecond * s.Resources[r][sim.ResourceWaitMean] })
					c.Tolerance = identity
					if c.judge(); c.Pass {
						t.Errorf("%s resource %d: queue_mean %v passes against the requests' rate × wait, %v", p.strategy, r, c.Mean, c.Theory)
					}
				}
			}
		}
	}
}

func countChecks(rep *Report, scenario string) int {
	n := 0
	for _, c := range rep.Checks {
		if c.Scenario == scenario {
			n++
		}
	}
	return n
}

// TestChecksCanFail moves each theory away from the simulated value, by
// 30% for statistical checks and by twice the tolerance plus one part in
// a million for deterministic ones, and expects every check to fail: none
// is vacuous, even in the quick form.
func TestChecksCanFail(t *testing.T) {
	t.Parallel()
	for _, c := range quickReport(t).Checks {
		off := 0.3
		if c.Tolerance.CIs == 0 {
			off = 2*c.Tolerance.Rel + 1e-6
		}
		c.Theory = c.Mean * (1 + off)
		c.judge()
		if c.Pass {
			t.Errorf("%s %s %s passes with theory %v against %v ± %v (%s)", c.Scenario, c.Strategy, c.Figure, c.Theory, c.Mean, c.CI95, c.Tolerance)
		}
	}
}

func TestJudge(t *testing.T) {
	tol := Tolerance{CIs: 2, Rel: 0.01, MaxCI: 0.05}
	tests := []struct {
		theory, mean, ci float64
		pass             bool
	}{
		{10, 10, 0, true},
		{10, 10.5, 0.2, true},   // 0.5 ≤ 2·0.2 + 0.1
		{10, 10.51, 0.2, false}, // 0.51 > 0.5
		{10, 9.49, 0.2, false},
		{10, 10.1, 0, true},  // the relative allowance alone
		{10, 10, 0.6, false}, // too imprecise: 0.6 > 5% of 10
		{10, 10, 0.5, true},  // at the precision limit
		{10, math.NaN(), 0, false},
	}
	for _, tt := range tests {
		c := Check{Theory: tt.theory, Mean: tt.mean, CI95: tt.ci, Tolerance: tol}
		c.judge()
		if c.Pass != tt.pass {
			t.Errorf("theory %v, simulated %v ± %v under %s: pass = %v; want %v", tt.theory, tt.mean, tt.ci, tol, c.Pass, tt.pass)
		}
	}
	for _, tt := range []struct {
		tol  Tolerance
		want string
	}{
		{statistical, "±(2·CI + 0.5%), CI ≤ 3%"},
		{identity, "±1e-09"},
		{Tolerance{Rel: 0.005}, "±0.5%"},
		{Tolerance{CIs: 3}, "±3·CI"},
	} {
		if got := tt.tol.String(); got != tt.want {
			t.Errorf("%+v.String() = %q; want %q", tt.tol, got, tt.want)
		}
	}
}

func TestMeanCI(t *testing.T) {
	// Mean 2, sample standard deviation 1, n = 3: t(0.975, 2) = 4.3027.
	mean, ci := meanCI([]float64{1, 2, 3})
	if mean != 2 || math.Abs(ci-4.302652729749464/math.Sqrt(3)) > 1e-9 {
		t.Errorf("meanCI(1, 2, 3) = %v, %v; want 2, %v", mean, ci, 4.302652729749464/math.Sqrt(3))
	}
	if mean, ci := meanCI([]float64{7}); mean != 7 || ci != 0 {
		t.Errorf("meanCI(7) = %v, %v; want 7, 0", mean, ci)
	}
}

func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	a := quickReport(t)
	b, err := Run(Options{Quick: true, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ta, tb bytes.Buffer
	a.WriteTable(&ta)
	b.WriteTable(&tb)
	if ta.String() != tb.String() {
		t.Errorf("the quick table differs between one job and one per CPU:\n%s\n%s", ta.String(), tb.String())
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	rep := quickReport(t)
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// A title, a blank line, the header, one line per check, a blank
	// line, the summary.
	if len(lines) != len(rep.Checks)+5 {
		t.Fatalf("%d lines for %d checks:\n%s", len(lines), len(rep.Checks), b.String())
	}
	if !strings.HasPrefix(lines[2], "SCENARIO  ") || !strings.Contains(lines[2], "SIMULATED (MEAN ± 95% CI)") {
		t.Errorf("header = %q", lines[2])
	}
	row := regexp.MustCompile(`^mm1-rho0\.5 +worker +latency_mean_s +1/\(μ−λ\) +2\.000 ms +[0-9.]+ ± [0-9.]+ ms +[+-][0-9.]+% +±\(2·CI \+ 0\.5%\), CI ≤ 12% +pass$`)
	if !row.MatchString(lines[3]) {
		t.Errorf("first row = %q; want it to match %s", lines[3], row)
	}
	if want := "All 97 checks passed."; lines[len(lines)-1] != want {
		t.Errorf("summary = %q; want %q", lines[len(lines)-1], want)
	}
}

func TestSummaryNamesFailures(t *testing.T) {
	rep := &Report{Checks: []Check{
		{Scenario: "a", Strategy: "s", Figure: "f", Pass: true},
		{Scenario: "b", Strategy: "t", Figure: "g"},
	}}
	if got, want := rep.Summary(), "1 of 2 checks FAILED: b/t/g."; got != want {
		t.Errorf("Summary() = %q; want %q", got, want)
	}
}

func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	rep := quickReport(t)
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if got := strings.Count(md, "\n| `"); got != len(rep.Checks) {
		t.Errorf("%d table rows; want %d", got, len(rep.Checks))
	}
	for _, want := range []string{"# Validation against queueing theory", "| scenario | strategy | figure |",
		"quick form", "## Executor saturation", "**All 97 checks passed.**"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// Every workload in the document runs as it is printed.
	blocks := regexp.MustCompile("(?s)<code>([a-z0-9.-]+)</code></summary>\n\n```yaml\n(.*?)```").FindAllStringSubmatch(md, -1)
	n := 0
	for _, f := range rep.Families {
		n += len(f.Scenarios)
	}
	if len(blocks) != n {
		t.Fatalf("%d workload blocks; want %d", len(blocks), n)
	}
	for _, m := range blocks {
		spec, err := workloads.Parse(m[1]+".yaml", []byte(m[2]))
		if err != nil {
			t.Errorf("workload %s does not parse: %v", m[1], err)
		} else if spec.Name != m[1] {
			t.Errorf("workload block %s is named %s", m[1], spec.Name)
		}
	}
}

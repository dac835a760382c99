package validation

import (
	"fmt"
	"strings"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// The scenarios of the services model (DESIGN.md, "Services"): queues
// that are full and reject, and pools of a limited resource. The servers
// of the queues checked against a closed form are io calls, which keep a
// worker, a thread, an admission slot or a unit busy without using a
// core, so that the number of servers is exactly the number of workers,
// threads, admitted coroutines or units.

// serviceMu is the service rate of these scenarios: io calls (or holds)
// of mean 1 ms.
const serviceMu = 1000.0

// service is the YAML of a workload with one class of tasks arriving as
// a Poisson stream of perSecond per second, with the given resources
// (YAML, or "" for none).
func service(name, description string, seed int, sz size, warmup sim.Time, perSecond int, resources, steps, strategies string) string {
	if resources != "" {
		resources = "resources: " + resources + "\n"
	}
	return fmt.Sprintf(`name: %s
description: %s
seed: %d
replications: %d
warmup: %v
%stasks:
  - name: request
    count: %d
    arrival: {per_second: %d}
    steps: %s
strategies:
%s`, name, description, seed, sz.reps, warmup, resources, sz.tasks, perSecond, steps, strategies)
}

// queueStrategies are the strategies of the full-queue scenarios: each
// kind with c servers and room for backlog tasks waiting for one.
var queueStrategies = []string{"prefork", "threads", "loop"}

// queueYAML is the YAML of queueStrategies for c servers and a backlog.
func queueYAML(c, backlog int) string {
	return fmt.Sprintf(`  - {name: prefork, kind: blocking, workers: %[1]d, backlog: %[2]d}
  - {name: threads, kind: threaded, threads: %[1]d, backlog: %[2]d}
  - {name: loop, kind: event_loop, max_concurrency: %[1]d, backlog: %[2]d}
`, c, backlog)
}

// rejectedShare is the share of requests rejected in a run.
func rejectedShare(s *sim.Summary) float64 { return s.Values[sim.Rejected] / s.Values[sim.Requests] }

// constant returns a theory that is the same for every replication.
func constant(x float64) func(*sim.Summary) float64 { return func(*sim.Summary) float64 { return x } }

// The loss scenarios' parameters: c servers at an offered load a = λ/μ
// of 3.2 erlangs.
const (
	lossServers   = 4
	lossPerSecond = 3200
)

func lossScenario(dist, call string) scenario {
	name := "erlang-b-" + dist
	b := erlangB(lossServers, lossPerSecond/serviceMu)
	full := size{100_000, 10}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return service(name, "A loss system, c servers and no waiting room (backlog 0).", 21, sz, 100*sim.Millisecond,
				lossPerSecond, "", "[{io: "+call+"}]", queueYAML(lossServers, 0))
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, s := range queueStrategies {
				out = append(out, derived(res, s, "rejected / requests", "Erlang B", Count, rejectedShare, constant(b)))
			}
			return out
		},
	}
}

func mmckScenario(c, backlog, perSecond int) scenario {
	name := fmt.Sprintf("mmck-c%d-k%d", c, c+backlog)
	q := mmcK{lambda: float64(perSecond), mu: serviceMu, c: c, k: c + backlog}
	full := size{100_000, 10}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return service(name, fmt.Sprintf("An M/M/c/K queue, c = %d servers and a backlog of %d.", c, backlog), 22, sz,
				100*sim.Millisecond, perSecond, "", "[{io: {exp: 1ms}}]", queueYAML(c, backlog))
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, s := range queueStrategies {
				out = append(out,
					derived(res, s, "rejected / requests", "P_K", Count, rejectedShare, constant(q.blocking())),
					metric(res, s, sim.LatencyMean, "L/λ(1−P_K)", Seconds, q.latency()),
					metric(res, s, sim.WaitMean, "L_q/λ(1−P_K)", Seconds, q.wait()))
			}
			return out
		},
	}
}

// resourceMetric returns the check of metric m of the named strategy's
// resource r, its mean and confidence half-width over the replications,
// against theory.
func resourceMetric(res *experiment.Result, strategy string, r int, m sim.ResourceMetric, law string, unit Unit, theory float64) Check {
	e := strategyResult(res, strategy).Aggregate.Resources[r]
	return Check{Strategy: strategy, Figure: m.Column(res.Spec.Resources[r].Name), Law: law, Unit: unit, Theory: theory,
		Mean: e.Mean[m], CI95: e.CI95[m]}
}

// The pool scenario's parameters: a machine-wide pool of poolUnits
// connections, held for an io call of mean 1 ms, at 80% of its capacity.
const (
	poolUnits     = 4
	poolPerSecond = 3200
)

// poolStrategies are the strategies of the Erlang C pool scenario.
var poolStrategies = []string{"loops", "threads"}

func poolErlangC() scenario {
	q := mmc{lambda: poolPerSecond, mu: serviceMu, c: poolUnits}
	// The quick form has half the tasks, not a fifth: with a fifth, the
	// half-widths of the wait are about 11% of it, at the quick form's
	// limit of 12%.
	full := size{200_000, 10}
	return scenario{
		name: "pool-erlang-c", full: full, quick: size{full.tasks / 2, 5}, tol: statistical,
		workload: func(sz size) string {
			return service("pool-erlang-c", "Coroutines waiting for a machine-wide pool of connections (M/M/c).", 23, sz, sim.Second,
				poolPerSecond, fmt.Sprintf("[{name: db, capacity: %d, scope: machine}]", poolUnits),
				"[{hold: db, steps: [{io: {exp: 1ms}}]}]",
				"  - {name: loops, kind: event_loop, loops: 2}\n  - {name: threads, kind: threaded, threads: 0}\n")
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, s := range poolStrategies {
				out = append(out,
					resourceMetric(res, s, 0, sim.ResourceWaitMean, "Erlang C", Seconds, q.wait()),
					resourceMetric(res, s, 0, sim.ResourceQueueMean, "λ·C(c, a)/(cμ−λ)", Count, q.lambda*q.wait()),
					resourceMetric(res, s, 0, sim.ResourceUtilization, "a/c", Count, q.lambda/q.mu/float64(q.c)),
					metric(res, s, sim.LatencyMean, "Erlang C", Seconds, q.latency()))
			}
			return out
		},
	}
}

// poolLittle lists, for each strategy of the pool's Little's law
// scenario, the resources whose units its tasks wait for. Under blocking
// a worker is a process with its own pool of the process-scope cache,
// which it holds alone, so only db (machine scope) has waiters.
var poolLittle = []struct {
	strategy  string
	resources []int
}{
	{"prefork", []int{0}},
	{"threads-gil", []int{0, 1}},
	{"loops", []int{0, 1}},
	{"loop-capped", []int{0, 1}},
}

// poolLittlePerSecond is the requests' rate of the pool's Little's law
// scenario.
const poolLittlePerSecond = 600

func poolLittlesLaw() scenario {
	return scenario{
		name: "pool-littles-law", full: size{40_000, 5}, quick: size{4_000, 3}, tol: identity,
		workload: func(sz size) string {
			return fmt.Sprintf(`name: pool-littles-law
description: Little's law for the queues of two pools, nested, under every kind of strategy.
seed: 24
replications: %d
machine: {cores: 2}
resources:
  - {name: db, capacity: 4, scope: machine}
  - {name: cache, capacity: 1, scope: process}
tasks:
  - name: request
    count: %d
    arrival: {per_second: %d}
    timeout: 8ms
    retries: 1
    backoff: {exp: 5ms}
    steps:
      - cpu: {exp: 100us}
      - hold: db
        steps:
          - io: {exp: 2ms}
          - hold: cache
            steps: [{cpu: {exp: 100us}}, {io: {exp: 300us}}]
      - blocking_io: {uniform: [50us, 200us]}
strategies:
  - {name: prefork, kind: blocking, workers: 6}
  - {name: threads-gil, kind: threaded, threads: 8, gil: true}
  - {name: loops, kind: event_loop, loops: 2, offload: true, executor: 2}
  - {name: loop-capped, kind: event_loop, max_concurrency: 6, backlog: 8, offload: true}
`, sz.reps, sz.tasks, poolLittlePerSecond)
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, p := range poolLittle {
				for _, r := range p.resources {
					out = append(out, derived(res, p.strategy, sim.ResourceQueueMean.Column(res.Spec.Resources[r].Name), "λW", Count,
						func(s *sim.Summary) float64 { return s.Resources[r][sim.ResourceQueueMean] },
						func(s *sim.Summary) float64 {
							return s.Values[sim.Throughput] * s.Resources[r][sim.ResourceWaitMean]
						}))
				}
			}
			return out
		},
	}
}

// servicesFamilies are the families of the services model.
func servicesFamilies() []family {
	return []family{
		{
			title: "Loss system (Erlang B)",
			text: strings.TrimSpace(`
c = 4 servers and no waiting room (backlog: 0) under each kind of
strategy: 4 blocking workers, 4 threads, or an event loop admitting 4
coroutines at a time (max_concurrency: 4). Each task is one io call of
mean 1 ms (μ = 1000/s), so a server is busy for exactly the call; tasks
arrive as a Poisson stream at λ = 3200/s (a = λ/μ = 3.2 erlangs), and one
that finds every server busy is rejected at once. Theory (Erlang B): the
share rejected is B(c, a) = (aᶜ/c!) / Σ_{k≤c} aᵏ/k! = 22.8%, whatever the
service distribution beyond its mean (insensitivity): the second scenario's
calls take exactly 1 ms and are rejected as often; an M/D/c queue with
room to wait would not match M/M/c. Figure: rejected / requests, per
replication. The three strategies see the same tasks and form the same
queue, so their figures agree exactly: a difference would be a bug in one
strategy's full queue. Same tolerance as M/M/1.`),
			scenarios: []scenario{lossScenario("exp", "{exp: 1ms}"), lossScenario("const", "1ms")},
		},
		{
			title: "Finite queue (M/M/c/K)",
			text: strings.TrimSpace(`
As the loss system, with room for backlog tasks to wait for a server
(the accept queue of blocking, the queue for a thread of threaded, an
event loop's admission queue): at most K = c + backlog tasks are in the
system. Poisson arrivals and exponential service of mean 1 ms, at 80% of
capacity with c = 2, K = 5, and overloaded at 125% with c = 4, K = 8 (a
finite queue is stable at any load). Theory: the stationary distribution
pₙ ∝ aⁿ/n! for n ≤ c and (aᶜ/c!)(a/c)ⁿ⁻ᶜ for c < n ≤ K; an arrival is
rejected with probability P_K (Poisson arrivals see time averages), and
by Little's law on the admitted, whose rate is λ(1 − P_K), their mean
latency is L/λ(1 − P_K) and their mean wait L_q/λ(1 − P_K), with L = Σ n·pₙ
and L_q = Σ (n − c)·pₙ. As for the loss system, the three strategies
agree exactly. Same tolerance as M/M/1.`),
			scenarios: []scenario{mmckScenario(2, 3, 1600), mmckScenario(4, 4, 5000)},
		},
		{
			title: "A pool under an event loop (Erlang C)",
			text: strings.TrimSpace(`
Coroutines on two event loops each hold one connection of a
machine-wide pool of c = 4 (scope: machine) for an io call of mean 1 ms,
and do nothing else: the loops are never busy, so the pool is an M/M/c
queue whose servers are its units, fed by a Poisson stream at λ = 3200/s
(a = 3.2, 80% of the pool). A coroutine that finds no unit free waits, in
FIFO order, and a unit given back goes at once to the head waiter. The
same tasks under a thread per task (threads: 0), where a waiting thread is
acquiring, form the same queue and give the same figures. Theory
(Erlang C): the mean wait for a unit is C(c, a)/(cμ − λ), the
time-averaged number waiting λ times that (Little), the pool's
utilization a/c, and a task's latency the wait plus 1/μ. Same tolerance
as M/M/1.`),
			scenarios: []scenario{poolErlangC()},
		},
		{
			title: "Little's law for a pool's queue",
			text: strings.TrimSpace(`
Two pools, a machine-wide db of 4 connections and a process-scope
cache of 1 held inside it, under each kind of strategy (blocking workers,
threads under a GIL, event loops with an executor, an event loop with a
full queue that rejects), with CPU, io and blocking_io steps, and clients
that time out after 8 ms and retry once. Little's law L = λW for the
queue of waiters: resource.R.queue_mean, the time-averaged number of tasks
waiting for a unit of R, equals the rate of holds times
resource.R.wait_mean_s, the mean wait per hold. Every task holds each
resource once, so the rate of holds is throughput_per_s (completed
attempts, late ones included, over the window). The law is exact when
the window holds every wait, which it does here: without a warm-up the
window runs from the first arrival to the last completion. (With a
warm-up, the tasks that arrived before it, and the retries of requests
first sent before it, add to the queue while the window is open but not
to the holds counted: on average about L_q waiters for about W each, an
error of the order of L_q/N for N holds, here 10⁻⁶, which a check would
have to allow.) The rate is that of holds, not of requests: the retries
add 3 to 4% more attempts, and the requests' rate, 600/s, misses by as
much. Under blocking each worker holds its own cache alone, so only db
has waiters there. Tolerance: 1e-9, floating-point rounding.`),
			scenarios: []scenario{poolLittlesLaw()},
		},
		{
			title: "Fork-join (gather)",
			text: strings.TrimSpace(`
Each task is one gather of k copies of an io call whose duration is
exponential with mean 1 ms (μ = 1000/s), with no CPU, for k = 1, 2, 5
and 20. On an event loop the k branches are child coroutines that await
at once, so the task's latency is the longest of k independent
exponentials: its mean is H_k/μ, with H_k = 1 + 1/2 + … + 1/k the k-th
harmonic number (the maximum's gaps are exponential of rates kμ, (k−1)μ,
…, μ). With a thread per task (threaded, threads: 0) the synchronous
handler makes the calls one after another: the latency is their sum, of
mean k/μ. Neither server queues (there is no CPU and no bound on
coroutines or threads), so the figures hold at any arrival rate. Same
tolerance as M/M/1.`),
			scenarios: []scenario{forkJoin(1), forkJoin(2), forkJoin(5), forkJoin(20)},
		},
	}
}

// forkJoin is the scenario of a gather of k exponential io branches.
func forkJoin(k int) scenario {
	name := fmt.Sprintf("fork-join-k%d", k)
	var harmonic float64
	for i := 1; i <= k; i++ {
		harmonic += 1 / float64(i)
	}
	full := size{100_000 / k, 10}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return service(name, fmt.Sprintf("A gather of %d exponential io calls.", k), 25, sz, 0, 1000, "",
				fmt.Sprintf("[{gather: {count: %d, steps: [{io: {exp: 1ms}}]}}]", k),
				"  - {name: loop, kind: event_loop}\n  - {name: threads, kind: threaded, threads: 0}\n")
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{
				metric(res, "loop", sim.LatencyMean, "H_k/μ", Seconds, harmonic/serviceMu),
				metric(res, "threads", sim.LatencyMean, "k/μ", Seconds, float64(k)/serviceMu),
			}
		},
	}
}

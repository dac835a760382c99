package validation

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// Tolerances shared by the scenarios.
var (
	// statistical is for means of a stationary queue estimated over
	// replications: theory within two 95% half-widths (about a 99.8%
	// interval with 10 replications, so that the suite's ~50 figures
	// rarely miss by chance), plus 0.5% for the bias of a finite run that
	// starts empty, and a half-width of at most 3% so the check means
	// something.
	statistical = Tolerance{CIs: 2, Rel: 0.005, MaxCI: 0.03}
	// identity is for laws that hold exactly on every finished run, up to
	// floating-point rounding.
	identity = Tolerance{Rel: 1e-9}
)

// families returns every scenario, grouped by the result they test: those
// of the servers' models, then those of the services model
// (servicesFamilies).
func families() []family {
	return append([]family{
		{
			title: "M/M/1",
			text: `One blocking worker on one core serves CPU-only tasks whose
service time is exponential with mean 1 ms (μ = 1000/s), arriving as a
Poisson stream at rate λ = ρμ. Theory: E[T] = 1/(μ−λ), E[W] = ρ/(μ−λ), and
T is exponential with rate μ−λ, so its 99th percentile is ln(100)/(μ−λ).
Tolerance: theory within 2 half-widths of the 95% confidence interval over
the replications (each replication is an independent run), plus 0.5% for
the bias of runs that start empty (a warm-up of many relaxation times,
(1−√ρ)⁻² mean service times, is left out), with a half-width of at most 3%.`,
			scenarios: []scenario{
				mm1Scenario(0.5, 2*sim.Millisecond, size{200_000, 10}),
				mm1Scenario(0.9, 1111111, size{2_000_000, 10}),
			},
		},
		{
			title: "M/D/1",
			text: `As M/M/1, with a constant service time of 1 ms. Theory
(Pollaczek–Khinchine with C² = 0): E[W] = ρ/(2μ(1−ρ)), E[T] = E[W] + 1/μ.
Same tolerance as M/M/1.`,
			scenarios: []scenario{
				md1Scenario(0.5, 2*sim.Millisecond, size{100_000, 10}),
				md1Scenario(0.9, 1111111, size{500_000, 10}),
			},
		},
		{
			title: "M/M/c",
			text: `c blocking workers on c cores (so each runs at full speed)
take tasks first-come-first-served from one queue: exponential service of
mean 1 ms, Poisson arrivals at λ = 0.8·cμ. Theory (Erlang C): with a = λ/μ,
the probability of waiting is C(c, a) = (aᶜ/c!)·c/(c−a) / (Σ_{k<c} aᵏ/k! +
(aᶜ/c!)·c/(c−a)), E[W] = C(c, a)/(cμ−λ) and E[T] = E[W] + 1/μ. Same
tolerance as M/M/1.`,
			scenarios: []scenario{mmcScenario(2), mmcScenario(8)},
		},
		{
			title: "M/G/1, first come first served",
			text: `One event loop runs CPU-only coroutines: each runs to
completion on the loop thread, in arrival order, so the loop is a FCFS
server. Service times have mean 1 ms and are exponential (C² = 1),
constant (C² = 0) or lognormal with σ = 1 (C² = e − 1 ≈ 1.72); Poisson
arrivals at ρ = 0.7. Theory (Pollaczek–Khinchine): E[W] = λE[S²]/(2(1−ρ)) =
E[S]·ρ/(1−ρ)·(1+C²)/2, E[T] = E[W] + E[S]. Same tolerance as M/M/1.`,
			scenarios: []scenario{
				mg1FCFS("exp", "{exp: 1ms}", 1e-3, 2e-6),
				mg1FCFS("const", "1ms", 1e-3, 1e-6),
				lognormalFCFS(),
			},
		},
		{
			title: "M/G/1, processor sharing",
			text: `One process with a thread per task (threads: 0, no GIL) on
one core: the threads running CPU share the core equally, which is
processor sharing. Poisson arrivals at ρ = 0.7; service times of mean 1 ms,
exponential, constant, or Pareto with α = 2.2 (heavy-tailed: infinite third
moment, C² ≈ 2.3). Theory: E[T] = E[S]/(1−ρ), the same for every service
distribution (insensitivity): 3.33 ms, where first-come-first-served
service would give 3.33 ms, 2.17 ms and 4.82 ms. Same tolerance as M/M/1;
the Pareto runs are longer, their latencies being more variable.`,
			scenarios: []scenario{
				mg1PS("exp", "{exp: 1ms}", size{400_000, 10}),
				mg1PS("const", "1ms", size{400_000, 10}),
				mg1PS("pareto", "{pareto: {min: 545455ns, alpha: 2.2}}", size{1_000_000, 10}),
			},
		},
		{
			title: "Little's law",
			text: `A mix of CPU, io and blocking_io steps with random
durations, two task classes, under every kind of strategy and option.
Little's law L = λW holds exactly for a finished run measured over a window
that contains every counted task's whole stay, which is how asyncsim
measures: in_flight_mean (a time integral of the tasks in flight) equals
throughput_per_s × latency_mean_s in every replication. Tolerance: 1e-9,
floating-point rounding.`,
			scenarios: []scenario{littlesLaw()},
		},
		{
			title: "Closed-loop clients",
			text: `N = 8 closed-loop clients each think for an exponential time
of mean Z = 8 ms, then send a request that one blocking worker serves in an
exponential time of mean 2 ms; each client sends its next request when its
previous one completes and it has thought. Theory: the machine-repairman
model M/M/1//N gives the throughput X = (1−p₀)/E[S] with
p₀ = 1/Σ_{k=0}^{N} N!/(N−k)!·(E[S]/Z)ᵏ, and the interactive response-time
law gives the mean response time R = N/X − Z. The law is also checked
against each replication's own simulated X. Both figures are measured from
the tasks' records while all N clients are still sending: from the warm-up
to the first client's last completion (as clients run out of requests one
by one, fewer remain and X and R drop). Tolerance as M/M/1: the 0.5% covers
the cycles cut by the window's ends.`,
			scenarios: []scenario{closedLoop()},
		},
		{
			title: "GIL convoy effect",
			text: `k CPU-bound threads (one long cpu step each) beside an
IO-bound thread that loops on an io call of d = 1 ms and a cpu step of
c = 100 µs, under a GIL with the default switch interval si = 5 ms, on
8 cores. The IO thread is a closed-loop client sending requests back to
back; the warm-up leaves the CPU-bound threads out of the statistics, so
latency_mean_s is the IO thread's time per iteration and
throughput_per_s its iterations per second. Theory (derived from the GIL
rules in docs/model.md): an iteration takes c + max(k·si, d + si). With k = 1
the CPU-bound thread has no drop deadline until the IO thread comes back
and waits, and drops the GIL si later; with k ≥ 2 the CPU-bound threads
rotate, each holding the GIL si, and the IO thread gets it back k·si after
releasing it. So each CPU-bound thread costs the IO thread one switch
interval, and its throughput is capped near 1/si = 200/s. Without the GIL
(free-threaded) an iteration takes d + c. Tolerance: 0.5%, for the first
iteration, which starts in the middle of a rotation.`,
			scenarios: []scenario{convoy(1), convoy(2), convoy(4)},
		},
		{
			title: "Executor saturation",
			text: `N tasks arrive at once, each a single blocking call of
d = 100 ms that an event loop offloads to an executor of E threads
(offload: true). Theory: the calls run in ⌈N/E⌉ rounds of d, so the
makespan is ⌈N/E⌉·d. Tolerance: 1e-9 (the simulation is exact).`,
			scenarios: []scenario{executor(10, []int{1, 3, 4, 10, 16}), executor(100, []int{7, 32})},
		},
	}, servicesFamilies()...)
}

// seconds formats a duration in seconds as a workload duration in whole
// nanoseconds ("1111111ns").
func seconds(x float64) string { return strconv.FormatInt(int64(math.Round(x*1e9)), 10) + "ns" }

// rate is the arrival rate of exponential interarrival times of mean d.
func rate(d sim.Time) float64 { return 1 / d.Seconds() }

// rhoName names a load in a scenario name: 0.9 → "rho0.9".
func rhoName(rho float64) string { return "rho" + strconv.FormatFloat(rho, 'f', -1, 64) }

// open is the YAML of a workload with one class of Poisson arrivals.
func open(name, description string, seed, cores int, sz size, warmup, interarrival, steps, strategies string) string {
	return fmt.Sprintf(`name: %s
description: %s
seed: %d
replications: %d
warmup: %s
machine: {cores: %d}
tasks:
  - name: request
    count: %d
    arrival: {interarrival: {exp: %s}}
    steps: %s
strategies:
%s`, name, description, seed, sz.reps, warmup, cores, sz.tasks, interarrival, steps, strategies)
}

// quickSize is the size of a scenario's quick form: a fifth of the tasks,
// and five replications.
func quickSize(full size) size { return size{full.tasks / 5, 5} }

func mm1Scenario(rho float64, interarrival sim.Time, full size) scenario {
	name := "mm1-" + rhoName(rho)
	q := mm1{lambda: rate(interarrival), mu: 1000}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return open(name, "An M/M/1 queue, one worker with exponential service.", 11, 1, sz, "2s",
				interarrival.String(), "[{cpu: {exp: 1ms}}]", "  - {name: worker, kind: blocking, workers: 1}\n")
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{
				metric(res, "worker", sim.LatencyMean, "1/(μ−λ)", Seconds, q.latency()),
				metric(res, "worker", sim.WaitMean, "ρ/(μ−λ)", Seconds, q.wait()),
				metric(res, "worker", sim.LatencyP99, "ln(100)/(μ−λ)", Seconds, q.quantile(0.99)),
			}
		},
	}
}

func md1Scenario(rho float64, interarrival sim.Time, full size) scenario {
	name := "md1-" + rhoName(rho)
	q := mg1{lambda: rate(interarrival), es: 1e-3, es2: 1e-6}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return open(name, "An M/D/1 queue, one worker with constant service.", 12, 1, sz, "2s",
				interarrival.String(), "[{cpu: 1ms}]", "  - {name: worker, kind: blocking, workers: 1}\n")
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{
				metric(res, "worker", sim.LatencyMean, "P-K", Seconds, q.fcfsLatency()),
				metric(res, "worker", sim.WaitMean, "P-K", Seconds, q.fcfsWait()),
			}
		},
	}
}

func mmcScenario(c int) scenario {
	name := "mmc-c" + strconv.Itoa(c)
	interarrival := sim.Time(math.Round(1e6 / (0.8 * float64(c)))) // λ = 0.8·c per ms
	q := mmc{lambda: rate(interarrival), mu: 1000, c: c}
	return scenario{
		name: name, full: size{200_000 * c, 10}, quick: quickSize(size{200_000 * c, 10}), tol: statistical,
		workload: func(sz size) string {
			return open(name, "An M/M/c queue, c workers on c cores.", 13, c, sz, "1s",
				interarrival.String(), "[{cpu: {exp: 1ms}}]",
				fmt.Sprintf("  - {name: workers, kind: blocking, workers: %d}\n", c))
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{
				metric(res, "workers", sim.WaitMean, "Erlang C", Seconds, q.wait()),
				metric(res, "workers", sim.LatencyMean, "Erlang C", Seconds, q.latency()),
			}
		},
	}
}

// mg1Interarrival gives ρ = 0.7 with a mean service time of 1 ms.
const mg1Interarrival = 1428571 * sim.Nanosecond

func mg1FCFS(dist, service string, es, es2 float64) scenario {
	name := "mg1-fcfs-" + dist
	q := mg1{lambda: rate(mg1Interarrival), es: es, es2: es2}
	return scenario{
		name: name, full: size{400_000, 10}, quick: quickSize(size{400_000, 10}), tol: statistical,
		workload: func(sz size) string {
			return open(name, "An M/G/1 FCFS queue, one event loop running CPU-only coroutines.", 14, 1, sz, "1s",
				mg1Interarrival.String(), "[{cpu: "+service+"}]", "  - {name: loop, kind: event_loop}\n")
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{
				metric(res, "loop", sim.WaitMean, "P-K", Seconds, q.fcfsWait()),
				metric(res, "loop", sim.LatencyMean, "P-K", Seconds, q.fcfsLatency()),
			}
		},
	}
}

// lognormalFCFS is M/G/1 FCFS with lognormal service of σ = 1 and mean
// 1 ms: median e^{−1/2} ms, rounded to the nanosecond.
func lognormalFCFS() scenario {
	median := math.Round(1e6*math.Exp(-0.5)) / 1e9
	es := median * math.Exp(0.5)
	es2 := median * median * math.Exp(2)
	sc := mg1FCFS("lognormal", "{lognormal: {median: "+seconds(median)+", sigma: 1}}", es, es2)
	sc.full.tasks *= 2
	sc.quick.tasks *= 2
	return sc
}

func mg1PS(dist, service string, full size) scenario {
	name := "mg1-ps-" + dist
	// The mean service time is 1 ms (the Pareto's minimum is rounded to
	// the nanosecond: 0.545455 ms × 2.2/1.2 = 1.0000008 ms).
	es := 1e-3
	if dist == "pareto" {
		es = 545455e-9 * 2.2 / 1.2
	}
	q := mg1{lambda: rate(mg1Interarrival), es: es}
	return scenario{
		name: name, full: full, quick: quickSize(full), tol: statistical,
		workload: func(sz size) string {
			return open(name, "An M/G/1-PS queue, a thread per task on one core without a GIL.", 15, 1, sz, "1s",
				mg1Interarrival.String(), "[{cpu: "+service+"}]", "  - {name: threads, kind: threaded, threads: 0}\n")
		},
		checks: func(res *experiment.Result) []Check {
			return []Check{metric(res, "threads", sim.LatencyMean, "E[S]/(1−ρ)", Seconds, q.psLatency())}
		},
	}
}

// littlesStrategies are the strategies of the Little's law scenario.
var littlesStrategies = []string{
	"prefork", "threads", "threads-gil", "unbounded", "loop", "loop-executor", "loops", "loop-capped", "loop-await",
}

func littlesLaw() scenario {
	return scenario{
		name: "littles-law", full: size{40_000, 5}, quick: size{4_000, 3}, tol: identity,
		workload: func(sz size) string {
			return fmt.Sprintf(`name: littles-law
description: Little's law under every strategy.
seed: 16
replications: %d
warmup: 200ms
machine: {cores: 2}
tasks:
  - name: api
    count: %d
    arrival: {interarrival: {exp: 1ms}}
    steps:
      - cpu: {exp: 200us}
      - io: {lognormal: {median: 2ms, sigma: 0.5}}
      - blocking_io: {uniform: [100us, 1ms]}
      - cpu: {exp: 100us}
  - name: batch
    count: %d
    arrival: {start: 10ms, interarrival: {exp: 40ms}}
    steps:
      - repeat: 3
        steps: [{cpu: {choice: [{value: 1ms, weight: 3}, {value: 3ms, weight: 1}]}}, {io: 1ms}]
strategies:
  - {name: prefork, kind: blocking, workers: 4}
  - {name: threads, kind: threaded, threads: 8}
  - {name: threads-gil, kind: threaded, threads: 8, gil: true, switch_cost: 5us}
  - {name: unbounded, kind: threaded, threads: 0}
  - {name: loop, kind: event_loop, loops: 2}
  - {name: loop-executor, kind: event_loop, offload: true, executor: 4}
  - {name: loops, kind: event_loop, loops: 4, offload: true, executor: 2}
  - {name: loop-capped, kind: event_loop, max_concurrency: 5, offload: true, switch_cost: 5us}
  - {name: loop-await, kind: event_loop, await_blocking: true}
`, sz.reps, sz.tasks, sz.tasks/40)
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, s := range littlesStrategies {
				out = append(out, derived(res, s, sim.InFlightMean.String(), "λW", Count,
					func(s *sim.Summary) float64 { return s.Values[sim.InFlightMean] },
					func(s *sim.Summary) float64 { return s.Values[sim.Throughput] * s.Values[sim.LatencyMean] }))
			}
			return out
		},
	}
}

// The closed-loop scenario's parameters: clients, think time and service
// time.
const (
	closedClients = 8
	closedThink   = 8 * sim.Millisecond
	closedService = 2 * sim.Millisecond
	closedWarmup  = 1 * sim.Second
)

func closedLoop() scenario {
	q := repairman{n: closedClients, z: closedThink.Seconds(), s: closedService.Seconds()}
	full := size{100_000, 10}
	return scenario{
		name: "closed-loop", full: full, quick: quickSize(full), tol: statistical, tasks: true,
		workload: func(sz size) string {
			return fmt.Sprintf(`name: closed-loop
description: Closed-loop clients and one worker (M/M/1//N).
seed: 17
replications: %d
warmup: %v
tasks:
  - name: request
    clients: {count: %d, requests: %d, think: {exp: %v}}
    steps: [{cpu: {exp: %v}}]
strategies:
  - {name: worker, kind: blocking, workers: 1}
`, sz.reps, closedWarmup, closedClients, sz.tasks/closedClients, closedThink, closedService)
		},
		checks: func(res *experiment.Result) []Check {
			s := strategyResult(res, "worker")
			requests := int64(res.Spec.Classes[0].Clients.Requests)
			var xs, rs, laws []float64
			for _, tasks := range s.Tasks {
				x, r := steadyClosedLoop(tasks, requests, closedWarmup)
				xs, rs = append(xs, x), append(rs, r)
				laws = append(laws, closedClients/x-closedThink.Seconds())
			}
			check := func(figure, law string, unit Unit, theory float64, xs []float64) Check {
				mean, ci := meanCI(xs)
				return Check{Strategy: "worker", Figure: figure, Law: law, Unit: unit, Theory: theory, Mean: mean, CI95: ci}
			}
			law, _ := meanCI(laws)
			return []Check{
				check("throughput (all clients active)", "M/M/1//N", PerSecond, q.throughput(), xs),
				check("latency mean (all clients active)", "M/M/1//N, N/X−Z", Seconds, q.latency(), rs),
				check("latency mean (all clients active)", "N/X−Z, simulated X", Seconds, law, rs),
			}
		},
	}
}

// steadyClosedLoop measures a closed-loop run while every client is still
// sending requests: from the warm-up to the first client's last
// completion. It returns the throughput (completions per second) and the
// mean latency of the requests completed in that window. Task indexes are
// client × requests + request.
func steadyClosedLoop(tasks []sim.TaskRecord, requests int64, warmup sim.Time) (x, r float64) {
	end := sim.Time(math.MaxInt64)
	for _, t := range tasks {
		if t.Index%requests == requests-1 {
			end = min(end, t.Completion)
		}
	}
	var n int
	var sum sim.Time
	for _, t := range tasks {
		if t.Completion > warmup && t.Completion <= end {
			n++
			sum += t.Completion - t.Arrival
		}
	}
	return float64(n) / (end - warmup).Seconds(), sum.Seconds() / float64(n)
}

// The convoy scenario's parameters: the IO thread's io call and cpu step,
// and the switch interval.
const (
	convoyIO  = 1 * sim.Millisecond
	convoyCPU = 100 * sim.Microsecond
	convoySI  = 5 * sim.Millisecond
)

func convoy(k int) scenario {
	name := "gil-convoy-k" + strconv.Itoa(k)
	gil := convoyIteration(k, convoyIO.Seconds(), convoyCPU.Seconds(), convoySI.Seconds())
	free := (convoyIO + convoyCPU).Seconds()
	strategies := []string{"gil"}
	yamlStrategies := fmt.Sprintf("  - {name: gil, kind: threaded, threads: 8, gil: true, switch_interval: %v}\n", convoySI)
	threads := "threads"
	if k == 1 {
		strategies = append(strategies, "free-threaded")
		yamlStrategies += "  - {name: free-threaded, kind: threaded, threads: 8}\n"
		threads = "thread"
	}
	return scenario{
		name: name, full: size{400, 1}, quick: size{100, 1}, tol: Tolerance{Rel: 0.005},
		workload: func(sz size) string {
			return fmt.Sprintf(`name: %s
description: The GIL convoy effect, an IO-bound thread beside %d CPU-bound %s.
warmup: 1ms
machine: {cores: 8}
tasks:
  - name: hog
    count: %d
    steps: [{cpu: 10s}]
  - name: io
    clients: {count: 1, requests: %d}
    arrival: {start: 1ms}
    steps: [{io: %v}, {cpu: %v}]
strategies:
%s`, name, k, threads, k, sz.tasks, convoyIO, convoyCPU, yamlStrategies)
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, s := range strategies {
				want := gil
				law := "c+max(k·si, d+si)"
				if s == "free-threaded" {
					want, law = free, "d+c"
				}
				out = append(out,
					metric(res, s, sim.LatencyMean, law, Seconds, want),
					metric(res, s, sim.Throughput, "1/("+law+")", PerSecond, 1/want))
			}
			return out
		},
	}
}

// executorCall is the duration of each offloaded call.
const executorCall = 100 * sim.Millisecond

func executor(n int, sizes []int) scenario {
	name := "executor-n" + strconv.Itoa(n)
	var b strings.Builder
	for _, e := range sizes {
		fmt.Fprintf(&b, "  - {name: executor-%d, kind: event_loop, offload: true, executor: %d}\n", e, e)
	}
	return scenario{
		name: name, full: size{n, 1}, quick: size{n, 1}, tol: identity,
		workload: func(sz size) string {
			return fmt.Sprintf(`name: %s
description: %d blocking calls offloaded to executors of several sizes.
tasks:
  - name: call
    count: %d
    steps: [{blocking_io: %v}]
strategies:
%s`, name, n, sz.tasks, executorCall, b.String())
		},
		checks: func(res *experiment.Result) []Check {
			var out []Check
			for _, e := range sizes {
				out = append(out, metric(res, "executor-"+strconv.Itoa(e), sim.Makespan, "⌈N/E⌉·d", Seconds,
					executorMakespan(n, e, executorCall.Seconds())))
			}
			return out
		},
	}
}

package validation

import "math"

// The formulas of queueing theory the scenarios are checked against. Rates
// are per second and times in seconds throughout.

// mm1 is the M/M/1 queue: Poisson arrivals at rate lambda, one server,
// exponential service at rate mu (lambda < mu).
type mm1 struct{ lambda, mu float64 }

// latency is the mean time in system, E[T] = 1/(μ−λ).
func (q mm1) latency() float64 { return 1 / (q.mu - q.lambda) }

// wait is the mean time in queue, E[W] = ρ/(μ−λ).
func (q mm1) wait() float64 { return q.lambda / q.mu / (q.mu - q.lambda) }

// quantile is the p-quantile of the time in system, which is exponential
// with rate μ−λ: −ln(1−p)/(μ−λ); p = 0.99 gives ln(100)/(μ−λ).
func (q mm1) quantile(p float64) float64 { return -math.Log(1-p) / (q.mu - q.lambda) }

// mg1 is the M/G/1 queue: Poisson arrivals at rate lambda, one server
// whose service time S has mean es and second moment es2.
type mg1 struct{ lambda, es, es2 float64 }

func (q mg1) rho() float64 { return q.lambda * q.es }

// fcfsWait is the Pollaczek–Khinchine mean wait of first-come-first-served
// service, E[W] = λE[S²]/(2(1−ρ)), which is E[S]·ρ/(1−ρ)·(1+C²)/2.
func (q mg1) fcfsWait() float64 { return q.lambda * q.es2 / (2 * (1 - q.rho())) }

// fcfsLatency is E[T] = E[W] + E[S] under first-come-first-served.
func (q mg1) fcfsLatency() float64 { return q.fcfsWait() + q.es }

// psLatency is the mean time in system under processor sharing,
// E[T] = E[S]/(1−ρ), whatever the service distribution beyond its mean.
func (q mg1) psLatency() float64 { return q.es / (1 - q.rho()) }

// mmc is the M/M/c queue: Poisson arrivals at rate lambda, c servers,
// exponential service at rate mu each (lambda < c·mu).
type mmc struct {
	lambda, mu float64
	c          int
}

// erlangC is the probability that an arrival has to wait:
// C(c, a) = (aᶜ/c!)·c/(c−a) / (Σ_{k<c} aᵏ/k! + (aᶜ/c!)·c/(c−a)), a = λ/μ.
func (q mmc) erlangC() float64 {
	a := q.lambda / q.mu
	c := float64(q.c)
	term, sum := 1.0, 0.0 // aᵏ/k!
	for k := range q.c {
		sum += term
		term *= a / float64(k+1)
	}
	last := term * c / (c - a)
	return last / (sum + last)
}

// wait is the mean time in queue, E[W] = C(c, a)/(cμ−λ).
func (q mmc) wait() float64 { return q.erlangC() / (float64(q.c)*q.mu - q.lambda) }

// latency is E[T] = E[W] + 1/μ.
func (q mmc) latency() float64 { return q.wait() + 1/q.mu }

// repairman is the closed M/M/1//N queue (the machine-repairman model): N
// clients that each think for an exponential time of mean z, then send a
// request that one server serves first-come-first-served in an
// exponential time of mean s.
type repairman struct {
	n    int
	z, s float64
}

// throughput is X = (1−p₀)/s, where p₀, the share of time the server is
// idle, is 1/Σ_{k=0}^{N} N!/(N−k)!·(s/z)ᵏ.
func (q repairman) throughput() float64 {
	r := q.s / q.z
	term, sum := 1.0, 1.0
	for k := 1; k <= q.n; k++ {
		term *= float64(q.n-k+1) * r
		sum += term
	}
	return (1 - 1/sum) / q.s
}

// latency is the mean response time by the interactive response-time law,
// R = N/X − Z.
func (q repairman) latency() float64 { return float64(q.n)/q.throughput() - q.z }

// convoyIteration is the time one iteration of an IO-bound thread takes
// beside k CPU-bound threads under CPython's GIL, when each iteration is an
// io call of duration d followed by a cpu step of c, and the switch
// interval is si (with c < si and d ≤ (k−1)·si when k ≥ 2).
//
// The IO thread releases the GIL when its io call starts. With k = 1 the
// lone CPU-bound thread takes it and has no drop deadline until the IO
// thread comes back and waits; it is then forced to drop it si later, so
// an iteration takes d + si + c. With k ≥ 2 the CPU-bound threads always
// have waiters, so each holds the GIL for exactly si, counted from its
// acquisition, and they rotate; the IO thread returns (after d) while the
// rotation is under way, queues behind the remaining CPU-bound threads,
// and gets the GIL back k·si after it released it: an iteration takes
// k·si + c. Both cases are c + max(k·si, d + si).
func convoyIteration(k int, d, c, si float64) float64 {
	return c + math.Max(float64(k)*si, d+si)
}

// executorMakespan is how long n blocking calls of duration d, all
// offloaded at once to an executor of e threads, take: ⌈n/e⌉ rounds of d.
func executorMakespan(n, e int, d float64) float64 {
	return float64((n+e-1)/e) * d
}

// erlangB is the Erlang B formula, the probability that an arrival finds
// all c servers busy in the M/M/c/c loss system (no waiting room) at
// offered load a = λ/μ: B(c, a) = (aᶜ/c!) / Σ_{k≤c} aᵏ/k!. It depends on
// the service distribution only through its mean (insensitivity), so it
// holds for M/G/c/c too. It is computed by the stable recursion
// B(0, a) = 1, B(k, a) = a·B(k−1, a) / (k + a·B(k−1, a)).
func erlangB(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// mmcK is the M/M/c/K queue: Poisson arrivals at rate lambda, c servers
// with exponential service at rate mu each, and room for K tasks in all
// (c in service, K − c waiting); an arrival that finds K tasks is lost.
// Any load is stable.
type mmcK struct {
	lambda, mu float64
	c, k       int
}

// probs returns the stationary distribution p₀ … p_K: with a = λ/μ,
// pₙ ∝ aⁿ/n! for n ≤ c and pₙ ∝ (aᶜ/c!)·(a/c)ⁿ⁻ᶜ for c < n ≤ K.
func (q mmcK) probs() []float64 {
	a := q.lambda / q.mu
	p := make([]float64, q.k+1)
	p[0] = 1
	sum := 1.0
	for n := 1; n <= q.k; n++ {
		p[n] = p[n-1] * a / float64(min(n, q.c))
		sum += p[n]
	}
	for n := range p {
		p[n] /= sum
	}
	return p
}

// blocking is the probability that an arrival is lost, P_K (Poisson
// arrivals see time averages).
func (q mmcK) blocking() float64 { return q.probs()[q.k] }

// admitted is the rate of admitted arrivals, λ(1 − P_K).
func (q mmcK) admitted() float64 { return q.lambda * (1 - q.blocking()) }

// latency is the mean time in system of an admitted task, by Little's law
// on the admitted: E[T] = L/(λ(1 − P_K)), L = Σ n·pₙ.
func (q mmcK) latency() float64 {
	var l float64
	for n, p := range q.probs() {
		l += float64(n) * p
	}
	return l / q.admitted()
}

// wait is the mean time in queue of an admitted task,
// E[W] = L_q/(λ(1 − P_K)), L_q = Σ_{n>c} (n − c)·pₙ; it is E[T] − 1/μ.
func (q mmcK) wait() float64 {
	var lq float64
	for n, p := range q.probs() {
		lq += float64(max(0, n-q.c)) * p
	}
	return lq / q.admitted()
}

// utilization is the mean share of the c servers that are busy, the
// carried load over c: λ(1 − P_K)/(cμ). For an M/M/c queue (K = ∞) it is
// a/c.
func (q mmcK) utilization() float64 { return q.admitted() / (float64(q.c) * q.mu) }

package validation

import (
	"math"
	"testing"
)

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestMM1(t *testing.T) {
	q := mm1{lambda: 500, mu: 1000}
	if got := q.latency(); !close(got, 0.002) {
		t.Errorf("latency() = %v; want 0.002 (1/(1000−500))", got)
	}
	if got := q.wait(); !close(got, 0.001) {
		t.Errorf("wait() = %v; want 0.001 (0.5/500)", got)
	}
	if got, want := q.quantile(0.99), math.Log(100)/500; !close(got, want) {
		t.Errorf("quantile(0.99) = %v; want ln(100)/500 = %v", got, want)
	}
	// An exponential time's median is ln 2 times its mean.
	if got := q.quantile(0.5); !close(got, math.Ln2*0.002) {
		t.Errorf("quantile(0.5) = %v; want %v", got, math.Ln2*0.002)
	}
}

func TestPollaczekKhinchine(t *testing.T) {
	// With exponential service (E[S²] = 2E[S]²) P-K is M/M/1.
	exp := mg1{lambda: 900, es: 1e-3, es2: 2e-6}
	mm := mm1{lambda: 900, mu: 1000}
	if !close(exp.fcfsWait(), mm.wait()) || !close(exp.fcfsLatency(), mm.latency()) {
		t.Errorf("P-K with exponential service: wait %v, latency %v; want M/M/1's %v, %v",
			exp.fcfsWait(), exp.fcfsLatency(), mm.wait(), mm.latency())
	}
	// M/D/1 waits half as long: ρ/(2μ(1−ρ)) = 0.9/(2·1000·0.1) = 4.5 ms.
	det := mg1{lambda: 900, es: 1e-3, es2: 1e-6}
	if got := det.fcfsWait(); !close(got, 0.0045) {
		t.Errorf("M/D/1 wait = %v; want 0.0045", got)
	}
	// Processor sharing: E[S]/(1−ρ) = 1 ms / 0.1, whatever E[S²].
	for _, q := range []mg1{exp, det, {lambda: 900, es: 1e-3, es2: 1}} {
		if got := q.psLatency(); !close(got, 0.01) {
			t.Errorf("%+v: psLatency() = %v; want 0.01", q, got)
		}
	}
}

func TestErlangC(t *testing.T) {
	// One server: the probability of waiting is ρ, and M/M/c is M/M/1.
	one := mmc{lambda: 700, mu: 1000, c: 1}
	if got := one.erlangC(); !close(got, 0.7) {
		t.Errorf("C(1, 0.7) = %v; want 0.7", got)
	}
	if mm := (mm1{lambda: 700, mu: 1000}); !close(one.wait(), mm.wait()) || !close(one.latency(), mm.latency()) {
		t.Errorf("M/M/1 as M/M/c: wait %v, latency %v; want %v, %v", one.wait(), one.latency(), mm.wait(), mm.latency())
	}
	// Two servers, a = 1.6: (1.6²/2)·2/0.4 = 6.4, over 1 + 1.6 + 6.4.
	two := mmc{lambda: 1600, mu: 1000, c: 2}
	if got := two.erlangC(); !close(got, 6.4/9) {
		t.Errorf("C(2, 1.6) = %v; want 6.4/9", got)
	}
	if got, want := two.wait(), 6.4/9/400; !close(got, want) {
		t.Errorf("M/M/2 wait = %v; want %v", got, want)
	}
	// A textbook value: C(8, 6.4) ≈ 0.4576.
	if got := (mmc{lambda: 6400, mu: 1000, c: 8}).erlangC(); math.Abs(got-0.4576) > 5e-5 {
		t.Errorf("C(8, 6.4) = %v; want ≈ 0.4576", got)
	}
}

func TestRepairman(t *testing.T) {
	// One client alternates thinking and being served: X = 1/(Z+S), R = S.
	one := repairman{n: 1, z: 0.008, s: 0.002}
	if got := one.throughput(); !close(got, 100) {
		t.Errorf("N=1 throughput = %v; want 100", got)
	}
	if got := one.latency(); !close(got, 0.002) {
		t.Errorf("N=1 latency = %v; want 0.002", got)
	}
	// Two clients, r = S/Z = 0.25: Σ = 1 + 2·0.25 + 2·0.25² = 1.625,
	// X = (1 − 1/1.625)/S.
	two := repairman{n: 2, z: 0.008, s: 0.002}
	if got, want := two.throughput(), (1-1/1.625)/0.002; !close(got, want) {
		t.Errorf("N=2 throughput = %v; want %v", got, want)
	}
	// Many clients saturate the server: X → 1/S.
	if got := (repairman{n: 200, z: 0.008, s: 0.002}).throughput(); !close(got, 500) {
		t.Errorf("N=200 throughput = %v; want 500", got)
	}
}

func TestConvoyAndExecutor(t *testing.T) {
	for _, tt := range []struct {
		k    int
		want float64
	}{{1, 6.1e-3}, {2, 10.1e-3}, {4, 20.1e-3}} {
		if got := convoyIteration(tt.k, 1e-3, 0.1e-3, 5e-3); !close(got, tt.want) {
			t.Errorf("convoyIteration(%d, 1ms, 100us, 5ms) = %v; want %v", tt.k, got, tt.want)
		}
	}
	// A long io call makes even two CPU-bound threads wait d + si.
	if got := convoyIteration(2, 7e-3, 0, 5e-3); !close(got, 12e-3) {
		t.Errorf("convoyIteration(2, 7ms, 0, 5ms) = %v; want 12ms", got)
	}
	for _, tt := range []struct {
		n, e int
		want float64
	}{{10, 4, 0.3}, {10, 10, 0.1}, {10, 16, 0.1}, {100, 7, 1.5}, {1, 1, 0.1}} {
		if got := executorMakespan(tt.n, tt.e, 0.1); !close(got, tt.want) {
			t.Errorf("executorMakespan(%d, %d, 0.1) = %v; want %v", tt.n, tt.e, got, tt.want)
		}
	}
}

func TestErlangB(t *testing.T) {
	for _, tt := range []struct {
		c    int
		a    float64
		want float64
		why  string
	}{
		{0, 2.5, 1, "no server: every arrival is lost"},
		{1, 0.5, 1.0 / 3, "one server: a/(1+a)"},
		// Two servers, a = 1.6: (1.6²/2) / (1 + 1.6 + 1.6²/2) = 1.28/3.88.
		{2, 1.6, 1.28 / 3.88, "(a²/2)/(1+a+a²/2)"},
	} {
		if got := erlangB(tt.c, tt.a); !close(got, tt.want) {
			t.Errorf("B(%d, %v) = %v; want %v (%s)", tt.c, tt.a, got, tt.want, tt.why)
		}
	}
	// Values of the Erlang B tables, to their four digits: 10 lines at
	// 5 erlangs block 1.84% of calls, 5 lines at 3 erlangs 11.0%.
	for _, tt := range []struct {
		c       int
		a, want float64
	}{{10, 5, 0.01838}, {5, 3, 0.1101}} {
		if got := erlangB(tt.c, tt.a); math.Abs(got-tt.want) > 5e-5 {
			t.Errorf("B(%d, %v) = %v; want ≈ %v", tt.c, tt.a, got, tt.want)
		}
	}
	// Erlang C follows from Erlang B: C = c·B/(c − a(1 − B)).
	for _, c := range []int{1, 2, 4, 8} {
		q := mmc{lambda: 700 * float64(c), mu: 1000, c: c}
		a := 0.7 * float64(c)
		b := erlangB(c, a)
		if got, want := q.erlangC(), float64(c)*b/(float64(c)-a*(1-b)); !close(got, want) {
			t.Errorf("C(%d, %v) = %v; from B(%d, %v) = %v: %v", c, a, got, c, a, b, want)
		}
	}
}

func TestMMcK(t *testing.T) {
	// K = c: no waiting room, the loss system of Erlang B, where nobody
	// waits and the admitted stay 1/μ.
	for _, c := range []int{1, 2, 4} {
		q := mmcK{lambda: 3200, mu: 1000, c: c, k: c}
		if got, want := q.blocking(), erlangB(c, 3.2); !close(got, want) {
			t.Errorf("M/M/%d/%d: P_K = %v; want Erlang B %v", c, c, got, want)
		}
		if got := q.latency(); !close(got, 1e-3) {
			t.Errorf("M/M/%d/%d: E[T] = %v; want 1ms", c, c, got)
		}
		if got := q.wait(); math.Abs(got) > 1e-15 {
			t.Errorf("M/M/%d/%d: E[W] = %v; want 0", c, c, got)
		}
	}
	// M/M/1/K in closed form, ρ = 0.9, K = 5:
	// P_K = (1−ρ)ρᴷ/(1−ρᴷ⁺¹), L = ρ/(1−ρ) − (K+1)ρᴷ⁺¹/(1−ρᴷ⁺¹).
	rho, k := 0.9, 5.0
	q := mmcK{lambda: 900, mu: 1000, c: 1, k: 5}
	pk := (1 - rho) * math.Pow(rho, k) / (1 - math.Pow(rho, k+1))
	l := rho/(1-rho) - (k+1)*math.Pow(rho, k+1)/(1-math.Pow(rho, k+1))
	if got := q.blocking(); !close(got, pk) {
		t.Errorf("M/M/1/5: P_K = %v; want %v", got, pk)
	}
	if got, want := q.latency(), l/(900*(1-pk)); !close(got, want) {
		t.Errorf("M/M/1/5: E[T] = %v; want %v", got, want)
	}
	if got, want := q.wait(), q.latency()-1e-3; !close(got, want) {
		t.Errorf("M/M/1/5: E[W] = %v; want E[T] − 1/μ = %v", got, want)
	}
	// M/M/2/5 at λ = 1600, μ = 1000, computed by hand: the unnormalized
	// pₙ are 1, 1.6, 1.28, 1.024, 0.8192, 0.65536 (each next one ×a/n up
	// to c = 2, then ×a/c = 0.8), summing to 6.37856.
	q = mmcK{lambda: 1600, mu: 1000, c: 2, k: 5}
	sum := 6.37856
	if got, want := q.blocking(), 0.65536/sum; !close(got, want) {
		t.Errorf("M/M/2/5: P_K = %v; want %v", got, want)
	}
	lq := (1*1.024 + 2*0.8192 + 3*0.65536) / sum
	if got, want := q.wait(), lq/(1600*(1-0.65536/sum)); !close(got, want) {
		t.Errorf("M/M/2/5: E[W] = %v; want %v", got, want)
	}
	// A large K is the M/M/c queue of Erlang C.
	inf := mmcK{lambda: 3200, mu: 1000, c: 4, k: 2000}
	mm := mmc{lambda: 3200, mu: 1000, c: 4}
	if !close(inf.wait(), mm.wait()) || !close(inf.latency(), mm.latency()) || !close(inf.utilization(), 0.8) {
		t.Errorf("M/M/4/2000: wait %v, latency %v, utilization %v; want M/M/4's %v, %v, 0.8",
			inf.wait(), inf.latency(), inf.utilization(), mm.wait(), mm.latency())
	}
	// Overload is stable: at ρ = 1.25 the servers are nearly always busy,
	// so the carried load is close to c, and P_K close to 1 − 1/ρ = 0.2.
	over := mmcK{lambda: 5000, mu: 1000, c: 4, k: 40}
	if got := over.blocking(); math.Abs(got-0.2) > 1e-3 {
		t.Errorf("M/M/4/40 at ρ = 1.25: P_K = %v; want ≈ 0.2", got)
	}
}

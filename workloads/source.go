package workloads

import (
	"math/rand/v2"

	"asyncsim/internal/stream"
	"asyncsim/sim"
)

// maxArrival caps generated arrival times so that they never overflow,
// whatever the samples (about 146 years).
const maxArrival = sim.Time(1 << 62)

// Stream purposes, hashed into each stream's seed.
const (
	purposeArrival = "arrival"
	purposeSteps   = "steps"
	purposeThink   = "think"
)

// pcgRef is a rand.Source that draws from whichever PCG it points at, so
// that one rand.Rand serves every stream without allocating.
type pcgRef struct{ p *rand.PCG }

func (r *pcgRef) Uint64() uint64 { return r.p.Uint64() }

// Source returns a fresh task stream for the given replication (0, 1, ...).
// Every call with the same replication yields the same tasks. A stream is
// for one goroutine, but any number of streams may be drawn from one Spec
// concurrently: a Spec is never modified.
func (s *Spec) Source(replication int) sim.Source {
	src := &source{spec: s, replication: replication}
	src.rand = rand.New(&src.ref)
	src.gens = make([]classGen, len(s.Classes))
	for i := range s.Classes {
		c := &s.Classes[i]
		g := &src.gens[i]
		g.class = c
		g.at = min(max(c.Start, 0), maxArrival)
		if c.Clients != nil {
			if c.Clients.Count <= 0 || c.Clients.Requests <= 0 {
				continue
			}
		} else {
			if c.Count <= 0 && c.Rate == nil && c.Trace == nil {
				continue
			}
			g.arrival = stream.New(s.Seed, replication, c.Name, purposeArrival, stream.NoClient)
			g.steps = stream.New(s.Seed, replication, c.Name, purposeSteps, stream.NoClient)
			// An open class draws on every task: its own rand.Rand over
			// each stream saves the hop through ref on the hot path.
			g.arrivalRand, g.stepsRand = rand.New(&g.arrival), rand.New(&g.steps)
			switch {
			case c.Rate != nil:
				if !g.startRate() {
					continue
				}
			case c.Trace != nil:
				g.trace = newTraceReader(c.Trace, g.at)
				src.traces = append(src.traces, g.trace)
				at, ok := g.trace.next()
				if !ok {
					continue
				}
				g.at = at
			default:
				g.following = addTime(g.at, c.Interarrival.sample(&g.arrival, g.arrivalRand))
			}
		}
		src.push(int32(i))
	}
	return src
}

// source implements sim.Source for a Spec. Each class has one pending
// arrival in a heap ordered by (time, class): the next open arrival, or
// the first request of the next closed-loop client.
type source struct {
	spec        *Spec
	replication int
	gens        []classGen
	heap        []int32 // indices into gens
	ref         pcgRef
	rand        *rand.Rand // draws from ref
	// traces are the readers of the classes of arrival.trace, whose
	// errors Err reports.
	traces []*traceReader
}

// classGen generates one class's tasks.
type classGen struct {
	class *Class
	next  int64    // the next open index, or the next client to start
	at    sim.Time // the pending arrival's time
	// following is the time of an open class's arrival after the pending
	// one, drawn an arrival ahead: the draw's chain of dependent
	// arithmetic then overlaps the simulation instead of holding up the
	// choice of the next event, which needs the pending arrival's time.
	following      sim.Time
	arrival, steps rand.PCG // open classes' streams
	arrivalRand    *rand.Rand
	stepsRand      *rand.Rand
	clients        []clientGen
	// An arrival.rate class's current segment, the end of that segment,
	// and the gap distribution of each segment (nil for a pause).
	seg    int
	segEnd sim.Time
	gaps   []*Dist
	// trace reads an arrival.trace class's arrivals.
	trace *traceReader
}

// clientGen holds one closed-loop client's streams.
type clientGen struct{ steps, think rand.PCG }

// use points the shared rand.Rand at p and returns it.
func (s *source) use(p *rand.PCG) *rand.Rand {
	s.ref.p = p
	return s.rand
}

func (s *source) less(i, j int32) bool {
	a, b := s.gens[i].at, s.gens[j].at
	return a < b || (a == b && i < j)
}

func (s *source) push(i int32) {
	s.heap = append(s.heap, i)
	h := s.heap
	for k := len(h) - 1; k > 0; {
		parent := (k - 1) / 2
		if !s.less(h[k], h[parent]) {
			break
		}
		h[k], h[parent] = h[parent], h[k]
		k = parent
	}
}

// pop removes the heap's top.
func (s *source) pop() {
	last := len(s.heap) - 1
	s.heap[0] = s.heap[last]
	s.heap = s.heap[:last]
	s.down()
}

// down restores the heap's order after its top's arrival time moved later.
// Taking the next arrival is one call of down, where a pop and a push
// would be two passes over the heap.
func (s *source) down() {
	h := s.heap
	for k := 0; ; {
		l := 2*k + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && s.less(h[r], h[l]) {
			m = r
		}
		if !s.less(h[m], h[k]) {
			return
		}
		h[k], h[m] = h[m], h[k]
		k = m
	}
}

// Peek returns the time of the next open arrival (including closed-loop
// clients' first requests).
func (s *source) Peek() (sim.Time, bool) {
	if len(s.heap) == 0 {
		return 0, false
	}
	return s.gens[s.heap[0]].at, true
}

// Next fills t with the next open arrival and returns the arrival time of
// the one after it, as Peek would. It panics if there is none: callers
// must ask Peek first.
func (s *source) Next(t *sim.Task) (sim.Time, bool) {
	if len(s.heap) == 0 {
		panic("workloads: Source.Next called with no pending arrival")
	}
	i := s.heap[0]
	g := &s.gens[i]
	c := g.class
	if c.Clients != nil {
		s.startClient(i, t)
		return s.Peek()
	}
	t.Class = int(i)
	t.Arrival = g.at
	t.Index = g.next
	t.Client = -1
	t.Request = 0
	t.Steps = appendSteps(t.Steps[:0], c.Steps, &g.steps, g.stepsRand)
	if g.next++; g.next == int64(c.Count) {
		s.pop()
		return s.Peek()
	}
	switch {
	case c.Rate != nil:
		at, ok := g.rateAfter(g.at)
		return s.moveTo(g, at, ok)
	case c.Trace != nil:
		at, ok := g.trace.next()
		return s.moveTo(g, at, ok)
	}
	g.at = g.following
	g.following = addTime(g.following, c.Interarrival.sample(&g.arrival, g.arrivalRand))
	if len(s.heap) > 1 { // one class has nothing to reorder
		s.down()
	}
	return s.Peek()
}

// startRate prepares the stream of g, a class of arrival.rate, and finds
// its first arrival, one exponential gap after the start; it reports
// whether there is one.
func (g *classGen) startRate() bool {
	rate := g.class.Rate
	g.gaps = make([]*Dist, len(rate))
	for i, seg := range rate {
		if seg.PerSecond > 0 {
			g.gaps[i] = rateGap(seg.PerSecond)
		}
	}
	g.segEnd = addTime(g.at, rate[0].For)
	at, ok := g.rateAfter(g.at)
	g.at = at
	return ok
}

// rateAfter returns the arrival of g, a class of arrival.rate, after the
// one at t, or false when its last segment ends first. Within a segment
// the gaps are exponential at the segment's rate; a gap that would cross
// the segment's end is dropped, and a fresh one drawn from the end at the
// next segment's rate: by memorylessness, exactly a Poisson process whose
// rate is piecewise constant. A pause draws nothing.
func (g *classGen) rateAfter(t sim.Time) (sim.Time, bool) {
	rate := g.class.Rate
	for g.seg < len(rate) {
		if gap := g.gaps[g.seg]; gap != nil {
			if at := addTime(t, gap.sample(&g.arrival, g.arrivalRand)); at < g.segEnd {
				return at, true
			}
		}
		t = g.segEnd
		if g.seg++; g.seg < len(rate) {
			g.segEnd = addTime(g.segEnd, rate[g.seg].For)
		}
	}
	return 0, false
}

// moveTo moves g, whose pending arrival was just taken, to its next
// arrival at at, or out of the heap when there is none (ok false), and
// returns what Peek then returns.
func (s *source) moveTo(g *classGen, at sim.Time, ok bool) (sim.Time, bool) {
	if !ok {
		s.pop()
		return s.Peek()
	}
	g.at = at
	if len(s.heap) > 1 {
		s.down()
	}
	return s.Peek()
}

// SourceErr returns what went wrong reading the trace files of src, a
// Source of a Spec, which ends the stream of a class early: a file that
// changed or cannot be read since the workload was parsed. A run of src
// is only valid if it returns nil afterwards.
func SourceErr(src sim.Source) error {
	s, ok := src.(*source)
	if !ok {
		return nil
	}
	for _, tr := range s.traces {
		if tr.err != nil {
			return tr.err
		}
	}
	return nil
}

// startClient fills t with the first request of class i's next
// closed-loop client. It is apart from Next, whose open arrivals are the
// hot path: inlined there, it made Next keep far more on its stack.
func (s *source) startClient(i int32, t *sim.Task) {
	g := &s.gens[i]
	c := g.class
	cl := c.Clients
	client := int(g.next)
	g.clients = append(g.clients, clientGen{
		steps: stream.New(s.spec.Seed, s.replication, c.Name, purposeSteps, client),
		think: stream.New(s.spec.Seed, s.replication, c.Name, purposeThink, client),
	})
	t.Class = int(i)
	t.Arrival = g.at
	t.Index = int64(client) * int64(cl.Requests)
	t.Client = client
	t.Request = 0
	t.Steps = appendSteps(t.Steps[:0], c.Steps, &g.clients[client].steps, s.use(&g.clients[client].steps))
	// Every client starts at the class's start: the next one's arrival is
	// this one's, and the heap stays as it is.
	if g.next++; g.next == int64(cl.Count) {
		s.pop()
	}
}

// FollowUp fills next with the request that follows done, sent by the
// same closed-loop client its think time after completed, if the client
// has requests left. next may be done itself.
func (s *source) FollowUp(done *sim.Task, completed sim.Time, next *sim.Task) bool {
	class, client, req := done.Class, done.Client, done.Request
	if class < 0 || class >= len(s.gens) || client < 0 {
		return false
	}
	g := &s.gens[class]
	cl := g.class.Clients
	if cl == nil || client >= len(g.clients) || req+1 >= cl.Requests || req < 0 {
		return false
	}
	cg := &g.clients[client]
	think := cl.Think.sample(&cg.think, s.use(&cg.think))
	next.Class = class
	next.Client = client
	next.Request = req + 1
	next.Index = int64(client)*int64(cl.Requests) + int64(req+1)
	next.Arrival = addTime(completed, think)
	next.Steps = appendSteps(next.Steps[:0], g.class.Steps, &cg.steps, s.use(&cg.steps))
	return true
}

// appendSteps samples steps in order, repeat blocks re-sampled on each
// iteration, and appends the non-zero ones to dst. A hold block becomes
// an Acquire step, its steps and a Release step; a gather block a Gather
// step and its branches, each a Branch step and its steps, the copies of
// a count gather sampled one after the other (see sim.Step).
func appendSteps(dst []sim.Step, steps []StepSpec, p *rand.PCG, r *rand.Rand) []sim.Step {
	for i := range steps {
		st := &steps[i]
		if st.Steps != nil || st.Branches != nil {
			dst = appendBlock(dst, st, p, r)
			continue
		}
		d := st.Dur
		var v sim.Time
		if d != nil && d.kind == distExp {
			// d.sample(p, r), written out to the ziggurat's first try:
			// with no call in the loop (a call spills every live
			// register), bench-loop runs 7% faster.
			u := p.Uint64()
			x, ok := expFirstTry(u)
			if !ok {
				x = expRetry(p, u)
			}
			v = d.expDuration(x)
		} else {
			v = d.sample(p, r)
		}
		if v > 0 {
			dst = append(dst, sim.Step{Kind: st.Kind, Dur: v})
		}
	}
	return dst
}

// appendBlock samples st, a repeat, hold or gather block, as appendSteps
// does, and appends it to dst.
func appendBlock(dst []sim.Step, st *StepSpec, p *rand.PCG, r *rand.Rand) []sim.Step {
	switch {
	case st.Repeat > 0:
		for range st.Repeat {
			dst = appendSteps(dst, st.Steps, p, r)
		}
	case st.Kind == sim.Gather:
		// The Gather and Branch steps' spans are known once their
		// steps are sampled: zero durations are left out.
		g := len(dst)
		dst = append(dst, sim.Step{})
		for k := range st.branches() {
			b := len(dst)
			dst = append(dst, sim.Step{})
			branch := st.Branches[0] // a count gather's one branch
			if st.Count == 0 {
				branch = st.Branches[k]
			}
			dst = appendSteps(dst, branch, p, r)
			dst[b] = sim.BranchStep(len(dst) - b - 1)
		}
		dst[g] = sim.GatherStep(st.branches(), len(dst)-g-1)
	default:
		// A hold block: take a unit, run the steps, give it back.
		res := int32(st.Resource)
		dst = append(dst, sim.Step{Kind: sim.Acquire, Resource: res})
		dst = appendSteps(dst, st.Steps, p, r)
		dst = append(dst, sim.Step{Kind: sim.Release, Resource: res})
	}
	return dst
}

// addTime adds d (negative counts as zero) to t, saturating at maxArrival.
func addTime(t, d sim.Time) sim.Time {
	d = max(d, 0)
	if t >= maxArrival-d {
		return maxArrival
	}
	return t + d
}

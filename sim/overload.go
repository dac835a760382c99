package sim

// What the engine measures for the question "is this server overloaded?"
// (DESIGN.md and docs/model.md, "Overload and horizons"): how busy each
// group of contexts is, and whether the tasks in flight grow through the
// run. Both are kept at the few events where what they measure changes,
// and cost nothing per event otherwise.

// The groups of contexts whose occupation the engine integrates, by
// ContextInfo.Role.
const (
	groupWorker = iota
	groupThread
	groupLoop
	groupExecutor
	numGroups
	noGroup = numGroups // a context of another role: not integrated
)

// groupOf returns the group of a context of the given role.
func groupOf(role string) uint8 {
	switch role {
	case "worker":
		return groupWorker
	case "thread":
		return groupThread
	case "loop":
		return groupLoop
	case "executor":
		return groupExecutor
	}
	return noGroup
}

// groupMetrics are the utilization metrics of the groups, by group.
var groupMetrics = [numGroups]Metric{WorkersUtilization, ThreadsUtilization, LoopUtilization, ExecutorUtilization}

// groups are the counts behind the groups' utilizations: the contexts of
// each group and those not idle, each with the instant its integral is up
// to date until, so that a change integrates only the count it changes.
// (Under a GIL the share of time it is held needs no count of its own:
// one thread at a time runs, at the full rate of a core, so it is the CPU
// work done over the window.)
type groups struct {
	size     [numGroups]int
	occupied [numGroups]int
	since    [numGroups]Time
	// used lists the groups that have contexts, the first nUsed: a
	// strategy has one or two, and a snapshot integrates only those.
	used  [numGroups]uint8
	nUsed int
}

// addContext counts a new context of group g.
func (e *Engine) addContext(g uint8) {
	if e.grp.size[g] == 0 {
		e.grp.used[e.grp.nUsed] = g
		e.grp.nUsed++
	}
	e.grp.size[g]++
}

// occupy counts a context of group g becoming occupied (by +1) or idle
// (by -1).
func (e *Engine) occupy(g uint8, by int) {
	e.integrateGroup(g)
	e.grp.occupied[g] += by
}

// integrateGroup brings the integral of group g's occupied contexts up to
// now.
func (e *Engine) integrateGroup(g uint8) {
	e.acc.occupied[g] += float64(e.now-e.grp.since[g]) * float64(e.grp.occupied[g])
	e.grp.since[g] = e.now
}

// integrateGroups brings the integrals of the counts of all the groups
// that have contexts up to now.
func (e *Engine) integrateGroups() {
	for _, g := range e.grp.used[:e.grp.nUsed] {
		e.integrateGroup(g)
	}
}

// groupFigures sets the utilizations of the groups over the window of w
// nanoseconds: the occupied share of each group's contexts (of those it
// had at the end, for a pool that grows).
func (e *Engine) groupFigures(v *[NumMetrics]float64, w float64) {
	a, b := &e.windowStart, &e.windowEnd
	for g := range numGroups {
		if n := e.grp.size[g]; n > 0 {
			v[groupMetrics[g]] = (b.occupied[g] - a.occupied[g]) / w / float64(n)
		}
	}
}

// trendMarks is the number of marks of the in-flight integral the trend
// keeps: when they are all used, every other one goes and the spacing
// doubles, so that the trend's window holds between half as many and as
// many buckets, whatever its length.
const trendMarks = 64

// trendStep is the first spacing of the marks: a microsecond, so that a
// run of a millisecond has its buckets.
const trendStep = Microsecond

// trend keeps the integral of the counted tasks in flight at the marks
// of a grid, start + i·step, from the first counted arrival until the end
// of the open arrivals or the horizon: the in-flight mean of each bucket
// between marks, from which Trend fits the growth.
type trend struct {
	start, step, next Time // next is the next mark, or never once ended
	marks             [trendMarks]float64
	n                 int
	// endAt and endInt are the end of the trend's window and the
	// integral there; ended is set once they are.
	endAt  Time
	endInt float64
	ended  bool
}

// startTrend starts the grid at now, the first counted arrival.
func (e *Engine) startTrend() {
	t := &e.trend
	t.start, t.step, t.next = e.now, trendStep, e.now+trendStep
	t.marks[0], t.n = e.acc.inFlight, 1
}

// passMarks records the in-flight integral at the trend's marks passed
// since it was last up to date: before each change of the count of
// counted tasks in flight. It is small enough to be inlined where those
// changes are, and calls crossMarks only once a mark is passed, a few
// hundred times a run.
func (e *Engine) passMarks() {
	if e.now >= e.trend.next {
		e.crossMarks()
	}
}

// crossMarks records the integral at each mark up to now; the integral is
// up to date until flightSince, and constant in slope since. It is kept
// out of line, so that passMarks stays small.
//
//go:noinline
func (e *Engine) crossMarks() {
	t := &e.trend
	for t.next <= e.now {
		t.marks[t.n] = e.acc.inFlight + float64(t.next-e.flightSince)*float64(e.countedFlight)
		t.n++
		if t.n == trendMarks {
			for i := range trendMarks / 2 {
				t.marks[i] = t.marks[2*i]
			}
			t.n = trendMarks / 2
			t.step *= 2
		}
		t.next = t.start + Time(t.n)*t.step
	}
}

// endTrend ends the trend's window now, once: at the last open arrival,
// or at the horizon. A run without a counted arrival has no trend.
func (e *Engine) endTrend() {
	t := &e.trend
	if t.ended || e.firstCounted < 0 {
		return
	}
	e.passMarks()
	e.integrateFlight()
	t.endAt, t.endInt, t.ended = e.now, e.acc.inFlight, true
	t.next = never
}

// Trend is the trend of the counted tasks in flight over the second half
// of a run's trend window: from the first counted arrival to the last
// open arrival (or the horizon, if the run reached it first).
type Trend struct {
	// Buckets is the number of buckets the fit used; 0 when the run had no
	// such window (no counted or no open arrival), and then Growth and
	// Mean are 0.
	Buckets int
	// Growth is the growth of the tasks in flight over the second half of
	// the window: the least-squares slope of the buckets' in-flight means
	// against time, times the half's length.
	Growth float64
	// Mean is the time-averaged number of counted tasks in flight over
	// the buckets of the second half.
	Mean float64
	// Half is the second half's length in seconds.
	Half float64
}

// fitTrend returns the trend of the run's window.
func (e *Engine) fitTrend() Trend {
	t := &e.trend
	if !t.ended {
		return Trend{}
	}
	mid := t.start + (t.endAt-t.start)/2
	// The buckets [start+i·step, start+(i+1)·step) that lie in the
	// second half, and their in-flight means.
	first := int((mid - t.start + t.step - 1) / t.step)
	last := min(t.n-1, int((t.endAt-t.start)/t.step)) // the last mark within the window
	if last-first < 3 {
		return Trend{}
	}
	var sx, sy, sxx, sxy float64
	n := float64(last - first)
	for i := first; i < last; i++ {
		x := (float64(i) + 0.5) * float64(t.step)
		y := (t.marks[i+1] - t.marks[i]) / float64(t.step)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx) // per nanosecond
	half := t.endAt - mid
	mean := (t.marks[last] - t.marks[first]) / (n * float64(t.step))
	return Trend{Buckets: last - first, Growth: slope * float64(half), Mean: mean, Half: half.Seconds()}
}

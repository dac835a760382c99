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
// each group, those not idle, and the threads running (holding the CPU
// or, under a GIL, the GIL).
type groups struct {
	size     [numGroups]int
	occupied [numGroups]int
	running  int
	since    Time // the integrals are up to date until then
}

// groupChange updates the counts of the groups for a context of group g
// going from state from to state to.
func (e *Engine) groupChange(g uint8, from, to State) {
	busy := (from == Idle) != (to == Idle)
	run := g == groupThread && (from == Running) != (to == Running)
	if !busy && !run {
		return
	}
	e.integrateGroups()
	if busy {
		if to == Idle {
			e.grp.occupied[g]--
		} else {
			e.grp.occupied[g]++
		}
	}
	if run {
		if to == Running {
			e.grp.running++
		} else {
			e.grp.running--
		}
	}
}

// integrateGroups brings the integrals of the groups' counts up to now.
func (e *Engine) integrateGroups() {
	dt := float64(e.now - e.grp.since)
	for g := range numGroups {
		e.acc.occupied[g] += dt * float64(e.grp.occupied[g])
	}
	e.acc.running += dt * float64(e.grp.running)
	e.grp.since = e.now
}

// groupFigures sets the utilizations of the groups over the window of w
// nanoseconds: the occupied share of each group's contexts (of those it
// had at the end, for a pool that grows), and the mean number of threads
// running.
func (e *Engine) groupFigures(v *[NumMetrics]float64, w float64) {
	a, b := &e.windowStart, &e.windowEnd
	for g := range numGroups {
		if n := e.grp.size[g]; n > 0 {
			v[groupMetrics[g]] = (b.occupied[g] - a.occupied[g]) / w / float64(n)
		}
	}
	v[ThreadsRunningMean] = (b.running - a.running) / w
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

// crossMarks records the integral at each mark up to now; the integral is
// up to date until flightSince, and constant in slope since.
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

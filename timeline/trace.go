package timeline

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"

	"asyncsim/sim"
)

// TraceProcess is one process of a trace: a strategy and its timeline.
type TraceProcess struct {
	// Name names the process: the strategy.
	Name string
	// Timeline is what the process's threads did.
	Timeline *Timeline
}

// Names of the task spans and instants in traces and timeline files.
const (
	// TaskQueued is a task's span from its arrival until a context takes
	// it (or, for an attempt never served, until it ended).
	TaskQueued = "queued"
	// TaskService is a task's span from its start until its completion.
	TaskService = "service"
	// TaskLate is TaskService for an attempt that completed after its
	// client had given up on it (outcome late: wasted work).
	TaskLate = "late"
	// TaskRejected is the instant an attempt was rejected by a full queue.
	TaskRejected = "rejected"
	// TaskAbandoned is the instant a client gave up on an attempt whose
	// connection waited for a retransmission of its SYN.
	TaskAbandoned = "abandoned"
)

// TaskSpan is one span of a task inside a timeline's window: queued, in
// service (TaskService or TaskLate), or the instant (Start = End) an
// attempt was rejected or abandoned.
type TaskSpan struct {
	// Task is the span's task, in Timeline.Tasks.
	Task *Task
	// State is one of TaskQueued, TaskService, TaskLate, TaskRejected and
	// TaskAbandoned.
	State string
	// Start and End bound the span, clipped to the window.
	Start, End sim.Time
}

// Instant reports whether the span is an instant: a rejection or an
// abandonment.
func (s *TaskSpan) Instant() bool { return s.State == TaskRejected || s.State == TaskAbandoned }

// TaskSpans returns the spans of tl's tasks inside its window, in task
// order and, for each task, in time order, leaving out empty spans; an
// instant is kept when it lies inside the window.
func (tl *Timeline) TaskSpans() []TaskSpan {
	var out []TaskSpan
	stop := tl.Shown()
	for i := range tl.Tasks {
		t := &tl.Tasks[i]
		if a, b := max(t.Arrival, tl.From), min(t.Start, stop); a < b {
			out = append(out, TaskSpan{t, TaskQueued, a, b})
		}
		switch t.Outcome {
		case sim.OutcomeRejected, sim.OutcomeAbandoned:
			if t.Completion >= tl.From && t.Completion <= stop {
				name := TaskRejected
				if t.Outcome == sim.OutcomeAbandoned {
					name = TaskAbandoned
				}
				out = append(out, TaskSpan{t, name, t.Completion, t.Completion})
			}
		default:
			if a, b := max(t.Start, tl.From), min(t.Completion, stop); a < b {
				name := TaskService
				if t.Outcome == sim.OutcomeLate {
					name = TaskLate
				}
				out = append(out, TaskSpan{t, name, a, b})
			}
		}
	}
	return out
}

// WriteTrace writes timelines in the Chrome trace event format (the JSON
// object form, which Perfetto and chrome://tracing open): one process
// per TraceProcess, in order; in each, one thread per context and then
// one per task (per attempt), named by thread_name metadata; one complete
// ("X") event per non-idle state interval of a context (named after the
// state, "acquiring" included) and per span of a task (Timeline.TaskSpans:
// "queued", and "service" or, completed after its client gave up,
// "late"), clipped to the window; and one thread-scoped instant ("i")
// event where an attempt was "rejected" or "abandoned". A task's events
// carry its attempt and outcome in their args. The branches of a task's
// gathers are "branch N" slices nested in its service span, on extra
// threads of the task where siblings overlap. Times are in microseconds
// with nanosecond precision. Events of one thread never overlap; they
// nest.
func WriteTrace(w io.Writer, workload string, procs []TraceProcess) error {
	tw := traceWriter{w: w}
	tw.raw(`{"displayTimeUnit": "ms", "otherData": {"workload": `)
	tw.str(workload)
	tw.raw(`}, "traceEvents": [`)
	for i, p := range procs {
		pid := i + 1
		tw.meta("process_name", pid, 0, "name", p.Name)
		tw.metaInt("process_sort_index", pid, 0, i)
		tl := p.Timeline
		if tl == nil {
			continue
		}
		tid := 0
		for _, c := range tl.Contexts {
			tid++
			tw.meta("thread_name", pid, tid, "name", c.Name)
			tw.metaInt("thread_sort_index", pid, tid, tid)
			for _, iv := range c.Intervals {
				if iv.State != sim.Idle {
					tw.complete(iv.State.String(), "state", pid, tid, iv.Start, iv.End)
					tw.end()
				}
			}
		}
		spans, branches := tl.TaskSpans(), tl.Branches
		for i := range tl.Tasks {
			t := &tl.Tasks[i]
			tid++
			tw.meta("thread_name", pid, tid, "name", t.Name)
			tw.metaInt("thread_sort_index", pid, tid, tid)
			for len(spans) > 0 && spans[0].Task == t {
				sp := spans[0]
				spans = spans[1:]
				if sp.Instant() {
					tw.instant(sp.State, "task", pid, tid, sp.Start)
				} else {
					tw.complete(sp.State, "task", pid, tid, sp.Start, sp.End)
				}
				tw.taskArgs(t)
			}
			n := 0
			for n < len(branches) && branches[n].Task == i {
				n++
			}
			tid = tw.branches(pid, tid, t, branches[:n], tl.From, tl.Shown())
			branches = branches[n:]
		}
	}
	tw.raw("\n]}\n")
	tw.flush(true)
	return tw.err
}

// branches writes the branches of task t, whose thread is tid, as
// slices clipped to [from, to]: a branch nests in its parent's slice (a
// branch of the task's own gather in the task's service span) where
// that is the innermost open slice of its thread, and otherwise goes on
// the first extra thread of the task that is free ("request#3 branches",
// then "… branches 2"): the branches of a gather on an event loop run at
// once. It returns the last thread id used.
func (tw *traceWriter) branches(pid, tid int, t *Task, bs []Branch, from, to sim.Time) int {
	type slice struct {
		end sim.Time
		id  int
	}
	// Per lane (0 is the task's own thread), the slices open at the
	// current instant, innermost last.
	var lanes [][]slice
	for _, b := range bs {
		a, z := max(b.Start, from), min(b.End, to)
		if a >= z {
			continue
		}
		for i, open := range lanes {
			for len(open) > 0 && open[len(open)-1].end <= a {
				open = open[:len(open)-1]
			}
			lanes[i] = open
		}
		lane := slices.IndexFunc(lanes, func(open []slice) bool { return len(open) > 0 && open[len(open)-1].id == b.Parent })
		if lane < 0 && b.Parent < 0 && (len(lanes) == 0 || len(lanes[0]) == 0) {
			lane = 0
		}
		if lane < 0 { // the first free extra thread, or a new one
			lane = max(len(lanes), 1)
			for i := 1; i < len(lanes); i++ {
				if len(lanes[i]) == 0 {
					lane = i
					break
				}
			}
		}
		for len(lanes) <= lane {
			if n := len(lanes); n > 0 {
				name := t.Name + " branches"
				if n > 1 {
					name += " " + strconv.Itoa(n)
				}
				tw.meta("thread_name", pid, tid+n, "name", name)
				tw.metaInt("thread_sort_index", pid, tid+n, tid+n)
			}
			lanes = append(lanes, nil)
		}
		lanes[lane] = append(lanes[lane], slice{z, b.ID})
		tw.complete("branch "+strconv.Itoa(b.Branch), "branch", pid, tid+lane, a, z)
		tw.buf = append(tw.buf, `, "args": {"attempt": `...)
		tw.buf = strconv.AppendInt(tw.buf, int64(t.Attempt), 10)
		tw.buf = append(tw.buf, `, "depth": `...)
		tw.buf = strconv.AppendInt(tw.buf, int64(b.Depth), 10)
		tw.buf = append(tw.buf, '}')
		tw.end()
	}
	return tid + max(len(lanes)-1, 0)
}

// traceWriter writes trace events one per line, remembering the first
// error.
type traceWriter struct {
	w   io.Writer
	buf []byte
	n   int // events written
	err error
}

func (tw *traceWriter) raw(s string) {
	tw.buf = append(tw.buf, s...)
	tw.flush(false)
}

func (tw *traceWriter) str(s string) {
	b, _ := json.Marshal(s) // strings always marshal
	tw.buf = append(tw.buf, b...)
}

func (tw *traceWriter) begin() {
	if tw.n > 0 {
		tw.buf = append(tw.buf, ',')
	}
	tw.n++
	tw.buf = append(tw.buf, "\n  {"...)
}

func (tw *traceWriter) ids(pid, tid int) {
	tw.buf = append(tw.buf, `, "pid": `...)
	tw.buf = strconv.AppendInt(tw.buf, int64(pid), 10)
	tw.buf = append(tw.buf, `, "tid": `...)
	tw.buf = strconv.AppendInt(tw.buf, int64(tid), 10)
}

func (tw *traceWriter) meta(name string, pid, tid int, key, value string) {
	tw.begin()
	tw.buf = append(tw.buf, `"name": "`+name+`", "ph": "M"`...)
	tw.ids(pid, tid)
	tw.buf = append(tw.buf, `, "args": {"`+key+`": `...)
	tw.str(value)
	tw.buf = append(tw.buf, "}}"...)
	tw.flush(false)
}

func (tw *traceWriter) metaInt(name string, pid, tid, value int) {
	tw.begin()
	tw.buf = append(tw.buf, `"name": "`+name+`", "ph": "M"`...)
	tw.ids(pid, tid)
	tw.buf = append(tw.buf, `, "args": {"sort_index": `...)
	tw.buf = strconv.AppendInt(tw.buf, int64(value), 10)
	tw.buf = append(tw.buf, "}}"...)
	tw.flush(false)
}

func (tw *traceWriter) complete(name, cat string, pid, tid int, start, end sim.Time) {
	tw.begin()
	tw.buf = append(tw.buf, `"name": `...)
	tw.str(name)
	tw.buf = append(tw.buf, `, "cat": "`+cat+`", "ph": "X", "ts": `...)
	tw.buf = appendMicros(tw.buf, start)
	tw.buf = append(tw.buf, `, "dur": `...)
	tw.buf = appendMicros(tw.buf, end-start)
	tw.ids(pid, tid)
}

func (tw *traceWriter) instant(name, cat string, pid, tid int, at sim.Time) {
	tw.begin()
	tw.buf = append(tw.buf, `"name": `...)
	tw.str(name)
	tw.buf = append(tw.buf, `, "cat": "`+cat+`", "ph": "i", "s": "t", "ts": `...)
	tw.buf = appendMicros(tw.buf, at)
	tw.ids(pid, tid)
}

// end closes an event that complete or instant began.
func (tw *traceWriter) end() {
	tw.buf = append(tw.buf, '}')
	tw.flush(false)
}

// taskArgs closes a task's event with its attempt and outcome.
func (tw *traceWriter) taskArgs(t *Task) {
	tw.buf = append(tw.buf, `, "args": {"attempt": `...)
	tw.buf = strconv.AppendInt(tw.buf, int64(t.Attempt), 10)
	tw.buf = append(tw.buf, `, "outcome": `...)
	tw.str(t.Outcome.String())
	tw.buf = append(tw.buf, '}')
	tw.end()
}

func (tw *traceWriter) flush(force bool) {
	if tw.err != nil {
		tw.buf = tw.buf[:0]
		return
	}
	if force || len(tw.buf) >= 1<<15 {
		_, tw.err = tw.w.Write(tw.buf)
		tw.buf = tw.buf[:0]
	}
}

// appendMicros appends t (nanoseconds, not negative) in microseconds, in
// exact decimal: "1500", "0.25", "1000000.001".
func appendMicros(b []byte, t sim.Time) []byte {
	b = strconv.AppendInt(b, int64(t/1000), 10)
	if frac := int64(t % 1000); frac != 0 {
		digits := []byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
		for digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
		b = append(b, digits...)
	}
	return b
}

package timeline

import (
	"encoding/json"
	"io"
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

// Names of the task spans in traces and timeline files.
const (
	// TaskQueued is a task's span from its arrival until a context takes it.
	TaskQueued = "queued"
	// TaskService is a task's span from its start until its completion.
	TaskService = "service"
)

// WriteTrace writes timelines in the Chrome trace event format (the JSON
// object form, which Perfetto and chrome://tracing open): one process
// per TraceProcess, in order; in each, one thread per context and then
// one per task, named by thread_name metadata; and one complete ("X")
// event per non-idle state interval of a context (named after the state)
// and per queued and in-service span of a task, clipped to the window.
// Times are in microseconds with nanosecond precision. Events of one
// thread never overlap.
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
		stop := tl.Shown()
		tid := 0
		for _, c := range tl.Contexts {
			tid++
			tw.meta("thread_name", pid, tid, "name", c.Name)
			tw.metaInt("thread_sort_index", pid, tid, tid)
			for _, iv := range c.Intervals {
				if iv.State != sim.Idle {
					tw.complete(iv.State.String(), "state", pid, tid, iv.Start, iv.End)
				}
			}
		}
		for _, t := range tl.Tasks {
			tid++
			tw.meta("thread_name", pid, tid, "name", t.Name)
			tw.metaInt("thread_sort_index", pid, tid, tid)
			if a, b := max(t.Arrival, tl.From), min(t.Start, stop); a < b {
				tw.complete(TaskQueued, "task", pid, tid, a, b)
			}
			if a, b := max(t.Start, tl.From), min(t.Completion, stop); a < b {
				tw.complete(TaskService, "task", pid, tid, a, b)
			}
		}
	}
	tw.raw("\n]}\n")
	tw.flush(true)
	return tw.err
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
	tw.buf = append(tw.buf, '}')
	tw.flush(false)
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

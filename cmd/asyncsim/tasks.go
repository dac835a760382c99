package main

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"

	"asyncsim/internal/atomicfile"
	"asyncsim/report"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// spoolChunk is how many bytes of rows a run gathers in memory before it
// appends them to the spool: the spool holds a chunk in memory per run
// going on, whatever the number of runs or of their tasks.
const spoolChunk = 64 << 10

// taskSpool streams the task records of every run into one temporary
// file while the runs go on in parallel, so that tasks.csv costs disk,
// not memory, and one open file however many runs there are. Each run
// appends its rows in chunks, the chunks of parallel runs interleaved in
// the file; writeTo then copies every run's chunks in the order of the
// output contract (strategy, then replication).
type taskSpool struct {
	spec  *workloads.Spec
	names []string // selected strategies
	reps  int
	runs  []*runSpool // by run (strategy × replication), while it goes on

	mu     sync.Mutex // guards what follows
	f      *os.File
	size   int64       // bytes written to f
	chunks [][]segment // by run
	err    error       // the first failed write
}

// segment is one chunk of a run's rows in the spool file.
type segment struct{ off, n int64 }

// runSpool gathers one run's rows; only that run's goroutine touches it.
type runSpool struct {
	t   *taskSpool
	run int
	buf []byte
	w   *csv.Writer // into buf, through Write
	row []string
}

func newTaskSpool(spec *workloads.Spec, names []string) (*taskSpool, error) {
	f, err := os.CreateTemp("", "asyncsim-tasks-*.csv")
	if err != nil {
		return nil, err
	}
	n := len(names) * spec.Replications
	return &taskSpool{spec: spec, names: names, reps: spec.Replications, f: f,
		runs: make([]*runSpool, n), chunks: make([][]segment, n)}, nil
}

// hook returns the function that spools the records of one run, combined
// with next (which may be nil), for experiment.Options.OnTask.
func (t *taskSpool) hook(next func(strategy, replication int) func(sim.TaskRecord)) func(int, int) func(sim.TaskRecord) {
	return func(s, rep int) func(sim.TaskRecord) {
		rs := &runSpool{t: t, run: s*t.reps + rep, row: make([]string, len(report.TasksHeader))}
		rs.w = csv.NewWriter(rs) // which buffers its writes
		t.runs[rs.run] = rs
		var also func(sim.TaskRecord)
		if next != nil {
			also = next(s, rep)
		}
		return func(r sim.TaskRecord) {
			report.TaskRow(rs.row, t.names[s], rep, t.spec.Classes[r.Class].Name, r)
			rs.w.Write(rs.row) // into rs.buf, which cannot fail
			if also != nil {
				also(r)
			}
		}
	}
}

// done appends what is left of a run's rows to the spool, for
// experiment.Options.Done.
func (t *taskSpool) done(s, rep int) {
	rs := t.runs[s*t.reps+rep]
	if rs == nil {
		return
	}
	rs.w.Flush()
	rs.flush()
	t.runs[rs.run] = nil
}

// Write gathers bytes of rows from the run's csv.Writer, and appends them
// to the spool a chunk at a time.
func (rs *runSpool) Write(p []byte) (int, error) {
	rs.buf = append(rs.buf, p...)
	if len(rs.buf) >= spoolChunk {
		rs.flush()
	}
	return len(p), nil
}

// flush appends the gathered rows to the spool file.
func (rs *runSpool) flush() {
	if len(rs.buf) == 0 {
		return
	}
	t := rs.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		_, t.err = t.f.Write(rs.buf)
		t.chunks[rs.run] = append(t.chunks[rs.run], segment{t.size, int64(len(rs.buf))})
		t.size += int64(len(rs.buf))
	}
	rs.buf = rs.buf[:0]
}

// writeTo writes tasks.csv into dir, whole or not at all. It must be
// called after every run is done. It gives up with errInterrupted when
// stop reports true.
func (t *taskSpool) writeTo(dir string, stop func() bool) error {
	if t.err != nil {
		return t.err
	}
	return atomicfile.Write(filepath.Join(dir, "tasks.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(report.TasksHeader)
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		for _, segs := range t.chunks {
			for _, sg := range segs {
				if stop() {
					return errInterrupted
				}
				if _, err := io.Copy(w, io.NewSectionReader(t.f, sg.off, sg.n)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// remove closes and deletes the spool file.
func (t *taskSpool) remove() error {
	return errors.Join(t.f.Close(), os.Remove(t.f.Name()))
}

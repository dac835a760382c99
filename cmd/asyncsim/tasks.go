package main

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"asyncsim/internal/atomicfile"
	"asyncsim/report"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// taskSpool streams every run's task records to a temporary file of its
// own while the runs go on in parallel, so that tasks.csv costs disk, not
// memory, however many tasks a run simulates; writeTo then joins the
// files in the order of the output contract.
type taskSpool struct {
	dir    string
	spec   *workloads.Spec
	names  []string // selected strategies
	reps   int
	spools []*spoolFile // by strategy × replication
}

// spoolFile is one run's records; only that run's goroutine touches it.
type spoolFile struct {
	f   *os.File
	w   *csv.Writer
	row []string
	err error
}

func newTaskSpool(spec *workloads.Spec, names []string) (*taskSpool, error) {
	dir, err := os.MkdirTemp("", "asyncsim-tasks-")
	if err != nil {
		return nil, err
	}
	return &taskSpool{dir: dir, spec: spec, names: names, reps: spec.Replications,
		spools: make([]*spoolFile, len(names)*spec.Replications)}, nil
}

// hook returns the function that spools the records of one run, combined
// with next (which may be nil), for experiment.Options.OnTask.
func (t *taskSpool) hook(next func(strategy, replication int) func(sim.TaskRecord)) func(int, int) func(sim.TaskRecord) {
	return func(s, rep int) func(sim.TaskRecord) {
		sp := &spoolFile{row: make([]string, len(report.TasksHeader))}
		t.spools[s*t.reps+rep] = sp
		sp.f, sp.err = os.Create(filepath.Join(t.dir, strconv.Itoa(s*t.reps+rep)+".csv"))
		if sp.err == nil {
			sp.w = csv.NewWriter(sp.f) // which buffers its writes
		}
		var also func(sim.TaskRecord)
		if next != nil {
			also = next(s, rep)
		}
		return func(r sim.TaskRecord) {
			if sp.err == nil {
				report.TaskRow(sp.row, t.names[s], rep, t.spec.Classes[r.Class].Name, r)
				sp.err = sp.w.Write(sp.row)
			}
			if also != nil {
				also(r)
			}
		}
	}
}

// writeTo writes tasks.csv into dir, whole or not at all.
func (t *taskSpool) writeTo(dir string) error {
	return atomicfile.Write(filepath.Join(dir, "tasks.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(report.TasksHeader)
		cw.Flush()
		for _, sp := range t.spools {
			if sp == nil {
				continue
			}
			if sp.err != nil {
				return sp.err
			}
			sp.w.Flush()
			if err := sp.w.Error(); err != nil {
				return err
			}
			if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if _, err := io.Copy(w, sp.f); err != nil {
				return err
			}
		}
		return cw.Error()
	})
}

// remove deletes the spool files.
func (t *taskSpool) remove() error {
	var errs []error
	for _, sp := range t.spools {
		if sp != nil && sp.f != nil {
			errs = append(errs, sp.f.Close())
		}
	}
	return errors.Join(append(errs, os.RemoveAll(t.dir))...)
}

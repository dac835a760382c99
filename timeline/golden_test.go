package timeline_test

import (
	"bytes"
	"testing"

	"asyncsim/internal/golden"
	"asyncsim/timeline"
	"asyncsim/workloads"
)

// TestTraceGolden compares the trace of the tornado example, its default
// window, with testdata/trace-tornado.json (go test -update rewrites it).
func TestTraceGolden(t *testing.T) {
	spec, err := workloads.Load("tornado")
	if err != nil {
		t.Fatal(err)
	}
	rec := record(t, spec, timeline.Options{Auto: true, Cores: spec.Cores})
	var procs []timeline.TraceProcess
	for i, sr := range rec.res.Strategies {
		procs = append(procs, timeline.TraceProcess{Name: sr.Config.Name, Timeline: rec.recs[i].Timeline(sr.Contexts)})
	}
	var buf bytes.Buffer
	if err := timeline.WriteTrace(&buf, spec.Name, procs); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "trace-tornado.json", buf.Bytes())
}

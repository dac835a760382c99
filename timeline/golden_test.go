package timeline_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"asyncsim/timeline"
	"asyncsim/workloads"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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
	golden := filepath.Join("testdata", "trace-tornado.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("the trace differs from %s (go test -update rewrites it; review the diff)", golden)
	}
}

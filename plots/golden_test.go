package plots

import (
	"bytes"
	"testing"

	"asyncsim/internal/drawcheck"
	"asyncsim/internal/golden"
)

// TestDataFilesGolden compares the data files written for the sample run
// with testdata/sample-data.txt (go test -update rewrites it).
func TestDataFilesGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		run    *Run
	}{{"sample-data.txt", sample()}, {"classes-data.txt", classes(3)}} {
		var got bytes.Buffer
		for _, f := range DataFiles() {
			if f.For != nil && !f.For(tt.run) {
				continue
			}
			got.WriteString("==> " + f.Name + " <==\n")
			if err := f.Write(&got, tt.run); err != nil {
				t.Fatal(err)
			}
		}
		golden.Check(t, tt.golden, got.Bytes())
	}
}

// TestDrawnGolden compares what reference figures draw at the default
// size — every text and mark with its box, to a tenth of a point (package
// drawcheck) — with testdata/drawn-NAME.txt, so that a change of look is
// a diff to review (go test -update rewrites them). They must pass
// drawcheck's checks too.
func TestDrawnGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		fig    Figure
	}{
		{"drawn-makespan.txt", MakespanFigure(sample())},
		{"drawn-latency_percentiles.txt", PercentilesFigure(openSample())},
		{"drawn-latency.txt", LatencyFigure(sample())},
		{"drawn-latency_by_class.txt", LatencyByClassFigure(classes(3))},
		{"drawn-utilization.txt", UtilizationFigures(sample())[0]},
		{"drawn-timeline.txt", RunFigures(sample())[len(RunFigures(sample()))-1]},
	} {
		c := tt.fig.Record(WidthPx, HeightPx)
		for _, v := range c.Check(drawcheck.Options{}) {
			t.Errorf("%s: %v", tt.golden, v)
		}
		golden.Check(t, tt.golden, []byte(c.Operations()))
	}
}

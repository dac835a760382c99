package figures

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/golden"
	"asyncsim/plots"
	"asyncsim/workloads"
)

// checkImage compares a rendered PNG with the file at path, or with
// -update writes it there: the README's figures, made by this test.
func checkImage(t *testing.T, path string, got []byte) {
	t.Helper()
	if *golden.Update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the figure drawn now (go test ./figures -run %s -update redraws it; look at it)", path, t.Name())
	}
}

// TestReadmeImages draws the README's figures of the default example
// (docs/img: makespan, latency, utilization and the timelines, as
// 'asyncsim run --out' draws them at the default size) and its worst case
// of the drawn-figure matrix, the latency figure of 32 strategies of open
// arrivals at the smallest size (docs/img/worst-case.png), and compares
// them with the files there; -update redraws them.
func TestReadmeImages(t *testing.T) {
	img := filepath.Join("..", "docs", "img")
	spec, err := workloads.Load(workloads.DefaultExample)
	if err != nil {
		t.Fatal(err)
	}
	rec := Record(spec, len(spec.Strategies), Window{Auto: true})
	opts := experiment.Options{Jobs: 1}
	rec.Attach(&opts)
	res, err := experiment.Run(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, fig := range plots.RunFigures(rec.Run(res)) {
		b, err := fig.Render(plots.PNG, plots.WidthPx, plots.HeightPx)
		if err != nil {
			t.Fatal(err)
		}
		checkImage(t, filepath.Join(img, fig.FileName(plots.PNG)), b)
	}
	worst := plots.LatencyFigure(matrixRun(t, matrixWorkload(t, 32, true)))
	b, err := worst.Render(plots.PNG, plots.MinWidth, plots.MinHeight)
	if err != nil {
		t.Fatal(err)
	}
	checkImage(t, filepath.Join(img, "worst-case.png"), b)
}

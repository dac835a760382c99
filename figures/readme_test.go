package figures

import (
	"path/filepath"
	"testing"

	"asyncsim/internal/golden"
	"asyncsim/plots"
	"asyncsim/workloads"
)

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
	for _, fig := range plots.RunFigures(matrixRun(t, spec)) {
		b, err := fig.Render(plots.PNG, plots.WidthPx, plots.HeightPx)
		if err != nil {
			t.Fatal(err)
		}
		golden.CheckFile(t, filepath.Join(img, fig.FileName(plots.PNG)), b)
	}
	worst := plots.LatencyFigure(matrixRun(t, matrixWorkload(t, 32, true)))
	b, err := worst.Render(plots.PNG, plots.MinWidth, plots.MinHeight)
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckFile(t, filepath.Join(img, "worst-case.png"), b)
}

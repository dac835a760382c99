package figures

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/drawcheck"
	"asyncsim/plots"
	"asyncsim/workloads"
)

// strategyKinds are the strategies the matrix runs, in turn, with names
// of different lengths (the last as long as the figures show whole).
var strategyKinds = []string{
	"{name: %s, kind: blocking, workers: 4}",
	"{name: %s, kind: threaded, threads: 8, gil: true}",
	"{name: %s, kind: event_loop}",
	"{name: %s, kind: event_loop, loops: 2}",
}

func strategyName(i int) string {
	switch i % 4 {
	case 1:
		return fmt.Sprintf("threads-gil-%d", i)
	case 2:
		return fmt.Sprintf("loop%d", i)
	case 3:
		return fmt.Sprintf("two-event-loops-with-a-longer-name-%d", i)
	}
	return fmt.Sprintf("prefork-%d", i)
}

// matrixWorkload returns a workload of n strategies: a batch of tasks
// that all arrive at once, or (open) two classes of Poisson arrivals.
func matrixWorkload(t testing.TB, n int, open bool) *workloads.Spec {
	var b strings.Builder
	b.WriteString("name: matrix\nseed: 7\nreplications: 2\nmachine: {cores: 2}\ntasks:\n")
	if open {
		b.WriteString("  - {name: api, count: 40, arrival: {interarrival: {exp: 4ms}}, steps: [{cpu: {exp: 1ms}}, {io: 10ms}]}\n")
		b.WriteString("  - {name: report, count: 6, arrival: {interarrival: {exp: 25ms}}, steps: [{cpu: 8ms}]}\n")
	} else {
		b.WriteString("  - {name: request, count: 30, steps: [{cpu: 2ms}, {io: 20ms}, {cpu: 1ms}]}\n")
	}
	b.WriteString("strategies:\n")
	for i := range n {
		b.WriteString("  - " + fmt.Sprintf(strategyKinds[i%len(strategyKinds)], strategyName(i)) + "\n")
	}
	spec, err := workloads.Parse("matrix.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// matrixRun runs the workload (one job, timelines in the default window)
// and returns its figures' data.
func matrixRun(t testing.TB, spec *workloads.Spec) *plots.Run {
	rec := Record(spec, len(spec.Strategies), Window{Auto: true})
	opts := experiment.Options{Jobs: 1}
	rec.Attach(&opts)
	res, err := experiment.Run(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Run(res)
}

// matrixSizes are the figure sizes of the matrix: the smallest accepted,
// the default and twice the default.
var matrixSizes = [][2]int{{plots.MinWidth, plots.MinHeight}, {plots.WidthPx, plots.HeightPx}, {2 * plots.WidthPx, 2 * plots.HeightPx}}

// TestDrawnMatrix checks with drawcheck every run figure of runs of 1,
// 2, 6, 12 and 32 strategies, batch and open, at the smallest accepted
// size, the default and twice it: no text overlaps another or leaves the
// canvas, every numeric axis has three labelled ticks or more, tick labels
// never overprint and every legend entry has a mark of its own; and at
// two sizes of other shapes, 2400×800 and 600×2000. With -short, 1, 6
// and 32 strategies at the three sizes.
func TestDrawnMatrix(t *testing.T) {
	counts := []int{1, 2, 6, 12, 32}
	sizes := append(slices.Clone(matrixSizes), [2]int{2400, 800}, [2]int{600, 2000})
	if testing.Short() {
		counts, sizes = []int{1, 6, 32}, matrixSizes
	}
	for _, open := range []bool{false, true} {
		for _, n := range counts {
			run := matrixRun(t, matrixWorkload(t, n, open))
			for _, fig := range plots.RunFigures(run) {
				for _, size := range sizes {
					vs := fig.Record(size[0], size[1]).Check(drawcheck.Options{})
					if len(vs) == 0 {
						continue
					}
					var msg strings.Builder
					for i, v := range vs {
						if i == 8 {
							fmt.Fprintf(&msg, "\t… and %d more\n", len(vs)-i)
							break
						}
						msg.WriteString("\t" + v.String() + "\n")
					}
					t.Errorf("open %v, %d strategies, %s at %dx%d: %d defects:\n%s", open, n, fig.Name, size[0], size[1], len(vs), msg.String())
				}
			}
		}
	}
}

package sweep

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// poolSweep varies the capacity of a pool of the workload written
// inline, and plots its utilization: four requests at 0 each holding db
// for a 100 ms io, under one event loop.
const poolSweep = `
workload:
  name: pool
  resources: [{name: db, capacity: 1}]
  tasks: [{name: request, count: 4, steps: [{hold: db, steps: [{io: 100ms}]}]}]
  strategies: [{kind: event_loop}]
vary: [{path: resources.db.capacity, values: [1, 2, 4]}]
plot: {y: [makespan_s, resource.db.utilization, resource.db.wait_mean_s]}
`

// TestPlotYOfResources: plot.y may name a resource's figure of the base
// workload; a misspelt one gets a suggestion.
func TestPlotYOfResources(t *testing.T) {
	s := mustParse(t, poolSweep)
	if want := []string{"makespan_s", "resource.db.utilization", "resource.db.wait_mean_s"}; !slices.Equal(s.Plot.Y, want) {
		t.Errorf("plot.y = %v; want %v", s.Plot.Y, want)
	}
	for bad, want := range map[string]string{
		"resource.db.utilisation": `plot.y: unknown metric "resource.db.utilisation"; did you mean "resource.db.utilization"?`,
		"resource.dc.utilization": `plot.y: unknown metric "resource.dc.utilization"; did you mean "resource.db.utilization"?`,
	} {
		_, err := parseSweep(t, strings.Replace(poolSweep, "resource.db.utilization", bad, 1))
		if err == nil || !strings.Contains(err.Error(), "sweep.yaml:8:") || !strings.Contains(err.Error(), want) {
			t.Errorf("plot.y %s: %v; want sweep.yaml:8:...: %s", bad, err, want)
		}
	}
}

// TestRunPoolSweep: a sweep's rows hold each resource's figures, which
// its figures may plot. With capacity c the four 100 ms holds run c at a
// time: makespan 400/c ms (c = 1, 2, 4: 400, 200, 100 ms), and the unit
// is held all the time: utilization 1 at every point; the waits are
// 0, 100, 200 and 300 ms at c = 1 (mean 150 ms), 0, 0, 100 and 100 ms at
// c = 2 (mean 50 ms), all 0 at c = 4.
func TestRunPoolSweep(t *testing.T) {
	s := mustParse(t, poolSweep)
	dir := t.TempDir()
	res := run(t, s, Options{Dir: dir, Jobs: 1})
	csv, err := os.ReadFile(filepath.Join(dir, CSVName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	header := strings.Split(lines[0], ",")
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("sweep.csv has no column %s: %v", name, header)
		}
		return i
	}
	if !strings.HasSuffix(lines[0], ",executor_utilization,memory_peak_mib,resource.db.wait_mean_s,resource.db.utilization,resource.db.queue_mean,stable,bottleneck,bottleneck_utilization") {
		t.Errorf("header %s; want the resource's figures after the metrics, then the verdict on overload", lines[0])
	}
	want := [][]string{{"1", "0.4", "1", "0.15"}, {"2", "0.2", "1", "0.05"}, {"4", "0.1", "1", "0"}}
	for i, w := range want {
		cells := strings.Split(lines[1+i], ",")
		got := []string{cells[0], cells[col("makespan_s")], cells[col("resource.db.utilization")], cells[col("resource.db.wait_mean_s")]}
		if !slices.Equal(got, w) {
			t.Errorf("point %d: capacity, makespan, utilization, wait = %v; want %v", i, got, w)
		}
	}
	if !slices.Contains(res.Files, filepath.Join(dir, "sweep-resource.db.utilization.png")) {
		t.Errorf("files %v; want the figure of resource.db.utilization", res.Files)
	}
}

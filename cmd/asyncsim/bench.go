package main

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/internal/handwritten"
	"asyncsim/plots"
	"asyncsim/report"
	"asyncsim/workloads"
)

const benchUsage = `
Usage: asyncsim bench [NAME...] [flags]

Measures how fast this machine simulates the reference workloads (all of
them, or those named): a million Poisson-arriving tasks of cpu · io · cpu
steps under each strategy kind, as 'asyncsim run' would run them, without
figures. Reports tasks and events per second of wall time, nanoseconds
and heap allocations per event, and the process's peak memory so far.
'asyncsim examples bench-loop' prints a reference workload.

With bench-loop, it also runs the yardstick: a minimal simulator written
by hand for bench-loop's one model, as fast as this machine simulates
that model at all. asyncsim's speed relative to it says more than tasks
per second, which vary with the machine and its load.
`

// benchResult is one reference workload's measurement.
type benchResult struct {
	Workload       string  `json:"workload"`
	Strategy       string  `json:"strategy"`
	Tasks          int64   `json:"tasks"`
	Events         int64   `json:"events"`
	Seconds        float64 `json:"seconds"`
	TasksPerSecond float64 `json:"tasks_per_s"`
	EventsPerSec   float64 `json:"events_per_s"`
	NsPerEvent     float64 `json:"ns_per_event"`
	AllocsPerEvent float64 `json:"allocs_per_event"`
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	// Runs is how many runs the measurement is the median of.
	Runs int `json:"runs"`
	// VsYardstick is the median, over the runs, of the speed of each
	// relative to the yardstick's run just before it (bench-loop only).
	VsYardstick float64 `json:"vs_yardstick,omitempty"`
}

func benchCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchUsage, stdout)
	tasks := fs.Int64("tasks", 0, "simulate `N` tasks per workload instead of each one's million")
	asJSON := fs.Bool("json", false, "print the measurements as JSON")
	scale := fs.String("scale", "", "run each workload at each of these comma-separated task `COUNTS` (e.g. 1e4,1e5,1e6,1e7)")
	out := fs.String("out", "", "write bench.csv and bench.png (speed per workload; against run size with --scale) into `DIR`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to `FILE` (for go tool pprof, or as default.pgo)")
	repeat := fs.Int("repeat", 1, "run each measurement `N` times and report the run of median speed (on a noisy machine, 5 or more)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	all := workloads.Benchmarks()
	var names []string
	for _, b := range all {
		names = append(names, b.Name)
	}
	for _, p := range pos {
		if !slices.Contains(names, p) {
			return usagef("bench: no reference workload named %q%s (they are: %s)", p, suggestion(p, names), strings.Join(names, ", "))
		}
	}
	sizes := []int64{*tasks}
	if *scale != "" {
		if *tasks != 0 {
			return usagef("bench: give --tasks or --scale, not both")
		}
		if sizes, err = parseCounts(*scale); err != nil {
			return usagef("bench: --scale: %v", err)
		}
	}
	for _, n := range sizes {
		if n < 0 || n > 1e9 {
			return usagef("bench: task counts must be between 1 and 1e9, not %d", n)
		}
	}
	if *repeat < 1 || *repeat > 1000 {
		return usagef("bench: --repeat must be between 1 and 1000, not %d", *repeat)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return usagef("bench: %v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var results []benchResult
	for _, b := range all {
		if len(pos) > 0 && !slices.Contains(pos, b.Name) {
			continue
		}
		for _, n := range sizes {
			spec, err := workloads.Parse("bench:"+b.Name, b.YAML)
			if err != nil {
				return err
			}
			if n > 0 {
				spec.Classes[0].Count = int(n)
			}
			var yardstick, runs []benchResult
			for range *repeat {
				if b.Name == yardstickModel {
					// Right before bench-loop, so that both see the
					// machine in the same state.
					y, err := measureYardstick(spec.Classes[0].Count)
					if err != nil {
						return err
					}
					yardstick = append(yardstick, y)
				}
				r, err := measure(spec)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			r := medianRun(runs)
			if len(yardstick) > 0 {
				results = append(results, medianRun(yardstick))
				ratios := make([]float64, len(runs))
				for k := range runs {
					ratios[k] = runs[k].TasksPerSecond / yardstick[k].TasksPerSecond
				}
				slices.Sort(ratios)
				r.VsYardstick = ratios[(len(ratios)-1)/2]
			}
			results = append(results, r)
		}
	}
	if *out != "" {
		if err := writeBenchFiles(*out, results, len(sizes) > 1); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	rows := [][]string{{"WORKLOAD", "STRATEGY", "TASKS", "TASKS/S", "EVENTS/S", "NS/EVENT", "ALLOCS/EVENT", "PEAK RSS"}}
	for _, r := range results {
		rows = append(rows, []string{r.Workload, r.Strategy, fmt.Sprint(r.Tasks),
			fmt.Sprintf("%.3gM", r.TasksPerSecond/1e6), fmt.Sprintf("%.3gM", r.EventsPerSec/1e6),
			fmt.Sprintf("%.1f", r.NsPerEvent), fmt.Sprintf("%.4f", r.AllocsPerEvent), fmt.Sprintf("%.0f MiB", r.PeakRSSMiB)})
	}
	if err := report.WriteAligned(stdout, rows, 2); err != nil {
		return err
	}
	if *repeat > 1 {
		fmt.Fprintf(stdout, "\nEach row is the run of median speed of %d.\n", *repeat)
	}
	for _, r := range results {
		if r.VsYardstick > 0 {
			fmt.Fprintf(stdout, "\n%s (%d tasks) ran at %.2f× the speed of the hand-written yardstick.\n",
				r.Workload, r.Tasks, r.VsYardstick)
		}
	}
	return nil
}

// The yardstick, and the reference workload whose model it simulates.
const (
	yardstickName  = "hand-written"
	yardstickModel = "bench-loop"
)

// medianRun returns the run of median speed (of the two middle ones, the
// slower), with Runs set to the number of runs.
func medianRun(runs []benchResult) benchResult {
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b benchResult) int { return cmp.Compare(a.TasksPerSecond, b.TasksPerSecond) })
	m := sorted[(len(sorted)-1)/2]
	m.Runs = len(runs)
	return m
}

// measureYardstick runs the hand-written simulator of bench-loop's model
// for n tasks and measures it as measure does asyncsim.
func measureYardstick(n int) (benchResult, error) {
	return measureRun(yardstickName, yardstickModel+" model", int64(n), func() (int64, error) {
		return handwritten.Loop(n, 1).Events, nil
	})
}

// measure runs spec once, on one core as a single 'asyncsim run' of one
// strategy would, and measures it.
func measure(spec *workloads.Spec) (benchResult, error) {
	name := spec.Strategies[0].Name
	return measureRun(spec.Name, name, spec.Tasks()*int64(spec.Replications), func() (int64, error) {
		res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
		if err != nil {
			return 0, err
		}
		return res.Strategies[0].Events, nil
	})
}

// measureRun times run, which simulates the given tasks and returns its
// events, and measures its allocations and the process's memory.
func measureRun(workload, strategy string, tasks int64, run func() (events int64, err error)) (benchResult, error) {
	runtime.GC()
	debug.FreeOSMemory()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	events, err := run()
	elapsed := time.Since(start).Seconds()
	if err != nil {
		return benchResult{}, err
	}
	runtime.ReadMemStats(&after)
	return benchResult{
		Workload:       workload,
		Strategy:       strategy,
		Tasks:          tasks,
		Events:         events,
		Seconds:        elapsed,
		TasksPerSecond: float64(tasks) / elapsed,
		EventsPerSec:   float64(events) / elapsed,
		NsPerEvent:     elapsed * 1e9 / float64(events),
		AllocsPerEvent: float64(after.Mallocs-before.Mallocs) / float64(events),
		PeakRSSMiB:     peakRSSMiB(),
	}, nil
}

// peakRSSMiB returns the process's peak resident memory so far.
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports kilobytes
}

// parseCounts parses a comma-separated list of task counts, which may be
// written in exponent form ("1e6").
func parseCounts(list string) ([]int64, error) {
	var counts []int64
	for _, f := range strings.Split(list, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || x < 1 || x != math.Trunc(x) {
			return nil, fmt.Errorf("%q is not a whole number of tasks", f)
		}
		counts = append(counts, int64(x))
	}
	return counts, nil
}

// writeBenchFiles writes the measurements as bench.csv and bench.png:
// their speed against run size when there are several sizes (scale), or
// else a bar per workload, the yardstick's beside bench-loop's.
func writeBenchFiles(dir string, results []benchResult, scale bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := atomicfile.Write(filepath.Join(dir, "bench.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"workload", "strategy", "tasks", "events", "seconds", "tasks_per_s", "events_per_s", "ns_per_event", "allocs_per_event", "peak_rss_mib", "runs"})
		for _, r := range results {
			cw.Write([]string{r.Workload, r.Strategy, fmt.Sprint(r.Tasks), fmt.Sprint(r.Events), report.Number(r.Seconds),
				report.Number(r.TasksPerSecond), report.Number(r.EventsPerSec), report.Number(r.NsPerEvent),
				report.Number(r.AllocsPerEvent), report.Number(r.PeakRSSMiB), fmt.Sprint(r.Runs)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	png, err := benchFigure(results, scale).Render(plots.PNG, plots.WidthPx, plots.HeightPx)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "bench.png"), func(w io.Writer) error {
		_, err := w.Write(png)
		return err
	})
}

// benchFigure returns the figure of the measurements: their speed
// against run size (scale), or a bar per workload.
func benchFigure(results []benchResult, scale bool) plots.Figure {
	machine := fmt.Sprintf("%s, %d CPUs · one run at a time", runtime.GOARCH, runtime.NumCPU())
	if !scale {
		// The yardstick's row comes just before bench-loop's: its bar
		// goes just after, beside it.
		var bars []plots.BenchBar
		for i := 0; i < len(results); i++ {
			r := results[i]
			if r.Workload == yardstickName && i+1 < len(results) {
				next := results[i+1]
				bars = append(bars, plots.BenchBar{Name: next.Workload, TasksPerSecond: next.TasksPerSecond,
					Note: fmt.Sprintf("%.2f× the yardstick", next.VsYardstick)})
				i++
			}
			bar := plots.BenchBar{Name: r.Workload, TasksPerSecond: r.TasksPerSecond}
			if r.Workload == yardstickName {
				bar = plots.BenchBar{Name: yardstickName + " yardstick", TasksPerSecond: r.TasksPerSecond, Yardstick: true}
			}
			bars = append(bars, bar)
		}
		size := fmt.Sprintf("%d tasks each", results[0].Tasks)
		for _, r := range results {
			if r.Tasks != results[0].Tasks {
				size = "each at its own size"
			}
		}
		sub := "Reference workloads of 'asyncsim bench', " + size + " · " + machine
		return plots.BenchBarsFigure("asyncsim: simulation speed per reference workload", sub, bars)
	}
	// One series per workload, in order of first appearance: the
	// yardstick's rows alternate with bench-loop's.
	var series []plots.ScalingSeries
	for _, r := range results {
		i := slices.IndexFunc(series, func(s plots.ScalingSeries) bool { return s.Name == r.Workload })
		if i < 0 {
			i = len(series)
			series = append(series, plots.ScalingSeries{Name: r.Workload})
		}
		series[i].Tasks = append(series[i].Tasks, float64(r.Tasks))
		series[i].TasksPerSecond = append(series[i].TasksPerSecond, r.TasksPerSecond)
	}
	return plots.ScalingFigure("asyncsim: simulation speed against run size", "Reference workloads of 'asyncsim bench' · "+machine, series)
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"asyncsim/experiment"
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
}

func benchCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchUsage, stdout)
	tasks := fs.Int64("tasks", 0, "simulate `N` tasks per workload instead of each one's million")
	asJSON := fs.Bool("json", false, "print the measurements as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to `FILE` (for go tool pprof, or as default.pgo)")
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
	if *tasks < 0 || *tasks > 1e9 {
		return usagef("bench: --tasks must be between 1 and 1e9")
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
		spec, err := workloads.Parse("bench:"+b.Name, b.YAML)
		if err != nil {
			return err
		}
		if *tasks > 0 {
			spec.Classes[0].Count = int(*tasks)
		}
		r, err := measure(spec)
		if err != nil {
			return err
		}
		results = append(results, r)
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
	return report.WriteAligned(stdout, rows, 2)
}

// measure runs spec once, on one core as a single 'asyncsim run' of one
// strategy would, and measures it.
func measure(spec *workloads.Spec) (benchResult, error) {
	runtime.GC()
	debug.FreeOSMemory()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
	elapsed := time.Since(start).Seconds()
	if err != nil {
		return benchResult{}, err
	}
	runtime.ReadMemStats(&after)
	s := res.Strategies[0]
	tasks := spec.Tasks() * int64(spec.Replications)
	return benchResult{
		Workload:       spec.Name,
		Strategy:       s.Config.Name,
		Tasks:          tasks,
		Events:         s.Events,
		Seconds:        elapsed,
		TasksPerSecond: float64(tasks) / elapsed,
		EventsPerSec:   float64(s.Events) / elapsed,
		NsPerEvent:     elapsed * 1e9 / float64(s.Events),
		AllocsPerEvent: float64(after.Mallocs-before.Mallocs) / float64(s.Events),
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

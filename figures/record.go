package figures

import (
	"strings"

	"asyncsim/experiment"
	"asyncsim/plots"
	"asyncsim/sim"
	"asyncsim/timeline"
	"asyncsim/workloads"
)

// Window is the span of virtual time that a run's timelines and trace
// cover.
type Window struct {
	// From and To bound the window; To = 0 means until the end of the run.
	From, To sim.Time
	// Auto ends an open window early, once enough tasks have completed for
	// a readable timeline (timeline.Options.Auto): the default window.
	Auto bool
}

// Recording records what the figures of one run need: replication 0 of
// every selected strategy, for its timeline, its utilization series and
// the trace.
type Recording struct {
	recs []*timeline.Recorder
}

// Record returns a recording for a run of spec under strategies
// strategies (the number selected), inside window w. Attach it to the
// run's options.
func Record(spec *workloads.Spec, strategies int, w Window) *Recording {
	classes := make([]string, len(spec.Classes))
	for i, c := range spec.Classes {
		classes[i] = c.Name
	}
	r := &Recording{recs: make([]*timeline.Recorder, strategies)}
	for i := range r.recs {
		r.recs[i] = timeline.NewRecorder(timeline.Options{Cores: spec.Cores, From: w.From, To: w.To,
			Auto: w.Auto, Classes: classes})
	}
	return r
}

// Attach sets opts up to record into r: its Recorder, and its OnTask
// combined with any function already set there.
func (r *Recording) Attach(opts *experiment.Options) {
	opts.Recorder = func(s, rep int) sim.Recorder {
		if rep != 0 {
			return nil
		}
		return r.recs[s]
	}
	next := opts.OnTask
	opts.OnTask = func(s, rep int) func(sim.TaskRecord) {
		var also func(sim.TaskRecord)
		if next != nil {
			also = next(s, rep)
		}
		if rep != 0 {
			return also
		}
		record := r.recs[s].RecordTask
		if also == nil {
			return record
		}
		return func(t sim.TaskRecord) {
			record(t)
			also(t)
		}
	}
}

// Run returns the data behind the figures of res, the result of the run
// that r recorded.
func (r *Recording) Run(res *experiment.Result) *plots.Run {
	spec := res.Spec
	run := &plots.Run{Workload: spec.Name, Description: strings.Join(strings.Fields(spec.Description), " "),
		Cores: spec.Cores, Replications: spec.Replications, Open: spec.Open()}
	if len(spec.Classes) > 1 {
		for _, c := range spec.Classes {
			run.Classes = append(run.Classes, c.Name)
		}
	}
	for i := range res.Strategies {
		sr := &res.Strategies[i]
		s := plots.Strategy{Name: sr.Config.Name, Kind: string(sr.Config.Kind), Tasks: sr.Aggregate.Tasks,
			Makespan: sr.Aggregate.Mean[sim.Makespan], MakespanCI95: sr.Aggregate.CI95[sim.Makespan],
			P50: sr.Aggregate.Mean[sim.LatencyP50], P50CI95: sr.Aggregate.CI95[sim.LatencyP50],
			P99: sr.Aggregate.Mean[sim.LatencyP99], P99CI95: sr.Aggregate.CI95[sim.LatencyP99],
			Timeline: r.recs[i].Timeline(sr.Contexts), Series: r.recs[i].Series()}
		for j, c := range spec.Strategies {
			if c.Name == sr.Config.Name {
				s.Color = j
			}
		}
		s.Latencies, s.CDF = Latencies(sr)
		if run.Classes != nil {
			s.Classes = ClassLatencies(sr, len(run.Classes))
		}
		run.Strategies = append(run.Strategies, s)
	}
	return run
}

// ClassLatencies returns, for each of a strategy's classes, the number
// of its counted tasks' latencies over all replications and their
// distribution function, pooled, as Latencies does: exact, or from the
// sketches of the replications that kept one. It returns nil when the
// result has no latencies per class (sr.ClassLatencies).
func ClassLatencies(sr *experiment.StrategyResult, classes int) []plots.ClassLatencies {
	if len(sr.ClassLatencies) == 0 {
		return nil
	}
	out := make([]plots.ClassLatencies, classes)
	for k := range out {
		var exact [][]sim.Time
		var merged *sim.QuantileSketch
		for _, rep := range sr.ClassLatencies {
			if k >= len(rep) {
				continue
			}
			exact = append(exact, rep[k].Exact)
			if rep[k].Sketch != nil {
				if merged == nil {
					merged = &sim.QuantileSketch{}
				}
				merged.Merge(rep[k].Sketch)
			}
		}
		if merged == nil {
			cdf := plots.LatencyCDF(exact, plots.CDFPoints)
			var n int64
			for _, l := range exact {
				n += int64(len(l))
			}
			out[k] = plots.ClassLatencies{Latencies: n, CDF: cdf}
			continue
		}
		for _, l := range exact {
			for _, x := range l {
				merged.Add(x)
			}
		}
		out[k] = plots.ClassLatencies{Latencies: merged.Count(), CDF: plots.SketchCDF(merged, plots.CDFPoints)}
	}
	return out
}

// Latencies returns the number of latencies of a strategy's counted tasks
// over all its replications and their distribution function, pooled:
// exact (plots.LatencyCDF) when the engine kept every replication's
// latencies, and otherwise from the engine's sketches (sim.Result.Sketch)
// merged across the replications, with the latencies of the replications
// kept exactly added to them (plots.SketchCDF, within
// sim.SketchAccuracy).
func Latencies(sr *experiment.StrategyResult) (int64, []plots.CDFPoint) {
	var merged *sim.QuantileSketch
	var n int64
	for rep, l := range sr.Latencies {
		n += int64(len(l))
		if rep < len(sr.Sketches) && sr.Sketches[rep] != nil {
			if merged == nil {
				merged = &sim.QuantileSketch{}
			}
			merged.Merge(sr.Sketches[rep])
		}
	}
	if merged == nil {
		return n, plots.LatencyCDF(sr.Latencies, plots.CDFPoints)
	}
	for _, l := range sr.Latencies {
		for _, x := range l {
			merged.Add(x)
		}
	}
	return merged.Count(), plots.SketchCDF(merged, plots.CDFPoints)
}

package experiment

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"asyncsim/memory"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// Options tune a Run.
type Options struct {
	// Jobs is how many runs go at once; 0 means one per CPU.
	Jobs int
	// Strategies selects strategies by name, in the workload's order; empty
	// selects all.
	Strategies []string
	// Tasks keeps every completed task's record in the result.
	Tasks bool
	// MaxEvents bounds each run (see sim.Config).
	MaxEvents int64
	// Until is each run's horizon (sim.Config.Until); 0 leaves the
	// workload's (Spec.Horizon).
	Until sim.Time
	// Recorder, if set, returns a recorder for the given strategy (index in
	// the result) and replication, or nil to record nothing. A recorder
	// with a method RecordBranch(sim.BranchRecord) gets the branches of
	// gathers too (sim.Config.OnBranch).
	Recorder func(strategy, replication int) sim.Recorder
	// OnTask, if set, returns a function to call with every completed
	// task's record (at its completion, in completion order) of the given
	// strategy (index in the result) and replication, or nil to call none.
	// Like Recorder, it is called from the run's own goroutine.
	OnTask func(strategy, replication int) func(sim.TaskRecord)
	// Done, if set, is called when the simulation of the given strategy
	// and replication has returned, successfully or not, after its last
	// OnTask call, from the run's own goroutine.
	Done func(strategy, replication int)
	// Context, if set, stops the Run once it is done: the runs not yet
	// started are skipped (those under way finish), and Run returns the
	// context's error.
	Context context.Context
}

// StrategyResult is one strategy's outcome over all replications.
type StrategyResult struct {
	Config strategies.Config
	// Aggregate holds the means and confidence intervals.
	Aggregate sim.Aggregate
	// Runs holds each replication's summary, in replication order.
	Runs []sim.Summary
	// Tasks holds each replication's task records in completion order,
	// when Options.Tasks is set.
	Tasks [][]sim.TaskRecord
	// Latencies holds each replication's counted latencies.
	Latencies [][]sim.Time
	// Sketches holds each replication's sketch of its counted latencies
	// (sim.Result.Sketch): nil for one whose latencies are in Latencies.
	Sketches []*sim.QuantileSketch
	// ClassLatencies holds each replication's latencies per class
	// (sim.Result.ClassLatencies): [replication][class].
	ClassLatencies [][]sim.Latencies
	// Contexts names the contexts of the first replication, by id.
	Contexts []sim.ContextInfo
	// Events counts the events of all replications.
	Events int64
	// Stability is the verdict on the strategy's overload (Assess).
	Stability Stability
	// Memory holds each replication's estimate of the server's peak
	// memory by part, whose MiB are Runs[i].Values[sim.MemoryPeak].
	Memory []memory.Usage
}

// Result is a workload's outcome: one StrategyResult per selected strategy,
// in the workload's order.
type Result struct {
	Spec       *workloads.Spec
	Strategies []StrategyResult
}

// RunError is the error of one run of a Run: which strategy and
// replication failed, and why (for a run stopped by its budget, a
// *sim.EventBudgetError or *sim.InFlightError; for a run whose horizon
// came before anything was measured, a *sim.HorizonError).
type RunError struct {
	Strategy    string
	Replication int
	Err         error
}

func (e *RunError) Error() string {
	return fmt.Sprintf("strategy %s, replication %d: %v", e.Strategy, e.Replication, e.Err)
}

// Unwrap returns the run's error.
func (e *RunError) Unwrap() error { return e.Err }

// WarmupError is the error of a run in which every task arrived before
// the warm-up ended: no task was counted, so no statistic measures
// anything.
type WarmupError struct {
	Warmup sim.Time
	// Tasks is the number of tasks the run simulated.
	Tasks int64
}

func (e *WarmupError) Error() string {
	return fmt.Sprintf("all %d tasks arrived before the warm-up ended at %v: no task was counted, nothing was measured", e.Tasks, e.Warmup)
}

// Select returns the strategies of spec named in names (all when names is
// empty), in the workload's order, or an error naming an unknown one.
func Select(spec *workloads.Spec, names []string) ([]strategies.Config, error) {
	if len(names) == 0 {
		return spec.Strategies, nil
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var all []string
	for _, c := range spec.Strategies {
		all = append(all, c.Name)
		delete(want, c.Name)
	}
	for _, n := range names { // in the order given, for a stable message
		if want[n] {
			return nil, fmt.Errorf("workload %s has no strategy named %q%s (it has: %s)",
				spec.Name, n, workloads.Suggestion(n, all), strings.Join(all, ", "))
		}
	}
	var out []strategies.Config
	for _, c := range spec.Strategies {
		for _, n := range names {
			if c.Name == n {
				out = append(out, c)
				break
			}
		}
	}
	return out, nil
}

// Run simulates spec under the selected strategies.
func Run(spec *workloads.Spec, opts Options) (*Result, error) {
	cfgs, err := Select(spec, opts.Strategies)
	if err != nil {
		return nil, err
	}
	reps := spec.Replications
	res := &Result{Spec: spec, Strategies: make([]StrategyResult, len(cfgs))}
	type outcome struct {
		res   *sim.Result
		mem   memory.Usage
		tasks []sim.TaskRecord
		err   error
	}
	outcomes := make([]outcome, len(cfgs)*reps)
	runOne := func(i int) {
		if opts.Context != nil && opts.Context.Err() != nil {
			outcomes[i].err = opts.Context.Err()
			return
		}
		si, rep := i/reps, i%reps
		var hook func(sim.TaskRecord)
		if opts.OnTask != nil {
			hook = opts.OnTask(si, rep)
		}
		if opts.Tasks {
			next := hook
			hook = func(r sim.TaskRecord) {
				outcomes[i].tasks = append(outcomes[i].tasks, r)
				if next != nil {
					next(r)
				}
			}
		}
		var rec sim.Recorder
		if opts.Recorder != nil {
			rec = opts.Recorder(si, rep)
		}
		r, mem, err := runReplication(spec, cfgs[si], rep, opts, hook, rec)
		if opts.Done != nil {
			opts.Done(si, rep)
		}
		if err == nil {
			outcomes[i].mem = mem
			if rep > 0 {
				r.Contexts = nil // only replication 0's are kept: they may be millions
			}
		}
		outcomes[i].res, outcomes[i].err = r, err
	}
	ForEach(len(outcomes), jobsFor(cfgs, opts.Jobs), runOne)

	for si, c := range cfgs {
		sr := StrategyResult{Config: c}
		for rep := range reps {
			o := outcomes[si*reps+rep]
			if o.err != nil {
				return nil, o.err
			}
			sr.Runs = append(sr.Runs, o.res.Summary)
			sr.Events += o.res.Events
			sr.Latencies = append(sr.Latencies, o.res.Latencies)
			sr.Sketches = append(sr.Sketches, o.res.Sketch)
			sr.ClassLatencies = append(sr.ClassLatencies, o.res.ClassLatencies)
			sr.Memory = append(sr.Memory, o.mem)
			if opts.Tasks {
				sr.Tasks = append(sr.Tasks, o.tasks)
			}
			if rep == 0 {
				sr.Contexts = o.res.Contexts
			}
		}
		sr.Aggregate = sim.Combine(sr.Runs)
		sr.Stability = Assess(spec, &sr)
		res.Strategies[si] = sr
	}
	return res, nil
}

// branchRecorder is a sim.Recorder that takes the branches of gathers
// too (timeline.Recorder), for traces.
type branchRecorder interface {
	RecordBranch(sim.BranchRecord)
}

// RunReplication simulates replication rep of spec under the strategy c
// (one of spec's), as Run does for each of its runs: with the
// replication's own random streams, bounded by opts.MaxEvents and
// opts.Until (else the workload's horizon), calling onTask (if not nil)
// with every completed task's record, and with the server's estimated
// memory as its sim.MemoryPeak. The other fields of opts are not used.
// Searches that add replications one point at a time use it to run only
// those they lack.
func RunReplication(spec *workloads.Spec, c strategies.Config, rep int, opts Options, onTask func(sim.TaskRecord)) (*sim.Result, error) {
	r, _, err := runReplication(spec, c, rep, opts, onTask, nil)
	return r, err
}

// runReplication is RunReplication with a recorder (nil for none), which
// also returns the estimate of the server's memory by part, whose MiB it
// sets as the result's sim.MemoryPeak.
func runReplication(spec *workloads.Spec, c strategies.Config, rep int, opts Options, onTask func(sim.TaskRecord), rec sim.Recorder) (*sim.Result, memory.Usage, error) {
	c.Seed, c.Replication = spec.Seed, rep // the strategy's own stream
	strat, err := strategies.New(c)
	if err != nil {
		return nil, memory.Usage{}, err
	}
	until := spec.Horizon
	if opts.Until > 0 {
		until = opts.Until
	}
	cfg := sim.Config{Cores: spec.Cores, Warmup: spec.Warmup, MaxEvents: opts.MaxEvents, Until: until,
		ExpectedTasks: spec.Tasks(), Classes: len(spec.Classes), Resources: spec.Resources,
		Clients: spec.Clients(rep), OnTask: onTask, Recorder: rec}
	if br, ok := rec.(branchRecorder); ok {
		cfg.OnBranch = br.RecordBranch
	}
	src := spec.Source(rep)
	r, err := sim.Run(src, strat, cfg)
	if err == nil {
		err = workloads.SourceErr(src)
	}
	// (A run ended at its horizon may have no request ended yet, its
	// first attempts rejected and their retries to come.)
	if err == nil && r.Values[sim.Requests] == 0 && spec.Tasks() > 0 && !r.Horizon {
		err = &WarmupError{Warmup: spec.Warmup, Tasks: spec.Tasks()}
	}
	if err != nil {
		return nil, memory.Usage{}, &RunError{Strategy: c.Name, Replication: rep, Err: err}
	}
	mem := memory.Estimate(c, r.Contexts, r.PeakInFlight)
	r.Values[sim.MemoryPeak] = mem.MiB()
	return r, mem, nil
}

// MaxContextsInFlight bounds the contexts of the runs Run has going on at
// once: each costs a few hundred bytes in its run, so that strategies of
// a million threads run one at a time, however many jobs are asked for,
// rather than a million threads per job. Results never depend on it.
const MaxContextsInFlight = 2_000_000

// jobsFor returns how many of the runs of cfgs may go on at once: jobs
// (one per CPU when 0), fewer if their contexts would pass
// MaxContextsInFlight.
func jobsFor(cfgs []strategies.Config, jobs int) int {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	var most int64
	for _, c := range cfgs {
		most = max(most, workloads.Contexts(c))
	}
	if most > 0 {
		jobs = int(min(int64(jobs), max(1, MaxContextsInFlight/most)))
	}
	return jobs
}

// ForEach calls f(0), ..., f(n-1), at most jobs at a time (one per CPU when
// jobs is 0), and returns when all have returned. Each f must touch only
// its own index's data.
func ForEach(n, jobs int, f func(i int)) {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	jobs = min(jobs, n)
	if jobs <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range jobs {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

package experiment

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

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
	// MaxEvents and Until bound each run (see sim.Config).
	MaxEvents int64
	Until     sim.Time
	// Recorder, if set, returns a recorder for the given strategy (index in
	// the result) and replication, or nil to record nothing.
	Recorder func(strategy, replication int) sim.Recorder
	// OnTask, if set, returns a function to call with every completed
	// task's record (at its completion, in completion order) of the given
	// strategy (index in the result) and replication, or nil to call none.
	// Like Recorder, it is called from the run's own goroutine.
	OnTask func(strategy, replication int) func(sim.TaskRecord)
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
	// Contexts names the contexts of the first replication, by id.
	Contexts []sim.ContextInfo
	// Events counts the events of all replications.
	Events int64
}

// Result is a workload's outcome: one StrategyResult per selected strategy,
// in the workload's order.
type Result struct {
	Spec       *workloads.Spec
	Strategies []StrategyResult
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
		tasks []sim.TaskRecord
		err   error
	}
	outcomes := make([]outcome, len(cfgs)*reps)
	runOne := func(i int) {
		si, rep := i/reps, i%reps
		c := cfgs[si]
		c.Seed, c.Replication = spec.Seed, rep // the strategy's own stream
		strat, err := strategies.New(c)
		if err != nil {
			outcomes[i].err = err
			return
		}
		cfg := sim.Config{Cores: spec.Cores, Warmup: spec.Warmup, MaxEvents: opts.MaxEvents, Until: opts.Until,
			ExpectedTasks: spec.Tasks()}
		var hook func(sim.TaskRecord)
		if opts.OnTask != nil {
			hook = opts.OnTask(si, rep)
		}
		switch {
		case opts.Tasks && hook != nil:
			cfg.OnTask = func(r sim.TaskRecord) {
				outcomes[i].tasks = append(outcomes[i].tasks, r)
				hook(r)
			}
		case opts.Tasks:
			cfg.OnTask = func(r sim.TaskRecord) { outcomes[i].tasks = append(outcomes[i].tasks, r) }
		case hook != nil:
			cfg.OnTask = hook
		}
		if opts.Recorder != nil {
			cfg.Recorder = opts.Recorder(si, rep)
		}
		r, err := sim.Run(spec.Source(rep), strat, cfg)
		if err != nil {
			err = fmt.Errorf("strategy %s, replication %d: %w", cfgs[si].Name, rep, err)
		}
		outcomes[i].res, outcomes[i].err = r, err
	}
	ForEach(len(outcomes), opts.Jobs, runOne)

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
			if opts.Tasks {
				sr.Tasks = append(sr.Tasks, o.tasks)
			}
			if rep == 0 {
				sr.Contexts = o.res.Contexts
			}
		}
		sr.Aggregate = sim.Combine(sr.Runs)
		res.Strategies[si] = sr
	}
	return res, nil
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

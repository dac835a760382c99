package fuzzcheck

import (
	"fmt"
	"reflect"
	"slices"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// GatherCase is a set of runs of tasks whose steps fan out (gather
// blocks, nested, with holds inside) under each strategy.
type GatherCase struct {
	Cores      int
	Resources  []sim.Resource
	Clients    []sim.Client
	Tasks      []sim.Task
	Strategies []strategies.Config
}

// gatherSteps returns one to three steps, hold blocks (of resources of
// index from or above, so that holds nest in increasing index and no
// deadlock can occur) and gathers of one to four branches of such steps,
// up to depth levels deep.
func (r *reader) gatherSteps(from, resources, depth int) []sim.Step {
	var out []sim.Step
	for range 1 + r.intn(3) {
		switch {
		case depth > 0 && r.chance(3):
			var branches [][]sim.Step
			for range 1 + r.intn(4) {
				branches = append(branches, r.gatherSteps(from, resources, depth-1))
			}
			out = append(out, gatherOf(branches)...)
		case depth > 0 && from < resources && r.chance(3):
			res := from + r.intn(resources-from)
			out = append(out, sim.Step{Kind: sim.Acquire, Resource: int32(res)})
			out = append(out, r.gatherSteps(res+1, resources, depth-1)...)
			out = append(out, sim.Step{Kind: sim.Release, Resource: int32(res)})
		default:
			d := sim.Time(r.intn(16))
			if r.chance(4) {
				d *= 1000
			}
			out = append(out, sim.Step{Kind: pick(r, sim.CPU, sim.CPU, sim.IO, sim.BlockingIO), Dur: d})
		}
	}
	return out
}

// gatherOf returns the steps of a gather of branches.
func gatherOf(branches [][]sim.Step) []sim.Step {
	var body []sim.Step
	for _, b := range branches {
		body = append(body, sim.BranchStep(len(b)))
		body = append(body, b...)
	}
	return append([]sim.Step{sim.GatherStep(len(branches), len(body))}, body...)
}

// Gathers returns a case described by data: up to two resources, up to
// eight tasks whose steps hold gathers (up to three levels of them, holds
// inside branches), clients that sometimes give up, and up to four
// strategies of every kind and loop model (reader.strategy).
func Gathers(data []byte) GatherCase {
	r := &reader{data: data}
	c := GatherCase{Cores: 1 + r.intn(3)}
	// The strategies first, while the bytes last: past their end every
	// choice is the first.
	for i := range 1 + r.intn(4) {
		c.Strategies = append(c.Strategies, r.strategy(i))
	}
	for i := range r.intn(3) {
		c.Resources = append(c.Resources, sim.Resource{Name: fmt.Sprint("r", i), Capacity: pick(r, 1, 1, 2), Machine: r.chance(2)})
	}
	if r.chance(3) {
		c.Clients = []sim.Client{{Timeout: sim.Time(1 + r.intn(40)), Retries: r.intn(2)}}
	}
	var at sim.Time
	for i := range 1 + r.intn(8) {
		if !r.chance(3) {
			at += sim.Time(r.intn(8))
		}
		c.Tasks = append(c.Tasks, sim.Task{Index: int64(i), Client: -1, Arrival: at,
			Steps: r.gatherSteps(0, len(c.Resources), 3)})
	}
	return c
}

// gatherRun is one run of a GatherCase.
type gatherRun struct {
	res      *sim.Result
	records  []sim.TaskRecord
	branches []sim.BranchRecord
}

func (c *GatherCase) run(cfg strategies.Config, tasks []sim.Task) (*gatherRun, error) {
	strat, err := strategies.New(cfg)
	if err != nil {
		return nil, err
	}
	r := &gatherRun{}
	res, err := sim.Run(&simtest.ListSource{Tasks: tasks}, strat, sim.Config{Cores: c.Cores, Classes: 1,
		Resources: c.Resources, Clients: c.Clients, MaxEvents: 1_000_000,
		OnTask:   func(t sim.TaskRecord) { r.records = append(r.records, t) },
		OnBranch: func(b sim.BranchRecord) { r.branches = append(r.branches, b) }})
	r.res = res
	return r, err
}

// Check runs the case under each strategy and checks:
//   - blocking and threaded run a gather's branches one after another: a
//     run is exactly, record for record and figure for figure, the run
//     of the same tasks with their gathers written out as plain steps;
//   - every task ends, and every served attempt's branches each join once, inside the
//     attempt's service and their parent branch, numbered 0, 1, … in the
//     order they were spawned, one after another under blocking and
//     threaded;
//   - an attempt takes at least its critical path (a gather the longest
//     of its branches) from its start, and under blocking and threaded
//     at least the sum of its steps;
//   - the CPU done is the CPU of the served attempts' steps, branches
//     included, and of the context switches.
func (c *GatherCase) Check() error {
	flat := make([]sim.Task, len(c.Tasks))
	for i, t := range c.Tasks {
		flat[i] = t
		flat[i].Steps = slices.DeleteFunc(slices.Clone(t.Steps), func(s sim.Step) bool {
			return s.Kind == sim.Gather || s.Kind == sim.Branch
		})
	}
	for _, cfg := range c.Strategies {
		r, err := c.run(cfg, c.Tasks)
		if err != nil {
			return fmt.Errorf("%s (%+v): %w", cfg.Name, cfg, err)
		}
		sequential := cfg.Kind != strategies.KindEventLoop
		if sequential {
			f, err := c.run(cfg, flat)
			if err != nil {
				return fmt.Errorf("%s: the tasks written out: %w", cfg.Name, err)
			}
			if !reflect.DeepEqual(r.records, f.records) {
				return fmt.Errorf("%s: records %+v; written out %+v", cfg.Name, r.records, f.records)
			}
			if r.res.Values != f.res.Values || !reflect.DeepEqual(r.res.Resources, f.res.Resources) {
				return fmt.Errorf("%s: figures %v %v; written out %v %v", cfg.Name, r.res.Values, r.res.Resources, f.res.Values, f.res.Resources)
			}
		}
		if err := c.checkBranches(cfg, r, sequential); err != nil {
			return fmt.Errorf("%s (%+v): %w", cfg.Name, cfg, err)
		}
	}
	return nil
}

func (c *GatherCase) checkBranches(cfg strategies.Config, r *gatherRun, sequential bool) error {
	type attempt struct {
		index   int64
		attempt int
	}
	byAttempt := map[attempt][]sim.BranchRecord{}
	for _, b := range r.branches {
		k := attempt{b.Index, b.Attempt}
		byAttempt[k] = append(byAttempt[k], b)
	}
	ended := map[int64]bool{}
	for _, rec := range r.records {
		ended[rec.Index] = true
	}
	for _, t := range c.Tasks {
		if !ended[t.Index] {
			return fmt.Errorf("task %d never ended (%d of %d did)", t.Index, len(ended), len(c.Tasks))
		}
	}
	var cpu, bursts sim.Time
	for _, rec := range r.records {
		if rec.Outcome == sim.OutcomeRejected || rec.Outcome == sim.OutcomeAbandoned {
			continue
		}
		steps := c.Tasks[rec.Index].Steps
		for _, s := range steps {
			if s.Kind == sim.CPU {
				cpu += s.Dur
				bursts++
			}
		}
		bs := byAttempt[attempt{rec.Index, rec.Attempt}]
		if want := branchesOf(steps); len(bs) != want {
			return fmt.Errorf("task %d attempt %d: %d branches joined; its gathers have %d", rec.Index, rec.Attempt, len(bs), want)
		}
		byID := make([]*sim.BranchRecord, len(bs))
		for i := range bs {
			b := &bs[i]
			if b.ID < 0 || b.ID >= len(bs) || byID[b.ID] != nil {
				return fmt.Errorf("task %d attempt %d: branch IDs %+v are not 0 to %d, once each", rec.Index, rec.Attempt, bs, len(bs)-1)
			}
			byID[b.ID] = b
		}
		for _, b := range bs {
			from, to := rec.Start, rec.Completion
			if b.Parent >= 0 {
				if b.Parent >= b.ID {
					return fmt.Errorf("task %d: branch %d has parent %d, spawned after it", rec.Index, b.ID, b.Parent)
				}
				from, to = byID[b.Parent].Start, byID[b.Parent].End
			}
			if b.Start < from || b.End > to || b.End < b.Start {
				return fmt.Errorf("task %d attempt %d: branch %+v outside [%v, %v], its parent's or its attempt's service", rec.Index, rec.Attempt, b, from, to)
			}
		}
		if sequential {
			// Spawned in order, each after the one before it has joined.
			for i := 1; i < len(bs); i++ {
				if byID[i].Start < byID[i-1].Start || (byID[i].Parent == byID[i-1].Parent && byID[i].Start < byID[i-1].End) {
					return fmt.Errorf("task %d attempt %d: branches %+v and %+v overlap on one worker", rec.Index, rec.Attempt, *byID[i-1], *byID[i])
				}
			}
		}
		want := criticalPath(steps)
		if sequential {
			want, _ = sumSteps(steps)
		}
		if rec.Completion-rec.Start < want {
			return fmt.Errorf("task %d attempt %d ran for %v, less than %v", rec.Index, rec.Attempt, rec.Completion-rec.Start, want)
		}
	}
	// The CPU done is the steps' at least; processor sharing rounds a
	// burst's end up to the next nanosecond (checkCPUWork), and an
	// iterating loop's polls and resumes cost CPU of their own.
	costs := cfg.PollCost > 0 || cfg.ResumeCost > 0
	switches := sim.Time(r.res.Values[sim.ContextSwitches])
	cpu += switches * cfg.SwitchCost
	slack := bursts + switches
	if got := r.res.CPUWork; got < cpu || (!costs && got > cpu+slack) {
		return fmt.Errorf("%v of CPU done; the served attempts' steps have %v (and %d bursts might round up)", got, cpu, slack)
	}
	return nil
}

// branchesOf returns the number of branches of the gathers in steps.
func branchesOf(steps []sim.Step) int {
	n := 0
	for _, s := range steps {
		if s.Kind == sim.Branch {
			n++
		}
	}
	return n
}

// criticalPath returns the shortest time steps can take with every
// gather's branches at once: the sum of the steps, a gather counting as
// its longest branch.
func criticalPath(steps []sim.Step) sim.Time {
	var d sim.Time
	for i := 0; i < len(steps); i++ {
		s := steps[i]
		switch {
		case s.Kind == sim.Gather:
			body := steps[i+1 : i+1+s.Span()]
			var longest sim.Time
			for j := 0; j < len(body); j += 1 + body[j].Span() {
				longest = max(longest, criticalPath(body[j+1:j+1+body[j].Span()]))
			}
			d += longest
			i += s.Span()
		case s.Kind <= sim.BlockingIO:
			d += s.Dur
		}
	}
	return d
}

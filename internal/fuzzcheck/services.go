package fuzzcheck

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"asyncsim/internal/simtest"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// ServiceClient is how the clients of one task class give up and retry,
// as plain values: Client makes the sim.Client of a run.
type ServiceClient struct {
	// Timeout and Retries are sim.Client's.
	Timeout sim.Time
	Retries int
	// Backoff is the constant wait before each retry, where HasBackoff is
	// set; without it the client retries at once (sim.Client.Backoff nil).
	Backoff    sim.Time
	HasBackoff bool
	// Drawn is set where the backoff is drawn from a distribution (by
	// ServiceCase.NewClients): a retry is then sent at or after its
	// predecessor was given up, not at an instant known beforehand.
	Drawn bool
}

// Client returns the sim.Client of c.
func (c ServiceClient) Client() sim.Client {
	cl := sim.Client{Timeout: c.Timeout, Retries: c.Retries}
	if c.HasBackoff {
		b := c.Backoff
		cl.Backoff = func() sim.Time { return b }
	}
	return cl
}

// ServiceCase is a set of runs of the services model to check: the same
// tasks, holding units of limited resources and sent by clients that give
// up and retry, under each strategy.
type ServiceCase struct {
	// Cores is the machine's core count, and Warmup leaves the requests
	// first sent before it out of the statistics.
	Cores  int
	Warmup sim.Time
	// Classes is the number of task classes (sim.Config.Classes).
	Classes int
	// Resources are the limited resources the tasks' Acquire steps take.
	// Unless Unordered, holds nest in increasing resource index only, so
	// no deadlock can occur; with it a run may deadlock, and must then
	// report the tasks waiting for each resource as its pools left them.
	Resources []sim.Resource
	Unordered bool
	// Clients gives each class's clients, or is nil: clients that wait
	// forever.
	Clients []ServiceClient
	// Strategies are the strategies to run, resolved.
	Strategies []strategies.Config
	// Tasks are the open arrivals and the closed-loop clients' first
	// requests, in arrival order, served by a simtest.ListSource: each
	// client sends Requests requests, thinking Think between them.
	Tasks    []sim.Task
	Requests int
	Think    sim.Time
	// NewSource, if set, returns a fresh stream of the tasks instead of
	// Tasks (each call the same tasks), and NewClients fresh clients
	// instead of those Clients makes (each call drawing the same
	// backoffs): for cases written as workloads.
	NewSource  func() sim.Source
	NewClients func() []sim.Client
	// MaxEvents bounds each run; 0 means 1,000,000.
	MaxEvents int64
	// Until, if set, is a horizon for one more run of each strategy: it
	// must end there exactly when an attempt is sent
	// or ends after it, and otherwise give the run without a horizon.
	Until sim.Time
}

// client returns class c's clients.
func (c *ServiceCase) client(class int) ServiceClient {
	if c.Clients == nil {
		return ServiceClient{}
	}
	return c.Clients[class]
}

// serviceSteps returns a list of one to three steps, or hold blocks of a
// resource of index from or above (of resources) around steps of their own
// (up to depth levels): holds nest in increasing resource index. Where
// unordered, a hold may take any resource not held around it (its bit in
// held), in any order.
func (r *reader) serviceSteps(from, resources, depth int, unordered bool, held uint) []sim.Step {
	var out []sim.Step
	for range 1 + r.intn(3) {
		if depth > 0 && from < resources && !r.chance(3) {
			res := int32(from + r.intn(resources-from))
			if unordered {
				res = int32(r.intn(resources))
				if held&(1<<res) != 0 {
					continue // not nested in itself
				}
			}
			out = append(out, sim.Step{Kind: sim.Acquire, Resource: res})
			out = append(out, r.serviceSteps(int(res)+1, resources, depth-1, unordered, held|1<<res)...)
			out = append(out, sim.Step{Kind: sim.Release, Resource: res})
			continue
		}
		d := sim.Time(1 + r.intn(16))
		if r.chance(4) {
			d *= 1000
		}
		out = append(out, sim.Step{Kind: pick(r, sim.CPU, sim.CPU, sim.IO, sim.BlockingIO), Dur: d})
	}
	return out
}

// Services returns a case of the services model described by data: one
// to three resources (capacity 1 to 3, scope process or machine), up to
// twelve tasks of up to three classes with hold blocks nested in
// increasing resource index around cpu, io and blocking_io steps of a few
// nanoseconds to microseconds, some of them closed-loop clients; clients
// per class with time-outs (some equal to a task's exact duration, one
// more or one less), up to two retries and a constant backoff or none; and
// up to four strategies of every kind, with and without a bounded backlog
// (0 to 3) that rejects or drops SYNs; and sometimes a warm-up.
func Services(data []byte) ServiceCase {
	r := &reader{data: data}
	c := ServiceCase{Cores: 1 + r.intn(3), Classes: 1 + r.intn(3), Requests: 1 + r.intn(3), Think: sim.Time(r.intn(4)), Unordered: r.chance(8)}
	for i := range 1 + r.intn(3) {
		c.Resources = append(c.Resources, sim.Resource{Name: fmt.Sprint("r", i), Capacity: pick(r, 1, 1, 2, 3), Machine: !r.chance(3)})
	}
	var at sim.Time
	clients := 0
	for i := range 1 + r.intn(12) {
		if !r.chance(3) {
			at += sim.Time(r.intn(8))
		}
		t := sim.Task{Class: r.intn(c.Classes), Index: int64(i) * int64(c.Requests), Client: -1, Arrival: at}
		if r.chance(4) {
			t.Client = clients
			clients++
		}
		t.Steps = r.serviceSteps(0, len(c.Resources), 2, c.Unordered, 0)
		c.Tasks = append(c.Tasks, t)
	}
	if !r.chance(4) {
		c.Clients = make([]ServiceClient, c.Classes)
		for class := range c.Clients {
			cl := &c.Clients[class]
			switch r.intn(5) {
			case 1, 2:
				// A task's exact duration, or a nanosecond more or less:
				// with a core to itself and no switch cost, it completes
				// exactly at its deadline (in time), or just after.
				var same []sim.Task
				for _, t := range c.Tasks {
					if t.Class == class {
						same = append(same, t)
					}
				}
				if len(same) == 0 {
					break
				}
				total, _ := sumSteps(same[r.intn(len(same))].Steps)
				cl.Timeout = max(1, total+sim.Time(pick(r, 0, 0, 1, -1)))
			case 3:
				cl.Timeout = sim.Time(1 + r.intn(40))
			case 4:
				// Microseconds, or seconds: past SYN retransmissions.
				cl.Timeout = pick(r, sim.Time(1+r.intn(20))*1000, sim.Second, 2*sim.Second, 10*sim.Second)
			}
			cl.Retries = r.intn(3)
			if r.chance(2) {
				cl.Backoff, cl.HasBackoff = sim.Time(pick(r, 0, 1, 3, 10, 1000)), true
			}
		}
	}
	if r.chance(4) {
		c.Warmup = sim.Time(r.intn(8))
	}
	if r.chance(3) {
		c.Until = pick(r, 20, 1000, sim.Millisecond, sim.Second, 2*sim.Second, 5*sim.Second, 20*sim.Second)
	}
	for i := range 1 + r.intn(4) {
		cfg := strategies.Config{Name: fmt.Sprint("s", i), SwitchCost: sim.Time(pick(r, 0, 0, 0, 1, 2))}
		bounded := r.chance(3)
		switch r.intn(3) {
		case 0:
			cfg.Kind, cfg.Workers = strategies.KindBlocking, 1+r.intn(3)
		case 1:
			cfg.Kind, cfg.Threads = strategies.KindThreaded, r.intn(4)
			cfg.SwitchInterval = sim.Time(pick(r, 3, 5, 8, 1000))
			cfg.GIL = r.chance(2)
			cfg.GILHandover = pick(r, strategies.HandoverFIFO, strategies.HandoverCPython)
			cfg.GILRequesterBias = pick(r, 0, 0.5, 1)
			bounded = bounded && cfg.Threads > 0
		default:
			cfg.Kind, cfg.Loops, cfg.Executor = strategies.KindEventLoop, 1+r.intn(2), 1+r.intn(2)
			cfg.MaxConcurrency = r.intn(3)
			cfg.Offload, cfg.AwaitBlocking = r.chance(2), r.chance(5)
			cfg.LoopModel = pick(r, strategies.LoopFIFO, strategies.LoopFIFO, strategies.LoopAsyncio, strategies.LoopUVLoop)
			if cfg.LoopModel != strategies.LoopFIFO {
				cfg.PollCost, cfg.ResumeCost = sim.Time(pick(r, 0, 1, 3)), sim.Time(pick(r, 0, 1, 2))
			}
			bounded = bounded && cfg.MaxConcurrency > 0
		}
		if bounded {
			cfg.Bounded, cfg.Backlog = true, r.intn(4)
			cfg.BacklogFull = pick(r, strategies.BacklogReject, strategies.BacklogSYNRetry)
		}
		c.Strategies = append(c.Strategies, cfg)
	}
	return c
}

// requests returns the key of every request of c: each open task, and
// each request of each closed-loop client; or, with NewSource, every task
// the source generated in run r.
func (c *ServiceCase) requests(r *serviceRun) map[key]bool {
	want := map[key]bool{}
	if c.NewSource != nil {
		for k := range r.tasks {
			want[k] = true
		}
		return want
	}
	for _, t := range c.Tasks {
		n := int64(1)
		if t.Client >= 0 {
			n = int64(c.Requests)
		}
		for i := range n {
			want[key{t.Class, t.Index + i}] = true
		}
	}
	return want
}

// unitChange is one change of a pool, as sim.Config.OnUnits reports it;
// seq orders it among the contexts' state changes.
type unitChange struct {
	at                            sim.Time
	seq                           int
	resource, pool, held, waiting int
}

// stateChange is a change of a context's state, with its place among
// the pools' changes.
type stateChange struct {
	change
	seq int
}

// serviceRun is everything one run of the services model produced.
type serviceRun struct {
	res      *sim.Result
	records  []sim.TaskRecord
	units    []unitChange
	changes  []stateChange
	arrivals []arrival
	tasks    map[key]*task
}

// arrival is one call of a strategy's Arrive: an attempt sent, or its SYN
// retransmitted.
type arrival struct {
	at  sim.Time
	seq int // its place among the contexts' state changes and the pools'
	attemptKey
}

// arrivingStrategy records every call of its strategy's Arrive.
type arrivingStrategy struct {
	sim.Strategy
	e        *sim.Engine
	seq      *int
	arrivals []arrival
}

func (a *arrivingStrategy) Init(e *sim.Engine) {
	a.e = e
	a.Strategy.Init(e)
}

func (a *arrivingStrategy) Arrive(t sim.TaskRef) {
	task := a.e.Task(t)
	*a.seq++
	a.arrivals = append(a.arrivals, arrival{a.e.Now(), *a.seq, attemptKey{key{task.Class, task.Index}, task.Attempt}})
	a.Strategy.Arrive(t)
}

type serviceRecorder struct {
	seq     *int
	changes []stateChange
}

func (r *serviceRecorder) RecordState(at sim.Time, ctx int32, s sim.State) {
	*r.seq++
	r.changes = append(r.changes, stateChange{change{at, ctx, s}, *r.seq})
}

func (c *ServiceCase) run(cfg strategies.Config) (*serviceRun, error) {
	return c.runUntil(cfg, 0)
}

// runUntil runs cfg with a horizon at until (0: none).
func (c *ServiceCase) runUntil(cfg strategies.Config, until sim.Time) (*serviceRun, error) {
	strat, err := strategies.New(cfg)
	if err != nil {
		return nil, err
	}
	var source sim.Source = &simtest.ListSource{Tasks: c.Tasks, Requests: c.Requests, Think: c.Think}
	if c.NewSource != nil {
		source = c.NewSource()
	}
	src := &recordingSource{Source: source, tasks: map[key]*task{}}
	seq := 0
	rec := &serviceRecorder{seq: &seq}
	r := &serviceRun{tasks: src.tasks}
	sc := sim.Config{
		Cores: c.Cores, Warmup: c.Warmup, MaxEvents: c.MaxEvents, Until: until, Recorder: rec, Classes: c.Classes,
		Resources: c.Resources,
		OnTask:    func(t sim.TaskRecord) { r.records = append(r.records, t) },
		OnUnits: func(at sim.Time, resource, pool, held, waiting int) {
			seq++
			r.units = append(r.units, unitChange{at, seq, resource, pool, held, waiting})
		},
	}
	if sc.MaxEvents == 0 {
		sc.MaxEvents = 1_000_000
	}
	for _, cl := range c.Clients {
		sc.Clients = append(sc.Clients, cl.Client())
	}
	if c.NewClients != nil {
		sc.Clients = c.NewClients()
	}
	arriving := &arrivingStrategy{Strategy: strat, seq: &seq}
	r.res, err = sim.Run(src, arriving, sc)
	if err != nil {
		if dl, ok := errors.AsType[*sim.DeadlockError](err); ok {
			if !c.Unordered {
				return nil, fmt.Errorf("a deadlock reported where none can exist (holds nest in increasing resource index): %w", dl)
			}
			if err := c.checkDeadlock(dl, r.units); err != nil {
				return nil, err
			}
			return nil, errDeadlocked
		}
		return nil, err
	}
	if src.dup != nil {
		return nil, src.dup
	}
	r.changes, r.arrivals = rec.changes, arriving.arrivals
	return r, nil
}

// errDeadlocked is the error of a run of an Unordered case that ended in
// a deadlock, reported as its pools left it.
var errDeadlocked = errors.New("deadlocked, as reported")

// checkDeadlock checks the deadlock a run reported against its pools'
// changes: it lists, in the order resources are declared, every resource
// with tasks waiting at the end and how many, at the last event or after.
func (c *ServiceCase) checkDeadlock(dl *sim.DeadlockError, units []unitChange) error {
	waiting := make([]int, len(c.Resources))
	last := map[poolKey]int{}
	var at sim.Time
	for _, u := range units {
		k := poolKey{u.resource, u.pool}
		waiting[u.resource] += u.waiting - last[k]
		last[k] = u.waiting
		at = u.at
	}
	var want []sim.ResourceWaiters
	for i, n := range waiting {
		if n > 0 {
			want = append(want, sim.ResourceWaiters{Resource: c.Resources[i].Name, Tasks: n})
		}
	}
	if len(want) == 0 || !slices.Equal(dl.Waiting, want) || dl.At < at {
		return fmt.Errorf("deadlock reported at %v with %v; the pools end with %v waiting, last changed at %v", dl.At, dl.Waiting, want, at)
	}
	return nil
}

// CheckServices runs every strategy of c twice and returns an error
// describing the first broken invariant of the services model: the pools'
// units, the attempts' outcomes, the counts of requests and attempts, the
// figures per class and per resource, and determinism.
func CheckServices(c ServiceCase) error {
	for _, cfg := range c.Strategies {
		r, err := c.run(cfg)
		if errors.Is(err, errDeadlocked) {
			if _, again := c.run(cfg); !errors.Is(again, errDeadlocked) {
				return fmt.Errorf("%s: determinism: the run deadlocks once, and run again returns %v", cfg.Name, again)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s (%+v): %w", cfg.Name, cfg, err)
		}
		if err := c.check(cfg, r); err != nil {
			return fmt.Errorf("%s (%+v): %w", cfg.Name, cfg, err)
		}
		again, err := c.run(cfg)
		if err != nil {
			return fmt.Errorf("%s, run again: %w", cfg.Name, err)
		}
		if !reflect.DeepEqual(r, again) {
			return fmt.Errorf("%s: determinism: the same case run twice gives different results", cfg.Name)
		}
		if c.Until > 0 {
			if err := c.checkHorizon(cfg, r); err != nil {
				return fmt.Errorf("%s (%+v), horizon %v: %w", cfg.Name, cfg, c.Until, err)
			}
		}
		if err := c.checkFree(cfg); err != nil {
			return fmt.Errorf("%s (%+v): the features unused: %w", cfg.Name, cfg, err)
		}
	}
	return nil
}

// states returns the changes of states without their places among the
// pools' changes, and those of one instant in the order of the contexts
// (each context's in the order they came): the order in which two
// contexts change at one instant, which their CPU bursts' order of
// starting decides among simultaneous completions, is left out.
func states(ch []stateChange) []change {
	out := make([]change, len(ch))
	for i, x := range ch {
		out[i] = x.change
	}
	slices.SortStableFunc(out, func(a, b change) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return cmp.Compare(a.ctx, b.ctx)
	})
	return out
}

// checkFree checks that the services model costs nothing where it is
// not used: the case with every pool too large to be waited for, clients
// that never give up and never retry, and a backlog that never fills,
// runs exactly as the case without holds, clients or backlog (but for the
// count of events: the deadlines of attempts completed in time are events
// that stand for nothing).
//
// Not under an iterating loop model (asyncio, uvloop) whose loops share
// cores: it runs a resumed coroutine's resume cost and its first cpu step
// as one burst, but not across a free Acquire or Release before that step,
// so that a hold splits the burst in two, and processor sharing rounds up
// the end of each burst to a nanosecond: the hold can make the coroutine
// end a nanosecond later (a difference of the model, reported).
func (c *ServiceCase) checkFree(cfg strategies.Config) error {
	iterating := cfg.Kind == strategies.KindEventLoop && cfg.LoopModel != strategies.LoopFIFO && cfg.LoopModel != ""
	if c.NewSource != nil || c.Unordered || iterating && cfg.Loops > c.Cores {
		return nil
	}
	// No give-up for 1000 s (the runs end within microseconds, or a SYN
	// retransmission's 63 s), and room in every pool and queue for every
	// attempt there is.
	const never = 1000 * sim.Second
	roomy := *c
	roomy.Until = 0
	roomy.Resources = slices.Clone(c.Resources)
	for i := range roomy.Resources {
		roomy.Resources[i].Capacity = 1 << 20
	}
	roomy.Clients = nil
	for range c.Clients {
		roomy.Clients = append(roomy.Clients, ServiceClient{Timeout: never})
	}
	wide := cfg
	if wide.Bounded {
		wide.Backlog = 1 << 20
	}
	plain := roomy
	plain.Resources, plain.Clients = nil, nil
	plain.Tasks = slices.Clone(c.Tasks)
	for i := range plain.Tasks {
		plain.Tasks[i].Steps = slices.DeleteFunc(slices.Clone(c.Tasks[i].Steps), func(s sim.Step) bool {
			return s.Kind == sim.Acquire || s.Kind == sim.Release
		})
	}
	bare := cfg
	bare.Bounded, bare.Backlog, bare.BacklogFull = false, 0, ""
	a, err := roomy.run(wide)
	if err != nil {
		return fmt.Errorf("with room everywhere: %w", err)
	}
	b, err := plain.run(bare)
	if err != nil {
		return fmt.Errorf("without holds, clients or backlog: %w", err)
	}
	ra, rb := *a.res, *b.res
	ra.Events, rb.Events, ra.Resources = 0, 0, nil
	switch {
	case !reflect.DeepEqual(ra, rb):
		return fmt.Errorf("results %+v with room everywhere, %+v without holds, clients or backlog", ra.Summary, rb.Summary)
	case !reflect.DeepEqual(a.records, b.records):
		return errors.New("the records differ with room everywhere and without holds, clients or backlog")
	case !slices.Equal(states(a.changes), states(b.changes)): // their places among the pools' changes aside
		return errors.New("the contexts' states differ with room everywhere and without holds, clients or backlog")
	}
	return nil
}

// checkHorizon runs cfg again with the horizon c.Until and compares with
// r, its run without one. If an attempt was sent or ended after the
// horizon, the run must end there: with the records of r's attempts that
// ended by the horizon, in the same order; with their count as its
// tasks, its in_flight_end the attempts sent by the horizon and ended
// after it, and the window of its time averages (if it served a counted
// attempt) ending at the horizon;
// or, where no counted attempt ended by the horizon, with a
// *sim.HorizonError giving that count in flight. Otherwise the run must
// give the same result (but for the count of events: those that stood
// for nothing, such as the time-outs of attempts completed in time, are
// dropped at the horizon uncounted, and a run over when a GIL's drop
// timer remains ends there).
func (c *ServiceCase) checkHorizon(cfg strategies.Config, r *serviceRun) error {
	var lastEvent sim.Time
	var ended []sim.TaskRecord
	inFlight, counted, servedBy := 0, int64(0), 0
	for _, rec := range r.records {
		lastEvent = max(lastEvent, rec.Arrival, rec.Completion)
		switch {
		case rec.Completion <= c.Until:
			ended = append(ended, rec)
			if rec.Counted {
				counted++
			}
			if rec.Counted && served(rec) {
				servedBy++
			}
		case rec.Arrival <= c.Until:
			inFlight++
		}
	}
	h, err := c.runUntil(cfg, c.Until)
	var he *sim.HorizonError
	switch {
	case lastEvent > c.Until && counted == 0:
		if !errors.As(err, &he) || *he != (sim.HorizonError{Until: c.Until, InFlight: inFlight}) {
			return fmt.Errorf("no counted attempt ends by the horizon, %d are in flight there, but the run with it returned %v", inFlight, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("the run with the horizon failed: %w", err)
	case lastEvent > c.Until:
		res := h.res
		switch {
		case !res.Horizon:
			return errors.New("an attempt is sent or ends past the horizon, but the run with it did not end there")
		case !reflect.DeepEqual(h.records, ended):
			return errors.New("the records of the run with the horizon are not those of the attempts that ended by then")
		case res.Tasks != counted || res.Values[sim.InFlightEnd] != float64(inFlight):
			return fmt.Errorf("tasks %d, in flight at the end %v; want %d and %d", res.Tasks, res.Values[sim.InFlightEnd], counted, inFlight)
		// The time averages are of a window that has served attempts
		// (as in a run without a horizon).
		case servedBy > 0 && (res.FirstArrival != r.res.FirstArrival || res.Values[sim.Makespan] != (c.Until-res.FirstArrival).Seconds()):
			return fmt.Errorf("window from %v, makespan %v s; want from %v to the horizon %v", res.FirstArrival, res.Values[sim.Makespan],
				r.res.FirstArrival, c.Until)
		}
		return nil
	}
	a, b := *r.res, *h.res
	a.Events, b.Events = 0, 0
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(r.records, h.records) || !reflect.DeepEqual(r.units, h.units) {
		return errors.New("the run within the horizon differs from the run without one")
	}
	return nil
}

// check checks the invariants of one run of the services model.
func (c *ServiceCase) check(cfg strategies.Config, r *serviceRun) error {
	if err := c.checkUnits(cfg, r); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	reqs, err := c.checkAttempts(cfg, r)
	if err != nil {
		return fmt.Errorf("attempts: %w", err)
	}
	if err := c.checkRequests(r, reqs); err != nil {
		return fmt.Errorf("requests: %w", err)
	}
	if err := c.checkClasses(r, reqs); err != nil {
		return fmt.Errorf("classes: %w", err)
	}
	if err := c.checkResources(cfg, r); err != nil {
		return fmt.Errorf("resources: %w", err)
	}
	lanes, err := checkArrivals(cfg, r)
	if err != nil {
		return fmt.Errorf("arrivals: %w", err)
	}
	if err := checkQueues(cfg, r, lanes); err != nil {
		return fmt.Errorf("queues: %w", err)
	}
	if err := checkIdle(cfg, r, lanes); err != nil {
		return fmt.Errorf("idle contexts: %w", err)
	}
	if err := c.checkServiceStates(cfg, r); err != nil {
		return fmt.Errorf("states: %w", err)
	}
	return checkAcquiring(cfg, r)
}

// served reports whether an attempt was served: taken by a context and
// run to its end, in time or late.
func served(rec sim.TaskRecord) bool {
	return rec.Outcome == sim.OutcomeDone || rec.Outcome == sim.OutcomeLate
}

// laneOf is, for each attempt a context took, the index in r.arrivals of
// its last arrival: the one that was let in.
type laneOf map[attemptKey]int

// checkArrivals checks the calls of the strategy's Arrive: an attempt
// arrives when it is sent and, under syn_retry, again at each SYN
// retransmission after a drop, at the instants of sim.SYNRetransmissions
// after its send, and at no other time; a rejected attempt is rejected at
// its last arrival, an attempt served is taken at or after it, and one
// abandoned after it; syn_retries counts the retransmissions of the
// counted attempts. It returns the arrival that let in each served
// attempt.
func checkArrivals(cfg strategies.Config, r *serviceRun) (laneOf, error) {
	recs := map[attemptKey]sim.TaskRecord{}
	for _, rec := range r.records {
		recs[attemptKey{key{rec.Class, rec.Index}, rec.Attempt}] = rec
	}
	calls := map[attemptKey][]int{}
	for i, a := range r.arrivals {
		calls[a.attemptKey] = append(calls[a.attemptKey], i)
	}
	syn := cfg.Bounded && cfg.BacklogFull == strategies.BacklogSYNRetry
	var resent int64
	let := laneOf{}
	for ak, rec := range recs {
		cs := calls[ak]
		if len(cs) == 0 {
			return nil, fmt.Errorf("%v attempt %d ended but never arrived", ak.key, ak.attempt)
		}
		if len(cs) > 1 && !syn || len(cs) > 1+len(sim.SYNRetransmissions) {
			return nil, fmt.Errorf("%v attempt %d arrived %d times (backlog_full %q)", ak.key, ak.attempt, len(cs), cfg.BacklogFull)
		}
		for j, i := range cs {
			want := rec.Arrival
			if j > 0 {
				want += sim.SYNRetransmissions[j-1]
			}
			if r.arrivals[i].at != want {
				return nil, fmt.Errorf("%v attempt %d, sent at %v, arrives for the %d-th time at %v; want %v", ak.key, ak.attempt, rec.Arrival, j+1, r.arrivals[i].at, want)
			}
		}
		if rec.Counted {
			resent += int64(len(cs) - 1)
		}
		lastAt := r.arrivals[cs[len(cs)-1]].at
		switch {
		case rec.Outcome == sim.OutcomeRejected && rec.Completion != lastAt:
			return nil, fmt.Errorf("%v attempt %d rejected at %v; it last arrived at %v", ak.key, ak.attempt, rec.Completion, lastAt)
		case rec.Outcome == sim.OutcomeRejected && syn && len(cs) != 1+len(sim.SYNRetransmissions):
			return nil, fmt.Errorf("%v attempt %d rejected after %d SYN retransmissions; want %d", ak.key, ak.attempt, len(cs)-1, len(sim.SYNRetransmissions))
		case rec.Outcome == sim.OutcomeAbandoned && rec.Completion <= lastAt:
			return nil, fmt.Errorf("%v attempt %d abandoned at %v; it last arrived at %v", ak.key, ak.attempt, rec.Completion, lastAt)
		case served(rec) && rec.Start < lastAt:
			return nil, fmt.Errorf("%v attempt %d taken at %v; it last arrived at %v", ak.key, ak.attempt, rec.Start, lastAt)
		case served(rec):
			let[ak] = cs[len(cs)-1]
		}
	}
	if len(calls) != len(recs) {
		return nil, fmt.Errorf("%d attempts arrived, %d ended", len(calls), len(recs))
	}
	if got := r.res.Values[sim.SYNRetries]; got != float64(resent) {
		return nil, fmt.Errorf("syn_retries = %v; the counted attempts arrived again %d times", got, resent)
	}
	return let, nil
}

// lane returns the lane of the i-th arrival under cfg: the event loop
// it was dealt to (round-robin over every arrival), or 0.
func lane(cfg strategies.Config, i int) int {
	if cfg.Kind == strategies.KindEventLoop {
		return i % cfg.Loops
	}
	return 0
}

// idleSpans returns, per context, the spans during which it was idle.
func idleSpans(r *serviceRun) [][]interval {
	var idle [][]interval
	var since []sim.Time
	var state []sim.State
	end := r.changes[len(r.changes)-1].at
	for _, x := range r.changes { // the final records close the open spans
		switch {
		case int(x.ctx) >= len(state): // created, idle
			idle = append(idle, nil)
			since = append(since, x.at)
			state = append(state, sim.Idle)
		case state[x.ctx] == sim.Idle && (x.state != sim.Idle || x.at == end):
			if x.at > since[x.ctx] {
				idle[x.ctx] = append(idle[x.ctx], interval{since[x.ctx], x.at})
			}
			since[x.ctx] = x.at
		case x.state == sim.Idle:
			since[x.ctx] = x.at
		}
		state[x.ctx] = x.state
	}
	return idle
}

// checkIdle checks that no context that could take an attempt is idle
// while it waits to be taken (from its last arrival): under blocking and
// threaded (with a pool of threads) any worker or thread, under event_loop
// without max_concurrency its own loop's thread; and that a pool refuses
// an arrival (rejects it or drops its SYN) only when none of its contexts
// is idle.
func checkIdle(cfg strategies.Config, r *serviceRun, let laneOf) error {
	pool := cfg.Kind == strategies.KindBlocking || cfg.Kind == strategies.KindThreaded && cfg.Threads > 0
	loop := cfg.Kind == strategies.KindEventLoop && cfg.MaxConcurrency == 0
	if !pool && !loop {
		return nil
	}
	infos := r.res.Contexts
	eligible := func(ctx, lane int) bool {
		return pool || infos[ctx].Role == "loop" && infos[ctx].Index == lane
	}
	idle := idleSpans(r)
	for _, rec := range r.records {
		ak := attemptKey{key{rec.Class, rec.Index}, rec.Attempt}
		i, ok := let[ak]
		if !ok {
			continue
		}
		wait := interval{r.arrivals[i].at, rec.Start}
		for ctx, spans := range idle {
			if !eligible(ctx, lane(cfg, i)) {
				continue
			}
			for _, sp := range spans {
				if lo, hi := max(sp.from, wait.from), min(sp.to, wait.to); hi > lo {
					return fmt.Errorf("%v attempt %d waits from %v to %v to be taken, but %s is idle from %v to %v", ak.key, ak.attempt, wait.from, wait.to, infos[ctx].Name(), lo, hi)
				}
			}
		}
	}
	if !pool {
		return nil
	}
	// The refused arrivals: every one that did not let its attempt in.
	letIn := map[int]bool{}
	for _, i := range let {
		letIn[i] = true
	}
	state := map[int32]sim.State{}
	c := 0
	for i, a := range r.arrivals {
		for c < len(r.changes) && r.changes[c].seq < a.seq {
			state[r.changes[c].ctx] = r.changes[c].state
			c++
		}
		if letIn[i] {
			continue
		}
		for ctx := range infos {
			if st, ok := state[int32(ctx)]; ok && st == sim.Idle {
				return fmt.Errorf("%v attempt %d refused at %v while %s is idle", a.key, a.attempt, a.at, infos[ctx].Name())
			}
		}
	}
	return nil
}

// checkServiceStates checks the contexts' states: in time order, at most
// one thread running CPU under a GIL and none waiting for it while none
// holds it (at the end of every instant), the running states integrate
// over the window to the CPU work done, and the run ends at its last
// event that did something.
func (c *ServiceCase) checkServiceStates(cfg strategies.Config, r *serviceRun) error {
	ch := r.changes
	var state []sim.State
	var count [16]int
	var busy sim.Time
	from, to := r.res.FirstArrival, r.res.LastCompletion
	for i, x := range ch {
		if i > 0 && x.at < ch[i-1].at {
			return fmt.Errorf("state changes out of time order: %+v after %+v", x, ch[i-1])
		}
		if int(x.ctx) == len(state) {
			state = append(state, sim.Idle)
			count[sim.Idle]++
		} else if int(x.ctx) > len(state) {
			return fmt.Errorf("context %d appears before context %d", x.ctx, len(state))
		}
		count[state[x.ctx]]--
		state[x.ctx] = x.state
		count[x.state]++
		next := ch[len(ch)-1].at
		if i+1 < len(ch) {
			next = ch[i+1].at
		}
		if next == x.at {
			continue
		}
		running := count[sim.Running]
		if cfg.GIL && running > 1 {
			return fmt.Errorf("%d threads run CPU at once under the GIL, from %v to %v", running, x.at, next)
		}
		if cfg.GIL && running == 0 && count[sim.Waiting] > 0 {
			return fmt.Errorf("%d threads wait for the GIL while none holds it, from %v to %v", count[sim.Waiting], x.at, next)
		}
		if lo, hi := max(x.at, from), min(next, to); hi > lo { // no window without an attempt served
			busy += (hi - lo) * sim.Time(min(running, c.Cores))
		}
	}
	if busy != r.res.CPUWork {
		return fmt.Errorf("CPU work %v; the running states integrate to %v over [%v, %v]", r.res.CPUWork, busy, from, to)
	}
	// The run ends at its last event that did something: not at a
	// deadline of an attempt that had ended, nor at the retransmission of
	// an abandoned SYN. (A GIL's drop timer may fire after the last
	// change it caused, so only without one.)
	if cfg.GIL {
		return nil
	}
	end := ch[len(ch)-1].at
	var last sim.Time
	for _, x := range r.records {
		last = max(last, x.Arrival, x.Completion)
	}
	for _, x := range ch[:len(ch)-len(r.res.Contexts)] {
		last = max(last, x.at)
	}
	if end != last {
		return fmt.Errorf("the run ends at %v; its last attempt and state change are at %v", end, last)
	}
	return nil
}

// checkQueues checks the bounds of contexts and queues with the attempts
// served, from Start to Completion, and those waiting to be taken, from
// Arrival to Start: a pool never serves more attempts at once than it has
// workers or threads, nor holds more waiting than its backlog (where an
// arrival that finds it full is rejected: a dropped SYN's wait is not in
// the queue); a single event loop never has more coroutines in progress
// than its max_concurrency. At one instant, ends come before starts and
// starts before arrivals (a context that frees takes the next at once).
func checkQueues(cfg strategies.Config, r *serviceRun, let laneOf) error {
	limit, backlog, lanes := 0, -1, 1
	switch cfg.Kind {
	case strategies.KindBlocking:
		limit = cfg.Workers
	case strategies.KindThreaded:
		limit = cfg.Threads
	case strategies.KindEventLoop:
		limit, lanes = cfg.MaxConcurrency, cfg.Loops
	}
	if cfg.Kind != strategies.KindEventLoop && cfg.Bounded && cfg.BacklogFull != strategies.BacklogSYNRetry {
		backlog = cfg.Backlog
	}
	type edge struct {
		at           sim.Time
		order        int // 0 an end, 1 a start, 2 an arrival
		serve, queue int
	}
	es := make([][]edge, lanes)
	for _, rec := range r.records {
		i, ok := let[attemptKey{key{rec.Class, rec.Index}, rec.Attempt}]
		if !ok {
			continue
		}
		l := lane(cfg, i)
		es[l] = append(es[l], edge{r.arrivals[i].at, 2, 0, 1}, edge{rec.Start, 1, 1, -1}, edge{rec.Completion, 0, -1, 0})
	}
	for l := range es {
		slices.SortStableFunc(es[l], func(a, b edge) int {
			if a.at != b.at {
				return cmp.Compare(a.at, b.at)
			}
			return a.order - b.order
		})
		serving, queued := 0, 0
		for _, e := range es[l] {
			serving += e.serve
			queued += e.queue
			if limit > 0 && serving > limit {
				return fmt.Errorf("%d attempts served at once at %v (lane %d); at most %d", serving, e.at, l, limit)
			}
			if backlog >= 0 && queued > backlog {
				return fmt.Errorf("%d attempts wait to be taken at %v; the backlog is %d", queued, e.at, backlog)
			}
		}
	}
	// First come, first served: in each lane, the attempts a context takes
	// start in the order they were let in; a thread per task takes each
	// at once.
	last := make([]sim.Time, lanes)
	starts := map[int]sim.Time{}
	for _, rec := range r.records {
		if i, ok := let[attemptKey{key{rec.Class, rec.Index}, rec.Attempt}]; ok {
			starts[i] = rec.Start
		}
	}
	for i, a := range r.arrivals {
		s, ok := starts[i]
		if !ok {
			continue
		}
		if cfg.Kind == strategies.KindThreaded && cfg.Threads == 0 {
			if s != a.at {
				return fmt.Errorf("%v attempt %d arrived at %v but its thread took it at %v", a.key, a.attempt, a.at, s)
			}
			continue
		}
		l := lane(cfg, i)
		if s < last[l] {
			return fmt.Errorf("%v attempt %d was let in after another (lane %d) but started before it: at %v rather than %v or later", a.key, a.attempt, l, s, last[l])
		}
		last[l] = s
	}
	return nil
}

// pools returns the number of pools of a resource under cfg: one of scope
// machine, else one per process (a blocking worker, an event loop; the
// threaded strategy is one process).
func pools(cfg strategies.Config, res sim.Resource) int {
	switch {
	case res.Machine:
		return 1
	case cfg.Kind == strategies.KindBlocking:
		return cfg.Workers
	case cfg.Kind == strategies.KindEventLoop:
		return cfg.Loops
	}
	return 1
}

// poolKey names one pool of one resource.
type poolKey struct{ resource, pool int }

// checkUnits checks every change of a pool: each is one unit taken or
// given back, or one waiter more or handed a unit; the units held stay
// within [0, capacity] and the waiters at or above 0, and nobody waits
// while a unit is free; every pool ends with no unit held and no waiter;
// and the pools' units are taken as often as the served attempts' Acquire
// steps say, and given back as often.
func (c *ServiceCase) checkUnits(cfg strategies.Config, r *serviceRun) error {
	type state struct{ held, waiting int }
	last := map[poolKey]state{}
	acquires := make([]int, len(c.Resources))
	releases := make([]int, len(c.Resources))
	var prevAt sim.Time
	for _, u := range r.units {
		if u.resource < 0 || u.resource >= len(c.Resources) {
			return fmt.Errorf("a change of resource %d of %d: %+v", u.resource, len(c.Resources), u)
		}
		res := c.Resources[u.resource]
		if n := pools(cfg, res); u.pool < 0 || u.pool >= n {
			return fmt.Errorf("a change of pool %d of %s, which has %d: %+v", u.pool, res.Name, n, u)
		}
		if u.at < prevAt {
			return fmt.Errorf("changes out of time order: %+v after one at %v", u, prevAt)
		}
		prevAt = u.at
		k := poolKey{u.resource, u.pool}
		p := last[k]
		switch {
		case u.held > res.Capacity:
			return fmt.Errorf("%d units of %s held at %v (pool %d); capacity %d", u.held, res.Name, u.at, u.pool, res.Capacity)
		case u.held < 0 || u.waiting < 0:
			return fmt.Errorf("%d units of %s held and %d waiting at %v (pool %d)", u.held, res.Name, u.waiting, u.at, u.pool)
		case u.waiting > 0 && u.held != res.Capacity:
			return fmt.Errorf("%d tasks wait for %s at %v (pool %d) while only %d of %d units are held", u.waiting, res.Name, u.at, u.pool, u.held, res.Capacity)
		case u.held == p.held+1 && u.waiting == p.waiting, u.held == p.held && u.waiting == p.waiting+1:
			acquires[u.resource]++
		case u.held == p.held-1 && u.waiting == p.waiting, u.held == p.held && u.waiting == p.waiting-1:
			releases[u.resource]++
		default:
			return fmt.Errorf("pool %d of %s goes from %d held, %d waiting to %d, %d at %v: not one unit or waiter", u.pool, res.Name, p.held, p.waiting, u.held, u.waiting, u.at)
		}
		last[k] = state{u.held, u.waiting}
	}
	for k, p := range last {
		if p != (state{}) {
			return fmt.Errorf("pool %d of %s ends with %d units held and %d tasks waiting", k.pool, c.Resources[k.resource].Name, p.held, p.waiting)
		}
	}
	want := make([]int, len(c.Resources))
	for _, rec := range r.records {
		if rec.Outcome != sim.OutcomeDone && rec.Outcome != sim.OutcomeLate {
			continue
		}
		t := r.tasks[key{rec.Class, rec.Index}]
		if t == nil {
			return fmt.Errorf("%v ended but was never generated", key{rec.Class, rec.Index})
		}
		for _, s := range t.steps {
			if s.Kind == sim.Acquire {
				want[s.Resource]++
			}
		}
	}
	for i, res := range c.Resources {
		if acquires[i] != want[i] || releases[i] != want[i] {
			return fmt.Errorf("%s: %d units taken, %d given back; the served attempts hold it %d times", res.Name, acquires[i], releases[i], want[i])
		}
	}
	return nil
}

// attemptKey identifies an attempt.
type attemptKey struct {
	key
	attempt int
}

// request is what the records say of one request.
type request struct {
	attempts []sim.TaskRecord // by attempt number
	done     int              // the attempt that succeeded, or -1
	counted  bool
	end      sim.Time // when it succeeded or failed
}

// giveUp returns the instant the client of rec, an attempt that did not
// succeed, gave up on it: at once for one rejected, at its deadline's
// first nanosecond after for one that timed out (the deadline itself is
// in time).
func giveUp(rec sim.TaskRecord, cl ServiceClient) sim.Time {
	if rec.Outcome == sim.OutcomeLate {
		return rec.Arrival + cl.Timeout + 1
	}
	return rec.Completion
}

// checkAttempts checks every attempt's record and groups them by request:
// each attempt ends once with one outcome; a request's attempts are
// numbered 0 to k ≤ retries, each sent the backoff after its predecessor
// was given up; at most one succeeds, the last one, and a request with
// none failed after exhausting its retries; rejected and abandoned
// attempts end at once, done ones within their timeout, late ones after
// it; and closed-loop clients send each request the think time after the
// previous one ended.
func (c *ServiceCase) checkAttempts(cfg strategies.Config, r *serviceRun) (map[key]*request, error) {
	seen := map[attemptKey]bool{}
	reqs := map[key]*request{}
	for _, rec := range r.records {
		k := key{rec.Class, rec.Index}
		ak := attemptKey{k, rec.Attempt}
		t, ok := r.tasks[k]
		cl := c.client(rec.Class)
		switch {
		case !ok:
			return nil, fmt.Errorf("%v ended but was never generated", k)
		case seen[ak]:
			return nil, fmt.Errorf("%v attempt %d ended twice", k, rec.Attempt)
		case rec.Attempt < 0 || rec.Attempt > cl.Retries:
			return nil, fmt.Errorf("%v attempt %d; its class retries %d times", k, rec.Attempt, cl.Retries)
		case rec.Start < rec.Arrival || rec.Completion < rec.Start:
			return nil, fmt.Errorf("%v attempt %d sent at %v, started at %v, ended at %v", k, rec.Attempt, rec.Arrival, rec.Start, rec.Completion)
		}
		seen[ak] = true
		work, _ := sumSteps(t.steps)
		ran := rec.Completion - rec.Start
		syn := cfg.Bounded && cfg.BacklogFull == strategies.BacklogSYNRetry
		switch rec.Outcome {
		case sim.OutcomeDone, sim.OutcomeLate:
			if ran < work {
				return nil, fmt.Errorf("%v attempt %d ran for %v from its start, less than its steps %v (%v)", k, rec.Attempt, ran, work, t.steps)
			}
			in := rec.Completion - rec.Arrival
			if rec.Outcome == sim.OutcomeDone && cl.Timeout > 0 && in > cl.Timeout {
				return nil, fmt.Errorf("%v attempt %d done %v after it was sent, past its timeout %v", k, rec.Attempt, in, cl.Timeout)
			}
			if rec.Outcome == sim.OutcomeLate && (cl.Timeout == 0 || in <= cl.Timeout) {
				return nil, fmt.Errorf("%v attempt %d late %v after it was sent, with a timeout of %v", k, rec.Attempt, in, cl.Timeout)
			}
		case sim.OutcomeRejected:
			// Rejected at once, or after the last SYN retransmission.
			want := rec.Arrival
			if syn {
				want += sim.SYNRetransmissions[len(sim.SYNRetransmissions)-1]
			}
			if !cfg.Bounded || rec.Start != rec.Completion || rec.Completion != want {
				return nil, fmt.Errorf("%v attempt %d sent at %v rejected [%v, %v] (backlog bounded %v, %s); want at %v", k, rec.Attempt, rec.Arrival, rec.Start, rec.Completion, cfg.Bounded, cfg.BacklogFull, want)
			}
		case sim.OutcomeAbandoned:
			if !syn || cl.Timeout == 0 || rec.Start != rec.Completion || rec.Completion != rec.Arrival+cl.Timeout+1 {
				return nil, fmt.Errorf("%v attempt %d sent at %v abandoned [%v, %v] (backlog_full %q, timeout %v)", k, rec.Attempt, rec.Arrival, rec.Start, rec.Completion, cfg.BacklogFull, cl.Timeout)
			}
		default:
			return nil, fmt.Errorf("%v attempt %d ended with outcome %v", k, rec.Attempt, rec.Outcome)
		}
		q := reqs[k]
		if q == nil {
			q = &request{done: -1}
			reqs[k] = q
		}
		if rec.Attempt >= len(q.attempts) {
			q.attempts = append(q.attempts, make([]sim.TaskRecord, rec.Attempt+1-len(q.attempts))...)
		}
		q.attempts[rec.Attempt] = rec
		if rec.Outcome == sim.OutcomeDone {
			if q.done >= 0 {
				return nil, fmt.Errorf("%v succeeded twice: attempts %d and %d", k, q.done, rec.Attempt)
			}
			q.done = rec.Attempt
		}
	}
	// The requests: every open task, and every request of every client.
	want := c.requests(r)
	for k := range want {
		if reqs[k] == nil {
			return nil, fmt.Errorf("%v was sent but none of its attempts ended", k)
		}
	}
	for k, q := range reqs {
		if !want[k] {
			return nil, fmt.Errorf("%v ended but was never sent", k)
		}
		cl := c.client(k.class)
		first := q.attempts[0]
		q.counted = first.Arrival >= c.Warmup
		for j, a := range q.attempts {
			if !seen[attemptKey{k, j}] {
				return nil, fmt.Errorf("%v: attempt %d ended but attempt %d never did", k, len(q.attempts)-1, j)
			}
			if a.Counted != q.counted {
				return nil, fmt.Errorf("%v attempt %d counted = %v; its request was first sent at %v, warm-up %v", k, j, a.Counted, first.Arrival, c.Warmup)
			}
			if j == 0 {
				continue
			}
			prev := q.attempts[j-1]
			if prev.Outcome == sim.OutcomeDone {
				return nil, fmt.Errorf("%v attempt %d sent after attempt %d succeeded", k, j, j-1)
			}
			if at := giveUp(prev, cl) + cl.Backoff; a.Arrival != at && !(cl.Drawn && a.Arrival >= giveUp(prev, cl)) {
				return nil, fmt.Errorf("%v attempt %d sent at %v; its predecessor (%v, sent at %v) was given up at %v and the backoff is %v", k, j, a.Arrival, prev.Outcome, prev.Arrival, giveUp(prev, cl), cl.Backoff)
			}
		}
		lastAttempt := len(q.attempts) - 1
		switch {
		case q.done >= 0 && q.done != lastAttempt:
			return nil, fmt.Errorf("%v: attempt %d succeeded but attempt %d was sent", k, q.done, lastAttempt)
		case q.done < 0 && lastAttempt != cl.Retries:
			return nil, fmt.Errorf("%v failed after %d attempts; its class retries %d times", k, lastAttempt+1, cl.Retries)
		}
		if q.done >= 0 {
			q.end = q.attempts[q.done].Completion
		} else {
			q.end = giveUp(q.attempts[lastAttempt], cl)
		}
	}
	// A closed-loop client sends its next request think after the
	// previous one ended (at or after, where the think time is drawn).
	if c.NewSource != nil {
		for k, t := range r.tasks {
			next := key{k.class, k.index + 1}
			if n, ok := r.tasks[next]; ok && t.client >= 0 && n.client == t.client {
				if at, end := reqs[next].attempts[0].Arrival, reqs[k].end; at < end {
					return nil, fmt.Errorf("client %d sent %v at %v, before its previous request ended at %v", t.client, next, at, end)
				}
			}
		}
		return reqs, nil
	}
	for _, t := range c.Tasks {
		if t.Client < 0 {
			continue
		}
		for i := range int64(c.Requests - 1) {
			prev, next := reqs[key{t.Class, t.Index + i}], key{t.Class, t.Index + i + 1}
			if at := reqs[next].attempts[0].Arrival; at != prev.end+c.Think {
				return nil, fmt.Errorf("client %d sent %v at %v; its previous request ended at %v, think %v", t.Client, next, at, prev.end, c.Think)
			}
		}
	}
	return reqs, nil
}

// checkRequests checks the run's figures against the records: the counted
// requests are those succeeded and those failed, the tasks every counted
// attempt whatever its outcome, the rejections, time-outs, retries and
// wasted CPU those of the counted attempts (syn_retries: checkArrivals), the latencies
// are those of the succeeded requests from their first send, and the time
// averages are over the window from the first counted send to the last
// completion of a counted attempt served.
func (c *ServiceCase) checkRequests(r *serviceRun, reqs map[key]*request) error {
	res := r.res
	v := &res.Values
	var requests, succeeded, rejected, timeouts, retries, served, attempts int64
	var wasted, sumWait sim.Time
	var lats []sim.Time
	first, last := sim.Time(math.MaxInt64), sim.Time(0)
	for _, rec := range r.records {
		if !rec.Counted {
			continue
		}
		first = min(first, rec.Arrival)
		attempts++
		if rec.Attempt > 0 {
			retries++
		}
		switch rec.Outcome {
		case sim.OutcomeRejected:
			rejected++
		case sim.OutcomeAbandoned:
			timeouts++
		case sim.OutcomeLate:
			timeouts++
			wasted += cpuSteps(r.tasks[key{rec.Class, rec.Index}].steps)
		}
		if rec.Outcome == sim.OutcomeDone || rec.Outcome == sim.OutcomeLate {
			served++
			sumWait += rec.Start - rec.Arrival
			last = max(last, rec.Completion)
		}
	}
	for _, q := range reqs {
		if !q.counted {
			continue
		}
		requests++
		if q.done >= 0 {
			succeeded++
			lats = append(lats, q.end-q.attempts[0].Arrival)
		}
	}
	if v[sim.Requests] != v[sim.Succeeded]+v[sim.Failed] {
		return fmt.Errorf("requests = %v, succeeded = %v, failed = %v", v[sim.Requests], v[sim.Succeeded], v[sim.Failed])
	}
	counts := []struct {
		m    sim.Metric
		want int64
	}{
		{sim.Requests, requests}, {sim.Succeeded, succeeded}, {sim.Failed, requests - succeeded},
		{sim.Rejected, rejected}, {sim.Timeouts, timeouts}, {sim.RetriesSent, retries},
	}
	for _, ch := range counts {
		if v[ch.m] != float64(ch.want) {
			return fmt.Errorf("%v = %v; the records give %d", ch.m, v[ch.m], ch.want)
		}
	}
	if res.Tasks != attempts {
		return fmt.Errorf("tasks = %d; %d attempts were counted (%d served)", res.Tasks, attempts, served)
	}
	if !near(v[sim.WastedCPU], wasted.Seconds()) {
		return fmt.Errorf("wasted_cpu_s = %v; the counted late attempts' cpu steps sum to %v", v[sim.WastedCPU], wasted)
	}
	slices.Sort(lats)
	if got := slices.Sorted(slices.Values(res.Latencies)); !slices.Equal(got, lats) {
		return fmt.Errorf("latencies %v; the succeeded requests' records give %v", got, lats)
	}
	if len(lats) > 0 {
		var sum sim.Time
		for _, l := range lats {
			sum += l
		}
		checks := []struct {
			m    sim.Metric
			want float64
		}{
			{sim.LatencyMean, float64(sum) / float64(len(lats)) / float64(sim.Second)},
			{sim.LatencyP50, nearestRank(lats, 0.50)},
			{sim.LatencyP99, nearestRank(lats, 0.99)},
			{sim.LatencyMax, lats[len(lats)-1].Seconds()},
		}
		for _, ch := range checks {
			if !near(v[ch.m], ch.want) {
				return fmt.Errorf("%v = %v; the succeeded requests' records give %v", ch.m, v[ch.m], ch.want)
			}
		}
	}
	if served == 0 {
		for _, m := range []sim.Metric{sim.Makespan, sim.Throughput, sim.Goodput, sim.InFlightMean, sim.WaitMean} {
			if v[m] != 0 {
				return fmt.Errorf("no counted attempt served, but %v = %v", m, v[m])
			}
		}
		return nil
	}
	if res.FirstArrival != first || res.LastCompletion != last {
		return fmt.Errorf("window [%v, %v]; the counted attempts give [%v, %v]", res.FirstArrival, res.LastCompletion, first, last)
	}
	window := last - first
	if want := float64(sumWait) / float64(served) / float64(sim.Second); !near(v[sim.WaitMean], want) {
		return fmt.Errorf("wait_mean_s = %v; the served attempts give %v", v[sim.WaitMean], want)
	}
	if v[sim.Makespan] != window.Seconds() {
		return fmt.Errorf("makespan_s = %v; window %v", v[sim.Makespan], window)
	}
	if window == 0 {
		return nil
	}
	if want := float64(served) / window.Seconds(); !near(v[sim.Throughput], want) {
		return fmt.Errorf("throughput_per_s = %v; %d attempts served over %v give %v", v[sim.Throughput], served, window, want)
	}
	if want := float64(succeeded) / window.Seconds(); !near(v[sim.Goodput], want) {
		return fmt.Errorf("goodput_per_s = %v; %d requests succeeded over %v give %v", v[sim.Goodput], succeeded, window, want)
	}
	// Little's law over the window: the integral of the counted attempts
	// in flight is the sum of their stays within it.
	var stays float64
	for _, rec := range r.records {
		if rec.Counted {
			stays += float64(max(0, min(rec.Completion, last)-rec.Arrival))
		}
	}
	if got := v[sim.InFlightMean] * float64(window); !near(got, stays) {
		return fmt.Errorf("in_flight_mean × window = %v; the counted attempts' stays in it sum to %v", got, stays)
	}
	return nil
}

// cpuSteps returns the total duration of the cpu steps of steps.
func cpuSteps(steps []sim.Step) sim.Time {
	var d sim.Time
	for _, s := range steps {
		if s.Kind == sim.CPU {
			d += s.Dur
		}
	}
	return d
}

// checkClasses checks the figures per class against the records (those
// sim.ClassMetrics lists; the others are zero), and that the counts of the
// classes sum to the run's.
func (c *ServiceCase) checkClasses(r *serviceRun, reqs map[key]*request) error {
	cs := r.res.Summary.Classes
	if len(cs) != c.Classes {
		return fmt.Errorf("figures for %d classes; want %d", len(cs), c.Classes)
	}
	type counts struct {
		requests, succeeded, rejected, timeouts int64
		lats                                    []sim.Time
	}
	per := make([]counts, c.Classes)
	for _, rec := range r.records {
		if !rec.Counted {
			continue
		}
		switch rec.Outcome {
		case sim.OutcomeRejected:
			per[rec.Class].rejected++
		case sim.OutcomeLate, sim.OutcomeAbandoned:
			per[rec.Class].timeouts++
		}
	}
	for k, q := range reqs {
		if !q.counted {
			continue
		}
		per[k.class].requests++
		if q.done >= 0 {
			per[k.class].succeeded++
			per[k.class].lats = append(per[k.class].lats, q.end-q.attempts[0].Arrival)
		}
	}
	summed := [sim.NumMetrics]float64{}
	sums := []sim.Metric{sim.Requests, sim.Succeeded, sim.Failed, sim.Rejected, sim.Timeouts}
	for i, p := range per {
		v := &cs[i]
		for _, m := range sums {
			summed[m] += v[m]
		}
		want := map[sim.Metric]float64{
			sim.Requests: float64(p.requests), sim.Succeeded: float64(p.succeeded), sim.Failed: float64(p.requests - p.succeeded),
			sim.Rejected: float64(p.rejected), sim.Timeouts: float64(p.timeouts),
		}
		if len(p.lats) > 0 {
			slices.Sort(p.lats)
			var sum sim.Time
			for _, l := range p.lats {
				sum += l
			}
			want[sim.LatencyMean] = float64(sum) / float64(len(p.lats)) / float64(sim.Second)
			want[sim.LatencyP50] = nearestRank(p.lats, 0.50)
			want[sim.LatencyP99] = nearestRank(p.lats, 0.99)
		}
		if got := slices.Sorted(slices.Values(r.res.ClassLatencies[i].Exact)); !slices.Equal(got, p.lats) {
			return fmt.Errorf("class %d: latencies %v; its records give %v", i, got, p.lats)
		}
		for _, m := range sim.ClassMetrics() {
			if !near(v[m], want[m]) {
				return fmt.Errorf("class %d: %v = %v; its records give %v", i, m, v[m], want[m])
			}
		}
		// The others are zero (sim.Summary.Classes).
		for m := range sim.NumMetrics {
			if !slices.Contains(sim.ClassMetrics(), m) && v[m] != 0 {
				return fmt.Errorf("class %d: %v = %v, not a figure given per class", i, m, v[m])
			}
		}
	}
	for _, m := range sums {
		if summed[m] != r.res.Values[m] {
			return fmt.Errorf("%v = %v; the classes' sum to %v", m, r.res.Values[m], summed[m])
		}
	}
	return nil
}

// checkResources checks each resource's figures: utilization in [0, 1],
// queue_mean and wait_mean_s at or above 0; utilization and queue_mean
// equal to the integrals of the units held and the tasks waiting (from
// the pools' changes) over the window, divided by the window (and the
// units of all the resource's pools); and, where every attempt is counted,
// the mean wait times the holds equal to the integral of the waiters over
// the whole run (Little's law for the pool's queue).
func (c *ServiceCase) checkResources(cfg strategies.Config, r *serviceRun) error {
	res := r.res
	if len(res.Resources) != len(c.Resources) {
		return fmt.Errorf("figures for %d resources; want %d", len(res.Resources), len(c.Resources))
	}
	allCounted := true
	holds := make([]int64, len(c.Resources))
	for _, rec := range r.records {
		allCounted = allCounted && rec.Counted
		if rec.Counted && (rec.Outcome == sim.OutcomeDone || rec.Outcome == sim.OutcomeLate) {
			for _, s := range r.tasks[key{rec.Class, rec.Index}].steps {
				if s.Kind == sim.Acquire {
					holds[s.Resource]++
				}
			}
		}
	}
	from, to := res.FirstArrival, res.LastCompletion
	for i, rc := range c.Resources {
		f := res.Resources[i]
		util, queue, wait := f[sim.ResourceUtilization], f[sim.ResourceQueueMean], f[sim.ResourceWaitMean]
		if !(util >= 0 && util <= 1+1e-12) || !(queue >= 0) || !(wait >= 0) {
			return fmt.Errorf("%s: utilization %v, queue_mean %v, wait_mean_s %v", rc.Name, util, queue, wait)
		}
		held, waiting := integrate(r.units, i, from, to)
		_, waitingAll := integrate(r.units, i, math.MinInt64, math.MaxInt64)
		var wantUtil, wantQueue float64
		if to > from { // a window: an attempt was served
			window := float64(to - from)
			wantUtil = held / window / float64(rc.Capacity*pools(cfg, rc))
			wantQueue = waiting / window
		}
		if !near(util, wantUtil) || !near(queue, wantQueue) {
			return fmt.Errorf("%s: utilization %v, queue_mean %v; the pools' changes over [%v, %v] give %v, %v", rc.Name, util, queue, from, to, wantUtil, wantQueue)
		}
		if waitingAll == 0 && wait != 0 {
			return fmt.Errorf("%s: wait_mean_s %v, but no task ever waited", rc.Name, wait)
		}
		if allCounted {
			if got := wait * float64(holds[i]) * float64(sim.Second); !near(got, waitingAll) {
				return fmt.Errorf("%s: wait_mean_s × %d holds = %v ns; the waiters integrate to %v ns", rc.Name, holds[i], got, waitingAll)
			}
		}
	}
	return nil
}

// integrate returns the integrals over [from, to] of the units of
// resource res held and of the tasks waiting for them, over all its pools,
// from the pools' changes.
func integrate(units []unitChange, res int, from, to sim.Time) (held, waiting float64) {
	type state struct{ held, waiting int }
	pools := map[int]state{}
	var h, w int // over all pools
	since := from
	add := func(until sim.Time) {
		lo, hi := max(since, from), min(until, to)
		if hi > lo {
			held += float64(hi-lo) * float64(h)
			waiting += float64(hi-lo) * float64(w)
		}
		since = until
	}
	for _, u := range units {
		if u.resource != res {
			continue
		}
		add(u.at)
		p := pools[u.pool]
		h += u.held - p.held
		w += u.waiting - p.waiting
		pools[u.pool] = state{u.held, u.waiting}
	}
	add(to)
	return held, waiting
}

// checkAcquiring checks the contexts waiting for units: under blocking
// and threaded, at the end of every instant, as many contexts are in the
// state acquiring as tasks wait for units; under event_loop, where the
// acquisition is awaited, none ever is.
func checkAcquiring(cfg strategies.Config, r *serviceRun) error {
	if cfg.Kind == strategies.KindEventLoop {
		for _, x := range r.changes {
			if x.state == sim.Acquiring {
				return fmt.Errorf("context %d is acquiring at %v under event_loop", x.ctx, x.at)
			}
		}
		return nil
	}
	state := map[int32]sim.State{}
	waiting := map[poolKey]int{}
	acquiring, waiters := 0, 0
	i, j := 0, 0
	for i < len(r.changes) || j < len(r.units) {
		var at sim.Time
		if j == len(r.units) || i < len(r.changes) && r.changes[i].seq < r.units[j].seq {
			x := r.changes[i]
			i++
			at = x.at
			if state[x.ctx] == sim.Acquiring {
				acquiring--
			}
			if x.state == sim.Acquiring {
				acquiring++
			}
			state[x.ctx] = x.state
		} else {
			u := r.units[j]
			j++
			at = u.at
			k := poolKey{u.resource, u.pool}
			waiters += u.waiting - waiting[k]
			waiting[k] = u.waiting
		}
		nextAt := sim.Time(math.MaxInt64)
		if i < len(r.changes) {
			nextAt = r.changes[i].at
		}
		if j < len(r.units) {
			nextAt = min(nextAt, r.units[j].at)
		}
		if nextAt > at && acquiring != waiters {
			return fmt.Errorf("at the end of instant %v, %d contexts are acquiring and %d tasks wait for units", at, acquiring, waiters)
		}
	}
	return nil
}

// String describes the case, for the message of a failed check.
func (c ServiceCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cores %d, warm-up %v, horizon %v, classes %d, requests %d per client, think %v\n", c.Cores, c.Warmup, c.Until, c.Classes, c.Requests, c.Think)
	fmt.Fprintf(&b, "resources %+v\nclients %+v\n", c.Resources, c.Clients)
	for _, t := range c.Tasks {
		fmt.Fprintf(&b, "task %d/%d client %d at %v: %v\n", t.Class, t.Index, t.Client, t.Arrival, t.Steps)
	}
	for _, s := range c.Strategies {
		fmt.Fprintf(&b, "strategy %+v\n", s)
	}
	return b.String()
}

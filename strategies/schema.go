package strategies

import (
	"fmt"
	"slices"
	"strings"

	"asyncsim/internal/schema"
	"asyncsim/sim"
)

// Limits on strategy parameters, so that every accepted strategy can be
// simulated in bounded memory.
const (
	// MaxPool bounds workers, threads, loops, executor and loops ×
	// executor.
	MaxPool = 1_000_000
	// MaxInFlight bounds max_concurrency.
	MaxInFlight = 1_000_000_000
	// MinSwitchInterval is the resolution of CPython's switch interval.
	MinSwitchInterval = sim.Microsecond
)

// Param is one parameter of a strategy kind as the workload format
// writes it.
type Param struct {
	// Key is the parameter's YAML key.
	Key string
	// Field returns the Config field the parameter sets: an *int, a
	// *bool, a *sim.Time, a *float64 or a *string (one of Values). It is
	// nil for name, kind and runtime, which the parser handles itself.
	Field func(c *Config) any
	// Min and Max bound an integer parameter.
	Min, Max int64
	// Values are the values a string parameter may take.
	Values []string
	// Check, if set, checks the value just set in c and returns what is
	// wrong with it, or "".
	Check func(c *Config) string
	// Default is the default value as the reference states it.
	Default string
	// Doc says what the parameter means, for the reference.
	Doc string
}

// KindSchema is everything the workload format knows of a kind: its
// parameters, their defaults, the checks that span parameters, and its
// documentation.
type KindSchema struct {
	Kind Kind
	// Params are the kind's own parameters, in documentation order.
	Params []Param
	// Defaults sets the defaults of the kind's parameters in c, for a
	// machine of the given cores.
	Defaults func(c *Config, cores int)
	// Resolve, if set, sets the defaults that depend on other parameters
	// or on the runtime profile rt, once every parameter given is set:
	// given reports whether the workload gave a key.
	Resolve func(c *Config, given func(key string) bool, rt *Runtime)
	// Check, if set, checks c once every parameter is set, and returns
	// the key at fault ("" for the strategy as a whole) and what is
	// wrong, or "", "".
	Check func(c *Config) (key, problem string)
}

// Common are the parameters of every kind: Name (which defaults to the
// kind) and Kind come first, SwitchCost, Backlog and BacklogFull after
// the kind's own (see ResolveCommon and CheckCommon for the rules that
// span them).
var Common = []Param{
	{Key: "name", Default: "the kind", Doc: "label in every output; names are unique"},
	{Key: "kind", Doc: "blocking, threaded or event_loop"},
	{Key: "switch_cost", Field: func(c *Config) any { return &c.SwitchCost }, Default: "`0s`", Doc: "CPU consumed per context switch or coroutine resume"},
	{Key: "backlog", Field: func(c *Config) any { return &c.Backlog }, Min: 0, Max: MaxInFlight, Default: "unlimited",
		Doc: "at most this many tasks wait for a context (the accept queue, the queue for a thread, each loop's admission queue, which needs `max_concurrency`); an arrival that finds it full meets `backlog_full`; 0: none wait"},
	{Key: "backlog_full", Field: func(c *Config) any { return &c.BacklogFull }, Values: []string{BacklogReject, BacklogSYNRetry}, Default: "`reject`",
		Doc: "`reject`: refused at once (a 503); `syn_retry`: a kernel's listen backlog, the SYN dropped and retransmitted after 1, 3, 7, 15, 31 and 63 s, then refused"},
}

// ResolveCommon sets the defaults of the common parameters that depend on
// which keys the workload gave (given reports whether it gave a key): a
// backlog makes the queue bounded, and backlog_full defaults to
// BacklogReject.
func ResolveCommon(c *Config, given func(key string) bool) {
	c.Bounded = given("backlog")
	if !given("backlog_full") {
		c.BacklogFull = BacklogReject
	}
}

// CheckCommon checks the common parameters of c once every parameter is
// set and ResolveCommon has run (given reports whether the workload gave
// a key), and returns the key at fault and what is wrong, or "", "".
func CheckCommon(c *Config, given func(key string) bool) (key, problem string) {
	switch {
	case !c.Bounded && given("backlog_full"):
		return "backlog_full", "backlog_full has no effect without backlog: the queue is unlimited, nothing is ever refused"
	case c.Bounded && c.Kind == KindEventLoop && c.MaxConcurrency == 0:
		return "backlog", "backlog needs max_concurrency > 0 under event_loop: without a cap on the coroutines in flight, no task ever waits for admission"
	case c.Bounded && c.Kind == KindThreaded && c.Threads == 0:
		return "backlog", "backlog has no effect with threads: 0 (a thread per task): no task ever waits for a thread"
	}
	return "", ""
}

// runtimeParam is the key that names a strategy's own runtime profile.
var runtimeParam = Param{Key: "runtime", Default: "the workload's", Doc: "a runtime profile (YAML, relative to the workload file) whose values become this strategy's defaults of the runtime models' parameters"}

// checkUnit returns what is wrong with a probability x, or "".
func checkUnit(key string, x float64) string {
	if !(x >= 0 && x <= 1) {
		return fmt.Sprintf("%s must be a probability between 0 and 1, got %s", key, schema.FormatFloat(x))
	}
	return ""
}

// Schemas are the strategy kinds, in the order of Kinds.
var Schemas = []KindSchema{
	{
		Kind: KindBlocking,
		Params: []Param{
			{Key: "workers", Field: func(c *Config) any { return &c.Workers }, Min: 1, Max: MaxPool, Default: "1", Doc: "single-threaded worker processes"},
		},
		Defaults: func(c *Config, _ int) { c.Workers = 1 },
	},
	{
		Kind: KindThreaded,
		Params: []Param{
			{Key: "threads", Field: func(c *Config) any { return &c.Threads }, Min: 0, Max: MaxPool, Default: "min(32, cores+4)", Doc: "pool size; 0 is one thread per task"},
			{Key: "gil", Field: func(c *Config) any { return &c.GIL }, Default: "false", Doc: "at most one thread runs CPU at a time"},
			{Key: "switch_interval", Field: func(c *Config) any { return &c.SwitchInterval }, Default: "`5ms`", Doc: "how long a GIL holder may run while others wait",
				Check: func(c *Config) string {
					if c.SwitchInterval < MinSwitchInterval {
						return fmt.Sprintf("switch_interval must be at least 1us (CPython's resolution), got %s", schema.FormatDuration(c.SwitchInterval))
					}
					return ""
				}},
			{Key: "gil_handover", Field: func(c *Config) any { return &c.GILHandover }, Values: []string{HandoverFIFO, HandoverCPython}, Default: "`fifo`",
				Doc: "`fifo`: to the longest waiter; `cpython`: CPython's rule (per-waiter timers, a requester, the winner drawn)"},
			{Key: "gil_requester_bias", Field: func(c *Config) any { return &c.GILRequesterBias }, Default: "the runtime profile's, else 0.56 (calibrated on CPython 3.11)",
				Doc:   "under `gil_handover: cpython`, the probability that the thread that requested a forced drop wins the GIL against one other waiter (its odds against each of several)",
				Check: func(c *Config) string { return checkUnit("gil_requester_bias", c.GILRequesterBias) }},
			runtimeParam,
		},
		Defaults: func(c *Config, cores int) {
			c.Threads = DefaultPoolSize(cores)
			c.SwitchInterval = DefaultSwitchInterval
			c.GILHandover = HandoverFIFO
		},
		Resolve: func(c *Config, given func(string) bool, rt *Runtime) {
			if c.GILHandover == HandoverCPython && !given("gil_requester_bias") {
				c.GILRequesterBias = rt.RequesterBias
			}
		},
		Check: func(c *Config) (string, string) {
			if c.GIL && c.SwitchCost >= c.SwitchInterval {
				return "switch_cost", fmt.Sprintf("switch_cost %s must be shorter than switch_interval %s: a thread could spend its whole turn with the GIL switching",
					schema.FormatDuration(c.SwitchCost), schema.FormatDuration(c.SwitchInterval))
			}
			return "", ""
		},
	},
	{
		Kind: KindEventLoop,
		Params: []Param{
			{Key: "loops", Field: func(c *Config) any { return &c.Loops }, Min: 1, Max: MaxPool, Default: "1", Doc: "event-loop processes, tasks assigned round-robin"},
			{Key: "executor", Field: func(c *Config) any { return &c.Executor }, Min: 1, Max: MaxPool, Default: "min(32, cores+4)", Doc: "executor threads per loop"},
			{Key: "offload", Field: func(c *Config) any { return &c.Offload }, Default: "false", Doc: "run `blocking_io` on the executor (`run_in_executor`)"},
			{Key: "await_blocking", Field: func(c *Config) any { return &c.AwaitBlocking }, Default: "false", Doc: "replace each `blocking_io` by its awaitable equivalent"},
			{Key: "max_concurrency", Field: func(c *Config) any { return &c.MaxConcurrency }, Min: 0, Max: MaxInFlight, Default: "0 (no cap)", Doc: "coroutines in flight per loop; the rest wait FIFO"},
			{Key: "loop_model", Field: func(c *Config) any { return &c.LoopModel }, Values: []string{LoopFIFO, LoopAsyncio, LoopUVLoop}, Default: "`fifo`",
				Doc: "`fifo`: the head of the ready queue whenever the loop is free, at no cost; `asyncio`, `uvloop`: iterations, each a poll and then the coroutines ready when it began"},
			{Key: "poll_cost", Field: func(c *Config) any { return &c.PollCost }, Default: "the runtime profile's, else asyncio 2.8us, uvloop 0s (calibrated)",
				Doc: "under `loop_model: asyncio` or `uvloop`, the loop thread's CPU per iteration"},
			{Key: "resume_cost", Field: func(c *Config) any { return &c.ResumeCost }, Default: "the runtime profile's, else asyncio 2.4us, uvloop 1.5us (calibrated)",
				Doc: "under `loop_model: asyncio` or `uvloop`, the loop thread's CPU per coroutine resume"},
			runtimeParam,
		},
		Defaults: func(c *Config, cores int) {
			c.Loops = 1
			c.Executor = DefaultPoolSize(cores)
			c.LoopModel = LoopFIFO
		},
		Resolve: func(c *Config, given func(string) bool, rt *Runtime) {
			if c.LoopModel == LoopFIFO {
				return
			}
			costs := rt.Loop(c.LoopModel)
			if !given("poll_cost") {
				c.PollCost = costs.Poll
			}
			if !given("resume_cost") {
				c.ResumeCost = costs.Resume
			}
		},
		Check: func(c *Config) (string, string) {
			if threads := int64(c.Loops) * int64(c.Executor); c.Offload && !c.AwaitBlocking && threads > MaxPool {
				return "", fmt.Sprintf("loops × executor is %d threads, more than %d: use fewer loops or a smaller executor", threads, MaxPool)
			}
			return "", ""
		},
	},
}

// SchemaOf returns the schema of kind k.
func SchemaOf(k Kind) (*KindSchema, bool) {
	for i := range Schemas {
		if Schemas[i].Kind == k {
			return &Schemas[i], true
		}
	}
	return nil, false
}

// Keys returns every key a strategy of this kind takes, in documentation
// order: name, kind, the kind's own, switch_cost.
func (s *KindSchema) Keys() []string {
	keys := []string{Common[0].Key, Common[1].Key}
	for _, p := range s.Params {
		keys = append(keys, p.Key)
	}
	for _, p := range Common[2:] {
		keys = append(keys, p.Key)
	}
	return keys
}

// Param returns the parameter key of the kind, its own or a common one.
func (s *KindSchema) Param(key string) (*Param, bool) {
	for _, ps := range [][]Param{Common, s.Params} {
		for i := range ps {
			if ps[i].Key == key {
				return &ps[i], true
			}
		}
	}
	return nil, false
}

// AllKeys returns every key any strategy takes, in documentation order,
// each once (runtime belongs to two kinds).
func AllKeys() []string {
	keys := []string{Common[0].Key, Common[1].Key}
	for _, s := range Schemas {
		for _, p := range s.Params {
			if !slices.Contains(keys, p.Key) {
				keys = append(keys, p.Key)
			}
		}
	}
	for _, p := range Common[2:] {
		keys = append(keys, p.Key)
	}
	return keys
}

// KindNames returns the names of the kinds, in the order of Kinds.
func KindNames() []string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return names
}

// Reference returns the reference table of the strategies' parameters in
// Markdown, as the README shows it: kind, parameter, default, meaning.
func Reference() string {
	var b strings.Builder
	b.WriteString("| kind | parameter | default | meaning |\n| --- | --- | --- | --- |\n")
	row := func(kind string, p Param) {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", kind, p.Key, p.Default, p.Doc)
	}
	row("all", Common[0])
	for _, p := range Common[2:] {
		row("all", p)
	}
	for _, s := range Schemas {
		for _, p := range s.Params {
			row("`"+string(s.Kind)+"`", p)
		}
	}
	return b.String()
}

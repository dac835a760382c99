package strategies

import (
	"fmt"
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
	// *bool or a *sim.Time. It is nil for name and kind, which the
	// parser handles itself.
	Field func(c *Config) any
	// Min and Max bound an integer parameter.
	Min, Max int64
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
	// Check, if set, checks c once every parameter is set, and returns
	// the key at fault ("" for the strategy as a whole) and what is
	// wrong, or "", "".
	Check func(c *Config) (key, problem string)
}

// Common are the parameters of every kind: Name (which defaults to the
// kind) and Kind come first, SwitchCost after the kind's own.
var Common = []Param{
	{Key: "name", Default: "the kind", Doc: "label in every output; names are unique"},
	{Key: "kind", Doc: "blocking, threaded or event_loop"},
	{Key: "switch_cost", Field: func(c *Config) any { return &c.SwitchCost }, Default: "`0s`", Doc: "CPU consumed per context switch or coroutine resume"},
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
		},
		Defaults: func(c *Config, cores int) {
			c.Threads = DefaultPoolSize(cores)
			c.SwitchInterval = DefaultSwitchInterval
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
		},
		Defaults: func(c *Config, cores int) {
			c.Loops = 1
			c.Executor = DefaultPoolSize(cores)
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

// AllKeys returns every key any strategy takes, in documentation order.
func AllKeys() []string {
	keys := []string{Common[0].Key, Common[1].Key}
	for _, s := range Schemas {
		for _, p := range s.Params {
			keys = append(keys, p.Key)
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

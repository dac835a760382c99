package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// Limits on what a workload may ask for, so that every accepted workload
// can be simulated exactly, in bounded memory and without overflow.
const (
	maxCores        = 4096
	maxReplications = 10000
	maxTasks        = 1_000_000_000 // tasks per replication
	maxClients      = 1_000_000     // clients per class
	maxTaskSteps    = 1_000_000     // steps of one task, repeats expanded
	maxPool         = 1_000_000     // workers, threads, loops, executor
	maxInFlight     = 1_000_000_000 // max_concurrency
	maxRepeatDepth  = 64            // nesting of repeat blocks
	maxMergeDepth   = 16            // nesting of YAML merge keys
	maxNameLen      = 100           // class and strategy names
	maxNodes        = 1_000_000     // YAML nodes visited, aliases expanded
	// maxEvents bounds the steps of a replication (tasks × expanded steps)
	// and, under a GIL, the forced hand-overs (CPU time / switch_interval):
	// each is at least one event, and more would take hours to simulate.
	maxEvents = 10_000_000_000
	// minSwitchInterval is the resolution of CPython's switch interval.
	minSwitchInterval = sim.Microsecond
	// maxHorizon bounds the virtual time a replication may span, estimated
	// from mean durations, far below the 292 years an int64 of
	// nanoseconds holds.
	maxHorizon = 10 * 365 * 24 * sim.Hour
)

// The keys valid at each place of a workload.
var (
	workloadKeys = []string{"name", "description", "seed", "replications", "warmup", "machine", "tasks", "strategies"}
	machineKeys  = []string{"cores"}
	classKeys    = []string{"name", "count", "arrival", "clients", "steps"}
	arrivalKeys  = []string{"start", "interarrival"}
	clientsKeys  = []string{"count", "requests", "think"}
	stepKeys     = []string{"cpu", "io", "blocking_io", "repeat", "steps"}
	distKeys     = []string{"exp", "uniform", "normal", "lognormal", "pareto", "choice"}
	normalKeys   = []string{"mean", "stddev"}
	lognormKeys  = []string{"median", "sigma"}
	paretoKeys   = []string{"min", "alpha"}
	choiceKeys   = []string{"value", "weight"}
	strategyKeys = []string{"name", "kind", "workers", "threads", "gil", "switch_interval",
		"loops", "executor", "offload", "await_blocking", "max_concurrency", "switch_cost"}
	kindKeys = map[strategies.Kind][]string{
		strategies.KindBlocking:  {"name", "kind", "workers", "switch_cost"},
		strategies.KindThreaded:  {"name", "kind", "threads", "gil", "switch_interval", "switch_cost"},
		strategies.KindEventLoop: {"name", "kind", "loops", "executor", "offload", "await_blocking", "max_concurrency", "switch_cost"},
	}
)

var (
	workloadName = regexp.MustCompile(`^[a-z0-9._-]+$`)
	plainNumber  = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$`)
	yamlLineErr  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// Load reads and parses the workload file at path. When there is no such
// file and path has no path separator, it loads the embedded example of
// that name (with or without ".yaml"), naming it "example:NAME" in errors.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(path, "/"+string(filepath.Separator)) {
			if ex, ok := LookupExample(strings.TrimSuffix(path, ".yaml")); ok {
				return Parse("example:"+ex.Name, ex.YAML)
			}
			names := make([]string, 0, len(Examples()))
			for _, ex := range Examples() {
				names = append(names, ex.Name)
			}
			return nil, fmt.Errorf("workloads: %w (nor is it an example: %s)", err, strings.Join(names, ", "))
		}
		return nil, fmt.Errorf("workloads: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates the workload document data, read from file.
// It returns either a Spec with every default resolved, or an ErrorList
// naming each problem's line and column.
func Parse(file string, data []byte) (*Spec, error) {
	doc, err := decode(file, data)
	if err != nil {
		return nil, err
	}
	return ParseNode(file, doc)
}

// decode parses data as exactly one YAML document.
func decode(file string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("invalid YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var d yaml.Node
	if err := dec.Decode(&d); err != nil {
		if err == io.EOF {
			return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "empty document: expected a workload with name, tasks and strategies"}}
		}
		return nil, yamlError(file, data, err)
	}
	var d2 yaml.Node
	switch err := dec.Decode(&d2); {
	case err == io.EOF:
	case err != nil:
		return nil, yamlError(file, data, err)
	default:
		line, col := d2.Line, d2.Column
		if len(d2.Content) > 0 && d2.Content[0].Line > 0 {
			line, col = d2.Content[0].Line, d2.Content[0].Column
		}
		return nil, ErrorList{{File: file, Line: line, Col: col, Msg: "a second YAML document: a workload file holds exactly one"}}
	}
	return &d, nil
}

// parserProblems are the messages of the YAML parser (as opposed to its
// scanner). The parser reports 0-based lines; the scanner 1-based ones.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError converts an error of the YAML parser on data to an ErrorList.
func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	line := 1
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			line = n
		}
		msg = m[2]
		if slices.Contains(parserProblems, msg) {
			lines := bytes.Count(data, []byte("\n"))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				lines++
			}
			line = max(1, min(line+1, lines))
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	col := 1
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		// The parser names no position for an alias to an unknown anchor:
		// find the alias's first use.
		line, col = findAlias(data, m[1])
	}
	return ErrorList{{File: file, Line: line, Col: col, Msg: "invalid YAML: " + msg}}
}

// unknownAnchor matches the YAML parser's message about an alias whose
// anchor is not defined.
var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// findAlias returns the line and column of the first alias *name in data
// (a "*name" not followed by another character of an anchor name), or 1, 1.
func findAlias(data []byte, name string) (line, col int) {
	alias := []byte("*" + name)
	for i := 0; ; {
		j := bytes.Index(data[i:], alias)
		if j < 0 {
			return 1, 1
		}
		at, end := i+j, i+j+len(alias)
		if end == len(data) || bytes.IndexByte([]byte(" \t\r\n,]}"), data[end]) >= 0 {
			before := data[:at]
			start := bytes.LastIndexByte(before, '\n') + 1
			return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
		}
		i = at + 1
	}
}

// ParseNode validates a workload given as a YAML node tree (a document node
// or its root mapping) with the same checks as Parse. Sweeps use it to
// validate a workload they edited.
func ParseNode(file string, doc *yaml.Node) (spec *Spec, err error) {
	p := &parser{file: file}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(abort); !ok {
				panic(r)
			}
			spec, err = nil, p.result()
		}
	}()
	s := p.workload(doc)
	if err := p.result(); err != nil {
		return nil, err
	}
	return s, nil
}

// abort is panicked (and recovered in ParseNode) to stop parsing early.
type abort struct{}

// parser walks a workload's node tree, collecting errors.
type parser struct {
	file       string
	errs       ErrorList
	more       *Error // the "too many errors" error, if any
	visits     int
	mergeDepth int
	// strategyNodes are the mappings of the Spec's strategies.
	strategyNodes []*yaml.Node
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil {
		line, col = n.Line, n.Column
	}
	e := &Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	if len(p.errs) == maxErrors {
		e.Msg = "too many errors"
		p.more = e
		panic(abort{})
	}
	p.errs = append(p.errs, e)
}

// result returns the errors found, in order of position, or nil.
func (p *parser) result() error {
	if len(p.errs) == 0 {
		return nil
	}
	sortErrors(p.errs)
	if p.more != nil {
		p.errs = append(p.errs, p.more)
		p.more = nil
	}
	return p.errs
}

// deref follows aliases, and counts the nodes visited so that aliases
// cannot make a small document expensive to walk.
func (p *parser) deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i >= 100 {
			p.errorf(n, "unresolved alias *%s", n.Value)
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
		}
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	p.visits++
	if p.visits > maxNodes {
		p.errorf(n, "the document is too large once its aliases are expanded (more than %d nodes)", maxNodes)
		panic(abort{})
	}
	return n
}

// describe names what n is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return "an empty sequence"
		}
		return "a sequence"
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			return "an empty mapping"
		}
		return "a mapping"
	case yaml.DocumentNode:
		return "a document"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		v := n.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "..."
		}
		return strconv.Quote(v)
	}
	return "nothing"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// pair is one key and its value in a mapping.
type pair struct {
	name     string
	key, val *yaml.Node
}

// fields are the checked pairs of a mapping, merge keys resolved.
type fields struct {
	node  *yaml.Node
	pairs []pair
	bad   bool // some key was unknown, duplicated or malformed
	// suggested are the spellings suggested for unknown keys: such a key
	// is not reported missing as well.
	suggested []string
}

// get returns the pair named name.
func (f *fields) get(name string) (pair, bool) {
	for _, p := range f.pairs {
		if p.name == name {
			return p, true
		}
	}
	return pair{}, false
}

// mapping checks the keys of the mapping n against valid, reporting
// unknown (with a suggestion), duplicated and malformed keys, and resolves
// YAML merge keys (<<).
func (p *parser) mapping(n *yaml.Node, place string, valid []string) *fields {
	f := &fields{node: n}
	seen := make(map[string]*yaml.Node)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			p.errorf(k, "expected a field name, got %s", describe(k))
			f.bad = true
			continue
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		name := k.Value
		if first, dup := seen[name]; dup {
			p.errorf(k, "duplicate field %q (first on line %d)", name, first.Line)
			f.bad = true
			continue
		}
		seen[name] = k
		if !slices.Contains(valid, name) {
			if s := p.unknown(k, "field", name, " in "+place, valid); s != "" {
				f.suggested = append(f.suggested, s)
			}
			f.bad = true
			continue
		}
		f.pairs = append(f.pairs, pair{name: name, key: k, val: v})
	}
	for _, m := range merges {
		p.mergeDepth++
		if p.mergeDepth > maxMergeDepth {
			p.errorf(m, "merge keys (<<) nested more than %d deep", maxMergeDepth)
			panic(abort{})
		}
		m = p.deref(m)
		var maps []*yaml.Node
		switch m.Kind {
		case yaml.MappingNode:
			maps = append(maps, m)
		case yaml.SequenceNode:
			for _, item := range m.Content {
				if item = p.deref(item); item.Kind == yaml.MappingNode {
					maps = append(maps, item)
				} else {
					p.errorf(item, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(item))
					f.bad = true
				}
			}
		default:
			p.errorf(m, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(m))
			f.bad = true
		}
		for _, mm := range maps {
			sub := p.mapping(mm, place, valid)
			f.bad = f.bad || sub.bad
			f.suggested = append(f.suggested, sub.suggested...)
			for _, sp := range sub.pairs {
				if _, ok := seen[sp.name]; !ok {
					seen[sp.name] = sp.key
					f.pairs = append(f.pairs, sp)
				}
			}
		}
		p.mergeDepth--
	}
	return f
}

// unknown reports an unknown name (a field, a distribution or a kind),
// suggesting the closest valid one, which it returns.
func (p *parser) unknown(n *yaml.Node, what, name, where string, valid []string) string {
	if s := suggest(name, valid); s != "" {
		p.errorf(n, "unknown %s %q%s; did you mean %q?", what, name, where, s)
		return s
	}
	p.errorf(n, "unknown %s %q%s (expected one of %s)", what, name, where, strings.Join(valid, ", "))
	return ""
}

// required reports a missing field of f.
func (p *parser) required(f *fields, name, place string) (pair, bool) {
	pr, ok := f.get(name)
	if !ok && !slices.Contains(f.suggested, name) {
		p.errorf(f.node, "missing field %q in %s", name, place)
	}
	return pr, ok
}

// asMapping derefs n and checks that it is a mapping.
func (p *parser) asMapping(n *yaml.Node, what string) (*yaml.Node, bool) {
	n = p.deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "expected %s, got %s", what, describe(n))
		return n, false
	}
	return n, true
}

// str parses a non-empty string scalar.
func (p *parser) str(n *yaml.Node) (string, bool) {
	n = p.deref(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "expected a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// integer parses an integer in [lo, hi], field naming it in messages and
// unit (if any) qualifying hi.
func (p *parser) integer(n *yaml.Node, field string, lo, hi int64, unit ...string) (int64, bool) {
	n = p.deref(n)
	var v int64
	switch {
	case n.Kind != yaml.ScalarNode:
		p.errorf(n, "expected an integer, got %s", describe(n))
		return 0, false
	case n.ShortTag() == "!!int":
		if err := n.Decode(&v); err != nil {
			p.errorf(n, "%s %s is out of range (at most %d)", field, n.Value, hi)
			return 0, false
		}
	case n.ShortTag() == "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			p.errorf(n, "expected an integer, got %s", describe(n))
			return 0, false
		}
		v = int64(f)
	default:
		p.errorf(n, "expected an integer, got %s", describe(n))
		return 0, false
	}
	switch {
	case v < lo && lo == 0:
		p.errorf(n, "%s must not be negative, got %d", field, v)
	case v < lo:
		p.errorf(n, "%s must be at least %d, got %d", field, lo, v)
	case v > hi:
		p.errorf(n, "%s %d is too large: at most %s", field, v, strings.Join(append([]string{strconv.FormatInt(hi, 10)}, unit...), " "))
	default:
		return v, true
	}
	return 0, false
}

// seed parses a uint64.
func (p *parser) seed(n *yaml.Node) (uint64, bool) {
	n = p.deref(n)
	var v uint64
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if err := n.Decode(&v); err == nil {
			return v, true
		}
		p.errorf(n, "seed must be an integer between 0 and %d, got %s", uint64(math.MaxUint64), n.Value)
		return 0, false
	}
	p.errorf(n, "expected an integer, got %s", describe(n))
	return 0, false
}

// boolean parses true or false.
func (p *parser) boolean(n *yaml.Node) (bool, bool) {
	n = p.deref(n)
	var v bool
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&v) == nil {
		return v, true
	}
	p.errorf(n, "expected true or false, got %s", describe(n))
	return false, false
}

// number parses a finite floating-point number.
func (p *parser) number(n *yaml.Node, field string) (float64, bool) {
	n = p.deref(n)
	var v float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&v) != nil {
		p.errorf(n, "expected a number, got %s", describe(n))
		return 0, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		p.errorf(n, "%s must be a finite number, got %s", field, n.Value)
		return 0, false
	}
	return v, true
}

// duration parses a Go duration string in [0, sim.MaxDuration].
func (p *parser) duration(n *yaml.Node) (sim.Time, bool) {
	n = p.deref(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "expected a duration like \"5ms\", got %s", describe(n))
		return 0, false
	}
	v := strings.TrimSpace(n.Value)
	d, err := time.ParseDuration(v)
	switch {
	case err != nil && plainNumber.MatchString(v):
		p.errorf(n, "duration %s needs a unit, like %sms or %ss", v, v, v)
	case err != nil:
		p.errorf(n, "invalid duration %s: expected a Go duration like \"5ms\", \"1.5s\" or \"250us\"", describe(n))
	case d < 0:
		p.errorf(n, "duration %s must not be negative", v)
	case sim.Time(d) > sim.MaxDuration:
		p.errorf(n, "duration %s is longer than the maximum of %s", v, fmtTime(sim.MaxDuration))
	default:
		return sim.Time(d), true
	}
	return 0, false
}

// dist parses a distribution: a plain duration or a one-key mapping.
func (p *parser) dist(n *yaml.Node) (*Dist, bool) {
	n = p.deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		d, ok := p.duration(n)
		return Constant(d), ok
	case yaml.MappingNode:
	default:
		p.errorf(n, "expected a duration like \"5ms\" or a distribution like {exp: 5ms}, got %s", describe(n))
		return nil, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := p.deref(n.Content[i]); k.Kind == yaml.ScalarNode && k.ShortTag() != "!!merge" && !slices.Contains(distKeys, k.Value) {
			p.unknown(k, "distribution", k.Value, "", distKeys)
			return nil, false
		}
	}
	f := p.mapping(n, "distribution", distKeys)
	if len(f.pairs) == 0 {
		if !f.bad {
			p.errorf(n, "expected a duration like \"5ms\" or a distribution like {exp: 5ms}, got %s", describe(n))
		}
		return nil, false
	}
	if len(f.pairs) > 1 {
		p.errorf(f.pairs[1].key, "a distribution has one family, not both %s and %s", f.pairs[0].name, f.pairs[1].name)
		return nil, false
	}
	if f.bad {
		return nil, false
	}
	pr := f.pairs[0]
	switch pr.name {
	case "exp":
		m, ok := p.duration(pr.val)
		if ok && m == 0 {
			p.errorf(p.deref(pr.val), "exp mean must be positive")
			ok = false
		}
		return expDist(m), ok
	case "uniform":
		s := p.deref(pr.val)
		if s.Kind != yaml.SequenceNode || len(s.Content) != 2 {
			what := describe(s)
			if s.Kind == yaml.SequenceNode && len(s.Content) == 1 {
				what = "1 value"
			} else if s.Kind == yaml.SequenceNode {
				what = fmt.Sprintf("%d values", len(s.Content))
			}
			p.errorf(s, "uniform takes [MIN, MAX], got %s", what)
			return nil, false
		}
		lo, ok1 := p.duration(s.Content[0])
		hi, ok2 := p.duration(s.Content[1])
		if ok1 && ok2 && lo > hi {
			p.errorf(s, "uniform min %s is greater than max %s", fmtTime(lo), fmtTime(hi))
			return nil, false
		}
		return &Dist{kind: distUniform, d1: lo, d2: hi}, ok1 && ok2
	case "normal":
		v, ok := p.asMapping(pr.val, "a mapping like {mean: 5ms, stddev: 1ms}")
		if !ok {
			return nil, false
		}
		g := p.mapping(v, "normal distribution", normalKeys)
		mean, ok1 := p.durationField(g, "mean", "normal distribution")
		sd, ok2 := p.durationField(g, "stddev", "normal distribution")
		return &Dist{kind: distNormal, d1: mean, d2: sd}, ok1 && ok2 && !g.bad
	case "lognormal":
		v, ok := p.asMapping(pr.val, "a mapping like {median: 5ms, sigma: 0.5}")
		if !ok {
			return nil, false
		}
		g := p.mapping(v, "lognormal distribution", lognormKeys)
		med, ok1 := p.durationField(g, "median", "lognormal distribution")
		if ok1 && med == 0 {
			pr, _ := g.get("median")
			p.errorf(p.deref(pr.val), "lognormal median must be positive")
			ok1 = false
		}
		sigma, ok2 := p.numberField(g, "sigma", "lognormal distribution", false)
		return &Dist{kind: distLogNormal, d1: med, x: sigma}, ok1 && ok2 && !g.bad
	case "pareto":
		v, ok := p.asMapping(pr.val, "a mapping like {min: 1ms, alpha: 1.5}")
		if !ok {
			return nil, false
		}
		g := p.mapping(v, "pareto distribution", paretoKeys)
		xm, ok1 := p.durationField(g, "min", "pareto distribution")
		if ok1 && xm == 0 {
			pr, _ := g.get("min")
			p.errorf(p.deref(pr.val), "pareto min must be positive")
			ok1 = false
		}
		alpha, ok2 := p.numberField(g, "alpha", "pareto distribution", true)
		return &Dist{kind: distPareto, d1: xm, x: alpha}, ok1 && ok2 && !g.bad
	case "choice":
		return p.choice(pr.val)
	}
	return nil, false
}

// durationField parses the required duration field name of f.
func (p *parser) durationField(f *fields, name, place string) (sim.Time, bool) {
	pr, ok := p.required(f, name, place)
	if !ok {
		return 0, false
	}
	return p.duration(pr.val)
}

// numberField parses the required number field name of f, which must not
// be negative, and must be positive if positive is set.
func (p *parser) numberField(f *fields, name, place string, positive bool) (float64, bool) {
	pr, ok := p.required(f, name, place)
	if !ok {
		return 0, false
	}
	v, ok := p.number(pr.val, name)
	switch {
	case !ok:
	case positive && v <= 0:
		p.errorf(p.deref(pr.val), "%s must be positive, got %s", name, fmtFloat(v))
	case v < 0:
		p.errorf(p.deref(pr.val), "%s must not be negative, got %s", name, fmtFloat(v))
	default:
		return v, true
	}
	return 0, false
}

// choice parses [{value: D, weight: W}, ...]; weight defaults to 1.
func (p *parser) choice(n *yaml.Node) (*Dist, bool) {
	n = p.deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, "choice takes a non-empty list like [{value: 1ms, weight: 3}, {value: 10ms, weight: 1}], got %s", describe(n))
		return nil, false
	}
	d := &Dist{kind: distChoice}
	ok := true
	for _, item := range n.Content {
		item, isMap := p.asMapping(item, "a mapping like {value: 1ms, weight: 3}")
		if !isMap {
			ok = false
			continue
		}
		g := p.mapping(item, "choice", choiceKeys)
		v, ok1 := p.durationField(g, "value", "choice")
		w, ok2 := 1.0, true
		if pr, has := g.get("weight"); has {
			w, ok2 = p.number(pr.val, "weight")
			if ok2 && w < 0 {
				p.errorf(p.deref(pr.val), "weight must not be negative, got %s", fmtFloat(w))
				ok2 = false
			}
		}
		if !ok1 || !ok2 || g.bad {
			ok = false
			continue
		}
		d.total += w
		d.choices = append(d.choices, choice{value: v, weight: w, cum: d.total})
	}
	if !ok {
		return nil, false
	}
	if !(d.total > 0) || math.IsInf(d.total, 0) {
		if d.total == 0 {
			p.errorf(n, "choice weights must not all be zero")
		} else {
			p.errorf(n, "choice weights must have a finite sum")
		}
		return nil, false
	}
	return d, true
}

// workload parses the whole document.
func (p *parser) workload(doc *yaml.Node) *Spec {
	if doc == nil {
		p.errorf(nil, "empty document: expected a workload with name, tasks and strategies")
		return nil
	}
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			p.errorf(root, "empty document: expected a workload with name, tasks and strategies")
			return nil
		}
		root = root.Content[0]
	}
	root = p.deref(root)
	if isNull(root) {
		p.errorf(root, "empty document: expected a workload with name, tasks and strategies")
		return nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "expected a workload (a mapping with name, tasks and strategies), got %s", describe(root))
		return nil
	}
	f := p.mapping(root, "workload", workloadKeys)
	s := &Spec{File: p.file, Seed: 1, Replications: 1, Cores: 1}

	if pr, ok := p.required(f, "name", "workload"); ok {
		if name, ok := p.str(pr.val); ok {
			if !workloadName.MatchString(name) {
				p.errorf(p.deref(pr.val), "name %q must match [a-z0-9._-]+ (lowercase letters, digits, '.', '_' and '-')", name)
			}
			s.Name = name
		}
	}
	if pr, ok := f.get("description"); ok {
		if v := p.deref(pr.val); !isNull(v) {
			s.Description, _ = p.str(v)
		}
	}
	if pr, ok := f.get("seed"); ok {
		s.Seed, _ = p.seed(pr.val)
	}
	if pr, ok := f.get("replications"); ok {
		v, _ := p.integer(pr.val, "replications", 1, maxReplications)
		s.Replications = int(v)
	}
	if pr, ok := f.get("warmup"); ok {
		s.Warmup, _ = p.duration(pr.val)
	}
	if pr, ok := f.get("machine"); ok {
		if m, ok := p.asMapping(pr.val, "a mapping like {cores: 4}"); ok {
			g := p.mapping(m, "machine", machineKeys)
			if pr, ok := g.get("cores"); ok {
				v, ok := p.integer(pr.val, "cores", 1, maxCores)
				if ok {
					s.Cores = int(v)
				}
			}
		}
	}
	var tasksNode *yaml.Node
	if pr, ok := p.required(f, "tasks", "workload"); ok {
		tasksNode = p.deref(pr.val)
		p.classes(s, tasksNode)
	}
	if pr, ok := p.required(f, "strategies", "workload"); ok {
		p.strategies(s, p.deref(pr.val))
	}
	if len(p.errs) == 0 && tasksNode != nil {
		p.horizon(s, tasksNode)
	}
	return s
}

// classes parses the task classes.
func (p *parser) classes(s *Spec, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "expected a list of task classes, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.errorf(n, "tasks must list at least one task class")
		return
	}
	firstLine := make(map[string]int)
	var total int64
	for _, item := range n.Content {
		item, ok := p.asMapping(item, "a task class (a mapping with name, count and steps)")
		if !ok {
			continue
		}
		c, nameNode, ok := p.class(item)
		if !ok {
			continue
		}
		if line, dup := firstLine[c.Name]; dup {
			p.errorf(nameNode, "duplicate task class name %q (first on line %d)", c.Name, line)
			continue
		}
		firstLine[c.Name] = nameNode.Line
		if total <= maxTasks {
			if total += c.tasks(); total > maxTasks {
				p.errorf(item, "too many tasks: the task classes up to %q add up to %d tasks per replication, more than %d", c.Name, total, maxTasks)
			}
		}
		s.Classes = append(s.Classes, c)
	}
}

// checkName validates a class or strategy name.
func (p *parser) checkName(n *yaml.Node, what, name string) bool {
	switch {
	case name == "":
		p.errorf(n, "%s name must not be empty", what)
	case utf8.RuneCountInString(name) > maxNameLen:
		p.errorf(n, "%s name is longer than %d characters", what, maxNameLen)
	case strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '/' || r == '\\' || r == utf8.RuneError
	}):
		p.errorf(n, "%s name %q must not contain spaces, control characters, '/' or '\\'", what, name)
	default:
		return true
	}
	return false
}

// class parses one task class.
func (p *parser) class(n *yaml.Node) (c Class, nameNode *yaml.Node, ok bool) {
	f := p.mapping(n, "task class", classKeys)
	ok = !f.bad
	if pr, has := p.required(f, "name", "task class"); has {
		nameNode = p.deref(pr.val)
		name, good := p.str(nameNode)
		if good = good && p.checkName(nameNode, "task class", name); good {
			c.Name = name
		}
		ok = ok && good
	} else {
		ok = false
	}
	where := "task class"
	if c.Name != "" {
		where = fmt.Sprintf("task class %q", c.Name)
	}

	countPr, hasCount := f.get("count")
	clientsPr, hasClients := f.get("clients")
	switch {
	case hasCount && hasClients:
		p.errorf(clientsPr.key, "a task class has count (open arrivals) or clients (closed loop), not both")
		ok = false
	case !hasCount && !hasClients:
		if !slices.Contains(f.suggested, "count") && !slices.Contains(f.suggested, "clients") {
			p.errorf(n, "%s needs count (open arrivals) or clients (closed loop)", where)
		}
		ok = false
	case hasCount:
		v, good := p.integer(countPr.val, "count", 1, maxTasks, "tasks per replication")
		c.Count, ok = int(v), ok && good
	default:
		cl, good := p.clients(clientsPr.val)
		c.Clients, ok = cl, ok && good
	}

	if pr, has := f.get("arrival"); has {
		if m, good := p.asMapping(pr.val, "a mapping like {start: 0s, interarrival: {exp: 20ms}}"); good {
			g := p.mapping(m, "arrival", arrivalKeys)
			ok = ok && !g.bad
			if pr, has := g.get("start"); has {
				d, good := p.duration(pr.val)
				c.Start, ok = d, ok && good
			}
			if pr, has := g.get("interarrival"); has {
				if hasClients {
					p.errorf(pr.key, "interarrival does not apply to clients: each client sends its next request its think time after the previous one completes")
					ok = false
				} else {
					d, good := p.dist(pr.val)
					c.Interarrival, ok = d, ok && good
				}
			}
		} else {
			ok = false
		}
	}

	if pr, has := p.required(f, "steps", "task class"); has {
		steps, n, good := p.steps(pr.val, 0)
		c.Steps, ok = steps, ok && good
		if good && n > maxTaskSteps {
			p.errorf(p.deref(pr.val), "a task of %s has more than %d steps once repeats are expanded", strings.TrimPrefix(where, "task "), maxTaskSteps)
			ok = false
		}
	} else {
		ok = false
	}
	return c, nameNode, ok
}

// clients parses a clients mapping.
func (p *parser) clients(n *yaml.Node) (*Clients, bool) {
	m, ok := p.asMapping(n, "a mapping like {count: 8, requests: 100, think: 50ms}")
	if !ok {
		return nil, false
	}
	f := p.mapping(m, "clients", clientsKeys)
	ok = !f.bad
	cl := &Clients{}
	if pr, has := p.required(f, "count", "clients"); has {
		v, good := p.integer(pr.val, "clients count", 1, maxClients, "clients per class")
		cl.Count, ok = int(v), ok && good
	} else {
		ok = false
	}
	if pr, has := p.required(f, "requests", "clients"); has {
		v, good := p.integer(pr.val, "requests", 1, maxTasks, "per client")
		cl.Requests, ok = int(v), ok && good
	} else {
		ok = false
	}
	if pr, has := f.get("think"); has {
		d, good := p.dist(pr.val)
		cl.Think, ok = d, ok && good
	}
	return cl, ok
}

// steps parses a non-empty list of steps and returns it with the number
// of steps it expands to (saturating just above maxTaskSteps).
func (p *parser) steps(n *yaml.Node, depth int) ([]StepSpec, int64, bool) {
	n = p.deref(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "expected a list of steps like [{cpu: 1ms}, {io: 5ms}], got %s", describe(n))
		return nil, 0, false
	}
	if len(n.Content) == 0 {
		p.errorf(n, "steps must not be empty")
		return nil, 0, false
	}
	if depth >= maxRepeatDepth {
		p.errorf(n, "repeat blocks nested more than %d deep", maxRepeatDepth)
		return nil, 0, false
	}
	out := make([]StepSpec, 0, len(n.Content))
	var total int64
	ok := true
	for _, item := range n.Content {
		st, cnt, good := p.step(item, depth)
		if !good {
			ok = false
			continue
		}
		out = append(out, st)
		total = min(total+cnt, maxTaskSteps+1)
	}
	return out, total, ok
}

// step parses one step.
func (p *parser) step(n *yaml.Node, depth int) (StepSpec, int64, bool) {
	n, ok := p.asMapping(n, "a step like {cpu: 1ms}")
	if !ok {
		return StepSpec{}, 0, false
	}
	f := p.mapping(n, "step", stepKeys)
	var kinds []pair
	for _, pr := range f.pairs {
		if pr.name != "steps" {
			kinds = append(kinds, pr)
		}
	}
	stepsPr, hasSteps := f.get("steps")
	switch {
	case len(kinds) == 0:
		switch {
		case hasSteps:
			p.errorf(stepsPr.key, "steps needs repeat: write {repeat: N, steps: [...]}")
		case !f.bad:
			p.errorf(n, "a step needs one of cpu, io, blocking_io or repeat")
		}
		return StepSpec{}, 0, false
	case len(kinds) > 1:
		p.errorf(kinds[1].key, "a step is exactly one of cpu, io, blocking_io or repeat, not both %s and %s", kinds[0].name, kinds[1].name)
		return StepSpec{}, 0, false
	}
	pr := kinds[0]
	if pr.name == "repeat" {
		r, good := p.integer(pr.val, "repeat", 1, maxTaskSteps)
		if !hasSteps {
			if !f.bad {
				p.errorf(pr.key, "repeat needs steps: write {repeat: N, steps: [...]}")
			}
			return StepSpec{}, 0, false
		}
		inner, cnt, good2 := p.steps(stepsPr.val, depth+1)
		if !good || !good2 || f.bad {
			return StepSpec{}, 0, false
		}
		total := int64(maxTaskSteps + 1)
		if cnt <= (maxTaskSteps+1)/r {
			total = min(r*cnt, maxTaskSteps+1)
		}
		return StepSpec{Repeat: int(r), Steps: inner}, total, true
	}
	if hasSteps {
		p.errorf(stepsPr.key, "steps only goes with repeat, not with %s", pr.name)
		return StepSpec{}, 0, false
	}
	kind := sim.CPU
	switch pr.name {
	case "io":
		kind = sim.IO
	case "blocking_io":
		kind = sim.BlockingIO
	}
	d, good := p.dist(pr.val)
	return StepSpec{Kind: kind, Dur: d}, 1, good && !f.bad
}

// strategies parses the strategy list.
func (p *parser) strategies(s *Spec, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "expected a list of strategies, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.errorf(n, "strategies must list at least one strategy")
		return
	}
	firstLine := make(map[string]int)
	for _, item := range n.Content {
		item, ok := p.asMapping(item, "a strategy like {kind: blocking}")
		if !ok {
			continue
		}
		c, named, ok := p.strategy(item, s.Cores)
		if !ok {
			continue
		}
		if line, dup := firstLine[c.Name]; dup {
			if named != nil {
				p.errorf(named, "duplicate strategy name %q (first on line %d)", c.Name, line)
			} else {
				p.errorf(item, "duplicate strategy name %q (first on line %d); the name defaults to the kind: give each a name", c.Name, line)
			}
			continue
		}
		if named != nil {
			firstLine[c.Name] = named.Line
		} else {
			firstLine[c.Name] = item.Line
		}
		s.Strategies = append(s.Strategies, c)
		p.strategyNodes = append(p.strategyNodes, item)
	}
}

// strategy parses one strategy with the given machine cores, resolving its
// defaults. named is the name's node, or nil when the name defaulted.
func (p *parser) strategy(n *yaml.Node, cores int) (c strategies.Config, named *yaml.Node, ok bool) {
	f := p.mapping(n, "strategy", strategyKeys)
	ok = !f.bad
	kindPr, has := f.get("kind")
	if !has {
		if !slices.Contains(f.suggested, "kind") {
			p.errorf(n, "missing field \"kind\" in strategy (one of %s)", kindList())
		}
		return c, nil, false
	}
	kv, good := p.str(kindPr.val)
	if !good {
		return c, nil, false
	}
	kind := strategies.Kind(kv)
	valid, known := kindKeys[kind]
	if !known {
		names := make([]string, len(strategies.Kinds))
		for i, k := range strategies.Kinds {
			names[i] = string(k)
		}
		p.unknown(p.deref(kindPr.val), "strategy kind", kv, "", names)
		return c, nil, false
	}
	c.Kind = kind
	c.Name = kv
	switch kind {
	case strategies.KindBlocking:
		c.Workers = 1
	case strategies.KindThreaded:
		c.Threads = strategies.DefaultPoolSize(cores)
		c.SwitchInterval = strategies.DefaultSwitchInterval
	case strategies.KindEventLoop:
		c.Loops = 1
		c.Executor = strategies.DefaultPoolSize(cores)
	}
	for _, pr := range f.pairs {
		if !slices.Contains(valid, pr.name) {
			p.errorf(pr.key, "field %q does not apply to kind %q (it takes %s)", pr.name, kind, strings.Join(valid, ", "))
			ok = false
			continue
		}
		var good bool
		switch pr.name {
		case "kind":
			good = true
		case "name":
			var name string
			if name, good = p.str(pr.val); good {
				v := p.deref(pr.val)
				if good = p.checkName(v, "strategy", name); good {
					c.Name, named = name, v
				}
			}
		case "workers":
			c.Workers, good = p.intField(pr.val, "workers", 1, maxPool)
		case "threads":
			c.Threads, good = p.intField(pr.val, "threads", 0, maxPool)
		case "loops":
			c.Loops, good = p.intField(pr.val, "loops", 1, maxPool)
		case "executor":
			c.Executor, good = p.intField(pr.val, "executor", 1, maxPool)
		case "max_concurrency":
			c.MaxConcurrency, good = p.intField(pr.val, "max_concurrency", 0, maxInFlight)
		case "gil":
			c.GIL, good = p.boolean(pr.val)
		case "offload":
			c.Offload, good = p.boolean(pr.val)
		case "await_blocking":
			c.AwaitBlocking, good = p.boolean(pr.val)
		case "switch_interval":
			c.SwitchInterval, good = p.duration(pr.val)
			if good && c.SwitchInterval < minSwitchInterval {
				p.errorf(p.deref(pr.val), "switch_interval must be at least 1us (CPython's resolution), got %s", fmtTime(c.SwitchInterval))
				good = false
			}
		case "switch_cost":
			c.SwitchCost, good = p.duration(pr.val)
		}
		ok = ok && good
	}
	if ok && kind == strategies.KindEventLoop && c.Offload && !c.AwaitBlocking && int64(c.Loops)*int64(c.Executor) > maxPool {
		p.errorf(n, "loops × executor is %d threads, more than %d: use fewer loops or a smaller executor",
			int64(c.Loops)*int64(c.Executor), maxPool)
		ok = false
	}
	if ok && c.GIL && c.SwitchCost >= c.SwitchInterval {
		pr, _ := f.get("switch_cost")
		p.errorf(p.deref(pr.val), "switch_cost %s must be shorter than switch_interval %s: a thread could spend its whole turn with the GIL switching",
			fmtTime(c.SwitchCost), fmtTime(c.SwitchInterval))
		ok = false
	}
	return c, named, ok
}

// intField is integer for fields of type int.
func (p *parser) intField(n *yaml.Node, field string, lo, hi int64) (int, bool) {
	v, ok := p.integer(n, field, lo, hi)
	return int(v), ok
}

func kindList() string {
	names := make([]string, len(strategies.Kinds))
	for i, k := range strategies.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// horizon rejects a workload too large to simulate: one whose
// replication would span more virtual time than can be simulated without
// overflow, estimated from mean durations as if every task ran alone, one
// after the other, or one that would take more than maxEvents steps or GIL
// hand-overs.
func (p *parser) horizon(s *Spec, tasksNode *yaml.Node) {
	var switchCost float64
	for _, c := range s.Strategies {
		switchCost = max(switchCost, float64(c.SwitchCost))
	}
	var work, last, cpu, steps float64
	for i := range s.Classes {
		c := &s.Classes[i]
		n := float64(c.tasks())
		expanded := float64(expandedSteps(c.Steps))
		steps += n * expanded
		cpu += n * meanCPU(c.Steps)
		work += n * (meanWork(c.Steps) + switchCost*(expanded+1))
		if c.Clients != nil {
			last = max(last, float64(c.Start)+float64(c.Clients.Requests)*c.Clients.Think.clampedMean())
		} else {
			last = max(last, float64(c.Start)+float64(c.Count-1)*c.Interarrival.clampedMean())
		}
	}
	if h := last + work; h > float64(maxHorizon) {
		years := h / float64(365*24*sim.Hour)
		p.errorf(tasksNode, "the workload would span about %s years of virtual time (estimated from mean durations); at most %d years can be simulated",
			strconv.FormatFloat(years, 'f', min(1, int(math.Floor(100/years))), 64), maxHorizon/(365*24*sim.Hour))
		return
	}
	if steps > maxEvents {
		p.errorf(tasksNode, "too many steps to simulate: %.0f per replication (tasks × steps, repeats expanded), more than %d", steps, int64(maxEvents))
		return
	}
	for i, c := range s.Strategies {
		if !c.GIL {
			continue
		}
		if handovers := cpu / float64(c.SwitchInterval); handovers > maxEvents {
			p.errorf(p.strategyNodes[i], "switch_interval %s is too short for this workload: the GIL could change hands about %.3g times per replication, more than %d",
				fmtTime(c.SwitchInterval), handovers, int64(maxEvents))
		}
	}
}

// meanCPU is the mean total duration of the cpu steps of steps.
func meanCPU(steps []StepSpec) float64 {
	var w float64
	for _, st := range steps {
		if st.Repeat > 0 {
			w += float64(st.Repeat) * meanCPU(st.Steps)
		} else if st.Kind == sim.CPU {
			w += st.Dur.clampedMean()
		}
	}
	return w
}

// meanWork is the mean total duration of steps.
func meanWork(steps []StepSpec) float64 {
	var w float64
	for _, st := range steps {
		if st.Repeat > 0 {
			w += float64(st.Repeat) * meanWork(st.Steps)
		} else {
			w += st.Dur.clampedMean()
		}
	}
	return w
}

// expandedSteps is the number of steps of a task, repeats multiplied out.
func expandedSteps(steps []StepSpec) int64 {
	var n int64
	for _, st := range steps {
		if st.Repeat > 0 {
			n += int64(st.Repeat) * expandedSteps(st.Steps)
		} else {
			n++
		}
	}
	return n
}

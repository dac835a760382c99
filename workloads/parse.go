package workloads

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// The keys valid at each place of a workload (distributions and
// strategies declare their own).
var (
	workloadKeys = []string{"name", "description", "seed", "replications", "warmup", "horizon", "machine", "runtime", "resources", "tasks", "strategies"}
	machineKeys  = []string{"cores"}
	resourceKeys = []string{"name", "capacity", "scope"}
	classKeys    = []string{"name", "count", "arrival", "clients", "timeout", "retries", "backoff", "steps"}
	arrivalKeys  = []string{"start", "interarrival", "per_second", "rate", "trace", "speed"}
	segmentKeys  = []string{"for", "per_second"}
	clientsKeys  = []string{"count", "requests", "think"}
	stepKeys     = []string{"cpu", "io", "blocking_io", "repeat", "hold", "gather", "steps"}
	gatherKeys   = []string{"count", "steps"}
	scopes       = []string{"process", "machine"}
)

// workloadName is the pattern of a workload's name.
var workloadName = regexp.MustCompile(`^[a-z0-9._-]+$`)

// emptyWorkload is the message of an empty document.
const emptyWorkload = "empty document: expected a workload with name, tasks and strategies"

// Parse parses and validates the workload document data, read from file.
// It returns either a Spec with every default resolved, or an ErrorList
// naming each problem's line and column.
func Parse(file string, data []byte) (*Spec, error) {
	doc, err := schema.Decode(file, data, "a workload with name, tasks and strategies", "a workload file")
	if err != nil {
		return nil, err
	}
	return ParseNode(file, doc)
}

// ParseNode validates a workload given as a YAML node tree (a document node
// or its root mapping) with the same checks as Parse. Sweeps use it to
// validate a workload they edited.
func ParseNode(file string, doc *yaml.Node) (*Spec, error) {
	p := &parser{Parser: schema.NewParser(file, doc)}
	var s *Spec
	if err := p.Run(func() { s = p.workload(doc) }); err != nil {
		return nil, err
	}
	return s, nil
}

// parser walks a workload's node tree, collecting errors.
type parser struct {
	*schema.Parser
	// strategyNodes are the mappings of the Spec's strategies.
	strategyNodes []*yaml.Node
	// resources are the names of the declared resources, in order: a hold
	// names one.
	resources []string
	// held are the resources of the hold blocks around the steps being
	// parsed, innermost last, with the nodes of their names.
	held []heldResource
	// retryKeys are the retries keys of the classes that retry without a
	// timeout, checked once the strategies are known.
	retryKeys []*yaml.Node
}

// heldResource is a resource held around the steps being parsed.
type heldResource struct {
	resource int
	at       *yaml.Node
}

// workload parses the whole document.
func (p *parser) workload(doc *yaml.Node) *Spec {
	root := schema.Root(doc)
	if root == nil {
		p.Errorf(doc, emptyWorkload)
		return nil
	}
	root = p.Deref(root)
	if schema.IsNull(root) {
		p.Errorf(root, emptyWorkload)
		return nil
	}
	if root.Kind != yaml.MappingNode {
		p.Errorf(root, "expected a workload (a mapping with name, tasks and strategies), got %s", schema.Describe(root))
		return nil
	}
	f := p.Mapping(root, "workload", workloadKeys)
	s := &Spec{File: p.File(), Seed: 1, Replications: 1, Cores: 1}

	if pr, ok := p.Required(f, "name", "workload"); ok {
		if name, ok := p.Str(pr.Val); ok {
			switch v := p.Deref(pr.Val); {
			case !workloadName.MatchString(name):
				p.Errorf(v, "name %s must match [a-z0-9._-]+ (lowercase letters, digits, '.', '_' and '-')", schema.Quote(name))
			case len(name) > MaxNameBytes:
				p.Errorf(v, "name is longer than %d bytes", MaxNameBytes)
			}
			s.Name = name
		}
	}
	if pr, ok := f.Get("description"); ok {
		if v := p.Deref(pr.Val); !schema.IsNull(v) {
			s.Description, _ = p.Str(v)
		}
	}
	if pr, ok := f.Get("seed"); ok {
		s.Seed, _ = p.Uint64(pr.Val, "seed")
	}
	if pr, ok := f.Get("replications"); ok {
		v, _ := p.Int(pr.Val, "replications", 1, maxReplications)
		s.Replications = int(v)
	}
	if pr, ok := f.Get("warmup"); ok {
		s.Warmup, _ = p.Duration(pr.Val)
		s.where.warmup = at(pr.Val)
	}
	if pr, ok := f.Get("horizon"); ok {
		if h, ok := p.Duration(pr.Val); ok && h <= s.Warmup {
			p.Errorf(p.Deref(pr.Val), "horizon %s must come after the warm-up (%s): a run must count something; leave it out for no horizon",
				fmtTime(h), fmtTime(s.Warmup))
		} else {
			s.Horizon = h
		}
	}
	if pr, ok := f.Get("machine"); ok {
		if m, ok := p.AsMapping(pr.Val, "a mapping like {cores: 4}"); ok {
			g := p.Mapping(m, "machine", machineKeys)
			if pr, ok := g.Get("cores"); ok {
				if v, ok := p.Int(pr.Val, "cores", 1, maxCores); ok {
					s.Cores = int(v)
				}
			}
		}
	}
	if pr, ok := f.Get("resources"); ok {
		s.Resources = p.resourceList(pr.Val)
	}
	var tasksNode *yaml.Node
	if pr, ok := p.Required(f, "tasks", "workload"); ok {
		tasksNode = p.Deref(pr.Val)
		s.where.tasks, s.where.classItems = at(tasksNode), items(tasksNode)
		p.classes(s, tasksNode)
	}
	rt := strategies.DefaultRuntime
	if pr, ok := f.Get("runtime"); ok {
		rt, _ = p.runtimeProfile(pr.Val, rt)
	}
	if pr, ok := p.Required(f, "strategies", "workload"); ok {
		n := p.Deref(pr.Val)
		s.where.strategies, s.where.strategyItems = at(n), items(n)
		p.strategies(s, n, &rt)
		p.checkRetries(s)
	}
	if !p.Failed() && tasksNode != nil {
		p.horizon(s, tasksNode)
	}
	return s
}

// at returns the position of n, or of the node an alias n stands for.
// It follows aliases itself rather than through Deref, which would count
// them again against the document's budget.
func at(n *yaml.Node) position {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return position{n.Line, n.Column}
}

// items returns the positions of the items of n, a list, or nil.
func items(n *yaml.Node) []position {
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	pos := make([]position, len(n.Content))
	for i, item := range n.Content {
		pos[i] = at(item)
	}
	return pos
}

// classes parses the task classes.
func (p *parser) classes(s *Spec, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "expected a list of task classes, got %s", schema.Describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.Errorf(n, "tasks must list at least one task class")
		return
	}
	firstLine := make(map[string]int)
	var total int64
	for _, item := range n.Content {
		item, ok := p.AsMapping(item, "a task class (a mapping with name, count and steps)")
		if !ok {
			continue
		}
		c, nameNode, ok := p.class(item)
		if !ok {
			continue
		}
		if line, dup := firstLine[c.Name]; dup {
			p.Errorf(nameNode, "duplicate task class name %q (first on line %d)", c.Name, line)
			continue
		}
		firstLine[c.Name] = nameNode.Line
		if total <= maxTasks {
			if total += c.tasks(); total > maxTasks {
				p.Errorf(item, "too many tasks: the task classes up to %q add up to %d tasks per replication, more than %d", c.Name, total, maxTasks)
			}
		}
		s.Classes = append(s.Classes, c)
	}
	if len(s.Classes) == len(n.Content) && total == 0 {
		p.Errorf(n, "no task class sends a task: every count is 0")
	}
}

// checkName validates a class or strategy name: not empty, at most
// MaxNameBytes bytes, without spaces, control characters or slashes.
func (p *parser) checkName(n *yaml.Node, what, name string) bool {
	switch {
	case name == "":
		p.Errorf(n, "%s name must not be empty", what)
	case len(name) > MaxNameBytes:
		p.Errorf(n, "%s name is longer than %d bytes", what, MaxNameBytes)
	case strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '/' || r == '\\' || r == utf8.RuneError
	}):
		p.Errorf(n, "%s name %q must not contain spaces, control characters, '/' or '\\'", what, name)
	default:
		return true
	}
	return false
}

// class parses one task class.
func (p *parser) class(n *yaml.Node) (c Class, nameNode *yaml.Node, ok bool) {
	f := p.Mapping(n, "task class", classKeys)
	ok = !f.Bad
	if pr, has := p.Required(f, "name", "task class"); has {
		nameNode = p.Deref(pr.Val)
		name, good := p.Str(nameNode)
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

	countPr, hasCount := f.Get("count")
	clientsPr, hasClients := f.Get("clients")
	// The arrival first: a rate or a trace makes count optional.
	var ends string
	if pr, has := f.Get("arrival"); has {
		if m, good := p.AsMapping(pr.Val, "a mapping like {start: 0s, interarrival: {exp: 20ms}}"); good {
			var good bool
			good, ends = p.arrival(&c, m, hasClients)
			ok = ok && good
		} else {
			ok = false
		}
	}
	switch {
	case hasCount && hasClients:
		p.Errorf(clientsPr.Key, "a task class has count (open arrivals) or clients (closed loop), not both")
		ok = false
	case !hasCount && !hasClients && ends != "":
		// arrival.rate or arrival.trace ends the stream by itself: count
		// is optional.
	case !hasCount && !hasClients:
		if !slices.Contains(f.Suggested, "count") && !slices.Contains(f.Suggested, "clients") {
			p.Errorf(n, "%s needs count (open arrivals) or clients (closed loop)", where)
		}
		ok = false
	case hasCount:
		// count: 0 is a class that sends nothing, so that a sweep of a
		// class's count can start from none (the gil-convoy sweep's
		// hogs); the workload as a whole must send something (classes).
		v, good := p.Int(countPr.Val, "count", 0, maxTasks, "tasks per replication")
		switch {
		case good && v == 0 && ends == "rate":
			p.Errorf(p.Deref(countPr.Val), "count: 0 with arrival.rate sends nothing; leave count out to end the stream with the rate's last segment")
			good = false
		case good && v == 0 && ends == "trace":
			p.Errorf(p.Deref(countPr.Val), "count: 0 with arrival.trace sends nothing; leave count out to replay the whole trace")
			good = false
		}
		c.Count, ok = int(v), ok && good
	default:
		cl, good := p.clients(clientsPr.Val)
		c.Clients, ok = cl, ok && good
	}

	ok = p.giveUp(&c, f) && ok

	if pr, has := p.Required(f, "steps", "task class"); has {
		steps, n, good := p.steps(pr.Val, 0, "repeat")
		c.Steps, ok = steps, ok && good
		if good && n > maxTaskSteps {
			p.Errorf(p.Deref(pr.Val), "a task of %s has more than %d steps once repeats and gathers are expanded", strings.TrimPrefix(where, "task "), maxTaskSteps)
			ok = false
		}
	} else {
		ok = false
	}
	return c, nameNode, ok
}

// clients parses a clients mapping.
func (p *parser) clients(n *yaml.Node) (*Clients, bool) {
	m, ok := p.AsMapping(n, "a mapping like {count: 8, requests: 100, think: 50ms}")
	if !ok {
		return nil, false
	}
	f := p.Mapping(m, "clients", clientsKeys)
	ok = !f.Bad
	cl := &Clients{}
	if pr, has := p.Required(f, "count", "clients"); has {
		v, good := p.Int(pr.Val, "clients count", 1, maxClients, "clients per class")
		cl.Count, ok = int(v), ok && good
	} else {
		ok = false
	}
	if pr, has := p.Required(f, "requests", "clients"); has {
		v, good := p.Int(pr.Val, "requests", 1, maxTasks, "per client")
		cl.Requests, ok = int(v), ok && good
	} else {
		ok = false
	}
	if pr, has := f.Get("think"); has {
		d, good := p.dist(pr.Val)
		cl.Think, ok = d, ok && good
	}
	return cl, ok
}

// dist parses a distribution into a Dist.
func (p *parser) dist(n *yaml.Node) (*Dist, bool) {
	d, ok := p.Distribution(n)
	switch {
	case !ok:
		return nil, false
	case d.Family == schema.Empirical:
		return p.empirical(d.Node)
	}
	return newDist(d), true
}

// steps parses a non-empty list of steps and returns it with the number
// of steps it expands to (saturating just above maxTaskSteps), a hold
// block's acquisition and release counting as one step each, and so a
// gather block's start and the start of each of its branches. block names
// the kind of block the list is in, for the message of one nested too
// deep.
func (p *parser) steps(n *yaml.Node, depth int, block string) ([]StepSpec, int64, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "expected a list of steps like [{cpu: 1ms}, {io: 5ms}], got %s", schema.Describe(n))
		return nil, 0, false
	}
	if len(n.Content) == 0 {
		p.Errorf(n, "steps must not be empty")
		return nil, 0, false
	}
	if depth >= maxRepeatDepth {
		p.Errorf(n, "%s blocks nested more than %d deep", block, maxRepeatDepth)
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
	n, ok := p.AsMapping(n, "a step like {cpu: 1ms}")
	if !ok {
		return StepSpec{}, 0, false
	}
	f := p.Mapping(n, "step", stepKeys)
	var kinds []schema.Pair
	for _, pr := range f.Pairs {
		if pr.Name != "steps" {
			kinds = append(kinds, pr)
		}
	}
	stepsPr, hasSteps := f.Get("steps")
	switch {
	case len(kinds) == 0:
		switch {
		case hasSteps:
			p.Errorf(stepsPr.Key, "steps needs repeat or hold: write {repeat: N, steps: [...]} or {hold: RESOURCE, steps: [...]}")
		case !f.Bad:
			p.Errorf(n, "a step needs one of cpu, io, blocking_io, repeat, hold or gather")
		}
		return StepSpec{}, 0, false
	case len(kinds) > 1:
		p.Errorf(kinds[1].Key, "a step is exactly one of cpu, io, blocking_io, repeat, hold or gather, not both %s and %s", kinds[0].Name, kinds[1].Name)
		return StepSpec{}, 0, false
	}
	pr := kinds[0]
	if pr.Name == "hold" {
		return p.hold(pr, stepsPr, hasSteps, f.Bad, depth)
	}
	if pr.Name == "gather" {
		return p.gather(pr, stepsPr, hasSteps, f.Bad, depth)
	}
	if pr.Name == "repeat" {
		r, good := p.Int(pr.Val, "repeat", 1, maxTaskSteps)
		if !hasSteps {
			if !f.Bad {
				p.Errorf(pr.Key, "repeat needs steps: write {repeat: N, steps: [...]}")
			}
			return StepSpec{}, 0, false
		}
		inner, cnt, good2 := p.steps(stepsPr.Val, depth+1, "repeat")
		if !good || !good2 || f.Bad {
			return StepSpec{}, 0, false
		}
		total := int64(maxTaskSteps + 1)
		if cnt <= (maxTaskSteps+1)/r {
			total = min(r*cnt, maxTaskSteps+1)
		}
		return StepSpec{Repeat: int(r), Steps: inner}, total, true
	}
	if hasSteps {
		p.Errorf(stepsPr.Key, "steps only goes with repeat or hold, not with %s", pr.Name)
		return StepSpec{}, 0, false
	}
	kind := sim.CPU
	switch pr.Name {
	case "io":
		kind = sim.IO
	case "blocking_io":
		kind = sim.BlockingIO
	}
	d, good := p.dist(pr.Val)
	return StepSpec{Kind: kind, Dur: d}, 1, good && !f.Bad
}

// strategies parses the strategy list, whose runtime models default to
// the values of the workload's runtime profile rt.
func (p *parser) strategies(s *Spec, n *yaml.Node, rt *strategies.Runtime) {
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "expected a list of strategies, got %s", schema.Describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.Errorf(n, "strategies must list at least one strategy")
		return
	}
	firstLine := make(map[string]int)
	for _, item := range n.Content {
		item, ok := p.AsMapping(item, "a strategy like {kind: blocking}")
		if !ok {
			continue
		}
		c, named, ok := p.strategy(item, s.Cores, rt)
		if !ok {
			continue
		}
		if line, dup := firstLine[c.Name]; dup {
			if named != nil {
				p.Errorf(named, "duplicate strategy name %q (first on line %d)", c.Name, line)
			} else {
				p.Errorf(item, "duplicate strategy name %q (first on line %d); the name defaults to the kind: give each a name", c.Name, line)
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

// strategy parses one strategy with the given machine cores by the
// schema of its kind (strategies.Schemas), resolving its defaults, those
// of the runtime models from its own runtime profile or else from rt.
// named is the name's node, or nil when the name defaulted.
func (p *parser) strategy(n *yaml.Node, cores int, rt *strategies.Runtime) (c strategies.Config, named *yaml.Node, ok bool) {
	f := p.Mapping(n, "strategy", strategies.AllKeys())
	ok = !f.Bad
	kindPr, has := f.Get("kind")
	if !has {
		if !slices.Contains(f.Suggested, "kind") {
			p.Errorf(n, "missing field \"kind\" in strategy (one of %s)", strings.Join(strategies.KindNames(), ", "))
		}
		return c, nil, false
	}
	kv, good := p.Str(kindPr.Val)
	if !good {
		return c, nil, false
	}
	ks, known := strategies.SchemaOf(strategies.Kind(kv))
	if !known {
		p.Unknown(p.Deref(kindPr.Val), "strategy kind", kv, "", strategies.KindNames())
		return c, nil, false
	}
	c.Kind, c.Name = ks.Kind, kv
	ks.Defaults(&c, cores)
	own := *rt
	for _, pr := range f.Pairs {
		param, applies := ks.Param(pr.Name)
		var good bool
		switch {
		case !applies:
			p.Errorf(pr.Key, "field %q does not apply to kind %q (it takes %s)", pr.Name, ks.Kind, strings.Join(ks.Keys(), ", "))
		case pr.Name == "kind":
			good = true
		case pr.Name == "runtime":
			own, good = p.runtimeProfile(pr.Val, *rt)
		case pr.Name == "name":
			var name string
			if name, good = p.Str(pr.Val); good {
				v := p.Deref(pr.Val)
				if good = p.checkName(v, "strategy", name); good {
					c.Name, named = name, v
				}
			}
		default:
			good = p.param(&c, param, pr.Val)
		}
		ok = ok && good
	}
	given := func(key string) bool { _, given := f.Get(key); return given }
	if ok {
		strategies.ResolveCommon(&c, given)
		if ks.Resolve != nil {
			ks.Resolve(&c, given, &own)
		}
		c.Memory = own.Memory
	}
	check := func(key, problem string) {
		if problem == "" {
			return
		}
		at := n
		if pr, has := f.Get(key); has {
			at = p.Deref(pr.Val)
		}
		p.Errorf(at, "%s", problem)
		ok = false
	}
	if ok && ks.Check != nil {
		check(ks.Check(&c))
	}
	if ok {
		check(strategies.CheckCommon(&c, given))
	}
	return c, named, ok
}

// param parses the value n of a strategy parameter into c.
func (p *parser) param(c *strategies.Config, param *strategies.Param, n *yaml.Node) bool {
	var ok bool
	switch field := param.Field(c).(type) {
	case *int:
		var v int64
		v, ok = p.Int(n, param.Key, param.Min, param.Max)
		*field = int(v)
	case *bool:
		*field, ok = p.Bool(n)
	case *sim.Time:
		*field, ok = p.Duration(n)
	case *float64:
		*field, ok = p.Number(n, param.Key)
	case *string:
		var v string
		if v, ok = p.Str(n); ok && !slices.Contains(param.Values, v) {
			p.Unknown(p.Deref(n), param.Key, v, "", param.Values)
			ok = false
		}
		*field = v
	default:
		panic(fmt.Sprintf("workloads: strategy parameter %s has a field of type %T", param.Key, field))
	}
	if ok && param.Check != nil {
		if problem := param.Check(c); problem != "" {
			p.Errorf(p.Deref(n), "%s", problem)
			ok = false
		}
	}
	return ok
}

package workloads

import (
	"math"
	"slices"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/sim"
)

// This file parses the parts of a workload that model a real service
// (DESIGN.md, "Services"): resources and hold blocks, the arrival rates
// per_second and rate, and the clients' timeout, retries and backoff.

// resourceList parses the top-level resources list.
func (p *parser) resourceList(n *yaml.Node) []sim.Resource {
	n = p.Deref(n)
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "expected a list of resources like [{name: db, capacity: 5}], got %s", schema.Describe(n))
		return nil
	}
	if len(n.Content) > maxResources {
		p.Errorf(n, "too many resources: %d, more than %d", len(n.Content), maxResources)
		return nil
	}
	var out []sim.Resource
	firstLine := make(map[string]int)
	for _, item := range n.Content {
		m, ok := p.AsMapping(item, "a resource like {name: db, capacity: 5}")
		if !ok {
			continue
		}
		f := p.Mapping(m, "resource", resourceKeys)
		var r sim.Resource
		if pr, has := p.Required(f, "name", "resource"); has {
			if name, good := p.Str(pr.Val); good {
				v := p.Deref(pr.Val)
				switch line, dup := firstLine[name]; {
				case !workloadName.MatchString(name):
					p.Errorf(v, "resource name %s must match [a-z0-9._-]+ (lowercase letters, digits, '.', '_' and '-')", schema.Quote(name))
				case len(name) > MaxNameBytes:
					p.Errorf(v, "resource name is longer than %d bytes", MaxNameBytes)
				case dup:
					p.Errorf(v, "duplicate resource name %q (first on line %d)", name, line)
					continue
				}
				// A name with a fault still names the resource, so that
				// the holds of it are not reported unknown as well.
				firstLine[name] = v.Line
				r.Name = name
			}
		}
		if pr, has := p.Required(f, "capacity", "resource"); has {
			v, _ := p.Int(pr.Val, "capacity", 1, maxCapacity, "units")
			r.Capacity = int(v)
		}
		if pr, has := f.Get("scope"); has {
			if scope, good := p.Str(pr.Val); good {
				if !slices.Contains(scopes, scope) {
					p.Unknown(p.Deref(pr.Val), "scope", scope, "", scopes)
				}
				r.Machine = scope == "machine"
			}
		}
		p.resources = append(p.resources, r.Name)
		out = append(out, r)
	}
	return out
}

// hold parses a hold block: pr is its hold key and value, stepsPr its
// steps (when hasSteps), bad whether the step's mapping had a fault.
func (p *parser) hold(pr, stepsPr schema.Pair, hasSteps, bad bool, depth int) (StepSpec, int64, bool) {
	v := p.Deref(pr.Val)
	name, ok := p.Str(v)
	r := -1
	if ok {
		if r = slices.Index(p.resources, name); r < 0 {
			ok = false
			if len(p.resources) == 0 {
				p.Errorf(v, "unknown resource %q: declare it in the top-level resources list, like resources: [{name: %s, capacity: 5}]", name, name)
			} else {
				p.Unknown(v, "resource", name, "", p.resources)
			}
		}
	}
	if ok {
		for _, h := range p.held {
			if h.resource == r {
				p.Errorf(v, "resource %q is nested in itself: the hold on line %d holds it already (a hold takes one unit; nest holds of different resources)", name, h.at.Line)
				ok = false
				break
			}
		}
	}
	if !hasSteps {
		if !bad {
			p.Errorf(pr.Key, "hold needs steps: write {hold: %s, steps: [...]}", v.Value)
		}
		return StepSpec{}, 0, false
	}
	if ok {
		p.held = append(p.held, heldResource{resource: r, at: v})
	}
	inner, cnt, good := p.steps(stepsPr.Val, depth+1, "hold")
	if ok {
		p.held = p.held[:len(p.held)-1]
	}
	if !ok || !good || bad {
		return StepSpec{}, 0, false
	}
	// The acquisition and the release are a step each.
	return StepSpec{Kind: sim.Acquire, Resource: r, Steps: inner}, min(cnt+2, maxTaskSteps+1), true
}

// gather parses a gather block: pr is its gather key and value, stepsPr a
// steps key beside it (when hasSteps), which is a mistake, bad whether
// the step's mapping had a fault. Its branches are parsed inside the holds
// around it, so that a branch holding a resource held around the gather
// is a resource nested in itself.
func (p *parser) gather(pr, stepsPr schema.Pair, hasSteps, bad bool, depth int) (StepSpec, int64, bool) {
	if hasSteps {
		p.Errorf(stepsPr.Key, "steps goes inside gather: write {gather: {count: N, steps: [...]}}, or list the branches, {gather: [[{io: 30ms}], [{io: 10ms}]]}")
		return StepSpec{}, 0, false
	}
	v := p.Deref(pr.Val)
	g := StepSpec{Kind: sim.Gather}
	ok := !bad
	total := int64(1) // the gather's start
	switch v.Kind {
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.Errorf(v, "gather must list at least one branch, like [[{io: 30ms}], [{io: 10ms}]]")
			return StepSpec{}, 0, false
		}
		for _, b := range v.Content {
			branch := p.Deref(b)
			switch {
			case branch.Kind != yaml.SequenceNode:
				p.Errorf(branch, "expected a branch of gather (a list of steps like [{io: 30ms}]), got %s: write each branch as a list, [[{io: 30ms}], [{io: 10ms}]]", schema.Describe(branch))
				ok = false
				continue
			case len(branch.Content) == 0:
				p.Errorf(branch, "a branch of gather must not be empty")
				ok = false
				continue
			}
			inner, cnt, good := p.steps(branch, depth+1, "gather")
			g.Branches, ok = append(g.Branches, inner), ok && good
			total = min(total+1+cnt, maxTaskSteps+1)
		}
	case yaml.MappingNode:
		f := p.Mapping(v, "gather", gatherKeys)
		ok = ok && !f.Bad
		if cpr, has := p.Required(f, "count", "gather"); has {
			k, good := p.Int(cpr.Val, "gather count", 1, maxTaskSteps, "branches")
			g.Count, ok = int(k), ok && good
		} else {
			ok = false
		}
		if spr, has := p.Required(f, "steps", "gather"); has {
			inner, cnt, good := p.steps(spr.Val, depth+1, "gather")
			g.Branches, ok = [][]StepSpec{inner}, ok && good
			if k := int64(g.Count); ok && cnt+1 <= maxTaskSteps/k {
				total += k * (1 + cnt)
			} else {
				total = maxTaskSteps + 1
			}
		} else {
			ok = false
		}
	default:
		p.Errorf(v, "gather takes a list of branches like [[{io: 30ms}], [{io: 10ms}]] or {count: N, steps: [...]}, got %s", schema.Describe(v))
		return StepSpec{}, 0, false
	}
	if !ok {
		return StepSpec{}, 0, false
	}
	return g, total, true
}

// arrival parses a class's arrival mapping m into c; closed tells whether
// the class is of closed-loop clients. ends is the key, "rate" or
// "trace", of an arrival stream that ends by itself, valid or not, or
// misspelt (then the class needs no count either), or "".
func (p *parser) arrival(c *Class, m *yaml.Node, closed bool) (ok bool, ends string) {
	g := p.Mapping(m, "arrival", arrivalKeys)
	ok = !g.Bad
	for _, key := range []string{"rate", "trace"} {
		if _, has := g.Get(key); has || slices.Contains(g.Suggested, key) {
			ends = key
		}
	}
	if pr, has := g.Get("start"); has {
		d, good := p.Duration(pr.Val)
		c.Start, ok = d, ok && good
	}
	speed := 1.0
	speedPr, hasSpeed := g.Get("speed")
	if hasSpeed {
		var good bool
		speed, good = p.speed(speedPr.Val)
		ok = ok && good
	}
	var given []schema.Pair
	for _, key := range arrivalKeys[1:5] {
		if pr, has := g.Get(key); has {
			given = append(given, pr)
		}
	}
	switch {
	case hasSpeed && (len(given) != 1 || given[0].Name != "trace"):
		p.Errorf(speedPr.Key, "speed applies to arrival.trace only: it replays the trace that many times faster")
		return false, ends
	case len(given) == 0:
		return ok, ends
	case len(given) > 1:
		p.Errorf(given[1].Key, "arrival takes one of interarrival, per_second, rate or trace, not both %s and %s", given[0].Name, given[1].Name)
		return false, ends
	case closed:
		p.Errorf(given[0].Key, "%s does not apply to clients: each client sends its next request its think time after the previous one completes", given[0].Name)
		return false, ends
	}
	pr := given[0]
	switch pr.Name {
	case "interarrival":
		d, good := p.dist(pr.Val)
		c.Interarrival, ok = d, ok && good
	case "per_second":
		// The plain Poisson stream: exactly interarrival {exp: 1/R}.
		r, good := p.Number(pr.Val, "per_second")
		if good && !(r > 0) {
			p.Errorf(p.Deref(pr.Val), "per_second must be positive, got %s (a pause is a segment of rate: [{for: 10s, per_second: 0}])", schema.FormatFloat(r))
			good = false
		}
		if good {
			good = p.checkPerSecond(pr.Val, r)
		}
		if good {
			c.Interarrival = rateGap(r)
		}
		ok = ok && good
	case "rate":
		segs, good := p.rate(pr.Val)
		c.Rate, ok = segs, ok && good
	case "trace":
		tr, good := p.trace(pr.Val, speed)
		c.Trace, ok = tr, ok && good
	}
	return ok, ends
}

// speed parses arrival.speed: a positive factor of at most maxSpeed.
func (p *parser) speed(n *yaml.Node) (float64, bool) {
	k, ok := p.Number(n, "speed")
	switch {
	case !ok:
	case !(k > 0):
		p.Errorf(p.Deref(n), "speed must be positive, got %s (2 replays the trace twice as fast, 0.5 at half the rate)", schema.FormatFloat(k))
	case k > maxSpeed || k < 1/maxSpeed:
		p.Errorf(p.Deref(n), "speed %s is out of range: from %s to %s", schema.FormatFloat(k), schema.FormatFloat(1/maxSpeed), schema.FormatFloat(maxSpeed))
	default:
		return k, true
	}
	return 0, false
}

// checkPerSecond checks that the positive rate r, written at n, has a
// mean gap between 1ns and sim.MaxDuration.
func (p *parser) checkPerSecond(n *yaml.Node, r float64) bool {
	switch {
	case r > maxPerSecond:
		p.Errorf(p.Deref(n), "per_second %s is too large: at most %s (a mean gap of 1ns)", schema.FormatFloat(r), schema.FormatFloat(maxPerSecond))
	case float64(sim.Second)/r > float64(sim.MaxDuration):
		p.Errorf(p.Deref(n), "per_second %s is too small: the mean gap would be longer than %s", schema.FormatFloat(r), fmtTime(sim.MaxDuration))
	default:
		return true
	}
	return false
}

// rateGap returns the gap between the arrivals of a Poisson stream of r
// per second: the exponential distribution of mean 1/r, rounded to the
// nanosecond, as interarrival {exp: 1/r} written to the nanosecond is.
func rateGap(r float64) *Dist { return expDist(sim.Time(math.Round(float64(sim.Second) / r))) }

// rate parses the segments of arrival.rate.
func (p *parser) rate(n *yaml.Node) ([]RateSegment, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "expected a list of rate segments like [{for: 60s, per_second: 100}], got %s", schema.Describe(n))
		return nil, false
	}
	if len(n.Content) == 0 {
		p.Errorf(n, "rate must list at least one segment like {for: 60s, per_second: 100}")
		return nil, false
	}
	if len(n.Content) > maxRateSegments {
		p.Errorf(n, "too many rate segments: %d, more than %d", len(n.Content), maxRateSegments)
		return nil, false
	}
	ok := true
	segs := make([]RateSegment, 0, len(n.Content))
	var expected float64
	for _, item := range n.Content {
		m, good := p.AsMapping(item, "a rate segment like {for: 60s, per_second: 100}")
		if !good {
			ok = false
			continue
		}
		f := p.Mapping(m, "rate segment", segmentKeys)
		ok = ok && !f.Bad
		var seg RateSegment
		if pr, has := p.Required(f, "for", "rate segment"); has {
			d, good := p.Duration(pr.Val)
			if good && d == 0 {
				p.Errorf(p.Deref(pr.Val), "for must be positive, got 0s")
				good = false
			}
			seg.For, ok = d, ok && good
		} else {
			ok = false
		}
		if pr, has := p.Required(f, "per_second", "rate segment"); has {
			r, good := p.Number(pr.Val, "per_second")
			switch {
			case !good:
			case r < 0:
				p.Errorf(p.Deref(pr.Val), "per_second must not be negative, got %s", schema.FormatFloat(r))
				good = false
			case r > 0:
				good = p.checkPerSecond(pr.Val, r)
			}
			seg.PerSecond, ok = r, ok && good
		} else {
			ok = false
		}
		expected += seg.expected()
		segs = append(segs, seg)
	}
	switch {
	case !ok:
		return nil, false
	case expected == 0:
		p.Errorf(n, "every segment of rate has per_second 0: no task would ever arrive")
		return nil, false
	case expected > maxTasks:
		p.Errorf(n, "rate would send about %.3g tasks per replication (the sum of for × per_second), more than %d", expected, maxTasks)
		return nil, false
	}
	return segs, true
}

// expected is the mean number of arrivals in the segment.
func (s RateSegment) expected() float64 { return s.For.Seconds() * s.PerSecond }

// giveUp parses a class's timeout, retries and backoff (the fields f of
// the class) into c.
func (p *parser) giveUp(c *Class, f *schema.Fields) bool {
	ok := true
	timeoutPr, hasTimeout := f.Get("timeout")
	if hasTimeout {
		d, good := p.Duration(timeoutPr.Val)
		if good && d == 0 {
			p.Errorf(p.Deref(timeoutPr.Val), "timeout must be positive, got 0s (leave it out to wait forever)")
			good = false
		}
		c.Timeout, ok = d, ok && good
	}
	retriesPr, hasRetries := f.Get("retries")
	retriesGood := true
	if hasRetries {
		v, good := p.Int(retriesPr.Val, "retries", 0, maxRetries)
		c.Retries, ok, retriesGood = int(v), ok && good, good
	}
	if pr, has := f.Get("backoff"); has {
		d, good := p.dist(pr.Val)
		// An explicit retries: 0 is allowed with a backoff: a sweep over
		// retries, or a user comparing with and without, sets it there.
		if good && retriesGood && !hasRetries {
			p.Errorf(pr.Key, "backoff has no effect without retries: it is the wait before a retry (with retries: 0 it is ignored)")
			good = false
		}
		c.Backoff, ok = d, ok && good
	}
	if c.Retries > 0 && !hasTimeout {
		p.retryKeys = append(p.retryKeys, retriesPr.Key)
	}
	return ok
}

// checkRetries reports the classes that retry without a timeout when no
// strategy has a backlog: no attempt could ever be given up or rejected,
// so no retry would ever be sent. It says nothing when a strategy could
// not be parsed, whose backlog is unknown.
func (p *parser) checkRetries(s *Spec) {
	if len(p.retryKeys) == 0 || len(s.Strategies) != len(s.where.strategyItems) {
		return
	}
	for _, c := range s.Strategies {
		if c.Bounded {
			return
		}
	}
	for _, k := range p.retryKeys {
		p.Errorf(k, "retries has no effect without a timeout: no strategy has a backlog, so no attempt is ever given up or rejected (give the class a timeout)")
	}
}

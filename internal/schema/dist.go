package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"asyncsim/sim"
)

// plainNumber matches a number without a unit, which is not a duration.
var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$`)

// Duration parses a Go duration string in [0, sim.MaxDuration]. A bare
// number, even 0 and even quoted, is not a duration: "0s" is.
func (p *Parser) Duration(n *yaml.Node) (sim.Time, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.ScalarNode || IsNull(n) {
		p.Errorf(n, "expected a duration like \"5ms\", got %s", Describe(n))
		return 0, false
	}
	v := strings.TrimSpace(n.Value)
	d, err := time.ParseDuration(v)
	switch {
	case plainNumber.MatchString(v):
		p.Errorf(n, "duration %s needs a unit, like %sms or %ss", v, v, v)
	case err != nil:
		p.Errorf(n, "invalid duration %s: expected a Go duration like \"5ms\", \"1.5s\" or \"250us\"", Describe(n))
	case d < 0:
		p.Errorf(n, "duration %s must not be negative", v)
	case sim.Time(d) > sim.MaxDuration:
		p.Errorf(n, "duration %s is longer than the maximum of %s", v, FormatDuration(sim.MaxDuration))
	default:
		return sim.Time(d), true
	}
	return 0, false
}

// FormatDuration formats t as a Go duration without trailing zero units:
// "24h" rather than "24h0m0s".
func FormatDuration(t sim.Time) string {
	s := t.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// FormatFloat formats x in the shortest form that reads back as x.
func FormatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Family is the family of a distribution.
type Family uint8

// The distribution families of the input format.
const (
	Const     Family = iota // a plain duration: D1
	Exp                     // {exp: D1}, D1 > 0
	Uniform                 // {uniform: [D1, D2]}, D1 <= D2
	Normal                  // {normal: {mean: D1, stddev: D2}}
	LogNormal               // {lognormal: {median: D1, sigma: X}}, D1 > 0
	Pareto                  // {pareto: {min: D1, alpha: X}}, D1 > 0, X > 0
	Choice                  // {choice: [{value, weight}, ...]}: Choices
	// Empirical is {empirical: FILE} or {empirical: [D, ...]}: the caller
	// parses its value, Node, which may name a file relative to its own.
	Empirical
)

// families are the keys of the distribution mappings, in Family order
// from Exp.
var families = []string{"exp", "uniform", "normal", "lognormal", "pareto", "choice", "empirical"}

// Dist is a distribution of durations as written, checked: a family and
// its parameters.
type Dist struct {
	Family Family
	// D1 and D2 are the duration parameters (see Family).
	D1, D2 sim.Time
	// X is the dimensionless parameter: lognormal sigma (>= 0), pareto
	// alpha (> 0).
	X float64
	// Choices are a choice's alternatives: at least one, weights not
	// negative, not all zero.
	Choices []WeightedValue
	// Node is an empirical's value, unchecked.
	Node *yaml.Node
}

// WeightedValue is one alternative of a choice.
type WeightedValue struct {
	Value  sim.Time
	Weight float64
}

// Distribution parses a distribution: a plain duration or a one-key
// mapping of a family.
func (p *Parser) Distribution(n *yaml.Node) (Dist, bool) {
	n = p.Deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		d, ok := p.Duration(n)
		return Dist{Family: Const, D1: d}, ok
	case yaml.MappingNode:
	default:
		p.Errorf(n, "expected a duration like \"5ms\" or a distribution like {exp: 5ms}, got %s", Describe(n))
		return Dist{}, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := p.Deref(n.Content[i]); k.Kind == yaml.ScalarNode && k.ShortTag() != "!!merge" && !slices.Contains(families, k.Value) {
			p.Unknown(k, "distribution", k.Value, "", families)
			return Dist{}, false
		}
	}
	f := p.Mapping(n, "distribution", families)
	if len(f.Pairs) == 0 {
		if !f.Bad {
			p.Errorf(n, "expected a duration like \"5ms\" or a distribution like {exp: 5ms}, got %s", Describe(n))
		}
		return Dist{}, false
	}
	if len(f.Pairs) > 1 {
		p.Errorf(f.Pairs[1].Key, "a distribution has one family, not both %s and %s", f.Pairs[0].Name, f.Pairs[1].Name)
		return Dist{}, false
	}
	if f.Bad {
		return Dist{}, false
	}
	pr := f.Pairs[0]
	switch pr.Name {
	case "exp":
		m, ok := p.Duration(pr.Val)
		if ok && m == 0 {
			p.Errorf(p.Deref(pr.Val), "exp mean must be positive")
			ok = false
		}
		return Dist{Family: Exp, D1: m}, ok
	case "uniform":
		s := p.Deref(pr.Val)
		if s.Kind != yaml.SequenceNode || len(s.Content) != 2 {
			what := Describe(s)
			if s.Kind == yaml.SequenceNode && len(s.Content) == 1 {
				what = "1 value"
			} else if s.Kind == yaml.SequenceNode {
				what = fmt.Sprintf("%d values", len(s.Content))
			}
			p.Errorf(s, "uniform takes [MIN, MAX], got %s", what)
			return Dist{}, false
		}
		lo, ok1 := p.Duration(s.Content[0])
		hi, ok2 := p.Duration(s.Content[1])
		if ok1 && ok2 && lo > hi {
			p.Errorf(s, "uniform min %s is greater than max %s", FormatDuration(lo), FormatDuration(hi))
			return Dist{}, false
		}
		return Dist{Family: Uniform, D1: lo, D2: hi}, ok1 && ok2
	case "normal":
		v, ok := p.AsMapping(pr.Val, "a mapping like {mean: 5ms, stddev: 1ms}")
		if !ok {
			return Dist{}, false
		}
		g := p.Mapping(v, "normal distribution", []string{"mean", "stddev"})
		mean, ok1 := p.durationField(g, "mean", "normal distribution")
		sd, ok2 := p.durationField(g, "stddev", "normal distribution")
		return Dist{Family: Normal, D1: mean, D2: sd}, ok1 && ok2 && !g.Bad
	case "lognormal":
		v, ok := p.AsMapping(pr.Val, "a mapping like {median: 5ms, sigma: 0.5}")
		if !ok {
			return Dist{}, false
		}
		g := p.Mapping(v, "lognormal distribution", []string{"median", "sigma"})
		med, ok1 := p.positiveDuration(g, "median", "lognormal")
		sigma, ok2 := p.numberField(g, "sigma", "lognormal distribution", false)
		return Dist{Family: LogNormal, D1: med, X: sigma}, ok1 && ok2 && !g.Bad
	case "pareto":
		v, ok := p.AsMapping(pr.Val, "a mapping like {min: 1ms, alpha: 1.5}")
		if !ok {
			return Dist{}, false
		}
		g := p.Mapping(v, "pareto distribution", []string{"min", "alpha"})
		xm, ok1 := p.positiveDuration(g, "min", "pareto")
		alpha, ok2 := p.numberField(g, "alpha", "pareto distribution", true)
		return Dist{Family: Pareto, D1: xm, X: alpha}, ok1 && ok2 && !g.Bad
	case "empirical":
		return Dist{Family: Empirical, Node: pr.Val}, true
	}
	return p.choice(pr.Val)
}

// durationField parses the required duration field name of f.
func (p *Parser) durationField(f *Fields, name, place string) (sim.Time, bool) {
	pr, ok := p.Required(f, name, place)
	if !ok {
		return 0, false
	}
	return p.Duration(pr.Val)
}

// positiveDuration parses the required duration field name of f, of the
// family named family, which must be positive.
func (p *Parser) positiveDuration(f *Fields, name, family string) (sim.Time, bool) {
	d, ok := p.durationField(f, name, family+" distribution")
	if ok && d == 0 {
		pr, _ := f.Get(name)
		p.Errorf(p.Deref(pr.Val), "%s %s must be positive", family, name)
		ok = false
	}
	return d, ok
}

// numberField parses the required number field name of f, which must not
// be negative, and must be positive if positive is set.
func (p *Parser) numberField(f *Fields, name, place string, positive bool) (float64, bool) {
	pr, ok := p.Required(f, name, place)
	if !ok {
		return 0, false
	}
	v, ok := p.Number(pr.Val, name)
	switch {
	case !ok:
	case positive && v <= 0:
		p.Errorf(p.Deref(pr.Val), "%s must be positive, got %s", name, FormatFloat(v))
	case v < 0:
		p.Errorf(p.Deref(pr.Val), "%s must not be negative, got %s", name, FormatFloat(v))
	default:
		return v, true
	}
	return 0, false
}

// choice parses [{value: D, weight: W}, ...]; weight defaults to 1.
func (p *Parser) choice(n *yaml.Node) (Dist, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.Errorf(n, "choice takes a non-empty list like [{value: 1ms, weight: 3}, {value: 10ms, weight: 1}], got %s", Describe(n))
		return Dist{}, false
	}
	d := Dist{Family: Choice}
	ok, positive := true, false
	for _, item := range n.Content {
		item, isMap := p.AsMapping(item, "a mapping like {value: 1ms, weight: 3}")
		if !isMap {
			ok = false
			continue
		}
		g := p.Mapping(item, "choice", []string{"value", "weight"})
		v, ok1 := p.durationField(g, "value", "choice")
		w, ok2 := 1.0, true
		if pr, has := g.Get("weight"); has {
			w, ok2 = p.Number(pr.Val, "weight")
			if ok2 && w < 0 {
				p.Errorf(p.Deref(pr.Val), "weight must not be negative, got %s", FormatFloat(w))
				ok2 = false
			}
		}
		if !ok1 || !ok2 || g.Bad {
			ok = false
			continue
		}
		positive = positive || w > 0
		d.Choices = append(d.Choices, WeightedValue{Value: v, Weight: w})
	}
	if !ok {
		return Dist{}, false
	}
	if !positive {
		p.Errorf(n, "choice weights must not all be zero")
		return Dist{}, false
	}
	return d, true
}

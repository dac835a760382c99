package schema

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Budgets of a walk, so that no document, however small, is expensive to
// check.
const (
	// MinNodes is the node visits every document may make, aliases
	// expanded; a small document full of aliases is refused beyond it.
	MinNodes = 1_000_000
	// visitsPerNode is the visits allowed per node of the tree as
	// written (aliases not followed), when that is more than MinNodes. A
	// walk visits each node a few times at most, so a document without
	// aliases always stays within its budget, however large: its tree,
	// and so its memory, is bounded by the input's size instead.
	visitsPerNode = 8
	// MaxMergeDepth bounds the nesting of merge keys (<<).
	MaxMergeDepth = 16
	// maxAliasChain bounds a chain of aliases to aliases.
	maxAliasChain = 100
)

// abort is panicked (and recovered by Run) to stop a walk early.
type abort struct{}

// state is what the views of one Parser share.
type state struct {
	file       string
	errs       ErrorList
	more       *Error // the "too many errors" error, if any
	visits     int
	budget     int
	mergeDepth int
}

// Parser walks a YAML node tree of one file, collecting positioned
// errors. Its zero value is not usable: make one with NewParser.
type Parser struct {
	*state
	prefix string // prepended to every message of this view
}

// NewParser returns a Parser of the tree under root, read from file
// (root may be nil). Its node budget is MinNodes or a multiple of the
// nodes of the tree as written, whichever is more.
func NewParser(file string, root *yaml.Node) *Parser {
	return &Parser{state: &state{file: file, budget: max(MinNodes, visitsPerNode*TreeSize(root))}}
}

// TreeSize counts the nodes under n, n included, without following
// aliases: the size of the tree as written.
func TreeSize(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	size := 1
	for _, c := range n.Content {
		size += TreeSize(c)
	}
	return size
}

// File is the file the parser reports errors in.
func (p *Parser) File() string { return p.file }

// Within returns a view of p that prefixes its messages with "what: "
// ("plot.x: expected a string, got ..."); errors go to p.
func (p *Parser) Within(what string) *Parser {
	return &Parser{state: p.state, prefix: p.prefix + what + ": "}
}

// Run calls walk, which may stop early (Abort, too many errors, an
// exhausted budget), and returns the errors collected, sorted by
// position, or nil.
func (p *Parser) Run(walk func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(abort); !ok {
				panic(r)
			}
			err = p.Result()
		}
	}()
	walk()
	return p.Result()
}

// Abort stops the walk of Run.
func (p *Parser) Abort() { panic(abort{}) }

// Failed reports whether p has collected an error.
func (p *Parser) Failed() bool { return len(p.errs) > 0 }

// Errorf records an error at n (at 1:1 when n is nil or has no
// position). The error past MaxErrors is "too many errors", and stops
// the walk.
func (p *Parser) Errorf(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	e := &Error{File: p.file, Line: line, Col: col, Msg: p.prefix + fmt.Sprintf(format, args...)}
	if len(p.errs) == MaxErrors {
		e.Msg = "too many errors"
		p.more = e
		p.Abort()
	}
	p.errs = append(p.errs, e)
}

// Add records errors found elsewhere (in another file) as they are.
func (p *Parser) Add(l ErrorList) {
	for _, e := range l {
		if len(p.errs) == MaxErrors {
			p.more = &Error{File: e.File, Line: e.Line, Col: e.Col, Msg: "too many errors"}
			p.Abort()
		}
		p.errs = append(p.errs, e)
	}
}

// Result returns the errors collected, sorted by position, or nil.
func (p *Parser) Result() error {
	if len(p.errs) == 0 {
		return nil
	}
	p.errs.Sort()
	if p.more != nil {
		p.errs = append(p.errs, p.more)
		p.more = nil
	}
	return p.errs
}

// Deref follows aliases, and counts the node visited against the budget;
// nil becomes a null node.
func (p *Parser) Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i >= maxAliasChain {
			p.Errorf(n, "unresolved alias *%s", n.Value)
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
		}
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	p.visits++
	if p.visits > p.budget {
		p.Errorf(n, "the document is too large once its aliases are expanded (more than %d nodes)", p.budget)
		p.Abort()
	}
	return n
}

// Deref follows aliases without a budget, for a tree already checked;
// nil stays nil.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < maxAliasChain; i++ {
		n = n.Alias
	}
	return n
}

// Root returns the root node of doc, a document node or already a root,
// or nil for an empty document.
func Root(doc *yaml.Node) *yaml.Node {
	if doc != nil && doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	return doc
}

// Describe names what n is, for "expected X, got Y" messages: "an empty
// list", "a mapping", "the number 5", "the boolean true", "nothing", or
// the quoted string (at most 40 characters of it).
func Describe(n *yaml.Node) string {
	n = Deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			return "an empty list"
		}
		return "a list"
	case n.Kind == yaml.MappingNode:
		if len(n.Content) == 0 {
			return "an empty mapping"
		}
		return "a mapping"
	case n.Kind == yaml.DocumentNode:
		return "a document"
	case n.Kind != yaml.ScalarNode:
		return "nothing"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "the boolean " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return Quote(n.Value)
}

// IsNull reports whether n is a null scalar.
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// Pair is one key and its value in a mapping.
type Pair struct {
	Name     string
	Key, Val *yaml.Node
}

// Fields are the checked pairs of a mapping, merge keys resolved.
type Fields struct {
	// Node is the mapping.
	Node *yaml.Node
	// Pairs are the known keys present, in order, the mapping's own first
	// and then those merged in.
	Pairs []Pair
	// Bad is set when a key was unknown, duplicated or malformed.
	Bad bool
	// Suggested are the spellings suggested for unknown keys: such a key
	// is not reported missing as well.
	Suggested []string
}

// Get returns the pair named name.
func (f *Fields) Get(name string) (Pair, bool) {
	for _, p := range f.Pairs {
		if p.Name == name {
			return p, true
		}
	}
	return Pair{}, false
}

// Mapping checks the keys of the mapping n against valid, reporting
// unknown (with a suggestion), duplicated and malformed keys, and resolves
// YAML merge keys (<<): a key of the mapping itself wins over a merged
// one, and a mapping merged earlier over one merged later. place names
// the mapping in messages ("unknown field "x" in PLACE").
func (p *Parser) Mapping(n *yaml.Node, place string, valid []string) *Fields {
	f := &Fields{Node: n}
	seen := make(map[string]*yaml.Node)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.Deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || IsNull(k) {
			p.Errorf(k, "expected a field name, got %s", Describe(k))
			f.Bad = true
			continue
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		name := k.Value
		if first, dup := seen[name]; dup {
			p.Errorf(k, "duplicate field %q (first on line %d)", name, first.Line)
			f.Bad = true
			continue
		}
		seen[name] = k
		if !slices.Contains(valid, name) {
			if s := p.Unknown(k, "field", name, " in "+place, valid); s != "" {
				f.Suggested = append(f.Suggested, s)
			}
			f.Bad = true
			continue
		}
		f.Pairs = append(f.Pairs, Pair{Name: name, Key: k, Val: v})
	}
	for _, m := range merges {
		p.mergeDepth++
		if p.mergeDepth > MaxMergeDepth {
			p.Errorf(m, "merge keys (<<) nested more than %d deep", MaxMergeDepth)
			p.Abort()
		}
		m = p.Deref(m)
		var maps []*yaml.Node
		switch m.Kind {
		case yaml.MappingNode:
			maps = append(maps, m)
		case yaml.SequenceNode:
			for _, item := range m.Content {
				if item = p.Deref(item); item.Kind == yaml.MappingNode {
					maps = append(maps, item)
				} else {
					p.Errorf(item, "a merge key (<<) takes a mapping or a list of mappings, got %s", Describe(item))
					f.Bad = true
				}
			}
		default:
			p.Errorf(m, "a merge key (<<) takes a mapping or a list of mappings, got %s", Describe(m))
			f.Bad = true
		}
		for _, mm := range maps {
			sub := p.Mapping(mm, place, valid)
			f.Bad = f.Bad || sub.Bad
			f.Suggested = append(f.Suggested, sub.Suggested...)
			for _, sp := range sub.Pairs {
				if _, ok := seen[sp.Name]; !ok {
					seen[sp.Name] = sp.Key
					f.Pairs = append(f.Pairs, sp)
				}
			}
		}
		p.mergeDepth--
	}
	return f
}

// Unknown reports an unknown name (a field, a distribution, a kind)
// at n, suggesting the closest valid one, which it returns, or else
// listing the valid ones. where follows the name in the message.
func (p *Parser) Unknown(n *yaml.Node, what, name, where string, valid []string) string {
	if s := Suggest(name, valid); s != "" {
		p.Errorf(n, "unknown %s %q%s; did you mean %q?", what, name, where, s)
		return s
	}
	p.Errorf(n, "unknown %s %q%s (expected one of %s)", what, name, where, strings.Join(valid, ", "))
	return ""
}

// Required returns the pair name of f, reporting it missing from place
// unless an unknown key was taken for a misspelling of it.
func (p *Parser) Required(f *Fields, name, place string) (Pair, bool) {
	pr, ok := f.Get(name)
	if !ok && !slices.Contains(f.Suggested, name) {
		p.Errorf(f.Node, "missing field %q in %s", name, place)
	}
	return pr, ok
}

// AsMapping derefs n and checks that it is a mapping; what describes the
// mapping expected.
func (p *Parser) AsMapping(n *yaml.Node, what string) (*yaml.Node, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.MappingNode {
		p.Errorf(n, "expected %s, got %s", what, Describe(n))
		return n, false
	}
	return n, true
}

// Str parses a string scalar (possibly empty).
func (p *Parser) Str(n *yaml.Node) (string, bool) {
	n = p.Deref(n)
	if n.Kind != yaml.ScalarNode || IsNull(n) {
		p.Errorf(n, "expected a string, got %s", Describe(n))
		return "", false
	}
	return n.Value, true
}

// Int parses an integer in [lo, hi]; field names it in messages and unit
// (if any) qualifies hi. A float with an integral value is an integer.
func (p *Parser) Int(n *yaml.Node, field string, lo, hi int64, unit ...string) (int64, bool) {
	n = p.Deref(n)
	var v int64
	switch {
	case n.Kind != yaml.ScalarNode:
		p.Errorf(n, "expected an integer, got %s", Describe(n))
		return 0, false
	case n.ShortTag() == "!!int":
		if err := n.Decode(&v); err != nil {
			p.Errorf(n, "%s %s is out of range (at most %d)", field, n.Value, hi)
			return 0, false
		}
	case n.ShortTag() == "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			p.Errorf(n, "expected an integer, got %s", Describe(n))
			return 0, false
		}
		v = int64(f)
	default:
		p.Errorf(n, "expected an integer, got %s", Describe(n))
		return 0, false
	}
	switch {
	case v < lo && lo == 0:
		p.Errorf(n, "%s must not be negative, got %d", field, v)
	case v < lo:
		p.Errorf(n, "%s must be at least %d, got %d", field, lo, v)
	case v > hi:
		p.Errorf(n, "%s %d is too large: at most %s", field, v, strings.Join(append([]string{strconv.FormatInt(hi, 10)}, unit...), " "))
	default:
		return v, true
	}
	return 0, false
}

// Uint64 parses an integer from 0 to 2⁶⁴-1; field names it in messages.
func (p *Parser) Uint64(n *yaml.Node, field string) (uint64, bool) {
	n = p.Deref(n)
	var v uint64
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if err := n.Decode(&v); err == nil {
			return v, true
		}
		p.Errorf(n, "%s must be an integer between 0 and %d, got %s", field, uint64(math.MaxUint64), n.Value)
		return 0, false
	}
	p.Errorf(n, "expected an integer, got %s", Describe(n))
	return 0, false
}

// Bool parses true or false.
func (p *Parser) Bool(n *yaml.Node) (bool, bool) {
	n = p.Deref(n)
	var v bool
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&v) == nil {
		return v, true
	}
	p.Errorf(n, "expected true or false, got %s", Describe(n))
	return false, false
}

// Number parses a finite number; field names it in messages.
func (p *Parser) Number(n *yaml.Node, field string) (float64, bool) {
	n = p.Deref(n)
	var v float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&v) != nil {
		p.Errorf(n, "expected a number, got %s", Describe(n))
		return 0, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		p.Errorf(n, "%s must be a finite number, got %s", field, n.Value)
		return 0, false
	}
	return v, true
}

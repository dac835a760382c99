package sweep

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
)

// maxCopyNodes bounds the nodes of one copied tree, aliases expanded, so
// that a small file full of aliases cannot make a sweep expensive; a tree
// larger as written may be copied whole (see copyBudget).
const maxCopyNodes = 2_000_000

// copyBudget is the nodes a copy of n may make: maxCopyNodes, or n's own
// nodes as written if they are more, so that a tree without aliases can
// always be copied.
func copyBudget(n *yaml.Node) int { return max(maxCopyNodes, schema.TreeSize(n)) }

// errTooLarge is returned by copyNode when a tree exceeds its budget.
var errTooLarge = errors.New("the document is too large once its aliases are expanded")

// copyNode returns a deep copy of n with aliases expanded (so that editing
// the copy at one place never changes another) and lineOff added to every
// line, counting nodes in *budget.
func copyNode(n *yaml.Node, lineOff int, budget *int) (*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	src := n
	for i := 0; src.Kind == yaml.AliasNode; i++ {
		if src.Alias == nil || i > 100 {
			return nil, fmt.Errorf("unresolved alias *%s", src.Value)
		}
		src = src.Alias
	}
	if *budget--; *budget < 0 {
		return nil, errTooLarge
	}
	c := &yaml.Node{
		Kind:   src.Kind,
		Style:  src.Style,
		Tag:    src.Tag,
		Value:  src.Value,
		Line:   n.Line + lineOff,
		Column: n.Column,
	}
	if len(src.Content) > 0 {
		c.Content = make([]*yaml.Node, len(src.Content))
		for i, k := range src.Content {
			var err error
			if c.Content[i], err = copyNode(k, lineOff, budget); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// maxLine returns the largest line number in the tree under n.
func maxLine(n *yaml.Node, budget *int) int {
	if n == nil || *budget <= 0 {
		return 0
	}
	*budget--
	m := n.Line
	for _, c := range n.Content {
		m = max(m, maxLine(c, budget))
	}
	return m
}

// pathError is a path that does not address anything in a workload.
type pathError struct{ msg string }

func (e *pathError) Error() string { return e.msg }

func pathErrorf(format string, args ...any) error { return &pathError{fmt.Sprintf(format, args...)} }

// set replaces the value at the path segs of the workload mapping root by
// val. Missing mapping keys are added (a mapping for each inner segment),
// so that a path may set a field the base workload leaves at its default;
// the workload's validation then rejects a key that is not a field. pos
// gives the position of added keys and mappings. A list item is addressed
// by its index or by its name (or, for an item without a name, its kind);
// a name may contain dots. It returns the field set, as mapping keys and
// list indexes: two paths that set the same field return the same.
func set(root *yaml.Node, segs []string, val, pos *yaml.Node) ([]string, error) {
	n := root
	where := "the workload"
	var field []string
	for len(segs) > 0 {
		switch n.Kind {
		case yaml.MappingNode:
			key := segs[0]
			field = append(field, key)
			vi := lookup(n, key)
			if len(segs) == 1 {
				if vi >= 0 {
					n.Content[vi] = val
				} else {
					n.Content = append(n.Content, newKey(key, pos), val)
				}
				return field, nil
			}
			var next *yaml.Node
			switch {
			case vi >= 0:
				next = n.Content[vi]
			default:
				next = lookupMerged(n, key)
			}
			if next == nil || next.Kind == yaml.ScalarNode && next.ShortTag() == "!!null" {
				m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: pos.Line, Column: pos.Column}
				if vi >= 0 {
					n.Content[vi] = m
				} else {
					n.Content = append(n.Content, newKey(key, pos), m)
				}
				next = m
			}
			where = key
			n = next
			segs = segs[1:]
		case yaml.SequenceNode:
			i, rest, err := item(n, segs, where)
			if err != nil {
				return nil, err
			}
			field = append(field, strconv.Itoa(i))
			if len(rest) == 0 {
				n.Content[i] = val
				return field, nil
			}
			where = strings.Join(segs[:len(segs)-len(rest)], ".")
			n = n.Content[i]
			segs = rest
		default:
			return nil, pathErrorf("%s is %s, which has no field %q: vary the whole value instead", where, schema.Describe(n), segs[0])
		}
	}
	return field, nil
}

// newKey returns a key node for a field added at pos.
func newKey(key string, pos *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: pos.Line, Column: pos.Column}
}

// lookup returns the index in n.Content of the value of key in mapping n,
// or -1.
func lookup(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key && k.ShortTag() != "!!merge" {
			return i + 1
		}
	}
	return -1
}

// lookupMerged returns the value of key in the mappings merged into n by
// merge keys (<<), or nil.
func lookupMerged(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].ShortTag() != "!!merge" {
			continue
		}
		m := n.Content[i+1]
		maps := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			maps = m.Content
		}
		for _, mm := range maps {
			if mm.Kind != yaml.MappingNode {
				continue
			}
			if vi := lookup(mm, key); vi >= 0 {
				return mm.Content[vi]
			}
			if v := lookupMerged(mm, key); v != nil {
				return v
			}
		}
	}
	return nil
}

// itemNoun names the items of the list under key, for messages.
func itemNoun(key string) string {
	switch key {
	case "strategies":
		return "strategy"
	case "tasks":
		return "task class"
	case "steps":
		return "step"
	}
	return "item"
}

// item finds the list item addressed by the first segments of segs: an
// index, or the longest run of segments that, joined by dots, is an item's
// name. It returns the item's index and the remaining segments.
func item(n *yaml.Node, segs []string, where string) (int, []string, error) {
	noun := itemNoun(where)
	if i, err := strconv.Atoi(segs[0]); err == nil && segs[0] == strconv.Itoa(i) {
		if i < 0 || i >= len(n.Content) {
			return 0, nil, pathErrorf("no %s at index %d in %s (it has %d, from 0)", noun, i, where, len(n.Content))
		}
		return i, segs[1:], nil
	}
	names := make([]string, len(n.Content))
	for i, it := range n.Content {
		names[i] = itemName(it)
	}
	for k := len(segs); k >= 1; k-- {
		want := strings.Join(segs[:k], ".")
		for i, name := range names {
			if name != "" && name == want {
				return i, segs[k:], nil
			}
		}
	}
	var known []string
	for _, name := range names {
		if name != "" {
			known = append(known, name)
		}
	}
	msg := fmt.Sprintf("no %s named %q", noun, segs[0])
	if s := schema.Suggestion(segs[0], known); s != "" {
		return 0, nil, pathErrorf("%s%s", msg, s)
	}
	if len(known) > 0 {
		return 0, nil, pathErrorf("%s in %s (it has %s; or give an index from 0)", msg, where, strings.Join(quoteAll(known), ", "))
	}
	return 0, nil, pathErrorf("%s in %s (address its items by index, from 0)", msg, where)
}

// itemName returns a list item's name: its name field, or for a mapping
// without one its kind (a strategy's default name), or "".
func itemName(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for _, key := range []string{"name", "kind"} {
		vi := lookup(n, key)
		if vi < 0 {
			if v := lookupMerged(n, key); v != nil && v.Kind == yaml.ScalarNode {
				return v.Value
			}
			continue
		}
		if v := n.Content[vi]; v.Kind == yaml.ScalarNode {
			return v.Value
		}
		return ""
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// plainSafe matches strings that may be written as plain YAML scalars in
// flow context without changing meaning or type.
var (
	plainSafe   = regexp.MustCompile(`^[A-Za-z0-9_./+\-()µ][A-Za-z0-9_./+\-() µ]*$`)
	notAString  = regexp.MustCompile(`^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$`)
	trailingSpc = regexp.MustCompile(`\s$`)
)

// flow renders n as compact flow YAML on one line: "4", "5ms",
// "{exp: 5ms}", "[1ms, 2ms]". Equal values render equally, and strings
// that would read back as another type or span lines are double-quoted.
func flow(n *yaml.Node) string {
	var b strings.Builder
	writeFlow(&b, n)
	return b.String()
}

func writeFlow(b *strings.Builder, n *yaml.Node) {
	n = schema.Deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlow(b, n.Content[i])
			b.WriteString(": ")
			writeFlow(b, n.Content[i+1])
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlow(b, c)
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		v := n.Value
		switch n.ShortTag() {
		case "!!null":
			b.WriteString("null")
		case "!!str":
			if plainSafe.MatchString(v) && !notAString.MatchString(v) && !trailingSpc.MatchString(v) {
				b.WriteString(v)
			} else {
				b.WriteString(strconv.Quote(v))
			}
		case "!!merge":
			b.WriteString("<<")
		default:
			b.WriteString(v)
		}
	default:
		b.WriteString("null")
	}
}

// canonical writes an encoding of n's meaning: kinds, resolved tags and
// values, without styles, comments, anchors or positions.
func canonical(w io.Writer, n *yaml.Node) {
	n = schema.Deref(n)
	if n == nil {
		io.WriteString(w, "~;")
		return
	}
	fmt.Fprintf(w, "%d%s:%d:%s(%d", n.Kind, n.ShortTag(), len(n.Value), n.Value, len(n.Content))
	for _, c := range n.Content {
		canonical(w, c)
	}
	io.WriteString(w, ")")
}

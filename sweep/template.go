package sweep

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/workloads"
)

// Template is a validated workload whose fields can be set by dotted
// paths, as a sweep's vary sets them, to make variants of it: the
// searches of asyncsim capacity and plan use it.
type Template struct {
	// Spec is the workload as written.
	Spec *workloads.Spec
	file string
	root *yaml.Node // the workload's root mapping
}

// NewTemplate parses and validates the workload document data, read from
// file, as workloads.Parse does.
func NewTemplate(file string, data []byte) (*Template, error) {
	doc, err := schema.Decode(file, data, "a workload with name, tasks and strategies", "a workload file")
	if err != nil {
		return nil, err
	}
	spec, err := workloads.ParseNode(file, doc)
	if err != nil {
		return nil, err
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	return &Template{Spec: spec, file: file, root: root}, nil
}

// Field checks that path addresses something in the workload and returns
// the field it sets, as mapping keys and list indexes: two spellings of
// one field ("strategies.threads.threads", "strategies.1.threads") give
// the same field.
func (t *Template) Field(path string) ([]string, error) {
	segs, err := splitSegments(path)
	if err != nil {
		return nil, err
	}
	scratch, err := t.copy()
	if err != nil {
		return nil, err
	}
	return set(scratch, segs, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, t.root)
}

// With returns the workload with the value at each of paths set to the
// value of the same index (a YAML scalar, such as "8" or "5ms"),
// validated.
func (t *Template) With(paths, values []string) (*workloads.Spec, error) {
	tree, err := t.copy()
	if err != nil {
		return nil, err
	}
	for i, path := range paths {
		segs, err := splitSegments(path)
		if err != nil {
			return nil, err
		}
		var val yaml.Node
		if err := yaml.Unmarshal([]byte(values[i]), &val); err != nil || len(val.Content) != 1 {
			return nil, fmt.Errorf("%s: value %q is not a YAML value", path, values[i])
		}
		v := val.Content[0]
		v.Line, v.Column = t.root.Line, t.root.Column
		if _, err := set(tree, segs, v, t.root); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return workloads.ParseNode(t.file, tree)
}

// copy returns a copy of the workload's tree, aliases expanded.
func (t *Template) copy() (*yaml.Node, error) {
	budget := copyBudget(t.root)
	n, err := copyNode(t.root, 0, &budget)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	return n, nil
}

// splitSegments splits a dotted path into its segments, as a sweep's
// vary.path is split.
func splitSegments(path string) ([]string, error) {
	if path == "" || strings.ContainsFunc(path, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		return nil, fmt.Errorf("path %s must be keys, names and indexes separated by dots, without spaces", schema.Quote(path))
	}
	segs := strings.Split(path, ".")
	if slices.Contains(segs, "") {
		return nil, fmt.Errorf("path %s has an empty segment: write keys, names and indexes separated by single dots", schema.Quote(path))
	}
	return segs, nil
}

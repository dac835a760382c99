package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"asyncsim/sim"
	"asyncsim/workloads"
)

// MaxPoints is the largest number of grid points a sweep may have.
const MaxPoints = 100_000

// maxErrors is how many errors a sweep file's parse reports at most.
const maxErrors = 10

// The keys valid at each place of a sweep file.
var (
	sweepKeys = []string{"workload", "description", "replications", "zip", "vary", "plot"}
	varyKeys  = []string{"path", "values"}
	plotKeys  = []string{"x", "y", "log_x", "log_y"}
)

// DefaultY are the metrics plotted when a sweep file names none.
var DefaultY = []string{"makespan_s", "latency_p99_s"}

// Sweep is a validated sweep: its base workload, the varied parameters and
// every grid point, each point's workload already substituted and
// validated.
type Sweep struct {
	// File names the sweep in messages: a path, or "example:NAME" for an
	// embedded example sweep.
	File string
	// Description is free text from the sweep file.
	Description string
	// Workload is the base workload's name.
	Workload string
	// WorkloadFile is where the base workload came from: a path,
	// "example:NAME", or File when it is written inline.
	WorkloadFile string
	// Replications is every point's number of replications: the sweep
	// file's override, or else the base workload's.
	Replications int
	// Zip pairs the parameters' values one to one instead of taking their
	// cartesian product.
	Zip bool
	// Vary are the varied parameters, in file order.
	Vary []Param
	// Plot says which figures to draw, with its defaults resolved.
	Plot Plot
	// Points are the grid points in order: with the cartesian product, the
	// first parameter varies slowest.
	Points []Point
	// Hash identifies the expanded sweep (every point's workload and the
	// replications): "sha256:" and 64 hex digits. Changing a comment or the
	// plot keeps it; changing anything that changes a row does not.
	Hash string
}

// Param is one varied parameter.
type Param struct {
	// Path is the dotted path, as written: mapping keys, and list items by
	// their name (or, for a strategy without one, its kind) or index.
	Path string
	// Values are the values in compact flow YAML ("4", "{exp: 5ms}"), as
	// they appear in the output's columns.
	Values []string
}

// Plot says which figures to draw: each Y metric against the X parameter.
type Plot struct {
	// X is the path of the parameter on the x axis (default: the first).
	X string `json:"x"`
	// Y are the metrics to plot, one figure each (default DefaultY).
	Y []string `json:"y"`
	// LogX and LogY make the axes logarithmic.
	LogX bool `json:"log_x"`
	LogY bool `json:"log_y"`
}

// Point is one grid point of a sweep.
type Point struct {
	// Index is the point's position in the grid, from 0.
	Index int
	// Values holds the point's value of each parameter, as in Param.Values.
	Values []string
	// Spec is the point's validated workload, with Replications set.
	Spec *workloads.Spec
}

// Strategies returns the names of the point's strategies, in the order of
// its rows.
func (pt *Point) Strategies() []string {
	names := make([]string, len(pt.Spec.Strategies))
	for i, c := range pt.Spec.Strategies {
		names[i] = c.Name
	}
	return names
}

// Load reads and validates the sweep file at path. When there is no such
// file and path has no path separator, it loads the embedded example sweep
// of that name (with or without ".yaml").
func Load(path string) (*Sweep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(path, "/"+string(filepath.Separator)) {
			if ex, ok := LookupExample(strings.TrimSuffix(path, ".yaml")); ok {
				return parse("example:"+ex.Name, "", ex.YAML)
			}
			var names []string
			for _, ex := range Examples() {
				names = append(names, ex.Name)
			}
			return nil, fmt.Errorf("sweep: %w (nor is it an example sweep: %s)", err, strings.Join(names, ", "))
		}
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates the sweep document data, read from file; a
// workload file it names is read relative to file's folder. It returns
// either a Sweep with every point expanded and validated, or a
// workloads.ErrorList naming each problem's file, line and column.
func Parse(file string, data []byte) (*Sweep, error) {
	return parse(file, filepath.Dir(file), data)
}

// parse parses a sweep; dir is the folder of workload files, or "" for an
// embedded sweep, which may only name embedded workloads.
func parse(file, dir string, data []byte) (*Sweep, error) {
	doc, err := decodeYAML(file, data, "a sweep with workload and vary")
	if err != nil {
		return nil, err
	}
	p := &parser{file: file, dir: dir}
	raw := p.sweep(doc)
	if err := p.result(); err != nil {
		return nil, err
	}
	return expand(file, raw)
}

// decodeYAML parses data as exactly one YAML document, reporting syntax
// errors as workloads.ErrorList.
func decodeYAML(file string, data []byte, want string) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, workloads.ErrorList{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("invalid YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var d yaml.Node
	if err := dec.Decode(&d); err != nil {
		if err == io.EOF {
			return nil, workloads.ErrorList{{File: file, Line: 1, Col: 1, Msg: "empty document: expected " + want}}
		}
		return nil, syntaxError(file, data, err)
	}
	var d2 yaml.Node
	switch err := dec.Decode(&d2); {
	case err == io.EOF:
	case err != nil:
		return nil, syntaxError(file, data, err)
	default:
		line, col := d2.Line, d2.Column
		if len(d2.Content) > 0 && d2.Content[0].Line > 0 {
			line, col = d2.Content[0].Line, d2.Content[0].Column
		}
		return nil, workloads.ErrorList{{File: file, Line: line, Col: col, Msg: "a second YAML document: a file holds exactly one"}}
	}
	return &d, nil
}

// syntaxError positions a YAML syntax error the way workload files do: the
// workload parser knows how to read the YAML library's line numbers.
func syntaxError(file string, data []byte, err error) error {
	var list workloads.ErrorList
	if _, perr := workloads.Parse(file, data); errors.As(perr, &list) && len(list) > 0 && strings.HasPrefix(list[0].Msg, "invalid YAML") {
		return list[:1]
	}
	return workloads.ErrorList{{File: file, Line: 1, Col: 1, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
}

// rawSweep is a sweep file's content, checked but not yet expanded.
type rawSweep struct {
	description  string
	base         *yaml.Node // the base workload's root mapping
	baseFile     string
	baseSpec     *workloads.Spec
	replications int // 0: the workload's
	repsNode     *yaml.Node
	zip          bool
	zipNode      *yaml.Node
	vary         []rawParam
	plot         Plot
	plotNode     *yaml.Node // the plot mapping, if any
	xNode        *yaml.Node
	logXNode     *yaml.Node
}

// rawParam is one entry of vary.
type rawParam struct {
	path       string
	segs       []string
	pathNode   *yaml.Node
	values     []*yaml.Node
	valuesNode *yaml.Node
}

// parser checks a sweep file's node tree, collecting errors.
type parser struct {
	file, dir string
	errs      workloads.ErrorList
}

// errorf records an error at n; past maxErrors it records nothing more.
func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	switch {
	case len(p.errs) < maxErrors:
		p.errs = append(p.errs, &workloads.Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	case len(p.errs) == maxErrors:
		p.errs = append(p.errs, &workloads.Error{File: p.file, Line: line, Col: col, Msg: "too many errors"})
	}
}

// result returns the errors found, or nil.
func (p *parser) result() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names what n is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null":
		return "nothing"
	}
	switch n.ShortTag() {
	case "!!bool":
		return "the boolean " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return strconv.Quote(v)
}

// pairs checks the keys of mapping n against valid and returns the value
// of each valid key present.
func (p *parser) pairs(n *yaml.Node, place string, valid []string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node)
	keys := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null":
			p.errorf(k, "expected a field name, got %s", describe(k))
			continue
		case k.ShortTag() == "!!merge":
			p.errorf(k, "merge keys (<<) are not supported in %s", place)
			continue
		}
		if first, dup := keys[k.Value]; dup {
			p.errorf(k, "duplicate field %q (first on line %d)", k.Value, first.Line)
			continue
		}
		keys[k.Value] = k
		if !slices.Contains(valid, k.Value) {
			if s := workloads.Suggestion(k.Value, valid); s != "" {
				p.errorf(k, "unknown field %q in %s%s", k.Value, place, s)
			} else {
				p.errorf(k, "unknown field %q in %s (expected one of %s)", k.Value, place, strings.Join(valid, ", "))
			}
			continue
		}
		out[k.Value] = v
	}
	return out
}

// str parses a non-empty string scalar.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.Value == "" {
		p.errorf(n, "%s: expected a string, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// boolean parses a boolean scalar.
func (p *parser) boolean(n *yaml.Node, what string) bool {
	n = deref(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		p.errorf(n, "%s: expected true or false, got %s", what, describe(n))
	}
	return b
}

// sweep checks the document's root mapping.
func (p *parser) sweep(doc *yaml.Node) *rawSweep {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = deref(root)
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "expected a sweep (a mapping with workload and vary), got %s", describe(root))
		return nil
	}
	f := p.pairs(root, "sweep", sweepKeys)
	s := &rawSweep{}
	if n, ok := f["description"]; ok && deref(n).ShortTag() != "!!null" {
		s.description, _ = p.str(n, "description")
	}
	if n, ok := f["replications"]; ok {
		s.repsNode = deref(n)
		var v int64
		if s.repsNode.Kind != yaml.ScalarNode || s.repsNode.ShortTag() != "!!int" || s.repsNode.Decode(&v) != nil ||
			v < 1 || v > workloads.MaxReplications {
			p.errorf(s.repsNode, "replications must be an integer from 1 to %d, got %s", workloads.MaxReplications, describe(s.repsNode))
		} else {
			s.replications = int(v)
		}
	}
	if n, ok := f["zip"]; ok {
		s.zipNode = deref(n)
		s.zip = p.boolean(n, "zip")
	}
	if n, ok := f["vary"]; ok {
		p.vary(s, deref(n))
	} else {
		p.errorf(root, "missing field \"vary\" in sweep: the parameters to vary, like [{path: strategies.threads.threads, values: [1, 2, 4]}]")
	}
	if n, ok := f["plot"]; ok {
		p.plot(s, deref(n))
	}
	if n, ok := f["workload"]; ok {
		if len(p.errs) == 0 {
			s.base, s.baseFile = p.workload(deref(n))
		}
	} else {
		p.errorf(root, "missing field \"workload\" in sweep: a workload file, an example's name, or a workload written inline")
	}
	return s
}

// vary checks the list of varied parameters.
func (p *parser) vary(s *rawSweep, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, "vary: expected a list of {path, values}, got %s", describe(n))
		return
	}
	for i, item := range n.Content {
		item = deref(item)
		where := fmt.Sprintf("vary[%d]", i)
		if item.Kind != yaml.MappingNode {
			p.errorf(item, "%s: expected a mapping like {path: strategies.threads.threads, values: [1, 2, 4]}, got %s", where, describe(item))
			continue
		}
		f := p.pairs(item, where, varyKeys)
		rp := rawParam{}
		ok := true
		if pn, has := f["path"]; has {
			rp.pathNode = deref(pn)
			if rp.path, ok = p.str(pn, where+".path"); ok {
				rp.segs, ok = p.splitPath(rp.pathNode, where, rp.path)
			}
		} else {
			p.errorf(item, "missing field \"path\" in %s", where)
			ok = false
		}
		if vn, has := f["values"]; has {
			rp.valuesNode = deref(vn)
			if rp.valuesNode.Kind != yaml.SequenceNode || len(rp.valuesNode.Content) == 0 {
				p.errorf(rp.valuesNode, "%s.values: expected a non-empty list of values, got %s", where, describe(rp.valuesNode))
				ok = false
			} else {
				rp.values = rp.valuesNode.Content
			}
		} else {
			p.errorf(item, "missing field \"values\" in %s", where)
			ok = false
		}
		if !ok {
			continue
		}
		for j, prev := range s.vary {
			switch {
			case prev.path == rp.path:
				p.errorf(rp.pathNode, "%s.path %q is also vary[%d].path", where, rp.path, j)
				ok = false
			case strings.HasPrefix(rp.path, prev.path+"."), strings.HasPrefix(prev.path, rp.path+"."):
				p.errorf(rp.pathNode, "%s.path %q overlaps vary[%d].path %q: one would overwrite the other", where, rp.path, j, prev.path)
				ok = false
			}
		}
		if ok {
			s.vary = append(s.vary, rp)
		}
	}
}

// splitPath splits a dotted path into its segments.
func (p *parser) splitPath(n *yaml.Node, where, path string) ([]string, bool) {
	if strings.ContainsFunc(path, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		p.errorf(n, "%s.path %q must not contain spaces or control characters", where, path)
		return nil, false
	}
	segs := strings.Split(path, ".")
	if slices.Contains(segs, "") {
		p.errorf(n, "%s.path %q has an empty segment: write keys, names and indexes separated by single dots", where, path)
		return nil, false
	}
	if segs[0] == "replications" && len(segs) == 1 {
		p.errorf(n, "%s.path \"replications\" cannot be varied: every point has the same columns; set the sweep's replications instead", where)
		return nil, false
	}
	return segs, true
}

// plot checks the plot mapping.
func (p *parser) plot(s *rawSweep, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "plot: expected a mapping like {x: PATH, y: [latency_p99_s], log_x: true}, got %s", describe(n))
		return
	}
	s.plotNode = n
	f := p.pairs(n, "plot", plotKeys)
	if x, ok := f["x"]; ok {
		s.xNode = deref(x)
		s.plot.X, _ = p.str(x, "plot.x")
	}
	if y, ok := f["y"]; ok {
		y = deref(y)
		items := []*yaml.Node{y}
		if y.Kind == yaml.SequenceNode {
			items = y.Content
			if len(items) == 0 {
				p.errorf(y, "plot.y: expected a metric or a list of metrics, got an empty list")
			}
		}
		var names []string
		for _, m := range sim.Metrics() {
			names = append(names, m.String())
		}
		for _, item := range items {
			name, ok := p.str(item, "plot.y")
			if !ok {
				continue
			}
			if _, known := sim.MetricByName(name); !known {
				if sg := workloads.Suggestion(name, names); sg != "" {
					p.errorf(deref(item), "plot.y: unknown metric %q%s", name, sg)
				} else {
					p.errorf(deref(item), "plot.y: unknown metric %q (expected one of %s)", name, strings.Join(names, ", "))
				}
				continue
			}
			if slices.Contains(s.plot.Y, name) {
				p.errorf(deref(item), "plot.y: metric %q listed twice", name)
				continue
			}
			s.plot.Y = append(s.plot.Y, name)
		}
	}
	if v, ok := f["log_x"]; ok {
		s.logXNode = deref(v)
		s.plot.LogX = p.boolean(v, "plot.log_x")
	}
	if v, ok := f["log_y"]; ok {
		s.plot.LogY = p.boolean(v, "plot.log_y")
	}
}

// workload loads and validates the base workload named by n: a file
// relative to the sweep file, an embedded example, or an inline mapping.
func (p *parser) workload(n *yaml.Node) (*yaml.Node, string) {
	if n.Kind == yaml.MappingNode {
		return n, p.file
	}
	name, ok := p.str(n, "workload")
	if !ok {
		return nil, ""
	}
	var data []byte
	var file string
	var readErr error
	if p.dir != "" {
		file = name
		if !filepath.IsAbs(name) {
			file = filepath.Join(p.dir, name)
		}
		data, readErr = os.ReadFile(file)
	} else {
		readErr = fs.ErrNotExist
	}
	if readErr != nil {
		if !errors.Is(readErr, fs.ErrNotExist) {
			p.errorf(n, "workload %q: %v", name, readErr)
			return nil, ""
		}
		ex, found := workloads.LookupExample(strings.TrimSuffix(name, ".yaml"))
		if !found || strings.ContainsAny(name, "/"+string(filepath.Separator)) {
			var names []string
			for _, e := range workloads.Examples() {
				names = append(names, e.Name)
			}
			where := "no such file"
			if p.dir != "" {
				where = fmt.Sprintf("no file %s", file)
			}
			p.errorf(n, "workload %q: %s, and no example of that name%s (examples: %s)",
				name, where, workloads.Suggestion(strings.TrimSuffix(name, ".yaml"), names), strings.Join(names, ", "))
			return nil, ""
		}
		data, file = ex.YAML, "example:"+ex.Name
	}
	doc, err := decodeYAML(file, data, "a workload with name, tasks and strategies")
	if err != nil {
		p.errs = append(p.errs, asList(err)...)
		return nil, ""
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	return deref(root), file
}

// asList returns err's workloads errors, or err as one error at 1:1.
func asList(err error) workloads.ErrorList {
	var list workloads.ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *workloads.Error
	if errors.As(err, &one) {
		return workloads.ErrorList{one}
	}
	return workloads.ErrorList{{Line: 1, Col: 1, Msg: err.Error()}}
}

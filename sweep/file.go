package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// MaxPoints is the largest number of grid points a sweep may have.
const MaxPoints = 100_000

// The keys valid at each place of a sweep file.
var (
	sweepKeys = []string{"workload", "description", "replications", "zip", "vary", "plot"}
	varyKeys  = []string{"path", "values"}
	plotKeys  = []string{"x", "y", "log_x", "log_y", "title", "x_label", "y_label"}
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

	// lineOff is the line from which a point's workload holds the sweep
	// file's values (see origin).
	lineOff int
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

// RateX is the plot.x that draws the arrival rate of the first varied
// arrival path (see ArrivalPath): the inverse of a mean interarrival, or
// per_second itself.
const RateX = "rate"

// Plot says which figures to draw: each Y metric against the X parameter.
type Plot struct {
	// X is the path of the parameter on the x axis (default: the first),
	// or RateX.
	X string `json:"x"`
	// Y are the metrics to plot, one figure each (default DefaultY).
	Y []string `json:"y"`
	// LogX and LogY make the axes logarithmic.
	LogX bool `json:"log_x"`
	LogY bool `json:"log_y"`
	// Title and YLabel map metrics of Y to their figure's title and y
	// axis label, and XLabel labels every figure's x axis; a figure
	// without one gets a title and labels made from the names of its
	// metric and parameters ("p99 latency vs api interarrival").
	Title  map[string]string `json:"title,omitempty"`
	XLabel string            `json:"x_label,omitempty"`
	YLabel map[string]string `json:"y_label,omitempty"`
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

// Load reads and validates the sweep file at path, through
// schema.ReadFile (a regular file within its size limit). A name that
// cannot only mean a file (see schema.IsFileName) is an embedded example
// sweep when no file of that name exists.
func Load(path string) (*Sweep, error) {
	name, data, err := schema.ReadFileOrExample(path, schema.Examples{
		What: "example sweep",
		Lookup: func(name string) (string, []byte, bool) {
			ex, ok := LookupExample(name)
			return ex.Name, ex.YAML, ok
		},
		Names: func() []string {
			var names []string
			for _, ex := range Examples() {
				names = append(names, ex.Name)
			}
			return names
		},
	})
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "example:") {
		return parse(name, "", data)
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
	doc, err := schema.Decode(file, data, "a sweep with workload and vary", "a sweep file")
	if err != nil {
		return nil, err
	}
	p := &parser{Parser: schema.NewParser(file, doc), dir: dir}
	var raw *rawSweep
	if err := p.Run(func() { raw = p.sweep(doc) }); err != nil {
		return nil, err
	}
	return expand(file, raw)
}

// rawSweep is a sweep file's content, checked but not yet expanded.
type rawSweep struct {
	description  string
	base         *yaml.Node // the base workload's root mapping
	baseFile     string
	replications int // 0: the workload's
	zip          bool
	vary         []rawParam
	plot         Plot
	xNode        *yaml.Node
	logXNode     *yaml.Node
	resourceY    []*yaml.Node // the items of plot.y that name a resource's figure
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
	*schema.Parser
	dir string
}

// str parses a non-empty string scalar; what names it in messages.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if v := p.Deref(n); v.Kind == yaml.ScalarNode && v.Value == "" && !schema.IsNull(v) {
		p.Within(what).Errorf(v, "expected a string, got %s", schema.Describe(v))
		return "", false
	}
	return p.Within(what).Str(n)
}

// boolean parses a boolean scalar; what names it in messages.
func (p *parser) boolean(n *yaml.Node, what string) bool {
	b, _ := p.Within(what).Bool(n)
	return b
}

// sweep checks the document's root mapping.
func (p *parser) sweep(doc *yaml.Node) *rawSweep {
	root := p.Deref(schema.Root(doc))
	if root.Kind != yaml.MappingNode {
		p.Errorf(root, "expected a sweep (a mapping with workload and vary), got %s", schema.Describe(root))
		return nil
	}
	f := p.Mapping(root, "sweep", sweepKeys)
	s := &rawSweep{}
	if pr, ok := f.Get("description"); ok && !schema.IsNull(p.Deref(pr.Val)) {
		s.description, _ = p.str(pr.Val, "description")
	}
	if pr, ok := f.Get("replications"); ok {
		n := p.Deref(pr.Val)
		var v int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil ||
			v < 1 || v > workloads.MaxReplications {
			p.Errorf(n, "replications must be an integer from 1 to %d, got %s", workloads.MaxReplications, schema.Describe(n))
		} else {
			s.replications = int(v)
		}
	}
	if pr, ok := f.Get("zip"); ok {
		s.zip = p.boolean(pr.Val, "zip")
	}
	if pr, ok := f.Get("vary"); ok {
		p.vary(s, p.Deref(pr.Val))
	} else {
		p.Errorf(root, "missing field \"vary\" in sweep: the parameters to vary, like [{path: strategies.threads.threads, values: [1, 2, 4]}]")
	}
	if pr, ok := f.Get("plot"); ok {
		p.plot(s, p.Deref(pr.Val))
	}
	if pr, ok := f.Get("workload"); ok {
		if !p.Failed() {
			s.base, s.baseFile = p.workload(p.Deref(pr.Val))
		}
	} else {
		p.Errorf(root, "missing field \"workload\" in sweep: a workload file, an example's name, or a workload written inline")
	}
	return s
}

// vary checks the list of varied parameters.
func (p *parser) vary(s *rawSweep, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.Errorf(n, "vary: expected a list of {path, values}, got %s", schema.Describe(n))
		return
	}
	for i, item := range n.Content {
		item = p.Deref(item)
		where := fmt.Sprintf("vary[%d]", i)
		if item.Kind != yaml.MappingNode {
			p.Errorf(item, "%s: expected a mapping like {path: strategies.threads.threads, values: [1, 2, 4]}, got %s", where, schema.Describe(item))
			continue
		}
		f := p.Mapping(item, where, varyKeys)
		rp := rawParam{}
		ok := true
		if pr, has := f.Get("path"); has {
			rp.pathNode = p.Deref(pr.Val)
			if rp.path, ok = p.str(pr.Val, where+".path"); ok {
				rp.segs, ok = p.splitPath(rp.pathNode, where, rp.path)
			}
		} else {
			p.Errorf(item, "missing field \"path\" in %s", where)
			ok = false
		}
		if pr, has := f.Get("values"); has {
			rp.valuesNode = p.Deref(pr.Val)
			if rp.valuesNode.Kind != yaml.SequenceNode || len(rp.valuesNode.Content) == 0 {
				p.Errorf(rp.valuesNode, "%s.values: expected a non-empty list of values, got %s", where, schema.Describe(rp.valuesNode))
				ok = false
			} else {
				rp.values = rp.valuesNode.Content
			}
		} else {
			p.Errorf(item, "missing field \"values\" in %s", where)
			ok = false
		}
		if !ok {
			continue
		}
		for j, prev := range s.vary {
			switch {
			case prev.path == rp.path:
				p.Errorf(rp.pathNode, "%s.path %q is also vary[%d].path", where, rp.path, j)
				ok = false
			case strings.HasPrefix(rp.path, prev.path+"."), strings.HasPrefix(prev.path, rp.path+"."):
				p.Errorf(rp.pathNode, "%s.path %q overlaps vary[%d].path %q: one would overwrite the other", where, rp.path, j, prev.path)
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
		p.Errorf(n, "%s.path %s must not contain spaces or control characters", where, schema.Quote(path))
		return nil, false
	}
	segs := strings.Split(path, ".")
	if slices.Contains(segs, "") {
		p.Errorf(n, "%s.path %s has an empty segment: write keys, names and indexes separated by single dots", where, schema.Quote(path))
		return nil, false
	}
	if segs[0] == "replications" && len(segs) == 1 {
		p.Errorf(n, "%s.path \"replications\" cannot be varied: every point has the same columns; set the sweep's replications instead", where)
		return nil, false
	}
	return segs, true
}

// plot checks the plot mapping.
func (p *parser) plot(s *rawSweep, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.Errorf(n, "plot: expected a mapping like {x: PATH, y: [latency_p99_s], log_x: true}, got %s", schema.Describe(n))
		return
	}
	f := p.Mapping(n, "plot", plotKeys)
	if pr, ok := f.Get("x"); ok {
		s.xNode = p.Deref(pr.Val)
		s.plot.X, _ = p.str(pr.Val, "plot.x")
	}
	if pr, ok := f.Get("y"); ok {
		y := p.Deref(pr.Val)
		items := []*yaml.Node{y}
		if y.Kind == yaml.SequenceNode {
			items = y.Content
			if len(items) == 0 {
				p.Errorf(y, "plot.y: expected a metric or a list of metrics, got an empty list")
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
			item = p.Deref(item)
			if strings.HasPrefix(name, "resource.") {
				// A resource's figure: checked against the base
				// workload's resources once it is loaded (checkY).
				s.resourceY = append(s.resourceY, item)
			} else if _, known := sim.MetricByName(name); !known {
				p.Within("plot.y").Unknown(item, "metric", name, "", names)
				continue
			}
			if slices.Contains(s.plot.Y, name) {
				p.Errorf(item, "plot.y: metric %q listed twice", name)
				continue
			}
			s.plot.Y = append(s.plot.Y, name)
		}
	}
	if pr, ok := f.Get("log_x"); ok {
		s.logXNode = p.Deref(pr.Val)
		s.plot.LogX = p.boolean(pr.Val, "plot.log_x")
	}
	if pr, ok := f.Get("log_y"); ok {
		s.plot.LogY = p.boolean(pr.Val, "plot.log_y")
	}
	y := s.plot.Y
	if _, ok := f.Get("y"); !ok {
		y = DefaultY
	}
	if pr, ok := f.Get("title"); ok {
		s.plot.Title = p.perMetric(pr.Val, "plot.title", y)
	}
	if pr, ok := f.Get("y_label"); ok {
		s.plot.YLabel = p.perMetric(pr.Val, "plot.y_label", y)
	}
	if pr, ok := f.Get("x_label"); ok {
		s.plot.XLabel, _ = p.str(pr.Val, "plot.x_label")
	}
}

// perMetric parses a text of the figures of the metrics y (a title or a
// y axis label): one string for all of them, or a mapping from some of
// them to their own. what names the key in messages.
func (p *parser) perMetric(n *yaml.Node, what string, y []string) map[string]string {
	v := p.Deref(n)
	if v.Kind != yaml.MappingNode {
		text, ok := p.str(n, what)
		if !ok {
			return nil
		}
		m := make(map[string]string, len(y))
		for _, metric := range y {
			m[metric] = text
		}
		return m
	}
	m := map[string]string{}
	f := p.Mapping(v, what, y)
	for _, pr := range f.Pairs {
		if text, ok := p.str(pr.Val, what+"."+pr.Name); ok {
			m[pr.Name] = text
		}
	}
	if f.Bad && len(m) == 0 {
		return nil
	}
	return m
}

// workload loads the base workload named by n: a file relative to the
// sweep file, an embedded example (by a name that is not a file's, see
// schema.IsFileName), or an inline mapping. It returns the workload's
// root mapping and the file it came from.
func (p *parser) workload(n *yaml.Node) (*yaml.Node, string) {
	if n.Kind == yaml.MappingNode {
		return n, p.File()
	}
	name, ok := p.str(n, "workload")
	if !ok {
		return nil, ""
	}
	var data []byte
	file := name
	readErr := fs.ErrNotExist
	if p.dir != "" {
		if !filepath.IsAbs(name) {
			file = filepath.Join(p.dir, name)
		}
		data, readErr = schema.ReadFile(file)
	}
	if readErr != nil {
		if !errors.Is(readErr, fs.ErrNotExist) {
			// The problem without the path, which the message names.
			if fe := (*schema.FileError)(nil); errors.As(readErr, &fe) {
				readErr = fe.Err
			}
			p.Errorf(n, "workload %q: %v", name, readErr)
			return nil, ""
		}
		where := "no such file"
		if p.dir != "" {
			where = "no file " + file
		}
		ex, found := workloads.LookupExample(name)
		switch {
		case schema.IsFileName(name):
			p.Errorf(n, "workload %q: %s%s", name, where, exampleHint(name))
			return nil, ""
		case !found:
			names := workloads.ExampleNames()
			p.Errorf(n, "workload %q: %s, and no example of that name%s (examples: %s)",
				name, where, schema.Suggestion(name, names), strings.Join(names, ", "))
			return nil, ""
		}
		data, file = ex.YAML, "example:"+ex.Name
	}
	doc, err := schema.Decode(file, data, "a workload with name, tasks and strategies", "a workload file")
	if err != nil {
		var list schema.ErrorList
		errors.As(err, &list)
		p.Add(list)
		return nil, ""
	}
	return p.Deref(schema.Root(doc)), file
}

// exampleHint names the example a file name without its ".yaml" would
// be, or is "".
func exampleHint(name string) string {
	if strings.ContainsAny(name, "/"+string(filepath.Separator)) {
		return ""
	}
	if ex, ok := workloads.LookupExample(strings.TrimSuffix(name, ".yaml")); ok {
		return fmt.Sprintf(" (the example of that name is %s, without .yaml)", ex.Name)
	}
	return ""
}

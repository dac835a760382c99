package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/workloads"
)

// hashVersion is part of every hash: bump it when the meaning of a sweep's
// rows changes, so that old journals are not resumed or merged.
const hashVersion = "asyncsim-sweep-1"

// expand validates the base workload, the paths and the plot, then builds
// and validates every grid point.
func expand(file string, raw *rawSweep) (*Sweep, error) {
	p := &parser{Parser: schema.NewParser(file, nil)}
	base, err := workloads.ParseNode(raw.baseFile, raw.base)
	if err != nil {
		return nil, err
	}
	s := &Sweep{
		File:         file,
		Description:  raw.description,
		Workload:     base.Name,
		WorkloadFile: raw.baseFile,
		Replications: base.Replications,
		Zip:          raw.zip,
		Plot:         raw.plot,
	}
	if raw.replications > 0 {
		s.Replications = raw.replications
	}
	budget := copyBudget(raw.base)
	lineOff := maxLine(raw.base, &budget) + 1
	s.lineOff = lineOff

	var values [][]*yaml.Node
	total := 0
	if err := p.Run(func() {
		values, total = s.check(p, raw, lineOff)
		checkY(p, raw, base)
	}); err != nil {
		return nil, err
	}

	// Every point, validated.
	s.Points = make([]Point, total)
	idx := make([]int, len(values))
	for pt := range total {
		if s.Zip {
			for i := range idx {
				idx[i] = pt
			}
		} else {
			rem := pt
			for i := len(values) - 1; i >= 0; i-- {
				idx[i] = rem % len(values[i])
				rem /= len(values[i])
			}
		}
		point, err := s.point(raw, values, idx, pt, lineOff)
		if err != nil {
			return nil, err
		}
		s.Points[pt] = point
	}
	s.Hash = hashOf(raw, values, s.Replications)
	return s, nil
}

// check checks the paths, the values and the plot of raw, and returns the
// values (copies, aliases expanded) of each parameter and the number of
// grid points.
func (s *Sweep) check(p *parser, raw *rawSweep, lineOff int) ([][]*yaml.Node, int) {
	fields := make([][]string, len(raw.vary)) // the field each path sets
	// Each path must address something in the base workload.
	for i, rp := range raw.vary {
		budget := copyBudget(raw.base)
		scratch, err := copyNode(raw.base, 0, &budget)
		if err != nil {
			p.Errorf(raw.base, "workload: %v", err)
			p.Abort()
		}
		placeholder := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
		at, err := set(scratch, rp.segs, placeholder, rp.pathNode)
		if err != nil {
			p.Errorf(rp.pathNode, "vary[%d].path %q: %v", i, rp.path, err)
			continue
		}
		// Two spellings of one field (strategies.threads.threads and
		// strategies.0.threads) would vary it twice, one silently lost.
		for j := range i {
			prev := raw.vary[j]
			switch {
			case fields[j] == nil:
			case slices.Equal(fields[j], at):
				p.Errorf(rp.pathNode, "vary[%d].path %q names the same field as vary[%d].path %q (line %d, column %d): vary it once",
					i, rp.path, j, prev.path, prev.pathNode.Line, prev.pathNode.Column)
			case isPrefix(fields[j], at), isPrefix(at, fields[j]):
				p.Errorf(rp.pathNode, "vary[%d].path %q overlaps vary[%d].path %q (line %d, column %d): one would overwrite the other",
					i, rp.path, j, prev.path, prev.pathNode.Line, prev.pathNode.Column)
			}
		}
		fields[i] = at
	}

	// The values: copies (aliases expanded) checked for duplicates.
	values := make([][]*yaml.Node, len(raw.vary))
	for i, rp := range raw.vary {
		param := Param{Path: rp.path}
		seen := map[string]int{}
		for j, v := range rp.values {
			budget := copyBudget(v)
			c, err := copyNode(v, lineOff, &budget)
			if err != nil {
				p.Errorf(schema.Deref(v), "vary[%d].values[%d]: %v", i, j, err)
				continue
			}
			var key bytes.Buffer
			canonical(&key, c)
			if k, dup := seen[key.String()]; dup {
				p.Errorf(schema.Deref(v), "vary[%d].values[%d]: %s is also values[%d]: each value once", i, j, flow(c), k)
				continue
			}
			seen[key.String()] = j
			values[i] = append(values[i], c)
			param.Values = append(param.Values, flow(c))
		}
		s.Vary = append(s.Vary, param)
	}
	if p.Failed() {
		p.Abort()
	}

	// The grid's size.
	total := 1
	if s.Zip {
		for i := range raw.vary {
			if n, n0 := len(values[i]), len(values[0]); n != n0 {
				p.Errorf(raw.vary[i].valuesNode, "vary[%d].values has %d values but vary[0].values has %d: zip pairs them one to one", i, n, n0)
			}
		}
		total = len(values[0])
	} else {
		for i := range raw.vary {
			if total > MaxPoints/len(values[i]) {
				total = MaxPoints + 1
				break
			}
			total *= len(values[i])
		}
	}
	if total > MaxPoints {
		p.Errorf(raw.vary[0].valuesNode, "the grid has more than %d points: vary fewer values, or split the sweep", MaxPoints)
	}

	// The plot.
	paths := make([]string, len(s.Vary))
	for i, v := range s.Vary {
		paths[i] = v.Path
	}
	switch {
	case s.Plot.X == "":
		s.Plot.X = paths[0]
	case s.Plot.X == RateX:
		checkRate(p, raw, s.Vary)
	case !slices.Contains(paths, s.Plot.X):
		p.Errorf(raw.xNode, "plot.x %q is not a varied path%s (the varied paths: %s)", s.Plot.X, schema.Suggestion(s.Plot.X, paths), strings.Join(paths, ", "))
	}
	if len(s.Plot.Y) == 0 {
		s.Plot.Y = slices.Clone(DefaultY)
	}
	if s.Plot.LogX {
		for i, v := range s.Vary {
			if v.Path != s.Plot.X {
				continue
			}
			for j, val := range v.Values {
				if x, ok := AxisValue(val); !ok || x <= 0 {
					p.Errorf(raw.logXNode, "plot.log_x: value %s of %s (vary[%d].values[%d]) is not a positive number or duration", val, v.Path, i, j)
					break
				}
			}
		}
	}
	return values, total
}

// isPrefix reports whether a is a proper prefix of b.
func isPrefix(a, b []string) bool { return len(a) < len(b) && slices.Equal(a, b[:len(a)]) }

// point builds and validates grid point pt, whose value indexes are idx.
func (s *Sweep) point(raw *rawSweep, values [][]*yaml.Node, idx []int, pt, lineOff int) (Point, error) {
	point := Point{Index: pt, Values: make([]string, len(idx))}
	var desc strings.Builder
	for i, j := range idx {
		point.Values[i] = s.Vary[i].Values[j]
		if i > 0 {
			desc.WriteString(", ")
		}
		desc.WriteString(s.Vary[i].Path)
		desc.WriteString("=")
		desc.WriteString(point.Values[i])
	}
	prefix := fmt.Sprintf("point %d (%s): ", pt, desc.String())
	budget := copyBudget(raw.base)
	tree, err := copyNode(raw.base, 0, &budget)
	if err != nil {
		return point, workloads.ErrorList{{File: raw.baseFile, Line: 1, Col: 1, Msg: prefix + err.Error()}}
	}
	for i, j := range idx {
		budget := copyBudget(values[i][j])
		val, err := copyNode(values[i][j], 0, &budget)
		if err == nil {
			_, err = set(tree, raw.vary[i].segs, val, shifted(raw.vary[i].pathNode, lineOff))
		}
		if err != nil {
			n := raw.vary[i].pathNode
			return point, workloads.ErrorList{{File: s.File, Line: n.Line, Col: n.Column,
				Msg: fmt.Sprintf("%svary[%d].path %q: %v", prefix, i, raw.vary[i].path, err)}}
		}
	}
	spec, err := workloads.ParseNode(raw.baseFile, tree)
	if err != nil {
		var list, out schema.ErrorList
		if !errors.As(err, &list) {
			list = schema.ErrorList{{File: raw.baseFile, Line: 1, Col: 1, Msg: err.Error()}}
		}
		for _, e := range list {
			e2 := *e
			e2.Msg = prefix + e.Msg
			e2.File, e2.Line = s.origin(e.File, e.Line)
			out = append(out, &e2)
		}
		return point, out
	}
	spec.Replications = s.Replications
	point.Spec = spec
	return point, nil
}

// origin maps a position in a point's workload, whose lines from lineOff
// on are the sweep file's values, back to the file that wrote it.
func (s *Sweep) origin(file string, line int) (string, int) {
	switch {
	case line >= s.lineOff:
		return s.File, line - s.lineOff
	case file == "":
		return s.WorkloadFile, line
	}
	return file, line
}

// CheckBudget checks every point as 'asyncsim run' checks a workload
// (workloads.CheckBudget): each point's estimated work within maxWork,
// and its strategies and contexts within their bounds. The error of the
// first point that exceeds them names the point and, through a
// *workloads.WorkError for too much work, the estimate.
func (s *Sweep) CheckBudget(maxWork float64) error {
	for i := range s.Points {
		pt := &s.Points[i]
		err := workloads.CheckBudget(pt.Spec, pt.Spec.Strategies, workloads.Limits{}, maxWork)
		if err == nil {
			continue
		}
		prefix := fmt.Sprintf("point %d (%s): ", pt.Index, pt.describe(s))
		var we *workloads.WorkError
		var e *schema.Error
		switch {
		case errors.As(err, &we):
			w := *we
			w.File, w.Line = s.origin(we.File, we.Line)
			w.Context = prefix
			return &w
		case errors.As(err, &e):
			e2 := *e
			e2.File, e2.Line = s.origin(e.File, e.Line)
			e2.Msg = prefix + e.Msg
			return schema.ErrorList{&e2}
		}
		return fmt.Errorf("%s%w", prefix, err)
	}
	return nil
}

// shifted returns a node at n's position with lineOff added to its line,
// marking the keys and mappings that set adds as the sweep file's.
func shifted(n *yaml.Node, lineOff int) *yaml.Node {
	return &yaml.Node{Line: n.Line + lineOff, Column: n.Column}
}

// hashOf hashes what determines a sweep's rows: the base workload, the
// paths and values, zip and the replications.
func hashOf(raw *rawSweep, values [][]*yaml.Node, replications int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nreplications %d\nzip %t\n", hashVersion, replications, raw.zip)
	canonical(h, raw.base)
	for i, rp := range raw.vary {
		fmt.Fprintf(h, "\nvary %s %d\n", strconv.Quote(rp.path), len(values[i]))
		for _, v := range values[i] {
			canonical(h, v)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// AxisValue reads a parameter's value (as in Param.Values) as a number for
// a plot axis: a number; a duration, in seconds; or a distribution of one
// parameter such as {exp: 5ms}, by that parameter. ok is false for
// anything else.
func AxisValue(v string) (x float64, ok bool) {
	v = strings.TrimSpace(v)
	if inner, found := strings.CutPrefix(v, "{"); found && strings.HasSuffix(inner, "}") {
		inner = strings.TrimSuffix(inner, "}")
		if _, val, found := strings.Cut(inner, ": "); found && !strings.ContainsAny(val, "{}[],") {
			return AxisValue(val)
		}
		return 0, false
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		return x, true
	}
	if d, err := parseDuration(v); err == nil {
		return d, true
	}
	return 0, false
}

// parseDuration parses a Go duration string into seconds.
func parseDuration(v string) (float64, error) {
	var total float64
	s := v
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	units := []struct {
		suffix string
		scale  float64
	}{{"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"μs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}}
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, errors.New("bad duration")
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, err
		}
		s = s[i:]
		matched := false
		for _, u := range units {
			if strings.HasPrefix(s, u.suffix) {
				total += num * u.scale
				s = s[len(u.suffix):]
				matched = true
				break
			}
		}
		if !matched {
			return 0, errors.New("bad unit")
		}
	}
	if neg {
		total = -total
	}
	return total, nil
}

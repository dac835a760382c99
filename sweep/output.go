package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/report"
)

// The final outputs of a sweep, in its output folder.
const (
	CSVName  = "sweep.csv"
	JSONName = "sweep.json"
)

// table is a whole sweep's rows, sorted by point, with what the outputs
// say about them.
type table struct {
	hdr    header
	paths  []string
	cols   []string // paths, then the summary columns
	groups []group  // by point
}

// write writes sweep.csv, sweep.json and, unless format is "", the
// figures in format (jobs at a time) into dir, removing the sweep figures
// of earlier results, and returns the files written.
func (t *table) write(dir string, jobs int, format plots.Format) ([]string, error) {
	outs := []struct {
		name  string
		write func(io.Writer) error
	}{{CSVName, t.writeCSV}, {JSONName, t.writeJSON}}
	files := make([]string, len(outs))
	errs := make([]error, len(outs))
	experiment.ForEach(len(outs), jobs, func(i int) {
		files[i] = filepath.Join(dir, outs[i].name)
		if err := atomicfile.Write(files[i], outs[i].write); err != nil {
			errs[i] = fmt.Errorf("sweep: %w", err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if format == "" {
		return files, nil
	}
	figs, err := t.writeFigures(dir, format, jobs, true)
	return append(files, figs...), err
}

// writeCSV writes the header and one row per point and strategy, each
// cell through report.CSVCell, so that a spreadsheet takes none for a
// formula; the columns of the classes' figures stay out, as they stay out
// of a run's summary.csv.
func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	n := len(t.cols) - classCells(t.hdr)
	record := make([]string, n)
	write := func(cells []string) {
		for i, c := range cells[:n] {
			record[i] = report.CSVCell(c)
		}
		cw.Write(record)
	}
	write(t.cols)
	for _, g := range t.groups {
		for _, r := range g.rows {
			write(r)
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonNumberText matches JSON's number grammar.
var jsonNumberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// writeJSON writes {"workload", "replications", "points", "hash", "vary",
// "plot", "results": [row, ...]}, one key per line and one row per line,
// each row an object: "point", the varied paths (numbers and booleans as
// such, other values as their flow YAML text), then the summary columns
// as in a run's JSON (a non-finite statistic, which no run should produce,
// as null), then, as in a run's JSON, "classes": an object keyed by the
// task classes' names in the workload's order, each holding the class's
// figures. Every value goes through encoding/json; the layout and the
// order of the keys are the output's contract.
func (t *table) writeJSON(w io.Writer) error {
	pl := t.hdr.Plot
	var b bytes.Buffer
	b.WriteString("{\n")
	top := object{
		{"workload", t.hdr.Workload},
		{"replications", t.hdr.Replications},
		{"points", t.hdr.Points},
		{"hash", t.hdr.Hash},
		{"vary", t.paths},
		{"plot", object{{"x", pl.X}, {"y", pl.Y}, {"log_x", pl.LogX}, {"log_y", pl.LogY}}},
	}
	for _, m := range top {
		b.WriteString("  ")
		if err := appendJSON(&b, rawMembers{m}); err != nil {
			return fmt.Errorf("%s: %w", JSONName, err)
		}
		b.WriteString(",\n")
	}
	b.WriteString(`  "results": [`)
	nv := len(t.paths)
	nc := classCells(t.hdr)
	flat := len(t.cols) - nc
	classCols := report.ClassColumns(t.hdr.Replications)
	row := make(object, 0, 2+flat)
	first := true
	for _, g := range t.groups {
		for _, r := range g.rows {
			if !first {
				b.WriteString(",")
			}
			first = false
			row = append(row[:0], member{"point", g.point})
			for j, v := range r[:flat] {
				row = append(row, member{t.cols[j], cellValue(v, t.cols[j], j, nv)})
			}
			if nc > 0 {
				classes := make(object, len(t.hdr.Classes))
				for c, name := range t.hdr.Classes {
					figures := make(object, len(classCols))
					for k, col := range classCols {
						figures[k] = member{col, cellValue(r[flat+c*len(classCols)+k], col, flat, nv)}
					}
					classes[c] = member{name, figures}
				}
				row = append(row, member{"classes", classes})
			}
			b.WriteString("\n    ")
			if err := appendJSON(&b, row); err != nil {
				return fmt.Errorf("%s: point %d: %w", JSONName, g.point, err)
			}
		}
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// cellValue returns the JSON value of cell j, of column col, of a row
// whose first nv cells are varied values: a varied value that reads as a
// JSON number or boolean as such and any other as a string; the others as
// a run's JSON has them (report.CellJSON).
func cellValue(v, col string, j, nv int) any {
	if j < nv {
		switch {
		case v == "true" || v == "false":
			return v == "true"
		case jsonNumberText.MatchString(v):
			return json.Number(v)
		}
		return v
	}
	return report.CellJSON(col, v)
}

// member is one key of an object written with its keys in a fixed order.
type member struct {
	key   string
	value any
}

// object is a JSON object whose keys keep their order.
type object []member

// rawMembers are members written without braces: a top-level key on
// its own line.
type rawMembers object

// appendJSON appends v to b as JSON on one line, in this package's style:
// ", " between items, ": " after a key, no HTML escapes. v is an object,
// its members without braces, a []string, or anything encoding/json
// encodes.
func appendJSON(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case object:
		b.WriteByte('{')
		if err := appendJSON(b, rawMembers(v)); err != nil {
			return err
		}
		b.WriteByte('}')
	case rawMembers:
		for i, m := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := appendJSON(b, m.key); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := appendJSON(b, m.value); err != nil {
				return fmt.Errorf("%q: %w", m.key, err)
			}
		}
	case []string:
		b.WriteByte('[')
		for i, s := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := appendJSON(b, s); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	return nil
}

// readTable reads the sweep.json of fsys back into a table.
func readTable(fsys fs.FS) (*table, error) {
	path := JSONName
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Workload     string            `json:"workload"`
		Replications int               `json:"replications"`
		Points       int               `json:"points"`
		Hash         string            `json:"hash"`
		Vary         []string          `json:"vary"`
		Plot         Plot              `json:"plot"`
		Results      []json.RawMessage `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if doc.Hash == "" || len(doc.Vary) == 0 {
		return nil, fmt.Errorf("%s: not a sweep's output (no hash or vary)", path)
	}
	t := &table{
		hdr: header{Hash: doc.Hash, Points: doc.Points, Shards: 1, Workload: doc.Workload,
			Replications: doc.Replications, Plot: doc.Plot},
		paths: doc.Vary,
	}
	for i, raw := range doc.Results {
		keys, vals, classes, err := orderedObject(raw)
		if err != nil || len(keys) < 1 || keys[0] != "point" {
			return nil, fmt.Errorf("%s: results[%d]: not a sweep row", path, i)
		}
		if t.cols == nil {
			t.cols = keys[1:]
			t.hdr.Classes = classes
			if n := classCells(t.hdr); len(t.cols) < n || !slices.Equal(t.cols[len(t.cols)-n:], classColumns(t.hdr)) {
				return nil, fmt.Errorf("%s: results[%d]: its classes do not each hold %s", path, i, strings.Join(report.ClassColumns(t.hdr.Replications), ", "))
			}
		} else if !slices.Equal(t.cols, keys[1:]) {
			return nil, fmt.Errorf("%s: results[%d]: its keys differ from the first row's", path, i)
		}
		pt, err := strconv.Atoi(vals[0])
		if err != nil {
			return nil, fmt.Errorf("%s: results[%d]: bad point %q", path, i, vals[0])
		}
		if k := len(t.groups) - 1; k >= 0 && t.groups[k].point == pt {
			t.groups[k].rows = append(t.groups[k].rows, vals[1:])
		} else {
			t.groups = append(t.groups, group{point: pt, rows: [][]string{vals[1:]}})
		}
	}
	if len(t.cols) < len(t.paths)+2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	for _, c := range t.cols[len(t.paths):] {
		if r, ok := resourceColumn(c); ok && !slices.Contains(t.hdr.Resources, r) {
			t.hdr.Resources = append(t.hdr.Resources, r)
		}
	}
	return t, nil
}

// orderedObject decodes a sweep row, keeping the order of its keys and
// each value's text (strings unquoted, null as "NaN"): a flat object, but
// for a last member "classes" whose objects of figures it flattens into
// the journal's columns (classPrefix, the class, a dot, the figure), and
// whose classes it returns in their order.
func orderedObject(raw json.RawMessage) (keys, vals, classes []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, nil, errors.New("not an object")
	}
	if err := scalars(dec, "", func(k, v string) { keys, vals = append(keys, k), append(vals, v) }, func(k string) error {
		if k != "classes" {
			return fmt.Errorf("field %q is not a scalar", k)
		}
		// Each class's figures: {"NAME": {"requests": 10, ...}, ...}.
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ := tok.(string)
			if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
				return fmt.Errorf("classes: %q is not an object", name)
			}
			classes = append(classes, name)
			err = scalars(dec, classPrefix+name+".", func(k, v string) { keys, vals = append(keys, k), append(vals, v) },
				func(k string) error { return fmt.Errorf("classes: %s: field %q is not a scalar", name, k) })
			if err != nil {
				return err
			}
		}
		_, err := dec.Token() // the closing brace
		return err
	}); err != nil {
		return nil, nil, nil, err
	}
	return keys, vals, classes, nil
}

// scalars reads the members of the object whose opening brace dec has
// just read, up to its closing brace, calling scalar with each key (after
// prefix) and value text, and object with the key of a member whose value
// is an object, once its opening brace is read: object must read it to
// its end.
func scalars(dec *json.Decoder, prefix string, scalar func(k, v string), object func(k string) error) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		v, err := dec.Token()
		if err != nil {
			return err
		}
		var text string
		switch v := v.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		case bool:
			text = strconv.FormatBool(v)
		case nil:
			text = "NaN"
		case json.Delim:
			if v != '{' {
				return fmt.Errorf("field %q is not a scalar", k)
			}
			if err := object(k); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("field %q is not a scalar", k)
		}
		scalar(prefix+k, text)
	}
	_, err := dec.Token() // the closing brace
	return err
}

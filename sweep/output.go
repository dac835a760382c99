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
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
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

// writeCSV writes the header and one row per point and strategy.
func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.cols)
	for _, g := range t.groups {
		for _, r := range g.rows {
			cw.Write(r)
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonNumberText matches JSON's number grammar.
var jsonNumberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// writeJSON writes {"workload", "replications", "points", "hash", "vary",
// "plot", "results": [row, ...]}, each row a flat object: "point", the
// varied paths (numbers and booleans as such, other values as their flow
// YAML text), then the summary columns as in a run's JSON.
func (t *table) writeJSON(w io.Writer) error {
	var b bytes.Buffer
	pl := t.hdr.Plot
	ys := make([]string, len(pl.Y))
	for i, y := range pl.Y {
		ys[i] = jsonString(y)
	}
	plot := fmt.Sprintf(`{"x": %s, "y": [%s], "log_x": %t, "log_y": %t}`, jsonString(pl.X), strings.Join(ys, ", "), pl.LogX, pl.LogY)
	fmt.Fprintf(&b, "{\n  \"workload\": %s,\n  \"replications\": %d,\n  \"points\": %d,\n  \"hash\": %s,\n  \"vary\": [",
		jsonString(t.hdr.Workload), t.hdr.Replications, t.hdr.Points, jsonString(t.hdr.Hash))
	for i, p := range t.paths {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(jsonString(p))
	}
	fmt.Fprintf(&b, "],\n  \"plot\": %s,\n  \"results\": [", plot)
	nv := len(t.paths)
	first := true
	for _, g := range t.groups {
		for _, r := range g.rows {
			if !first {
				b.WriteString(",")
			}
			first = false
			fmt.Fprintf(&b, "\n    {\"point\": %d", g.point)
			for j, v := range r {
				b.WriteString(", ")
				b.WriteString(jsonString(t.cols[j]))
				b.WriteString(": ")
				switch {
				case j < nv:
					b.WriteString(jsonValue(v))
				case j < nv+2: // strategy, kind
					b.WriteString(jsonString(v))
				case v == "NaN" || v == "+Inf" || v == "-Inf":
					b.WriteString("null")
				default:
					b.WriteString(v)
				}
			}
			b.WriteString("}")
		}
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// jsonValue writes a varied value: a number or boolean as such, anything
// else as a string.
func jsonValue(v string) string {
	if jsonNumberText.MatchString(v) || v == "true" || v == "false" {
		return v
	}
	return jsonString(v)
}

// jsonString quotes s as a JSON string, without HTML escapes.
func jsonString(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
	}
	if plain {
		return `"` + s + `"`
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
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
		keys, vals, err := orderedObject(raw)
		if err != nil || len(keys) < 1 || keys[0] != "point" {
			return nil, fmt.Errorf("%s: results[%d]: not a sweep row", path, i)
		}
		if t.cols == nil {
			t.cols = keys[1:]
		} else if !equalStrings(t.cols, keys[1:]) {
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
	return t, nil
}

// orderedObject decodes a flat JSON object, keeping the order of its keys
// and each value's text (strings unquoted, null as "NaN").
func orderedObject(raw json.RawMessage) (keys, vals []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		v, err := dec.Token()
		if err != nil {
			return nil, nil, err
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
		default:
			return nil, nil, fmt.Errorf("field %q is not a scalar", k)
		}
		keys = append(keys, k)
		vals = append(vals, text)
	}
	return keys, vals, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

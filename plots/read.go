package plots

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"asyncsim/sim"
	"asyncsim/timeline"
)

// Bounds that ReadRun checks, beyond what the files' formats require.
const (
	// MaxDataName is the most characters of a name in the data files:
	// a strategy, kind, context or task row (workloads allow names of 100
	// characters, and a task's row adds its index).
	MaxDataName = 200
	// maxColor is the largest colour index (a strategy's position in its
	// workload).
	maxColor = math.MaxInt32
	// maxCores bounds figures.json's cores.
	maxCores = 1 << 20
)

// ReadRun reads a run's figure data from the files in fsys that
// `asyncsim run --out` wrote: summary.json, figures.json, latency.csv,
// utilization.csv, timeline.csv and, when figures.json lists several
// classes, latency_by_class.csv. It checks every value that the
// figures use, so that any data it accepts can be drawn; an error names
// the file and the line and column of the value at fault
// ("latency.csv:3:14: ...").
func ReadRun(fsys fs.FS) (*Run, error) {
	var f figuresFile
	data, err := readJSON(fsys, FiguresJSON, &f)
	if err != nil {
		return nil, err
	}
	at := func(path ...any) string { return FiguresJSON + ":" + jsonPosition(data, path...) }
	switch {
	case f.Cores < 1 || f.Cores > maxCores:
		return nil, fmt.Errorf("%s: cores %d is not from 1 to %d", at("cores"), f.Cores, maxCores)
	case f.Replications < 1:
		return nil, fmt.Errorf("%s: replications %d is not at least 1", at("replications"), f.Replications)
	case len(f.Strategies) == 0:
		return nil, fmt.Errorf("%s: no strategies", at("strategies"))
	}
	if err := checkName(f.Workload); err != nil {
		return nil, fmt.Errorf("%s: workload %w", at("workload"), err)
	}
	r := &Run{Workload: f.Workload, Description: f.Description, Cores: f.Cores, Replications: f.Replications, Open: f.Open}
	byName := map[string]*Strategy{}
	r.Strategies = make([]Strategy, len(f.Strategies))
	for i, e := range f.Strategies {
		where := func(key ...any) string { return at(append([]any{"strategies", i}, key...)...) }
		for _, x := range []struct {
			key, name string
		}{{"name", e.Name}, {"kind", e.Kind}} {
			if err := checkName(x.name); err != nil {
				return nil, fmt.Errorf("%s: strategy %s %w", where(x.key), x.key, err)
			}
		}
		for _, x := range []struct {
			key string
			n   int64
			max int64
		}{{"color", int64(e.Color), maxColor}, {"tasks", e.Tasks, math.MaxInt64}, {"latencies", e.Latencies, math.MaxInt64},
			{"contexts", int64(e.Contexts), math.MaxInt64}, {"tasks_in_window", e.TasksInWindow, math.MaxInt64}} {
			if x.n < 0 || x.n > x.max {
				return nil, fmt.Errorf("%s: strategy %q: %s %d is negative or too large", where(x.key), e.Name, x.key, x.n)
			}
		}
		s := &r.Strategies[i]
		*s = Strategy{Name: e.Name, Kind: e.Kind, Color: e.Color, Tasks: e.Tasks, Latencies: e.Latencies}
		if byName[e.Name] != nil {
			return nil, fmt.Errorf("%s: strategy %q listed twice", where("name"), e.Name)
		}
		byName[e.Name] = s
		tl := &timeline.Timeline{Cut: e.Window.Cut, AllContexts: e.Contexts, AllTasks: e.TasksInWindow}
		switch tl.Cut {
		case timeline.CutEnd, timeline.CutWindow, timeline.CutTasks, timeline.CutChanges, timeline.CutSize:
		default:
			return nil, fmt.Errorf("%s: strategy %q: unknown cut %q", where("window", "cut"), e.Name, tl.Cut)
		}
		var width sim.Time
		for _, x := range []struct {
			n    json.RawMessage // raw, so that a string or anything else is an error with a position here
			t    *sim.Time
			path []any
		}{{e.RunEnd, &tl.End, []any{"run_end_s"}}, {e.Window.From, &tl.From, []any{"window", "from_s"}},
			{e.Window.To, &tl.To, []any{"window", "to_s"}}, {e.BinWidth, &width, []any{"bin_s"}}} {
			if *x.t, err = parseSeconds(string(x.n)); err != nil {
				return nil, fmt.Errorf("%s: strategy %q: %w", where(x.path...), e.Name, err)
			}
		}
		if tl.To < tl.From {
			return nil, fmt.Errorf("%s: strategy %q: the window ends before it starts", where("window", "to_s"), e.Name)
		}
		s.Timeline = tl
		s.Series = &timeline.Series{Cores: r.Cores, Width: width}
	}
	if err := readClasses(fsys, r, f.Classes, at, byName); err != nil {
		return nil, err
	}
	if err := readSummary(fsys, r, byName); err != nil {
		return nil, err
	}
	if err := readCSV(fsys, LatencyCSV, latencyHeader, byName, func(s *Strategy, rec []string) error {
		lat, err := parseSeconds(rec[1])
		if err != nil {
			return fieldError{1, err}
		}
		count, err := strconv.ParseInt(rec[2], 10, 64)
		if err != nil || count < 1 || count > s.Latencies {
			return fieldError{2, fmt.Errorf("count %q is not a number from 1 to the %d latencies", truncate(rec[2]), s.Latencies)}
		}
		if n := len(s.CDF); n > 0 && (lat <= s.CDF[n-1].Latency || count <= s.CDF[n-1].Count) {
			return fieldError{1, fmt.Errorf("strategy %q: the points are not in increasing order", s.Name)}
		}
		s.CDF = append(s.CDF, CDFPoint{Latency: lat, Count: count, Fraction: float64(count) / float64(s.Latencies)})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readCSV(fsys, UtilizationCSV, []string{"strategy", "start_s", "end_s", "busy_cores", "cpu_utilization", "in_flight"}, byName, func(s *Strategy, rec []string) error {
		var b timeline.Bin
		var err error
		if b.Start, err = parseSeconds(rec[1]); err != nil {
			return fieldError{1, err}
		}
		if b.End, err = parseSeconds(rec[2]); err != nil {
			return fieldError{2, err}
		}
		if b.End < b.Start {
			return fieldError{2, errors.New("end_s before start_s")}
		}
		if b.Busy, err = parseFloat(rec[3]); err != nil {
			return fieldError{3, err}
		}
		if b.InFlight, err = parseFloat(rec[5]); err != nil {
			return fieldError{5, err}
		}
		s.Series.Bins = append(s.Series.Bins, b)
		return nil
	}); err != nil {
		return nil, err
	}
	states := map[string]sim.State{}
	for _, st := range sim.States() {
		states[st.String()] = st
	}
	type taskKey struct {
		s   *Strategy
		row string
	}
	tasks := map[taskKey]int{} // index in the strategy's Tasks
	if err := readCSV(fsys, TimelineCSV, []string{"strategy", "kind", "row", "state", "start_s", "end_s"}, byName, func(s *Strategy, rec []string) error {
		if err := checkName(rec[2]); err != nil {
			return fieldError{2, fmt.Errorf("row name %w", err)}
		}
		start, err := parseSeconds(rec[4])
		if err != nil {
			return fieldError{4, err}
		}
		end, err := parseSeconds(rec[5])
		if err != nil {
			return fieldError{5, err}
		}
		if end < start {
			return fieldError{5, errors.New("end_s before start_s")}
		}
		tl := s.Timeline
		switch rec[1] {
		case rowContext:
			st, ok := states[rec[3]]
			if !ok {
				return fieldError{3, fmt.Errorf("unknown state %q", truncate(rec[3]))}
			}
			if n := len(tl.Contexts); n == 0 || tl.Contexts[n-1].Name != rec[2] {
				tl.Contexts = append(tl.Contexts, timeline.Context{Name: rec[2], Created: start})
			}
			c := &tl.Contexts[len(tl.Contexts)-1]
			c.Intervals = append(c.Intervals, timeline.Interval{Start: start, End: end, State: st})
		case rowTask:
			k := taskKey{s, rec[2]}
			i, ok := tasks[k]
			if !ok {
				i = len(tl.Tasks)
				tasks[k] = i
				tl.Tasks = append(tl.Tasks, timeline.Task{Name: rec[2], Arrival: start, Start: start, Completion: start})
			}
			t := &tl.Tasks[i]
			switch rec[3] {
			case timeline.TaskQueued:
				t.Arrival, t.Start, t.Completion = start, end, end
			case timeline.TaskService, timeline.TaskLate:
				t.Start, t.Completion = start, end
				if rec[3] == timeline.TaskLate {
					t.Outcome = sim.OutcomeLate
				}
			case timeline.TaskRejected, timeline.TaskAbandoned:
				if end != start {
					return fieldError{5, fmt.Errorf("a %s instant ends after it starts", rec[3])}
				}
				t.Start, t.Completion, t.Outcome = start, start, sim.OutcomeRejected
				if rec[3] == timeline.TaskAbandoned {
					t.Outcome = sim.OutcomeAbandoned
				}
			default:
				return fieldError{3, fmt.Errorf("unknown task state %q", truncate(rec[3]))}
			}
		default:
			return fieldError{1, fmt.Errorf("unknown kind %q (want %s or %s)", truncate(rec[1]), rowContext, rowTask)}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return r, nil
}

// maxClasses bounds the classes of figures.json.
const maxClasses = 1000

// readClasses reads the classes listed in figures.json (at positions
// there) and, when there are several, their latencies from
// latency_by_class.csv.
func readClasses(fsys fs.FS, r *Run, classes []string, at func(path ...any) string, byName map[string]*Strategy) error {
	if len(classes) > maxClasses {
		return fmt.Errorf("%s: %d classes, more than %d", at("classes"), len(classes), maxClasses)
	}
	index := map[string]int{}
	for i, name := range classes {
		if err := checkName(name); err != nil {
			return fmt.Errorf("%s: class name %w", at("classes", i), err)
		}
		if _, ok := index[name]; ok {
			return fmt.Errorf("%s: class %q listed twice", at("classes", i), truncate(name))
		}
		index[name] = i
	}
	if len(classes) < 2 {
		return nil // no latency figure by class
	}
	if _, err := fs.Stat(fsys, LatencyByClassCSV); err != nil {
		return fmt.Errorf("%s: classes listed, but %s cannot be read: %w", at("classes"), LatencyByClassCSV, err)
	}
	r.Classes = classes
	for i := range r.Strategies {
		r.Strategies[i].Classes = make([]ClassLatencies, len(classes))
	}
	if err := readCSV(fsys, LatencyByClassCSV, latencyByClassHeader, byName, func(s *Strategy, rec []string) error {
		k, ok := index[rec[1]]
		if !ok {
			return fieldError{1, fmt.Errorf("class %q is not in %s", truncate(rec[1]), FiguresJSON)}
		}
		lat, err := parseSeconds(rec[2])
		if err != nil {
			return fieldError{2, err}
		}
		count, err := strconv.ParseInt(rec[3], 10, 64)
		if err != nil || count < 1 {
			return fieldError{3, fmt.Errorf("count %q is not a positive number", truncate(rec[3]))}
		}
		cl := &s.Classes[k]
		if n := len(cl.CDF); n > 0 && (lat <= cl.CDF[n-1].Latency || count <= cl.CDF[n-1].Count) {
			return fieldError{2, fmt.Errorf("strategy %q, class %q: the points are not in increasing order", s.Name, rec[1])}
		}
		cl.CDF = append(cl.CDF, CDFPoint{Latency: lat, Count: count})
		return nil
	}); err != nil {
		return err
	}
	// The last point counts every latency.
	for i := range r.Strategies {
		for k := range r.Strategies[i].Classes {
			cl := &r.Strategies[i].Classes[k]
			if n := len(cl.CDF); n > 0 {
				cl.Latencies = cl.CDF[n-1].Count
				for j := range cl.CDF {
					cl.CDF[j].Fraction = float64(cl.CDF[j].Count) / float64(cl.Latencies)
				}
			}
		}
	}
	return nil
}

// checkName checks a name of the data files: its error reads after the
// name's role ("strategy name is empty").
func checkName(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case n > MaxDataName:
		return fmt.Errorf("is %d characters long, more than %d", n, MaxDataName)
	}
	return nil
}

// readFile reads the regular file name of fsys.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return fs.ReadFile(fsys, name)
}

// readJSON decodes the JSON file name of fsys into v and returns its
// bytes; a syntax or type error names its line and column.
func readJSON(fsys fs.FS, name string, v any) ([]byte, error) {
	data, err := readFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return data, decodeJSON(name, data, v)
}

// CheckJSON reports whether data, the contents of the file name, is one
// well-formed JSON value, with an error naming the line and column of
// the first fault ("sweep.json:3:7: invalid character ...").
func CheckJSON(name string, data []byte) error {
	var v any
	return decodeJSON(name, data, &v)
}

// decodeJSON decodes data, the contents of the file name, into v; a
// syntax or type error, or data after the value, names its line and
// column.
func decodeJSON(name string, data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	err := d.Decode(v)
	if err == nil {
		off := d.InputOffset()
		if _, end := d.Token(); end != io.EOF {
			for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
				off++
			}
			return fmt.Errorf("%s:%s: more data after the JSON value", name, position(data, off))
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax): // Offset is past the offending byte
		return fmt.Errorf("%s:%s: %v", name, position(data, syntax.Offset-1), err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s:%s: %v", name, position(data, typ.Offset), err)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s:%s: unexpected end of JSON input", name, position(data, int64(len(data))))
	}
	return fmt.Errorf("%s: %w", name, err)
}

// position returns "line:column" (both from 1, the column in
// characters) of the byte offset off of data.
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

// jsonPosition returns the "line:column" of the value at path (object
// keys and array indices) in the JSON document data, or of the nearest
// enclosing value that exists.
func jsonPosition(data []byte, path ...any) string {
	d := json.NewDecoder(bytes.NewReader(data))
	start := func() int64 { // the start of the next value
		off := d.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		return off
	}
	at := start()
	skip := func() bool {
		var raw json.RawMessage
		return d.Decode(&raw) == nil
	}
	for _, p := range path {
		tok, err := d.Token()
		if err != nil {
			break
		}
		found := false
		switch p := p.(type) {
		case string:
			if tok != json.Delim('{') {
				break
			}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					break
				}
				if k == p {
					found = true
					break
				}
				if !skip() {
					break
				}
			}
		case int:
			if tok != json.Delim('[') {
				break
			}
			found = true
			for i := 0; i < p && found; i++ {
				found = d.More() && skip()
			}
			found = found && d.More()
		}
		if !found {
			break
		}
		at = start()
	}
	return position(data, at)
}

// fieldError is an error in field Field of a CSV record.
type fieldError struct {
	field int
	err   error
}

func (e fieldError) Error() string { return e.err.Error() }
func (e fieldError) Unwrap() error { return e.err }

// readSummary takes each strategy's makespan and its confidence interval
// from summary.json.
func readSummary(fsys fs.FS, r *Run, byName map[string]*Strategy) error {
	var sum struct {
		Workload string           `json:"workload"`
		Results  []map[string]any `json:"results"`
	}
	data, err := readJSON(fsys, SummaryJSON, &sum)
	if err != nil {
		return err
	}
	at := func(path ...any) string { return SummaryJSON + ":" + jsonPosition(data, path...) }
	if sum.Workload != r.Workload {
		return fmt.Errorf("%s: workload %q, but %s has %q", at("workload"), sum.Workload, FiguresJSON, r.Workload)
	}
	seen := map[string]bool{}
	for i, row := range sum.Results {
		name, _ := row["strategy"].(string)
		s := byName[name]
		if s == nil {
			return fmt.Errorf("%s: strategy %q is not in %s", at("results", i, "strategy"), name, FiguresJSON)
		}
		if seen[name] {
			return fmt.Errorf("%s: strategy %q listed twice", at("results", i, "strategy"), name)
		}
		seen[name] = true
		for _, x := range []struct {
			key string
			dst *float64
		}{{"makespan_s", &s.Makespan}, {"makespan_s_ci95", &s.MakespanCI95}, {"latency_p50_s", &s.P50},
			{"latency_p50_s_ci95", &s.P50CI95}, {"latency_p99_s", &s.P99}, {"latency_p99_s_ci95", &s.P99CI95}} {
			key, dst := x.key, x.dst
			switch v := row[key].(type) {
			case json.Number:
				x, err := v.Float64()
				if err != nil || x < 0 || math.IsInf(x, 0) {
					return fmt.Errorf("%s: strategy %q: %s %s is not a non-negative number", at("results", i, key), name, key, v)
				}
				*dst = x
			case nil:
				*dst = math.NaN()
			default:
				return fmt.Errorf("%s: strategy %q: %s is not a number", at("results", i, key), name, key)
			}
		}
	}
	if len(seen) != len(r.Strategies) {
		return fmt.Errorf("%s: %d strategies, but %s has %d", at("results"), len(seen), FiguresJSON, len(r.Strategies))
	}
	return nil
}

// readCSV reads a CSV file with the given header, calling row for each
// record with the strategy its first column names; errors name the file,
// line and column.
func readCSV(fsys fs.FS, name string, header []string, byName map[string]*Strategy, row func(*Strategy, []string) error) error {
	data, err := readFile(fsys, name)
	if err != nil {
		return err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(header)
	cr.ReuseRecord = true
	wrap := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine != pe.Line {
				return fmt.Errorf("%s:%d:%d: %v (in the record from line %d)", name, pe.Line, pe.Column, pe.Err, pe.StartLine)
			}
			return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	first, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s:1:1: empty file; want the header %q", name, strings.Join(header, ","))
		}
		return wrap(err)
	}
	if !slices.Equal(first, header) {
		return fmt.Errorf("%s:1:1: header %q; want %q", name, truncate(strings.Join(first, ",")), strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return wrap(err)
		}
		s := byName[rec[0]]
		if s == nil {
			line, col := cr.FieldPos(0)
			return fmt.Errorf("%s:%d:%d: strategy %q is not in %s", name, line, col, truncate(rec[0]), FiguresJSON)
		}
		if err := row(s, rec); err != nil {
			field := 0
			var fe fieldError
			if errors.As(err, &fe) {
				field = fe.field
			}
			line, col := cr.FieldPos(field)
			return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
		}
	}
}

// truncate shortens a value quoted in a message to 60 characters.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:57]) + "..."
}

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

	"asyncsim/sim"
	"asyncsim/timeline"
)

// Names of the files behind a run's figures, in an --out directory.
const (
	// SummaryJSON is the run's summary (written by package report): the
	// makespans come from it.
	SummaryJSON = "summary.json"
	// FiguresJSON holds the workload and, per strategy, what the figures
	// need beside the CSV files: colour, windows, counts.
	FiguresJSON = "figures.json"
	// LatencyCSV holds each strategy's latency CDF.
	LatencyCSV = "latency.csv"
	// UtilizationCSV holds each strategy's busy cores and tasks in flight
	// over time.
	UtilizationCSV = "utilization.csv"
	// TimelineCSV holds each strategy's state intervals and task spans
	// inside its timeline window.
	TimelineCSV = "timeline.csv"
)

// DataFile is one of the files behind a run's figures.
type DataFile struct {
	// Name is the file's name.
	Name string
	// Write writes the file's contents.
	Write func(w io.Writer, r *Run) error
}

// DataFiles returns the files that `asyncsim run --out` writes for the
// figures, beside summary.json; ReadRun reads them back.
func DataFiles() []DataFile {
	return []DataFile{
		{FiguresJSON, WriteFiguresJSON},
		{LatencyCSV, WriteLatencyCSV},
		{UtilizationCSV, WriteUtilizationCSV},
		{TimelineCSV, WriteTimelineCSV},
	}
}

// figuresFile is the JSON form of figures.json.
type figuresFile struct {
	Workload     string         `json:"workload"`
	Description  string         `json:"description"`
	Cores        int            `json:"cores"`
	Replications int            `json:"replications"`
	Strategies   []figuresEntry `json:"strategies"`
}

type figuresEntry struct {
	Name          string        `json:"name"`
	Kind          string        `json:"kind"`
	Color         int           `json:"color"`
	Tasks         int64         `json:"tasks"`
	Latencies     int64         `json:"latencies"`
	RunEnd        json.Number   `json:"run_end_s"`
	BinWidth      json.Number   `json:"bin_s"`
	Window        figuresWindow `json:"window"`
	Contexts      int           `json:"contexts"`
	TasksInWindow int64         `json:"tasks_in_window"`
}

type figuresWindow struct {
	From json.Number  `json:"from_s"`
	To   json.Number  `json:"to_s"`
	Cut  timeline.Cut `json:"cut"`
}

// WriteFiguresJSON writes figures.json: the workload's name, description,
// cores and replications, and per strategy its name, kind, colour index,
// counted tasks per replication, latencies behind the CDF, end of
// replication 0's run, utilization bin width, timeline window (from_s,
// to_s and why it ends there: cut), number of contexts and number of
// tasks overlapping the window. Times are in seconds.
func WriteFiguresJSON(w io.Writer, r *Run) error {
	f := figuresFile{Workload: r.Workload, Description: r.Description, Cores: r.Cores,
		Replications: r.Replications, Strategies: []figuresEntry{}}
	for _, s := range r.Strategies {
		e := figuresEntry{Name: s.Name, Kind: s.Kind, Color: s.Color, Tasks: s.Tasks, Latencies: s.Latencies,
			RunEnd: "0", BinWidth: "0", Window: figuresWindow{From: "0", To: "0", Cut: timeline.CutEnd}}
		if tl := s.Timeline; tl != nil {
			e.RunEnd = json.Number(tl.End.FormatSeconds())
			e.Window = figuresWindow{From: json.Number(tl.From.FormatSeconds()), To: json.Number(tl.To.FormatSeconds()), Cut: tl.Cut}
			e.Contexts = tl.AllContexts
			e.TasksInWindow = tl.AllTasks
		}
		if s.Series != nil {
			e.BinWidth = json.Number(s.Series.Width.FormatSeconds())
		}
		f.Strategies = append(f.Strategies, e)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteLatencyCSV writes latency.csv: strategy, latency_s, count,
// fraction — per strategy the points of its latency CDF, in increasing
// order: count of its latencies (a share fraction of them, to six
// significant digits) are at most latency_s. The number of latencies is
// in figures.json.
func WriteLatencyCSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	cw.Write(latencyHeader)
	for _, s := range r.Strategies {
		for _, p := range s.CDF {
			cw.Write([]string{s.Name, p.Latency.FormatSeconds(), strconv.FormatInt(p.Count, 10), formatSig(p.Fraction)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteUtilizationCSV writes utilization.csv: strategy, start_s, end_s,
// busy_cores, cpu_utilization, in_flight — per strategy, replication 0's
// time bins from 0 to the end of its run, each with the mean number of
// busy cores, that number over the cores, and the mean number of tasks in
// flight, to six significant digits.
func WriteUtilizationCSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"strategy", "start_s", "end_s", "busy_cores", "cpu_utilization", "in_flight"})
	for _, s := range r.Strategies {
		if s.Series == nil {
			continue
		}
		for _, b := range s.Series.Bins {
			busy := roundSig(b.Busy)
			cw.Write([]string{s.Name, b.Start.FormatSeconds(), b.End.FormatSeconds(), formatSig(busy),
				formatSig(busy / float64(max(s.Series.Cores, 1))), formatSig(b.InFlight)})
		}
	}
	cw.Flush()
	return cw.Error()
}

var latencyHeader = []string{"strategy", "latency_s", "count", "fraction"}

// Row kinds of timeline.csv.
const (
	rowContext = "context"
	rowTask    = "task"
)

// WriteTimelineCSV writes timeline.csv: strategy, kind, row, state,
// start_s, end_s — per strategy, inside its window: for each context
// (kind "context", row its name) its state intervals, idle included, and
// for each of the first tasks (kind "task", row class#index) its queued
// and in-service spans (state "queued", "service").
func WriteTimelineCSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"strategy", "kind", "row", "state", "start_s", "end_s"})
	for _, s := range r.Strategies {
		tl := s.Timeline
		if tl == nil {
			continue
		}
		for _, c := range tl.Contexts {
			for _, iv := range c.Intervals {
				cw.Write([]string{s.Name, rowContext, c.Name, iv.State.String(), iv.Start.FormatSeconds(), iv.End.FormatSeconds()})
			}
		}
		for _, sp := range taskSpans(tl) {
			cw.Write([]string{s.Name, rowTask, sp.row, sp.state, sp.start.FormatSeconds(), sp.end.FormatSeconds()})
		}
	}
	cw.Flush()
	return cw.Error()
}

// span is one task span of a timeline, clipped to its window.
type span struct {
	row, state string
	start, end sim.Time
}

// taskSpans returns the queued and in-service spans of the timeline's
// tasks, clipped to the window, leaving out empty ones.
func taskSpans(tl *timeline.Timeline) []span {
	var out []span
	stop := tl.Shown()
	for _, t := range tl.Tasks {
		if a, b := max(t.Arrival, tl.From), min(t.Start, stop); a < b {
			out = append(out, span{t.Name, timeline.TaskQueued, a, b})
		}
		if a, b := max(t.Start, tl.From), min(t.Completion, stop); a < b {
			out = append(out, span{t.Name, timeline.TaskService, a, b})
		}
	}
	return out
}

// sigDigits is the precision of the means in utilization.csv.
const sigDigits = 6

// formatSig formats x to sigDigits significant digits.
func formatSig(x float64) string { return strconv.FormatFloat(x, 'g', sigDigits, 64) }

// roundSig rounds x to sigDigits significant digits, as utilization.csv
// keeps it, so that figures drawn before writing the file and after
// reading it back are the same.
func roundSig(x float64) float64 {
	y, err := strconv.ParseFloat(formatSig(x), 64)
	if err != nil {
		return x
	}
	return y
}

// ReadRun reads a run's figure data from the files in fsys that
// `asyncsim run --out` wrote: summary.json, figures.json, latency.csv,
// utilization.csv and timeline.csv.
func ReadRun(fsys fs.FS) (*Run, error) {
	var f figuresFile
	if err := readJSON(fsys, FiguresJSON, &f); err != nil {
		return nil, err
	}
	r := &Run{Workload: f.Workload, Description: f.Description, Cores: f.Cores, Replications: f.Replications}
	byName := map[string]*Strategy{}
	r.Strategies = make([]Strategy, len(f.Strategies))
	for i, e := range f.Strategies {
		s := &r.Strategies[i]
		*s = Strategy{Name: e.Name, Kind: e.Kind, Color: e.Color, Tasks: e.Tasks, Latencies: e.Latencies}
		if byName[e.Name] != nil {
			return nil, fmt.Errorf("%s: strategy %q listed twice", FiguresJSON, e.Name)
		}
		byName[e.Name] = s
		var err error
		tl := &timeline.Timeline{Cut: e.Window.Cut, AllContexts: e.Contexts, AllTasks: e.TasksInWindow}
		for _, x := range []struct {
			n json.Number
			t *sim.Time
		}{{e.RunEnd, &tl.End}, {e.Window.From, &tl.From}, {e.Window.To, &tl.To}} {
			if *x.t, err = parseSeconds(string(x.n)); err != nil {
				return nil, fmt.Errorf("%s: strategy %q: %w", FiguresJSON, e.Name, err)
			}
		}
		width, err := parseSeconds(string(e.BinWidth))
		if err != nil {
			return nil, fmt.Errorf("%s: strategy %q: %w", FiguresJSON, e.Name, err)
		}
		s.Timeline = tl
		s.Series = &timeline.Series{Cores: r.Cores, Width: width}
	}
	if err := readSummary(fsys, r, byName); err != nil {
		return nil, err
	}
	if err := readCSV(fsys, LatencyCSV, latencyHeader, byName, func(s *Strategy, rec []string) error {
		lat, err := parseSeconds(rec[1])
		if err != nil {
			return err
		}
		count, err := strconv.ParseInt(rec[2], 10, 64)
		if err != nil || count < 1 || count > s.Latencies {
			return fmt.Errorf("count %q is not a number from 1 to the %d latencies", rec[2], s.Latencies)
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
			return err
		}
		if b.End, err = parseSeconds(rec[2]); err != nil {
			return err
		}
		if b.Busy, err = parseFloat(rec[3]); err != nil {
			return err
		}
		if b.InFlight, err = parseFloat(rec[5]); err != nil {
			return err
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
		start, err := parseSeconds(rec[4])
		if err != nil {
			return err
		}
		end, err := parseSeconds(rec[5])
		if err != nil {
			return err
		}
		if end < start {
			return fmt.Errorf("end_s %s before start_s %s", rec[5], rec[4])
		}
		tl := s.Timeline
		switch rec[1] {
		case rowContext:
			st, ok := states[rec[3]]
			if !ok {
				return fmt.Errorf("unknown state %q", rec[3])
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
			case timeline.TaskService:
				t.Start, t.Completion = start, end
			default:
				return fmt.Errorf("unknown task state %q", rec[3])
			}
		default:
			return fmt.Errorf("unknown kind %q (want %s or %s)", rec[1], rowContext, rowTask)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return r, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readSummary takes each strategy's makespan and its confidence interval
// from summary.json.
func readSummary(fsys fs.FS, r *Run, byName map[string]*Strategy) error {
	var sum struct {
		Workload string           `json:"workload"`
		Results  []map[string]any `json:"results"`
	}
	if err := readJSON(fsys, SummaryJSON, &sum); err != nil {
		return err
	}
	if sum.Workload != r.Workload {
		return fmt.Errorf("%s is of workload %q but %s of %q", SummaryJSON, sum.Workload, FiguresJSON, r.Workload)
	}
	seen := 0
	for _, row := range sum.Results {
		name, _ := row["strategy"].(string)
		s := byName[name]
		if s == nil {
			return fmt.Errorf("%s: strategy %q is not in %s", SummaryJSON, name, FiguresJSON)
		}
		seen++
		for key, dst := range map[string]*float64{"makespan_s": &s.Makespan, "makespan_s_ci95": &s.MakespanCI95} {
			switch v := row[key].(type) {
			case json.Number:
				x, err := v.Float64()
				if err != nil {
					return fmt.Errorf("%s: strategy %q: %s: %w", SummaryJSON, name, key, err)
				}
				*dst = x
			case nil:
				*dst = math.NaN()
			}
		}
	}
	if seen != len(r.Strategies) {
		return fmt.Errorf("%s has %d strategies, %s %d", SummaryJSON, seen, FiguresJSON, len(r.Strategies))
	}
	return nil
}

// readCSV reads a CSV file with the given header, calling row for each
// record with the strategy its first column names; errors name the file
// and line.
func readCSV(fsys fs.FS, name string, header []string, byName map[string]*Strategy, row func(*Strategy, []string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = len(header)
	cr.ReuseRecord = true
	first, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(first, header) {
		return fmt.Errorf("%s: header %q; want %q", name, strings.Join(first, ","), strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		s := byName[rec[0]]
		if s == nil {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("%s:%d: strategy %q is not in %s", name, line, rec[0], FiguresJSON)
		}
		if err := row(s, rec); err != nil {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

func parseFloat(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return x, nil
}

// parseSeconds reads decimal seconds ("1.011", "0.0025") exactly, to the
// nanosecond, as sim.Time.FormatSeconds writes them.
func parseSeconds(s string) (sim.Time, error) {
	bad := fmt.Errorf("not a time in seconds: %q", s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 9 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, bad
	}
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec > math.MaxInt64/int64(sim.Second)-1 {
		return 0, bad
	}
	var ns int64
	if frac != "" {
		if strings.ContainsAny(frac, "+-") {
			return 0, bad
		}
		ns, err = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return 0, bad
		}
	}
	return sim.Time(sec)*sim.Second + sim.Time(ns), nil
}

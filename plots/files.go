package plots

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
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
	// LatencyByClassCSV holds each strategy's latency CDF per class, for
	// a run of several classes.
	LatencyByClassCSV = "latency_by_class.csv"
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
	// For, if set, reports whether a run has the file; without it, every
	// run has. A file a run does not have must not be left from an
	// earlier one: ReadRun would read it.
	For func(r *Run) bool
}

// DataFiles returns the files that `asyncsim run --out` writes for the
// figures, beside summary.json; ReadRun reads them back.
func DataFiles() []DataFile {
	return []DataFile{
		{Name: FiguresJSON, Write: WriteFiguresJSON},
		{Name: LatencyCSV, Write: WriteLatencyCSV},
		{Name: LatencyByClassCSV, Write: WriteLatencyByClassCSV, For: byClass},
		{Name: UtilizationCSV, Write: WriteUtilizationCSV},
		{Name: TimelineCSV, Write: WriteTimelineCSV},
	}
}

// figuresFile is the JSON form of figures.json.
type figuresFile struct {
	Workload     string         `json:"workload"`
	Description  string         `json:"description"`
	Cores        int            `json:"cores"`
	Replications int            `json:"replications"`
	Strategies   []figuresEntry `json:"strategies"`
	Classes      []string       `json:"classes,omitempty"`
	Open         bool           `json:"open,omitempty"`
}

type figuresEntry struct {
	Name          string          `json:"name"`
	Kind          string          `json:"kind"`
	Color         int             `json:"color"`
	Tasks         int64           `json:"tasks"`
	Latencies     int64           `json:"latencies"`
	RunEnd        json.RawMessage `json:"run_end_s"`
	BinWidth      json.RawMessage `json:"bin_s"`
	Window        figuresWindow   `json:"window"`
	Contexts      int             `json:"contexts"`
	TasksInWindow int64           `json:"tasks_in_window"`
}

// zero is 0 seconds as figures.json writes it.
var zero = json.RawMessage("0")

type figuresWindow struct {
	From json.RawMessage `json:"from_s"`
	To   json.RawMessage `json:"to_s"`
	Cut  timeline.Cut    `json:"cut"`
}

// WriteFiguresJSON writes figures.json: the workload's name, description,
// cores and replications, and per strategy its name, kind, colour index,
// counted tasks per replication, latencies behind the CDF, end of
// replication 0's run, utilization bin width, timeline window (from_s,
// to_s and why it ends there: cut), number of contexts and number of
// tasks overlapping the window; and, for a run with a latency figure by
// class, the classes' names; for a workload of open arrivals, open: true.
// Times are in seconds.
func WriteFiguresJSON(w io.Writer, r *Run) error {
	f := figuresFile{Workload: r.Workload, Description: r.Description, Cores: r.Cores,
		Replications: r.Replications, Strategies: []figuresEntry{}, Open: r.Open}
	if byClass(r) {
		f.Classes = r.Classes
	}
	for _, s := range r.Strategies {
		e := figuresEntry{Name: s.Name, Kind: s.Kind, Color: s.Color, Tasks: s.Tasks, Latencies: s.Latencies,
			RunEnd: zero, BinWidth: zero, Window: figuresWindow{From: zero, To: zero, Cut: timeline.CutEnd}}
		if tl := s.Timeline; tl != nil {
			e.RunEnd = json.RawMessage(tl.End.FormatSeconds())
			e.Window = figuresWindow{From: json.RawMessage(tl.From.FormatSeconds()), To: json.RawMessage(tl.To.FormatSeconds()), Cut: tl.Cut}
			e.Contexts = tl.AllContexts
			e.TasksInWindow = tl.AllTasks
		}
		if s.Series != nil {
			e.BinWidth = json.RawMessage(s.Series.Width.FormatSeconds())
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

// WriteLatencyByClassCSV writes latency_by_class.csv: strategy, class,
// latency_s, count, fraction — per strategy and class (figures.json
// names the classes) the points of the class's latency CDF, as in
// latency.csv; the last point's count is the number of latencies.
func WriteLatencyByClassCSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	cw.Write(latencyByClassHeader)
	if byClass(r) {
		for _, s := range r.Strategies {
			for k, cl := range s.Classes {
				for _, p := range cl.CDF {
					cw.Write([]string{s.Name, r.Classes[k], p.Latency.FormatSeconds(), strconv.FormatInt(p.Count, 10), formatSig(p.Fraction)})
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

var latencyByClassHeader = []string{"strategy", "class", "latency_s", "count", "fraction"}

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
// for each of the first task attempts (kind "task", row class#index, with
// " (retry N)" for a retry) its spans: "queued", then "service", or
// "late" for the service of an attempt its client had given up on; an
// attempt never served ends with the instant (start_s = end_s) it was
// "rejected" or "abandoned".
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
		for _, sp := range tl.TaskSpans() {
			cw.Write([]string{s.Name, rowTask, sp.Task.Name, sp.State, sp.Start.FormatSeconds(), sp.End.FormatSeconds()})
		}
	}
	cw.Flush()
	return cw.Error()
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

// parseFloat reads a non-negative finite number.
func parseFloat(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x >= 0) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("not a non-negative number: %q", truncate(s))
	}
	return x, nil
}

// parseSeconds reads decimal seconds ("1.011", "0.0025") exactly, to the
// nanosecond, as sim.Time.FormatSeconds writes them.
func parseSeconds(s string) (sim.Time, error) {
	bad := fmt.Errorf("not a time in seconds: %q", truncate(s))
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

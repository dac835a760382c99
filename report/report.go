package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// The columns of the verdict on overload (experiment.Stability), which
// end a summary row: "stable" (true or false), "bottleneck" (the group of
// the highest utilization: experiment.GroupCPU, ..., or "resource.NAME")
// and "bottleneck_utilization" (its mean utilization, a number).
const (
	ColumnStable                = "stable"
	ColumnBottleneck            = "bottleneck"
	ColumnBottleneckUtilization = "bottleneck_utilization"
)

// StabilityColumns are the columns of the verdict on overload, in order.
var StabilityColumns = []string{ColumnStable, ColumnBottleneck, ColumnBottleneckUtilization}

// Columns returns the header of a summary row: strategy, kind, tasks,
// then every metric, then the metrics of each resource named in resources
// (in the order resources are declared: "resource.db.wait_mean_s", ...),
// each figure followed by its _ci95 half-width when there is more than
// one replication, then StabilityColumns.
func Columns(replications int, resources []string) []string {
	cols := []string{"strategy", "kind", "tasks"}
	add := func(name string) {
		cols = append(cols, name)
		if replications > 1 {
			cols = append(cols, name+"_ci95")
		}
	}
	for _, m := range sim.Metrics() {
		add(m.String())
	}
	for _, r := range resources {
		for m := range sim.NumResourceMetrics {
			add(m.Column(r))
		}
	}
	return append(cols, StabilityColumns...)
}

// ResourceNames returns the names of spec's resources, in the order they
// are declared: the resources argument of Columns.
func ResourceNames(spec *workloads.Spec) []string {
	names := make([]string, len(spec.Resources))
	for i, r := range spec.Resources {
		names[i] = r.Name
	}
	return names
}

// Values returns a summary row's values in the order of Columns (for the
// resources of s.Aggregate.Resources), as strings: numbers in their
// shortest exact decimal form.
func Values(s *experiment.StrategyResult) []string {
	a := &s.Aggregate
	vals := []string{s.Config.Name, string(s.Config.Kind), strconv.FormatInt(a.Tasks, 10)}
	add := func(mean, ci float64) {
		vals = append(vals, Number(mean))
		if a.Replications > 1 {
			vals = append(vals, Number(ci))
		}
	}
	for _, m := range sim.Metrics() {
		add(a.Mean[m], a.CI95[m])
	}
	for _, r := range a.Resources {
		for m := range sim.NumResourceMetrics {
			add(r.Mean[m], r.CI95[m])
		}
	}
	st := &s.Stability
	return append(vals, strconv.FormatBool(!st.Overloaded), st.Bottleneck, Number(st.BottleneckUtilization))
}

// CellJSON returns the JSON value of a summary row's cell of column col,
// as Values formats it: the strategy, the kind and the bottleneck as
// strings, stable as a boolean, a statistic as a number (null when it is
// not finite).
func CellJSON(col, v string) any {
	switch col {
	case "strategy", "kind", ColumnBottleneck:
		return v
	case ColumnStable:
		return v == "true"
	}
	return jsonNumber(v)
}

// ClassColumns returns the names of a class's figures: those of
// sim.ClassMetrics, each followed by its _ci95 half-width when there is
// more than one replication.
func ClassColumns(replications int) []string {
	var cols []string
	for _, m := range sim.ClassMetrics() {
		cols = append(cols, m.String())
		if replications > 1 {
			cols = append(cols, m.String()+"_ci95")
		}
	}
	return cols
}

// ClassValues returns a class's figures in the order of ClassColumns.
func ClassValues(c *sim.Estimates[[sim.NumMetrics]float64], replications int) []string {
	var vals []string
	for _, m := range sim.ClassMetrics() {
		vals = append(vals, Number(c.Mean[m]))
		if replications > 1 {
			vals = append(vals, Number(c.CI95[m]))
		}
	}
	return vals
}

// check reports an error when a strategy's figures do not match its
// workload's resources and classes, which would misalign the rows'
// columns. A result without any classes' figures (one built by hand) has
// none to misalign: its rows' classes are empty.
func check(res *experiment.Result) error {
	for i := range res.Strategies {
		a := &res.Strategies[i].Aggregate
		if len(a.Resources) != len(res.Spec.Resources) {
			return fmt.Errorf("report: strategy %s has the figures of %d resources; its workload declares %d",
				res.Strategies[i].Config.Name, len(a.Resources), len(res.Spec.Resources))
		}
		if len(a.Classes) != 0 && len(a.Classes) != len(res.Spec.Classes) {
			return fmt.Errorf("report: strategy %s has the figures of %d task classes; its workload has %d",
				res.Strategies[i].Config.Name, len(a.Classes), len(res.Spec.Classes))
		}
	}
	return nil
}

// Number formats x in the shortest form that reads back as the same
// float64; non-finite values (which no statistic should produce) become
// "NaN", "+Inf" or "-Inf".
func Number(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// CSV writes the summary rows with a header, each name through CSVCell.
func CSV(w io.Writer, res *experiment.Result) error {
	if err := check(res); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(Columns(res.Spec.Replications, ResourceNames(res.Spec)))
	for i := range res.Strategies {
		vals := Values(&res.Strategies[i])
		vals[0] = CSVCell(vals[0])
		cw.Write(vals)
	}
	cw.Flush()
	return cw.Error()
}

// ClassCSV writes the figures of each task class under each strategy
// (summary_by_class.csv) with a header: strategy, kind, class, then
// ClassColumns; one row per strategy and class, strategies in the order
// they ran and classes in the workload's order; the names pass through
// CSVCell.
func ClassCSV(w io.Writer, res *experiment.Result) error {
	if err := check(res); err != nil {
		return err
	}
	reps := res.Spec.Replications
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"strategy", "kind", "class"}, ClassColumns(reps)...))
	for i := range res.Strategies {
		s := &res.Strategies[i]
		for c := range s.Aggregate.Classes {
			row := []string{CSVCell(s.Config.Name), string(s.Config.Kind), CSVCell(res.Spec.Classes[c].Name)}
			cw.Write(append(row, ClassValues(&s.Aggregate.Classes[c], reps)...))
		}
	}
	cw.Flush()
	return cw.Error()
}

// JSON writes {"workload", "seed", "replications", "results": [row, ...]},
// each row an object on a line of its own whose keys are Columns in that
// order, then "classes": an object keyed by the names of the task
// classes, in the workload's order, each holding that class's figures by
// the names of ClassColumns. The keys keep their order in the file (an
// ordered encoding, not encoding/json's sorted maps). Every key and value
// is encoded by encoding/json; only the layout and the order of the keys,
// which the output contract fixes, are this function's.
func JSON(w io.Writer, res *experiment.Result) error {
	if err := check(res); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	head := []member{{"workload", res.Spec.Name}, {"seed", res.Spec.Seed}, {"replications", res.Spec.Replications}}
	for _, m := range head {
		b.WriteString("  ")
		if err := m.encode(&b); err != nil {
			return err
		}
		b.WriteString(",\n")
	}
	b.WriteString(`  "results": [`)
	reps := res.Spec.Replications
	cols := Columns(reps, ResourceNames(res.Spec))
	classCols := ClassColumns(reps)
	for i := range res.Strategies {
		if i > 0 {
			b.WriteString(",")
		}
		s := &res.Strategies[i]
		var row object
		for j, v := range Values(s) {
			row = append(row, member{cols[j], CellJSON(cols[j], v)})
		}
		classes := object{}
		for c := range s.Aggregate.Classes {
			var figures object
			for k, v := range ClassValues(&s.Aggregate.Classes[c], reps) {
				figures = append(figures, member{classCols[k], jsonNumber(v)})
			}
			classes = append(classes, member{res.Spec.Classes[c].Name, figures})
		}
		row = append(row, member{"classes", classes})
		b.WriteString("\n    ")
		if err := row.encode(&b); err != nil {
			return err
		}
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// member is one key and value of a JSON object.
type member struct {
	key   string
	value any
}

// object is a JSON object whose members keep their order.
type object []member

// encode appends the object on one line: {"key": value, ...}.
func (o object) encode(b *bytes.Buffer) error {
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := m.encode(b); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// encode appends "key": value, each encoded by encoding/json (without
// its escaping of <, > and &, which JSON does not need), or value by
// object.encode when it is an object.
func (m member) encode(b *bytes.Buffer) error {
	if err := encodeJSON(b, m.key); err != nil {
		return fmt.Errorf("report: %s: %w", m.key, err)
	}
	b.WriteString(": ")
	if o, ok := m.value.(object); ok {
		return o.encode(b)
	}
	if err := encodeJSON(b, m.value); err != nil {
		return fmt.Errorf("report: %s: %w", m.key, err)
	}
	return nil
}

// encodeJSON appends v as encoding/json encodes it, without escaping
// HTML characters, and without the newline Encode ends with.
func encodeJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1)
	return nil
}

// jsonNumber returns a number formatted by Number as a JSON number, which
// encoding/json checks and writes as it is, or nil (null) for a
// non-finite one.
func jsonNumber(s string) any {
	switch s {
	case "NaN", "+Inf", "-Inf":
		return nil
	}
	return json.Number(s)
}

// TasksHeader is the header of tasks.csv.
var TasksHeader = []string{"strategy", "replication", "task", "class", "arrival_s", "start_s", "completion_s", "latency_s", "counted",
	"attempt", "outcome"}

// TaskRow fills row (of len(TasksHeader)) with one attempt's record:
// strategy, replication, task (its index in its class), class, arrival_s
// (when the attempt was sent), start_s, completion_s, latency_s (the
// attempt's, completion − arrival), counted (false for warm-up tasks),
// attempt (0 for a request's first, 1 for its first retry, ...) and
// outcome (done, rejected, late or abandoned); the names pass through
// CSVCell.
func TaskRow(row []string, strategy string, replication int, class string, t sim.TaskRecord) {
	row[0] = CSVCell(strategy)
	row[1] = strconv.Itoa(replication)
	row[2] = strconv.FormatInt(t.Index, 10)
	row[3] = CSVCell(class)
	row[4] = t.Arrival.FormatSeconds()
	row[5] = t.Start.FormatSeconds()
	row[6] = t.Completion.FormatSeconds()
	row[7] = (t.Completion - t.Arrival).FormatSeconds()
	row[8] = strconv.FormatBool(t.Counted)
	row[9] = strconv.Itoa(t.Attempt)
	row[10] = t.Outcome.String()
}

// Seconds formats a time in seconds for people, with a unit: "10.020 s",
// "2.500 ms", "950.0 µs", "2.150 h", "0".
func Seconds(x float64) string { return format(timeFormat).cell(x, 0, false) }

// format renders a column's values for people: the unit and precision
// are chosen by the mean, and the confidence half-width is shown in the
// same unit and precision ("14.10 ±0.21 ms").
type format func(mean float64) (factor float64, decimals int, suffix string)

func (f format) cell(mean, ci float64, withCI bool) string {
	if mean == 0 && (!withCI || ci == 0) {
		return "0"
	}
	factor, d, suffix := f(mean)
	s := strconv.FormatFloat(mean*factor, 'f', d, 64)
	if withCI {
		s += " ±" + strconv.FormatFloat(ci*factor, 'f', d, 64)
	}
	return s + suffix
}

// sig4 returns the decimals that show x with four significant digits.
func sig4(x float64) int {
	if x == 0 {
		return 0
	}
	return max(0, 3-int(math.Floor(math.Log10(math.Abs(x)))))
}

func timeFormat(x float64) (float64, int, string) {
	switch ax := math.Abs(x); {
	case ax >= 3600:
		return 1.0 / 3600, sig4(x / 3600), " h"
	case ax >= 100:
		return 1.0 / 60, sig4(x / 60), " min"
	case ax >= 1:
		return 1, 3, " s" // to the millisecond: "10.020 s"
	case ax >= 1e-3:
		return 1e3, sig4(x * 1e3), " ms"
	case ax >= 1e-6:
		return 1e6, sig4(x * 1e6), " µs"
	}
	return 1e9, sig4(x * 1e9), " ns"
}

// percentFormat shows shares as percentages, to two significant digits
// below 1% so that small shares do not read as zero.
func percentFormat(x float64) (float64, int, string) {
	if p := math.Abs(100 * x); p > 0 && p < 1 {
		return 100, 1 - int(math.Floor(math.Log10(p))), "%"
	}
	return 100, 1, "%"
}

func rateFormat(x float64) (float64, int, string) { return 1, sig4(x), "/s" }

func countFormat(x float64) (float64, int, string) {
	if x == math.Trunc(x) {
		return 1, 0, ""
	}
	return 1, sig4(x), ""
}

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
)

// Columns returns the header of a summary row: strategy, kind, tasks, then
// every metric, each followed by its _ci95 half-width when there is more
// than one replication.
func Columns(replications int) []string {
	cols := []string{"strategy", "kind", "tasks"}
	for _, m := range sim.Metrics() {
		cols = append(cols, m.String())
		if replications > 1 {
			cols = append(cols, m.String()+"_ci95")
		}
	}
	return cols
}

// Values returns a summary row's values in the order of Columns, as
// strings: numbers in their shortest exact decimal form.
func Values(s *experiment.StrategyResult) []string {
	a := &s.Aggregate
	vals := []string{s.Config.Name, string(s.Config.Kind), strconv.FormatInt(a.Tasks, 10)}
	for _, m := range sim.Metrics() {
		vals = append(vals, Number(a.Mean[m]))
		if a.Replications > 1 {
			vals = append(vals, Number(a.CI95[m]))
		}
	}
	return vals
}

// Number formats x in the shortest form that reads back as the same
// float64; non-finite values (which no statistic should produce) become
// "NaN", "+Inf" or "-Inf".
func Number(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// CSV writes the summary rows with a header, each name through CSVCell.
func CSV(w io.Writer, res *experiment.Result) error {
	cw := csv.NewWriter(w)
	cw.Write(Columns(res.Spec.Replications))
	for i := range res.Strategies {
		vals := Values(&res.Strategies[i])
		vals[0] = CSVCell(vals[0])
		cw.Write(vals)
	}
	cw.Flush()
	return cw.Error()
}

// JSON writes {"workload", "seed", "replications", "results": [row, ...]},
// each row a flat object whose keys are Columns in that order, on a line
// of its own. Every key and value is encoded by encoding/json; only the
// layout and the order of the keys, which the output contract fixes, are
// this function's.
func JSON(w io.Writer, res *experiment.Result) error {
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
	cols := Columns(res.Spec.Replications)
	for i := range res.Strategies {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    {")
		for j, v := range Values(&res.Strategies[i]) {
			if j > 0 {
				b.WriteString(", ")
			}
			m := member{cols[j], v}
			if j >= 2 {
				m.value = jsonNumber(v)
			}
			if err := m.encode(&b); err != nil {
				return err
			}
		}
		b.WriteString("}")
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

// encode appends "key": value, each encoded by encoding/json (without
// its escaping of <, > and &, which JSON does not need).
func (m member) encode(b *bytes.Buffer) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	for i, v := range []any{m.key, m.value} {
		if i > 0 {
			b.WriteString(": ")
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("report: %s: %w", m.key, err)
		}
		b.Truncate(b.Len() - 1) // the newline Encode ends with
	}
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
var TasksHeader = []string{"strategy", "replication", "task", "class", "arrival_s", "start_s", "completion_s", "latency_s", "counted"}

// TaskRow fills row (of len(TasksHeader)) with one task's record:
// strategy, replication, task (its index in its class), class, arrival_s,
// start_s, completion_s, latency_s, counted (false for warm-up tasks);
// the names pass through CSVCell.
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

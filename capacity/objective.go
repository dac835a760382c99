package capacity

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"asyncsim/internal/schema"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// Op is an objective's comparison.
type Op uint8

// The comparisons.
const (
	Less Op = iota
	LessEqual
	Greater
	GreaterEqual
)

var opNames = [...]string{Less: "<", LessEqual: "<=", Greater: ">", GreaterEqual: ">="}

// String returns the comparison as written: "<", "<=", ">", ">=".
func (o Op) String() string { return opNames[o] }

// holds reports whether v op threshold.
func (o Op) holds(v, threshold float64) bool {
	switch o {
	case Less:
		return v < threshold
	case LessEqual:
		return v <= threshold
	case Greater:
		return v > threshold
	}
	return v >= threshold
}

// upper reports whether the objective bounds its statistic from above.
func (o Op) upper() bool { return o == Less || o == LessEqual }

// Objective is a service-level objective: a statistic of each run, by its
// output name, compared with a threshold.
type Objective struct {
	// Text is the objective as written: "p99<200ms".
	Text string
	// Column is the statistic's output name: "latency_p99_s",
	// "rejected", "resource.db.wait_mean_s", "memory_peak_mib".
	Column string
	// Op is the comparison.
	Op Op
	// Threshold is in the statistic's unit: seconds for a "_s" column, a
	// share for a percentage (of requests, for a count).
	Threshold float64
	// Share makes a count column's value its share of the requests
	// ("rejected<1%").
	Share bool
}

// String returns the objective in output names and units:
// "latency_p99_s<0.2", "rejected<0.01 of requests".
func (o Objective) String() string {
	s := o.Column + o.Op.String() + strconv.FormatFloat(o.Threshold, 'g', -1, 64)
	if o.Share {
		s += " of requests"
	}
	return s
}

// Met reports whether the value v meets the objective.
func (o Objective) Met(v float64) bool { return o.Op.holds(v, o.Threshold) }

// aliases are the short names of statistics.
var aliases = map[string]string{
	"p50":        "latency_p50_s",
	"p90":        "latency_p90_s",
	"p95":        "latency_p95_s",
	"p99":        "latency_p99_s",
	"mean":       "latency_mean_s",
	"max":        "latency_max_s",
	"wait":       "wait_mean_s",
	"throughput": "throughput_per_s",
	"memory":     "memory_peak_mib",
}

// counts are the statistics that count requests, which a percentage
// measures as a share of the requests.
var counts = []string{"requests", "succeeded", "failed", "rejected", "timeouts", "retries_sent", "syn_retries"}

// ParseObjective parses an objective: a statistic (an output name such as
// latency_p99_s, or an alias: p50, p90, p95, p99, mean, max, wait,
// throughput, memory), a comparison (<, <=, >, >=) and a threshold, a
// number with the statistic's unit: a time (ns, us, µs, ms, s, or plain
// seconds) for a "_s" statistic, a size (B, KiB, MiB, GiB, TiB, or plain
// MiB) for a "_mib" one, a rate ("/s" or plain) for a "_per_s" one; a
// percentage is a share, of the requests for a count (rejected<1%).
func ParseObjective(text string) (Objective, error) {
	o := Objective{Text: text}
	i := strings.IndexAny(text, "<>=")
	if i < 0 {
		return o, fmt.Errorf("objective %q has no comparison: write a statistic, <, <=, > or >=, and a threshold, as in p99<200ms", text)
	}
	name := strings.TrimSpace(text[:i])
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "<="):
		o.Op, rest = LessEqual, rest[2:]
	case strings.HasPrefix(rest, ">="):
		o.Op, rest = GreaterEqual, rest[2:]
	case strings.HasPrefix(rest, "<"):
		o.Op, rest = Less, rest[1:]
	case strings.HasPrefix(rest, ">"):
		o.Op, rest = Greater, rest[1:]
	default:
		return o, fmt.Errorf("objective %q: %q is not a comparison (want <, <=, > or >=)", text, rest[:1])
	}
	if name == "" {
		return o, fmt.Errorf("objective %q names no statistic before %q (as in p99<200ms)", text, o.Op)
	}
	o.Column = name
	if full, ok := aliases[name]; ok {
		o.Column = full
	}
	if err := knownStatistic(o.Column); err != nil {
		return o, fmt.Errorf("objective %q: %w", text, err)
	}
	value := strings.TrimSpace(rest)
	if value == "" {
		return o, fmt.Errorf("objective %q has no threshold after %q", text, o.Op)
	}
	t, share, err := threshold(o.Column, value)
	if err != nil {
		return o, fmt.Errorf("objective %q: %w", text, err)
	}
	o.Threshold, o.Share = t, share && slices.Contains(counts, o.Column)
	return o, nil
}

// Measured are the statistics other than sim's metrics and resources'
// that an objective may name: those other parts of asyncsim measure.
var Measured = []string{"memory_peak_mib"}

// knownStatistic returns an error for a name that is no statistic: not a
// metric, not a resource's ("resource.NAME.METRIC", checked against the
// workload later) and not Measured.
func knownStatistic(column string) error {
	if _, ok := sim.MetricByName(column); ok || strings.HasPrefix(column, "resource.") || slices.Contains(Measured, column) {
		return nil
	}
	known := slices.Clone(Measured)
	for _, m := range sim.Metrics() {
		known = append(known, m.String())
	}
	for a := range aliases {
		known = append(known, a)
	}
	slices.Sort(known)
	return fmt.Errorf("unknown statistic %q%s (name an output column such as latency_p99_s, or an alias: p50, p90, p95, p99, mean, max, wait, throughput, memory)",
		column, schema.Suggestion(column, known))
}

// units maps each unit suffix of a dimension to its factor to the
// statistic's unit.
type units struct {
	what   string
	plain  string // the unit of a plain number
	suffix []string
	factor []float64
}

var (
	timeUnits = units{"a time", "seconds", []string{"ns", "us", "µs", "ms", "s"}, []float64{1e-9, 1e-6, 1e-6, 1e-3, 1}}
	sizeUnits = units{"a size", "MiB", []string{"B", "KiB", "MiB", "GiB", "TiB"},
		[]float64{1.0 / (1 << 20), 1.0 / (1 << 10), 1, 1 << 10, 1 << 20}}
	rateUnits  = units{"a rate", "per second", []string{"/s"}, []float64{1}}
	shareUnits = units{"a share", "a fraction", []string{"%"}, []float64{0.01}}
	plainUnits = units{"a number", "", nil, nil}
)

// unitsOf returns the units of the statistic column, by its name.
func unitsOf(column string) units {
	switch {
	case strings.HasSuffix(column, "_per_s"):
		return rateUnits
	case strings.HasSuffix(column, "_s"):
		return timeUnits
	case strings.HasSuffix(column, "_mib"):
		return sizeUnits
	case slices.Contains(counts, column), strings.HasSuffix(column, "utilization"):
		return shareUnits
	}
	return plainUnits
}

// threshold parses value in the units of column, and reports whether it
// was a percentage.
func threshold(column, value string) (float64, bool, error) {
	u := unitsOf(column)
	end := len(value)
	for end > 0 && !strings.ContainsRune("0123456789.", rune(value[end-1])) {
		end--
	}
	num, unit := value[:end], strings.TrimSpace(value[end:])
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false, fmt.Errorf("threshold %q is not a number%s", value, u.want())
	}
	if unit == "" {
		return x, false, nil
	}
	for i, s := range u.suffix {
		if unit == s {
			return x * u.factor[i], s == "%", nil
		}
	}
	return 0, false, fmt.Errorf("unit %q does not fit %s, %s%s", unit, column, u.what, u.want())
}

// want describes the thresholds units u allows, for messages.
func (u units) want() string {
	if u.suffix == nil {
		return ": want a plain number"
	}
	return fmt.Sprintf(": want a number with %s (or a plain number, in %s)", strings.Join(u.suffix, ", "), u.plain)
}

// value returns a function that reads the objective's statistic from one
// run's summary, or an error naming an unknown statistic of spec.
func (o Objective) value(spec *workloads.Spec) (func(s *sim.Summary) float64, error) {
	if m, ok := sim.MetricByName(o.Column); ok {
		if o.Share {
			return func(s *sim.Summary) float64 {
				if n := s.Values[sim.Requests]; n > 0 {
					return s.Values[m] / n
				}
				return 0
			}, nil
		}
		return func(s *sim.Summary) float64 { return s.Values[m] }, nil
	}
	var known []string
	for ri, r := range spec.Resources {
		for m := range sim.NumResourceMetrics {
			col := m.Column(r.Name)
			if col == o.Column {
				return func(s *sim.Summary) float64 { return s.Resources[ri][m] }, nil
			}
			known = append(known, col)
		}
	}
	if strings.HasPrefix(o.Column, "resource.") {
		return nil, fmt.Errorf("objective %q: workload %s has no statistic %q%s", o.Text, spec.Name, o.Column, schema.Suggestion(o.Column, known))
	}
	return nil, fmt.Errorf("objective %q: %s is not measured by this build of asyncsim", o.Text, o.Column)
}

package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// column is one column of the terminal table.
type column struct {
	title  string
	metric sim.Metric
	format format
	// show reports whether a result needs the column at all.
	show func(*experiment.Result) bool
}

func always(*experiment.Result) bool { return true }

func has(kind strategies.Kind, gil bool) func(*experiment.Result) bool {
	return func(r *experiment.Result) bool {
		for _, s := range r.Strategies {
			if s.Config.Kind == kind && (!gil || s.Config.GIL) {
				return true
			}
		}
		return false
	}
}

var tableColumns = []column{
	{"MAKESPAN", sim.Makespan, timeFormat, always},
	{"THROUGHPUT", sim.Throughput, rateFormat, always},
	{"LAT MEAN", sim.LatencyMean, timeFormat, always},
	{"P50", sim.LatencyP50, timeFormat, always},
	{"P99", sim.LatencyP99, timeFormat, always},
	{"MAX", sim.LatencyMax, timeFormat, always},
	{"WAIT", sim.WaitMean, timeFormat, always},
	{"CPU", sim.CPUUtilization, percentFormat, always},
	{"IN FLIGHT", sim.InFlightMean, countFormat, always},
	{"LOOP BLOCKED", sim.LoopBlocked, timeFormat, has(strategies.KindEventLoop, false)},
	{"GIL WAIT", sim.GILWait, timeFormat, has(strategies.KindThreaded, true)},
	{"SWITCHES", sim.ContextSwitches, countFormat, always},
}

// Table writes the results for people: a heading naming the workload, one
// aligned row per strategy, with its kind, the counted tasks (their mean
// over the replications, rounded) and each statistic with its unit (each
// mean followed by ± its 95% confidence half-width when there are
// replications), and a verdict.
func Table(w io.Writer, res *experiment.Result) error {
	spec := res.Spec
	reps := "1 replication"
	if spec.Replications > 1 {
		reps = fmt.Sprintf("%d replications, ± is the 95%% confidence half-width", spec.Replications)
	}
	fmt.Fprintf(w, "%s: %s\n", spec.Name, oneLine(spec.Description))
	cores := "1 core"
	if spec.Cores > 1 {
		cores = fmt.Sprintf("%d cores", spec.Cores)
	}
	fmt.Fprintf(w, "%s · seed %d · %s", cores, spec.Seed, reps)
	if spec.Warmup > 0 {
		fmt.Fprintf(w, " · warm-up %v", spec.Warmup)
	}
	fmt.Fprint(w, "\n\n")

	var cols []column
	for _, c := range tableColumns {
		if c.show(res) {
			cols = append(cols, c)
		}
	}
	header := []string{"STRATEGY", "KIND", "TASKS"}
	for _, c := range cols {
		header = append(header, c.title)
	}
	rows := [][]string{header}
	for _, s := range res.Strategies {
		a := &s.Aggregate
		row := []string{s.Config.Name, string(s.Config.Kind), strconv.FormatInt(a.Tasks, 10)}
		for _, c := range cols {
			row = append(row, c.format.cell(a.Mean[c.metric], a.CI95[c.metric], a.Replications > 1))
		}
		rows = append(rows, row)
	}
	if err := WriteAligned(w, rows, 2); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", Verdict(res))
	return err
}

// WriteAligned writes rows as columns two spaces apart: the first names
// columns aligned left, the others (numbers) right.
func WriteAligned(w io.Writer, rows [][]string, names int) error {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < names {
				b.WriteString(c)
				if i < len(r)-1 {
					b.WriteString(pad)
				}
			} else {
				b.WriteString(pad + c)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Verdict sums the comparison up in one sentence: which strategy finished
// first and how it compares with the slowest; when all finish together
// (the arrivals set the pace), which had had the lowest p99 latency instead.
func Verdict(res *experiment.Result) string {
	ss := res.Strategies
	switch len(ss) {
	case 0:
		return "No strategy ran."
	case 1:
		return fmt.Sprintf("%s finished in %s.", ss[0].Config.Name, Seconds(ss[0].Aggregate.Mean[sim.Makespan]))
	}
	best, worst, tied := rank(ss, sim.Makespan)
	if len(tied) < len(ss) && !withinPercent(ss, best, worst, sim.Makespan) {
		verb := " finished first"
		if len(tied) > 1 {
			verb = " tied for first"
		}
		return fmt.Sprintf("%s%s: makespan %s, %s shorter than %s (%s).",
			joinNames(tied), verb, Seconds(mean(ss, best, sim.Makespan)), ratio(ss, best, worst, sim.Makespan),
			ss[worst].Config.Name, Seconds(mean(ss, worst, sim.Makespan)))
	}
	span := "All strategies finished in " + Seconds(mean(ss, best, sim.Makespan))
	if len(tied) < len(ss) {
		span = "All strategies finished within 1% of " + Seconds(mean(ss, best, sim.Makespan))
	}
	best, worst, tied = rank(ss, sim.LatencyP99)
	if len(tied) == len(ss) {
		return span + ", with the same p99 latency, " + Seconds(mean(ss, best, sim.LatencyP99)) + "."
	}
	return fmt.Sprintf("%s; %s had the lowest p99 latency, %s, %s lower than %s (%s).",
		span, joinNames(tied), Seconds(mean(ss, best, sim.LatencyP99)),
		ratio(ss, best, worst, sim.LatencyP99), ss[worst].Config.Name, Seconds(mean(ss, worst, sim.LatencyP99)))
}

func mean(ss []experiment.StrategyResult, i int, m sim.Metric) float64 {
	return ss[i].Aggregate.Mean[m]
}

// rank returns the strategies with the smallest and largest mean of m, and
// the names of all that share the smallest.
func rank(ss []experiment.StrategyResult, m sim.Metric) (best, worst int, tied []string) {
	for i := range ss {
		if mean(ss, i, m) < mean(ss, best, m) {
			best = i
		}
		if mean(ss, i, m) > mean(ss, worst, m) {
			worst = i
		}
	}
	for i := range ss {
		if sameValue(mean(ss, i, m), mean(ss, best, m)) {
			tied = append(tied, ss[i].Config.Name)
		}
	}
	return best, worst, tied
}

func withinPercent(ss []experiment.StrategyResult, best, worst int, m sim.Metric) bool {
	return mean(ss, worst, m) <= 1.01*mean(ss, best, m)
}

// joinNames lists names as a sentence would, with the verb's number:
// "a had", "a and b had".
func joinNames(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func ratio(ss []experiment.StrategyResult, best, worst int, m sim.Metric) string {
	if mean(ss, best, m) == 0 {
		return "infinitely"
	}
	return strconv.FormatFloat(mean(ss, worst, m)/mean(ss, best, m), 'f', 2, 64) + "×"
}

func sameValue(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

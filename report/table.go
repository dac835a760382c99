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
	title string
	// value returns a row's mean and 95% confidence half-width.
	value  func(a *sim.Aggregate) (mean, ci float64)
	format format
	// show reports whether a result needs the column at all.
	show func(*experiment.Result) bool
	// latency marks a figure over succeeded requests, which a row
	// without any (a class that sent nothing, too) shows as "-", not as a
	// latency of 0.
	latency bool
}

// cell renders the column's value in the row of a (of a result with more
// than one replication when withCI).
func (c column) cell(a *sim.Aggregate, withCI bool) string {
	if c.latency && a.Mean[sim.Succeeded] == 0 {
		return "-"
	}
	mean, ci := c.value(a)
	return c.format.cell(mean, ci, withCI)
}

// latencyColumn is a column of the latency figure m.
func latencyColumn(title string, m sim.Metric) column {
	return column{title, metric(m), timeFormat, always, true}
}

// metric returns the value of column m.
func metric(m sim.Metric) func(a *sim.Aggregate) (float64, float64) {
	return func(a *sim.Aggregate) (float64, float64) { return a.Mean[m], a.CI95[m] }
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

// nonzero reports whether value is other than zero in some row: a column
// of zeros stays out of the table.
func nonzero(value func(a *sim.Aggregate) (float64, float64)) func(*experiment.Result) bool {
	return func(r *experiment.Result) bool {
		for i := range r.Strategies {
			if mean, ci := value(&r.Strategies[i].Aggregate); mean != 0 || ci != 0 {
				return true
			}
		}
		return false
	}
}

// requestsDiffer reports whether, in some row, requests are not all
// tasks that succeeded: some were rejected, given up, retried or sent
// their SYN again, or failed. Otherwise requests and succeeded equal the
// tasks and goodput the throughput, and their columns add nothing.
func requestsDiffer(r *experiment.Result) bool {
	for i := range r.Strategies {
		a := &r.Strategies[i].Aggregate
		if a.Mean[sim.Requests] != a.Mean[sim.Succeeded] {
			return true
		}
		for _, m := range []sim.Metric{sim.Failed, sim.Rejected, sim.Timeouts, sim.RetriesSent, sim.SYNRetries} {
			if a.Mean[m] != 0 {
				return true
			}
		}
	}
	return false
}

// fixed is a column of metric m, shown when show says so.
func fixed(title string, m sim.Metric, f format, show func(*experiment.Result) bool) column {
	return column{title, metric(m), f, show, false}
}

// counted is a column of metric m shown when it is not zero in every row.
func counted(title string, m sim.Metric, f format) column {
	return column{title, metric(m), f, nonzero(metric(m)), false}
}

var tableColumns = []column{
	fixed("MAKESPAN", sim.Makespan, timeFormat, always),
	fixed("THROUGHPUT", sim.Throughput, rateFormat, always),
	latencyColumn("LAT MEAN", sim.LatencyMean),
	latencyColumn("P50", sim.LatencyP50),
	latencyColumn("P99", sim.LatencyP99),
	latencyColumn("MAX", sim.LatencyMax),
	fixed("WAIT", sim.WaitMean, timeFormat, always),
	fixed("CPU", sim.CPUUtilization, percentFormat, always),
	fixed("IN FLIGHT", sim.InFlightMean, countFormat, always),
	fixed("LOOP BLOCKED", sim.LoopBlocked, timeFormat, has(strategies.KindEventLoop, false)),
	fixed("GIL WAIT", sim.GILWait, timeFormat, has(strategies.KindThreaded, true)),
	fixed("SWITCHES", sim.ContextSwitches, countFormat, always),
	fixed("REQUESTS", sim.Requests, countFormat, requestsDiffer),
	fixed("SUCCEEDED", sim.Succeeded, countFormat, requestsDiffer),
	counted("FAILED", sim.Failed, countFormat),
	counted("REJECTED", sim.Rejected, countFormat),
	counted("TIMEOUTS", sim.Timeouts, countFormat),
	counted("RETRIES", sim.RetriesSent, countFormat),
	counted("SYN RETRIES", sim.SYNRetries, countFormat),
	fixed("GOODPUT", sim.Goodput, rateFormat, requestsDiffer),
	counted("WASTED CPU", sim.WastedCPU, timeFormat),
	counted("LEFT IN FLIGHT", sim.InFlightEnd, countFormat),
}

// resourceTitles and resourceFormats give the table's columns of each
// resource, by sim.ResourceMetric: "db WAIT", "db UTIL", "db QUEUE".
var (
	resourceTitles  = [sim.NumResourceMetrics]string{"WAIT", "UTIL", "QUEUE"}
	resourceFormats = [sim.NumResourceMetrics]format{timeFormat, percentFormat, countFormat}
)

// columns returns the table's columns that res (checked) needs: the fixed
// ones, then those of each resource, in the order they are declared, each
// shown when it is not zero in every row.
func columns(res *experiment.Result) []column {
	var cols []column
	for _, c := range tableColumns {
		if c.show(res) {
			cols = append(cols, c)
		}
	}
	for i, r := range res.Spec.Resources {
		for m := range sim.NumResourceMetrics {
			value := func(a *sim.Aggregate) (float64, float64) {
				return a.Resources[i].Mean[m], a.Resources[i].CI95[m]
			}
			c := column{r.Name + " " + resourceTitles[m], value, resourceFormats[m], nonzero(value), false}
			if c.show(res) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// Table writes the results for people: a heading naming the workload, one
// aligned row per strategy, with its kind, the counted tasks (their mean
// over the replications, rounded) and each statistic with its unit (each
// mean followed by ± its 95% confidence half-width when there are
// replications), and a verdict. Columns that add nothing stay out: those
// of strategy kinds the workload does not run, the figures of requests
// that are zero in every row (and requests, succeeded and goodput while
// every request succeeded at its first attempt) and each resource's
// figures that are zero in every row. CSV and JSON always have them all.
func Table(w io.Writer, res *experiment.Result) error {
	if err := check(res); err != nil {
		return err
	}
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
	if spec.Horizon > 0 {
		fmt.Fprintf(w, " · horizon %v", spec.Horizon)
	}
	fmt.Fprint(w, "\n\n")

	cols := columns(res)
	header := []string{"STRATEGY", "KIND", "TASKS"}
	for _, c := range cols {
		header = append(header, c.title)
	}
	rows := [][]string{append(header, "BOTTLENECK")}
	for _, s := range res.Strategies {
		a := &s.Aggregate
		name := s.Config.Name
		if s.Stability.Overloaded {
			name += UnstableMark
		}
		row := []string{name, string(s.Config.Kind), strconv.FormatInt(a.Tasks, 10)}
		for _, c := range cols {
			row = append(row, c.cell(a, a.Replications > 1))
		}
		bottleneck := "-"
		if st := &s.Stability; st.Bottleneck != "" {
			bottleneck = st.Bottleneck + " " + percent(st.BottleneckUtilization)
		}
		rows = append(rows, append(row, bottleneck))
	}
	if err := WriteAligned(w, rows, 2); err != nil {
		return err
	}
	var under strings.Builder
	if notes := overloadNotes(res); len(notes) > 0 {
		under.WriteString("\n" + UnstableMark + " overloaded (not stable):\n")
		for _, n := range notes {
			under.WriteString("  " + n + "\n")
		}
	}
	_, err := fmt.Fprintf(w, "%s\n%s\n", under.String(), Verdict(res))
	return err
}

// classColumns are the columns of the table by task class.
var classColumns = []column{
	fixed("REQUESTS", sim.Requests, countFormat, always),
	fixed("SUCCEEDED", sim.Succeeded, countFormat, always),
	classCounted("FAILED", sim.Failed),
	classCounted("REJECTED", sim.Rejected),
	classCounted("TIMEOUTS", sim.Timeouts),
	latencyColumn("LAT MEAN", sim.LatencyMean),
	latencyColumn("P50", sim.LatencyP50),
	latencyColumn("P99", sim.LatencyP99),
}

// ClassTable writes, under the heading "By task class:", one aligned row
// per strategy and task class (classes in the workload's order): the
// strategy, its kind, the class and the class's figures (sim.ClassMetrics)
// with their units, ± the 95% confidence half-width when there are
// replications. The columns of failed, rejected and timed-out requests
// stay out where they are zero in every row.
func ClassTable(w io.Writer, res *experiment.Result) error {
	if err := check(res); err != nil {
		return err
	}
	var cols []column
	for _, c := range classColumns {
		if c.show(res) {
			cols = append(cols, c)
		}
	}
	header := []string{"STRATEGY", "KIND", "CLASS"}
	for _, c := range cols {
		header = append(header, c.title)
	}
	rows := [][]string{header}
	for _, s := range res.Strategies {
		for ci := range s.Aggregate.Classes {
			e := &s.Aggregate.Classes[ci]
			a := &sim.Aggregate{Mean: e.Mean, CI95: e.CI95}
			row := []string{s.Config.Name, string(s.Config.Kind), res.Spec.Classes[ci].Name}
			for _, c := range cols {
				row = append(row, c.cell(a, s.Aggregate.Replications > 1))
			}
			rows = append(rows, row)
		}
	}
	if _, err := io.WriteString(w, "By task class:\n\n"); err != nil {
		return err
	}
	return WriteAligned(w, rows, 3)
}

// classCounted is a column of the table by class for the count m, shown
// when it is not zero for every class under every strategy.
func classCounted(title string, m sim.Metric) column {
	show := func(res *experiment.Result) bool {
		for _, s := range res.Strategies {
			for _, e := range s.Aggregate.Classes {
				if e.Mean[m] != 0 || e.CI95[m] != 0 {
					return true
				}
			}
		}
		return false
	}
	return column{title, metric(m), countFormat, show, false}
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
// Where requests failed (rejected, or given up by their clients), finishing
// first may only mean failing fast: the verdict then compares goodput, and
// says what share of the requests failed.
//
// It names a winner only when the difference is real: with replications,
// when each of the two means lies outside the other's 95% confidence
// interval (otherwise they are "tied within the 95% confidence
// intervals"); with one replication of a workload that draws at random
// (workloads.Spec.Stochastic), never, since one replication cannot tell:
// it then says so, and how to ask for replications.
func Verdict(res *experiment.Result) string {
	ss := res.Strategies
	switch {
	case len(ss) == 0:
		return "No strategy ran."
	case failures(ss):
		return goodputVerdict(ss, undecidable(res))
	case len(ss) == 1 && reachedHorizon(&ss[0]):
		return fmt.Sprintf("%s ran until the horizon, %s after the first counted arrival, and left %s in flight.", ss[0].Config.Name,
			estimate(ss, 0, sim.Makespan, timeFormat), estimate(ss, 0, sim.InFlightEnd, countFormat))
	case len(ss) == 1:
		return fmt.Sprintf("%s finished in %s.", ss[0].Config.Name, estimate(ss, 0, sim.Makespan, timeFormat))
	}
	best, worst, tied := rank(ss, sim.Makespan)
	apart := len(tied) < len(ss) && !withinPercent(ss, best, worst, sim.Makespan)
	if apart && !res.Spec.Open() {
		if undecidable(res) {
			return cannotTell(ss, sim.Makespan, "makespan", "", best, worst)
		}
		verb := " finished first"
		if len(tied) > 1 {
			verb = " tied for first"
		}
		return fmt.Sprintf("%s%s: makespan %s, %s shorter than %s (%s).",
			joinNames(tied), verb, estimate(ss, best, sim.Makespan, timeFormat), ratio(ss, best, worst, sim.Makespan),
			ss[worst].Config.Name, estimate(ss, worst, sim.Makespan, timeFormat))
	}
	span := "All strategies finished in " + Seconds(mean(ss, best, sim.Makespan))
	switch {
	case apart:
		// Open arrivals set the makespans: a longer one is a queue
		// drained after the last arrival, which latency measures.
		span = fmt.Sprintf("The arrivals are open: the makespans, %s to %s, measure how long the slower strategies took to drain their queues after the last arrival",
			estimate(ss, best, sim.Makespan, timeFormat), estimate(ss, worst, sim.Makespan, timeFormat))
	case allReachedHorizon(ss):
		span = "All strategies ran until the horizon, " + Seconds(mean(ss, best, sim.Makespan)) + " after the first counted arrival"
	case !withinPercent(ss, best, worst, sim.Makespan):
		span = fmt.Sprintf("The makespans, %s to %s, are tied within the 95%% confidence intervals",
			estimate(ss, best, sim.Makespan, timeFormat), estimate(ss, worst, sim.Makespan, timeFormat))
	case !sameValue(mean(ss, best, sim.Makespan), mean(ss, worst, sim.Makespan)):
		span = "All strategies finished within 1% of " + Seconds(mean(ss, best, sim.Makespan))
	}
	best, worst, tied = rank(ss, sim.LatencyP99)
	switch {
	case sameValue(mean(ss, best, sim.LatencyP99), mean(ss, worst, sim.LatencyP99)):
		return span + ", with the same p99 latency, " + Seconds(mean(ss, best, sim.LatencyP99)) + "."
	case undecidable(res):
		return cannotTell(ss, sim.LatencyP99, "p99 latency", span+"; ", best, worst)
	case len(tied) == len(ss):
		return fmt.Sprintf("%s; their p99 latencies, %s to %s, are tied within the 95%% confidence intervals.", span,
			estimate(ss, best, sim.LatencyP99, timeFormat), estimate(ss, worst, sim.LatencyP99, timeFormat))
	}
	return fmt.Sprintf("%s; %s had the lowest p99 latency, %s, %s lower than %s (%s).",
		span, joinNames(tied), estimate(ss, best, sim.LatencyP99, timeFormat),
		ratio(ss, best, worst, sim.LatencyP99), ss[worst].Config.Name, estimate(ss, worst, sim.LatencyP99, timeFormat))
}

// allReachedHorizon reports whether every strategy's runs ended at the
// horizon with work left: their makespans are all the horizon's window.
func allReachedHorizon(ss []experiment.StrategyResult) bool {
	for i := range ss {
		if !reachedHorizon(&ss[i]) {
			return false
		}
	}
	return true
}

// undecidable reports whether res cannot tell its strategies apart: one
// replication of a workload that draws at random.
func undecidable(res *experiment.Result) bool {
	return res.Spec.Replications == 1 && res.Spec.Stochastic()
}

// cannotTell words a comparison of metric m (named what) that one
// replication cannot decide, after prefix.
func cannotTell(ss []experiment.StrategyResult, m sim.Metric, what, prefix string, best, worst int) string {
	f := timeFormat
	if m == sim.Goodput {
		f = rateFormat
	}
	low, high := "lowest", "highest"
	if m == sim.Goodput {
		low, high = high, low
	}
	return fmt.Sprintf("%s%s had the %s %s, %s, and %s the %s, %s, but one replication of a random workload cannot tell "+
		"whether the difference is real: run replications (--replications N, or replications: N in the workload) "+
		"to compare them within 95%% confidence intervals.",
		prefix, ss[best].Config.Name, low, what, format(f).cell(mean(ss, best, m), 0, false),
		ss[worst].Config.Name, high, format(f).cell(mean(ss, worst, m), 0, false))
}

// estimate formats strategy i's mean of m in format f, followed by ± its
// 95% confidence half-width when it has replications.
func estimate(ss []experiment.StrategyResult, i int, m sim.Metric, f format) string {
	a := &ss[i].Aggregate
	return format(f).cell(a.Mean[m], a.CI95[m], a.Replications > 1)
}

// failures reports whether some requests failed under some strategy.
func failures(ss []experiment.StrategyResult) bool {
	for i := range ss {
		if mean(ss, i, sim.Failed) > 0 {
			return true
		}
	}
	return false
}

// failedShare words the share of strategy i's requests that failed:
// "12.5% of requests failed", "no request failed".
func failedShare(ss []experiment.StrategyResult, i int) string {
	if mean(ss, i, sim.Failed) == 0 {
		return "no request failed"
	}
	share := mean(ss, i, sim.Failed) / mean(ss, i, sim.Requests)
	return format(percentFormat).cell(share, 0, false) + " of requests failed"
}

// goodputVerdict compares the strategies' goodput, the way Verdict
// compares makespans, when some requests failed.
func goodputVerdict(ss []experiment.StrategyResult, undecided bool) string {
	rate := func(i int) string { return format(rateFormat).cell(mean(ss, i, sim.Goodput), 0, false) }
	if len(ss) == 1 {
		return fmt.Sprintf("%s finished in %s with a goodput of %s: %s.", ss[0].Config.Name,
			Seconds(mean(ss, 0, sim.Makespan)), rate(0), failedShare(ss, 0))
	}
	worst, best := 0, 0
	for i := range ss {
		if mean(ss, i, sim.Goodput) > mean(ss, best, sim.Goodput) {
			best = i
		}
		if mean(ss, i, sim.Goodput) < mean(ss, worst, sim.Goodput) {
			worst = i
		}
	}
	var tied []string
	for i := range ss {
		if !separated(ss, i, best, sim.Goodput) {
			tied = append(tied, ss[i].Config.Name)
		}
	}
	switch {
	case undecided && !sameValue(mean(ss, best, sim.Goodput), mean(ss, worst, sim.Goodput)):
		return cannotTell(ss, sim.Goodput, "goodput", "", best, worst)
	case len(tied) == len(ss) && !sameValue(mean(ss, best, sim.Goodput), mean(ss, worst, sim.Goodput)):
		return fmt.Sprintf("The goodputs, %s to %s, are tied within the 95%% confidence intervals.",
			estimate(ss, worst, sim.Goodput, rateFormat), estimate(ss, best, sim.Goodput, rateFormat))
	case len(tied) == len(ss):
		var shares []string
		same := true
		for i := range ss {
			shares = append(shares, ss[i].Config.Name+" "+format(percentFormat).cell(mean(ss, i, sim.Failed)/mean(ss, i, sim.Requests), 0, false))
			same = same && sameValue(mean(ss, i, sim.Failed)/mean(ss, i, sim.Requests), mean(ss, 0, sim.Failed)/mean(ss, 0, sim.Requests))
		}
		if same {
			return fmt.Sprintf("All strategies had the same goodput, %s, and under each %s.", rate(best), failedShare(ss, best))
		}
		return fmt.Sprintf("All strategies had the same goodput, %s; requests failed: %s.", rate(best), joinNames(shares))
	}
	verb := " had the highest goodput"
	if len(tied) > 1 {
		verb = " tied for the highest goodput"
	}
	if mean(ss, worst, sim.Goodput) == 0 {
		return fmt.Sprintf("%s%s, %s (%s); %s had none (%s).", joinNames(tied), verb, rate(best), failedShare(ss, best),
			ss[worst].Config.Name, failedShare(ss, worst))
	}
	return fmt.Sprintf("%s%s, %s (%s), %s× that of %s (%s, %s).", joinNames(tied), verb, rate(best), failedShare(ss, best),
		strconv.FormatFloat(mean(ss, best, sim.Goodput)/mean(ss, worst, sim.Goodput), 'f', 2, 64),
		ss[worst].Config.Name, rate(worst), failedShare(ss, worst))
}

func mean(ss []experiment.StrategyResult, i int, m sim.Metric) float64 {
	return ss[i].Aggregate.Mean[m]
}

// rank returns the strategies with the smallest mean of m (best) and the
// largest, of those separated from it if any are (worst), and the names
// of all that the smallest is not separated from (itself included).
func rank(ss []experiment.StrategyResult, m sim.Metric) (best, worst int, tied []string) {
	for i := range ss {
		if mean(ss, i, m) < mean(ss, best, m) {
			best = i
		}
	}
	worst = -1
	for i := range ss {
		switch {
		case !separated(ss, i, best, m):
			tied = append(tied, ss[i].Config.Name)
		case worst < 0 || mean(ss, i, m) > mean(ss, worst, m):
			worst = i
		}
	}
	if worst < 0 { // all tied: the largest of them
		worst = best
		for i := range ss {
			if mean(ss, i, m) > mean(ss, worst, m) {
				worst = i
			}
		}
	}
	return best, worst, tied
}

// separated reports whether strategies i and j differ in m beyond the
// statistical error: each mean lies outside the other's 95% confidence
// interval (the difference exceeds both half-widths). Without
// replications the half-widths are zero, and any difference separates.
func separated(ss []experiment.StrategyResult, i, j int, m sim.Metric) bool {
	a, b := &ss[i].Aggregate, &ss[j].Aggregate
	d := math.Abs(a.Mean[m] - b.Mean[m])
	return !sameValue(a.Mean[m], b.Mean[m]) && d > a.CI95[m] && d > b.CI95[m]
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

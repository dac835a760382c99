package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"asyncsim/capacity"
	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/report"
	"asyncsim/workloads"
)

const capacityUsage = `
Usage: asyncsim capacity FILE|EXAMPLE [--slo OBJECTIVE]... [flags]

Finds, for each strategy, the largest total arrival rate at which its runs
are stable (the tasks in flight do not grow over the second half of the
arrivals) and meet every --slo objective, on the mean over each probe's
replications. Every open class's rate is scaled together (interarrival
gaps divided, arrival.rate segments multiplied); closed-loop clients and
batches are left as written. The search doubles or halves the workload's
rate until it brackets the answer, then bisects to 1%; the 95% confidence
interval adds half the bracket and the replications' spread of the binding
criterion at the boundary, carried over to the rate by its slope.

An objective is a statistic by its output name or an alias (p50, p90,
p95, p99, mean, max, wait, throughput, memory), a comparison (<, <=, >,
>=) and a threshold in the statistic's unit: p99<200ms,
latency_p99_s<0.2, wait_mean_s<40ms, rejected<1% (a share of the
requests), throughput_per_s>=100.

With --out DIR it writes capacity.json and the capacity curve,
capacity.png: p50 and p99 latency against the offered rate per strategy,
the capacity marked.
`

func capacityCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("capacity", capacityUsage, stdout)
	sf := addSearchFlags(fs, "also write capacity.json and the capacity curve into `DIR`",
		"an `OBJECTIVE` every run must meet, such as p99<200ms (repeatable)",
		"run `N` replications a probe instead of the workload's number")
	pos, opts, err := sf.parse(fs, args)
	if err != nil {
		return err
	}
	spec, err := loadWorkload(pos)
	if err != nil {
		return err
	}
	if err := sf.checkBudget(spec, opts); err != nil {
		return err
	}
	in := watchSignals("capacity", stderr)
	defer in.release()
	rep, err := capacity.Capacity(spec, opts)
	if err != nil {
		return searchError(err)
	}
	if flagGiven(fs, "out") {
		err := in.write(func() error {
			return writeSearch(sf.out, "capacity.json", capacityJSON(rep), capacityFigure(rep), sf.fig)
		})
		if err != nil {
			return err
		}
	}
	if sf.format == "json" {
		return writeJSONTo(stdout, capacityJSON(rep))
	}
	return capacityTable(stdout, rep)
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// searchFlags are the flags capacity and plan share.
type searchFlags struct {
	format, out string
	slos, only  stringList
	reps, jobs  *int
	maxEvents   *int64
	maxWork     *float64
	fig         *figureFlags
}

// addSearchFlags adds the flags capacity and plan share to fs, with the
// usage of those whose meaning differs.
func addSearchFlags(fs *flagSet, outUsage, sloUsage, repsUsage string) *searchFlags {
	sf := &searchFlags{}
	fs.StringVar(&sf.format, "format", "table", "output `FORMAT`: table or json")
	fs.StringVar(&sf.out, "out", "", outUsage)
	fs.Var(&sf.slos, "slo", sloUsage)
	fs.Var(&sf.only, "strategy", "search only the strategy of this `NAME` (repeatable)")
	sf.reps = fs.Int("replications", 0, repsUsage)
	sf.jobs = addJobsFlag(fs, "run `N` simulations at once (default: one per CPU); results never depend on it")
	sf.maxEvents = fs.Int64("max-events", 0, "stop a run that needs more than `N` events (0: no limit)")
	sf.maxWork = addMaxWorkFlag(fs)
	sf.fig = addFigureFlags(fs)
	return sf
}

// parse parses the command line args of fs, checks the shared flags,
// and returns the positional arguments and the search's options.
func (sf *searchFlags) parse(fs *flagSet, args []string) ([]string, capacity.Options, error) {
	pos, err := fs.parse(args)
	if err != nil {
		return nil, capacity.Options{}, err
	}
	cmd := fs.Name()
	opts := capacity.Options{Strategies: sf.only, Jobs: *sf.jobs, MaxEvents: *sf.maxEvents, Replications: *sf.reps}
	if len(pos) != 1 {
		return pos, opts, usagef("%s: want one workload FILE or EXAMPLE, got %d", cmd, len(pos))
	}
	if sf.format != "table" && sf.format != "json" {
		return pos, opts, usagef("%s: unknown --format %q%s (want table or json)", cmd, sf.format, suggestion(sf.format, []string{"table", "json"}))
	}
	for _, s := range sf.slos {
		o, err := capacity.ParseObjective(s)
		if err != nil {
			return pos, opts, usagef("%s: --slo: %v", cmd, err)
		}
		opts.Objectives = append(opts.Objectives, o)
	}
	if *sf.reps < 0 {
		return pos, opts, usagef("%s: --replications must be at least 1, not %d", cmd, *sf.reps)
	}
	if *sf.maxEvents < 0 {
		return pos, opts, usagef("%s: --max-events must not be negative", cmd)
	}
	if flagGiven(fs, "out") {
		if err := checkOutDir(cmd, sf.out); err != nil {
			return pos, opts, err
		}
		if err := sf.fig.check(cmd); err != nil {
			return pos, opts, err
		}
	}
	return pos, opts, nil
}

// checkBudget refuses a workload whose runs as written, under the
// strategies of opts, would pass the work budget: each probe of a search
// makes about as many (the same counts, at another rate).
func (sf *searchFlags) checkBudget(spec *workloads.Spec, opts capacity.Options) error {
	cfgs, err := experiment.Select(spec, opts.Strategies)
	if err != nil {
		return usageError{err}
	}
	return workloads.CheckBudget(spec, cfgs, workloads.Limits{MaxEvents: opts.MaxEvents}, *sf.maxWork)
}

// searchError words the errors of a search that are bad input.
func searchError(err error) error {
	var nr *capacity.NoOpenRateError
	var pe *capacity.ParamError
	switch {
	case errors.As(err, &nr), errors.As(err, &pe):
		return usageError{err}
	case isInputError(err):
		return err
	case strings.HasPrefix(err.Error(), "objective "), strings.HasPrefix(err.Error(), "workload "):
		return usageError{err} // an unknown statistic, an unknown strategy
	}
	return err
}

// writeSearch writes a search's JSON as name (none when empty) and its
// figure into dir.
func writeSearch(dir, name string, data any, f plots.Figure, fig *figureFlags) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if name != "" {
		if err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error { return writeJSONTo(w, data) }); err != nil {
			return err
		}
	}
	img, err := f.Render(fig.style.Format, fig.style.Width, fig.style.Height)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, f.FileName(fig.style.Format)), func(w io.Writer) error {
		_, err := w.Write(img)
		return err
	})
}

func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // objectives are written with < and >
	return enc.Encode(v)
}

type capacityOut struct {
	Workload   string           `json:"workload"`
	Rate       float64          `json:"rate_per_s"`
	Scaled     []string         `json:"scaled_classes"`
	Fixed      []string         `json:"fixed_classes"`
	Objectives []string         `json:"objectives"`
	Runs       int              `json:"simulations"`
	Capacities []capacityResult `json:"capacities"`
}

type capacityResult struct {
	Strategy string          `json:"strategy"`
	Rate     float64         `json:"rate_per_s"`
	CI95     float64         `json:"ci95"`
	Low      float64         `json:"low_per_s"`
	High     *float64        `json:"high_per_s"`
	Found    bool            `json:"found"`
	Binding  string          `json:"binding"`
	Why      string          `json:"why"`
	P50      float64         `json:"latency_p50_s"`
	P99      float64         `json:"latency_p99_s"`
	Probes   []capacityProbe `json:"probes"`
}

type capacityProbe struct {
	Rate         float64            `json:"rate_per_s"`
	Replications int                `json:"replications"`
	Stable       bool               `json:"stable"`
	Met          bool               `json:"met"`
	P50          float64            `json:"latency_p50_s"`
	P99          float64            `json:"latency_p99_s"`
	Checks       map[string]float64 `json:"checks"`
}

func capacityJSON(rep *capacity.Report) capacityOut {
	out := capacityOut{Workload: rep.Workload, Rate: rep.Rate, Scaled: nonNil(rep.Scaled), Fixed: nonNil(rep.Fixed),
		Objectives: objectiveTexts(rep.Objectives), Runs: rep.Runs}
	for _, r := range rep.Results {
		cr := capacityResult{Strategy: r.Strategy, Rate: r.Rate, CI95: r.CI95, Low: r.Low, Found: r.Found, Binding: r.Binding}
		if r.Found {
			h := r.High
			cr.High = &h
			cr.Why = bindingReason(&r, rep.Objectives)
		}
		for _, p := range r.Probes {
			cp := capacityProbe{Rate: p.Rate, Replications: p.Replications, Stable: p.Stable(), Met: p.Met,
				P50: p.P50.Mean, P99: p.P99.Mean, Checks: map[string]float64{}}
			for _, c := range p.Checks {
				name := c.Name
				if name == "stable" {
					name = "in_flight_growth"
				}
				cp.Checks[name] = c.Mean
			}
			if p.Rate == r.Low {
				cr.P50, cr.P99 = p.P50.Mean, p.P99.Mean
			}
			cr.Probes = append(cr.Probes, cp)
		}
		out.Capacities = append(out.Capacities, cr)
	}
	return out
}

// bindingReason words why the rate above r's capacity failed: the
// overload, or the objective's value there.
func bindingReason(r *capacity.Result, objs []capacity.Objective) string {
	for _, p := range r.Probes {
		if p.Rate != r.High {
			continue
		}
		for _, c := range p.Checks {
			switch {
			case c.Met:
			case c.Stability != nil:
				return "overloaded at " + rateText(p.Rate) + ": " + report.OverloadReason(c.Stability)
			default:
				for _, o := range objs {
					if o.Text == c.Name {
						return fmt.Sprintf("%s not met at %s: %s", c.Name, rateText(p.Rate), objectiveCell(o, c.Estimate))
					}
				}
			}
		}
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func objectiveTexts(objs []capacity.Objective) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.Text)
	}
	return out
}

// rateText formats a rate for people: "241.3/s".
func rateText(x float64) string { return report.Number(roundTo(x, 4)) + "/s" }

// roundTo rounds x to d significant digits.
func roundTo(x float64, d int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', d, 64), 64)
	return v
}

func capacityTable(w io.Writer, rep *capacity.Report) error {
	criteria := "stable"
	if len(rep.Objectives) > 0 {
		criteria += " and " + strings.Join(objectiveTexts(rep.Objectives), ", ")
	}
	fmt.Fprintf(w, "%s: the largest total arrival rate each strategy sustains (%s)\n", rep.Workload, criteria)
	fmt.Fprintf(w, "open classes scaled together: %s (%s as written)", strings.Join(rep.Scaled, ", "), rateText(rep.Rate))
	if len(rep.Fixed) > 0 {
		fmt.Fprintf(w, "; left as written: %s", strings.Join(rep.Fixed, ", "))
	}
	fmt.Fprintf(w, " · %d simulations\n\n", rep.Runs)
	rows := [][]string{{"STRATEGY", "CAPACITY", "95% CI", "BINDING", "P50 AT CAPACITY", "P99 AT CAPACITY", "PROBES"}}
	var notes []string
	for _, r := range rep.Results {
		row := []string{r.Strategy, rateText(r.Rate), "±" + rateText(r.CI95), r.Binding, "-", "-", fmt.Sprint(len(r.Probes))}
		for _, p := range r.Probes {
			if p.Rate == r.Low && r.Low > 0 {
				row[4], row[5] = report.Seconds(p.P50.Mean), report.Seconds(p.P99.Mean)
			}
		}
		if r.Found {
			notes = append(notes, r.Strategy+": "+bindingReason(&r, rep.Objectives))
		} else {
			row[2], row[3] = "-", "-"
			if r.Low == 0 {
				row[1] = "none"
				notes = append(notes, fmt.Sprintf("%s: not met at any rate tried, down to %s", r.Strategy, rateText(r.Probes[0].Rate)))
			} else {
				row[1] = "> " + rateText(r.Low)
				notes = append(notes, fmt.Sprintf("%s: met at every rate tried, up to %s", r.Strategy, rateText(r.Low)))
			}
		}
		rows = append(rows, row)
	}
	if err := report.WriteAligned(w, rows, 1); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// capacityFigure is the capacity curve of rep.
func capacityFigure(rep *capacity.Report) plots.Figure {
	d := plots.CapacityPlot{Workload: rep.Workload}
	for _, r := range rep.Results {
		c := plots.CapacityCurve{Strategy: r.Strategy, Capacity: r.Rate, Found: r.Found}
		for _, p := range r.Probes {
			c.Rate = append(c.Rate, p.Rate)
			c.P50 = append(c.P50, p.P50)
			c.P99 = append(c.P99, p.P99)
			c.Stable = append(c.Stable, p.Stable())
		}
		d.Curves = append(d.Curves, c)
	}
	return plots.CapacityFigure(&d)
}

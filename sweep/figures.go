package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"asyncsim/figures"
	"asyncsim/plots"
)

// ErrNoSweep is returned, wrapped, by Figures and PlotDir for a folder
// without a sweep.json; errors.Is(err, fs.ErrNotExist) holds for it too.
var ErrNoSweep = fmt.Errorf("no %s: %w", JSONName, fs.ErrNotExist)

// Figures reads the sweep.json in fsys (an output folder) and returns its
// figures, one sweep-<metric> per plotted metric. For a folder with no
// sweep.json it returns an error wrapping ErrNoSweep.
func Figures(fsys fs.FS) ([]plots.Figure, error) {
	// A syntax error with its position, before readTable's checks.
	if data, err := fs.ReadFile(fsys, JSONName); err == nil {
		if err := plots.CheckJSON(JSONName, data); err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
	}
	t, err := readTable(fsys)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("sweep: %w", ErrNoSweep)
		}
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return t.figures(), nil
}

// PlotDir redraws the figures of the sweep whose sweep.json is in dir, at
// the default size, as sweep-<metric>.<format> (format "png", "svg" or
// "pdf"), removes the sweep figures it did not draw, and returns the
// files written.
func PlotDir(dir, format string) ([]string, error) {
	f, err := plots.ParseFormat(format)
	if err != nil {
		return nil, err
	}
	t, err := readTable(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return t.writeFigures(dir, f, 0, false)
}

// figureFormat returns the format of the figures a finished sweep draws:
// "" for none.
func (o *Options) figureFormat() plots.Format {
	switch {
	case o.NoFigures:
		return ""
	case o.FigureFormat == "":
		return plots.PNG
	}
	return o.FigureFormat
}

// writeFigures draws t's figures into dir at the default size in format,
// jobs at a time (0: one per CPU), each file whole or not at all, removes
// the sweep figures in that format (in any format, if allFormats: for
// new results) that it did not draw, and returns the files written.
func (t *table) writeFigures(dir string, format plots.Format, jobs int, allFormats bool) ([]string, error) {
	style := figures.DefaultStyle
	style.Format = format
	files, err := figures.Write(dir, t.figures(), figures.Options{Style: style, Jobs: jobs, Set: figures.SweepSet, AllFormats: allFormats})
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return files, nil
}

// maxPanels is the most small multiples a sweep figure draws.
const maxPanels = 36

// figures returns one figure per plotted metric.
func (t *table) figures() []plots.Figure {
	var figs []plots.Figure
	for _, metric := range t.hdr.Plot.Y {
		if d := t.plotData(metric); d != nil {
			figs = append(figs, plots.SweepFigure(d))
		}
	}
	return figs
}

// distinct collects values in order of first appearance.
type distinct struct {
	values []string
	index  map[string]int
}

func (d *distinct) add(v string) int {
	if i, ok := d.index[v]; ok {
		return i
	}
	if d.index == nil {
		d.index = map[string]int{}
	}
	d.index[v] = len(d.values)
	d.values = append(d.values, v)
	return len(d.values) - 1
}

// stableColumn is the column that says whether a row's run was stable:
// "false" draws its point hollow.
const stableColumn = "stable"

// xParam returns the index of the parameter on the figures' x axis, and
// whether they draw the arrival rate it sets (rate), from an
// interarrival or a rate per second.
func (t *table) xParam() (xi int, rate, interarrival bool) {
	if t.hdr.Plot.X == RateX {
		if i, ia := ArrivalPath(t.paths); i >= 0 {
			return i, true, ia
		}
	}
	return max(0, slices.Index(t.paths, t.hdr.Plot.X)), false, false
}

// plotData gathers the data of metric's figure: metric against the plot's
// x parameter, a line per strategy and per value of the next parameter,
// and a panel per combination of the others. A parameter with one value
// is fixed, and one whose value each x value determines (the other paths
// of a zipped sweep) goes along with x: neither is a dimension of the
// figure.
func (t *table) plotData(metric string) *plots.SweepPlot {
	mi := slices.Index(t.cols, metric)
	if mi < 0 {
		return nil
	}
	ci := slices.Index(t.cols, metric+"_ci95")
	si := slices.Index(t.cols, stableColumn)
	nv := len(t.paths)
	xi, rate, interarrival := t.xParam()
	short := shortNames(t.paths)
	var strategies, xs distinct
	vals := make([]distinct, nv)
	for _, g := range t.groups {
		for _, r := range g.rows {
			strategies.add(r[nv])
			xs.add(r[xi])
			for o := range nv {
				vals[o].add(r[o])
			}
		}
	}

	// The x values, numbers unless one is not.
	xOf := make([]float64, len(xs.values))
	numeric, seconds := true, false
	for i, v := range xs.values {
		x, ok := AxisValue(v)
		if rate {
			x, ok = RateValue(v, interarrival)
		} else if _, err := strconv.ParseFloat(v, 64); err != nil {
			seconds = true
		}
		if !ok {
			numeric = false
			break
		}
		xOf[i] = x
	}

	var fixed, tied, others []int
	for o := range nv {
		switch {
		case o == xi:
		case len(vals[o].values) == 1:
			fixed = append(fixed, o)
		case t.determines(xi, o):
			tied = append(tied, o)
		default:
			others = append(others, o)
		}
	}
	valueName := func(o int, v string) string { return humanize(short[o]) + ": " + valueLabel(v) }

	d := &plots.SweepPlot{
		Name:       plots.SweepPrefix + metric,
		XLabel:     t.hdr.Plot.XLabel,
		YLabel:     t.hdr.Plot.YLabel[metric],
		YUnit:      metricUnit(metric),
		LogX:       t.hdr.Plot.LogX,
		LogY:       t.hdr.Plot.LogY,
		Strategies: strategies.values,
	}
	if d.XLabel == "" {
		d.XLabel = pathLabel(t.paths[xi])
		if rate {
			d.XLabel = rateLabel(t.paths[xi])
		}
	}
	if d.YLabel == "" {
		d.YLabel = metricLabel(metric)
	}
	for i := range strategies.values {
		d.Colors = append(d.Colors, i)
	}
	switch {
	case !numeric:
		d.XCategories = make([]string, len(xs.values))
		for i, v := range xs.values {
			d.XCategories[i] = valueLabel(v)
		}
		d.LogX = false
	case seconds && !rate:
		d.XUnit = plots.SweepSeconds
	}

	// The line-style parameter, then the panels' ones.
	styleParam := -1
	if len(others) > 0 {
		o := others[0]
		k := len(vals[o].values)
		if len(strategies.values) == 1 && k <= 10 || k <= 6 {
			styleParam = o
			d.StyleByColor = len(strategies.values) == 1
			for _, v := range vals[o].values {
				d.Styles = append(d.Styles, valueName(o, v))
			}
			others = others[1:]
		}
	}
	var panelKeys distinct
	type lineKey struct{ panel, strategy, style int }
	lines := map[lineKey]*plots.SweepLine{}
	var order []lineKey
	for _, g := range t.groups {
		for _, r := range g.rows {
			parts := make([]string, len(others))
			for i, o := range others {
				parts[i] = valueName(o, r[o])
			}
			pk := panelKeys.add(strings.Join(parts, ", "))
			if pk >= maxPanels {
				continue
			}
			key := lineKey{panel: pk, strategy: strategies.index[r[nv]]}
			if styleParam >= 0 {
				key.style = vals[styleParam].index[r[styleParam]]
			}
			l := lines[key]
			if l == nil {
				l = &plots.SweepLine{Strategy: key.strategy, Style: key.style}
				lines[key] = l
				order = append(order, key)
			}
			x := float64(xs.index[r[xi]])
			if numeric {
				x = xOf[xs.index[r[xi]]]
			}
			l.X = append(l.X, x)
			l.Y = append(l.Y, number(r[mi]))
			e := 0.0
			if ci >= 0 {
				e = number(r[ci])
			}
			l.CI = append(l.CI, e)
			if si >= 0 && r[si] == "false" {
				l.Unstable = append(l.Unstable, make([]bool, len(l.X)-len(l.Unstable)-1)...)
				l.Unstable = append(l.Unstable, true)
			}
		}
	}
	npanels := min(len(panelKeys.values), maxPanels)
	d.Panels = make([]plots.SweepPanel, npanels)
	for i := range npanels {
		d.Panels[i].Title = panelKeys.values[i]
	}
	slices.SortStableFunc(order, func(a, b lineKey) int {
		if a.panel != b.panel {
			return a.panel - b.panel
		}
		if a.style != b.style {
			return a.style - b.style
		}
		return a.strategy - b.strategy
	})
	for _, k := range order {
		d.Panels[k.panel].Lines = append(d.Panels[k.panel].Lines, *lines[k])
	}

	d.Title = t.hdr.Plot.Title[metric]
	if d.Title == "" {
		// The axes' names without their units: "p99 latency vs api
		// arrival rate".
		name := func(label string) string {
			before, _, _ := strings.Cut(label, " (")
			return before
		}
		d.Title = fmt.Sprintf("%s: %s vs %s", t.hdr.Workload, name(d.YLabel), name(d.XLabel))
	}
	reps := "1 replication"
	if t.hdr.Replications > 1 {
		reps = fmt.Sprintf("mean of %d replications, error bars: 95%% confidence interval", t.hdr.Replications)
	}
	d.Subtitle = fmt.Sprintf("%d points · %s", t.hdr.Points, reps)
	labels := func(ps []int) string {
		names := make([]string, len(ps))
		for i, o := range ps {
			names[i] = pathLabel(t.paths[o])
		}
		return strings.Join(names, ", ")
	}
	if len(tied) > 0 {
		d.Subtitle += " · paired with each x: " + labels(tied)
	}
	if styleParam >= 0 {
		d.Subtitle += " · lines by " + labels([]int{styleParam})
	}
	if len(fixed) > 0 {
		parts := make([]string, len(fixed))
		for i, o := range fixed {
			parts[i] = valueName(o, vals[o].values[0])
		}
		d.Subtitle += " · " + strings.Join(parts, ", ")
	}
	if len(others) > 0 {
		d.Subtitle += " · panels by " + labels(others)
	}
	if len(panelKeys.values) > maxPanels {
		d.Note = fmt.Sprintf("the first %d of %d panels", maxPanels, len(panelKeys.values))
	}
	return d
}

// determines reports whether each value of parameter xi comes with one
// value of parameter o in every row, as in a zipped sweep.
func (t *table) determines(xi, o int) bool {
	with := map[string]string{}
	for _, g := range t.groups {
		for _, r := range g.rows {
			if v, seen := with[r[xi]]; seen && v != r[o] {
				return false
			}
			with[r[xi]] = r[o]
		}
	}
	return true
}

// shortNames returns each path's shortest tail of segments that no other
// path ends with: "blocking_io" for "tasks.request.steps.1.blocking_io".
func shortNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		segs := strings.Split(p, ".")
		out[i] = p
		for k := 1; k <= len(segs); k++ {
			tail := strings.Join(segs[len(segs)-k:], ".")
			unique := true
			for j, q := range paths {
				if j != i && (q == tail || strings.HasSuffix(q, "."+tail)) {
					unique = false
					break
				}
			}
			if unique {
				out[i] = tail
				break
			}
		}
	}
	return out
}

// metricUnit says how a metric's values read: utilizations
// (cpu_utilization, resource.R.utilization) are fractions, rates
// (throughput_per_s, goodput_per_s) plain, and the other figures ending
// in _s times.
func metricUnit(metric string) plots.SweepUnit {
	switch {
	case metric == "cpu_utilization" || strings.HasSuffix(metric, ".utilization"):
		return plots.SweepFraction
	case strings.HasSuffix(metric, "_per_s"):
		return plots.SweepPlain
	case strings.HasSuffix(metric, "_s"):
		return plots.SweepSeconds
	}
	return plots.SweepPlain
}

// number parses a statistic's text; NaN for anything else.
func number(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

package sweep

import (
	"fmt"
	"slices"
	"strings"

	"asyncsim/experiment"
	"asyncsim/report"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// classPrefix begins the names of the journal's columns of a task class's
// figures, "class.NAME.latency_p99_s", which follow a run's summary
// columns. sweep.csv leaves them out, as a run's summary.csv does;
// sweep.json gathers them into each row's "classes" object, as a run's
// summary.json does.
const classPrefix = "class."

// names returns the names of the resources and of the task classes of
// the sweep's workload (those of its first point), in the order they are
// declared: the columns of its rows beyond the fixed ones.
func (s *Sweep) names() (resources, classes []string) {
	if len(s.Points) == 0 {
		return nil, nil
	}
	return report.ResourceNames(s.Points[0].Spec), classNames(s.Points[0].Spec)
}

// classNames returns the names of spec's task classes, in file order.
func classNames(spec *workloads.Spec) []string {
	names := make([]string, len(spec.Classes))
	for i, c := range spec.Classes {
		names[i] = c.Name
	}
	return names
}

// summaryColumns returns the columns of a row of h's journal after the
// varied paths: a run's summary columns for its replications and
// resources, then each class's figures (classColumns).
func summaryColumns(h header) []string {
	return append(report.Columns(h.Replications, h.Resources), classColumns(h)...)
}

// classColumns returns the columns of the classes' figures in a row of
// h's journal: for each class, classPrefix, its name, a dot and each name
// of report.ClassColumns.
func classColumns(h header) []string {
	var cols []string
	for _, c := range h.Classes {
		for _, m := range report.ClassColumns(h.Replications) {
			cols = append(cols, classPrefix+c+"."+m)
		}
	}
	return cols
}

// classCells returns how many cells at the end of a row of h's journal
// hold the classes' figures.
func classCells(h header) int { return len(h.Classes) * len(report.ClassColumns(h.Replications)) }

// rowCells returns the cells of a row of point after its varied values:
// the summary of strategy s (report.Values), then the figures of each of
// its classes. It reports an error when the point's resources or classes
// are not the sweep's (h's), which would misalign the columns.
func rowCells(h header, point *Point, s *experiment.StrategyResult) ([]string, error) {
	resources, classes := report.ResourceNames(point.Spec), classNames(point.Spec)
	switch {
	case !slices.Equal(resources, h.Resources):
		return nil, fmt.Errorf("its resources [%s] are not the first point's [%s]: every point of a sweep has the same columns",
			strings.Join(resources, ", "), strings.Join(h.Resources, ", "))
	case !slices.Equal(classes, h.Classes):
		return nil, fmt.Errorf("its task classes [%s] are not the first point's [%s]: every point of a sweep has the same columns",
			strings.Join(classes, ", "), strings.Join(h.Classes, ", "))
	}
	a := &s.Aggregate
	if len(a.Resources) != len(h.Resources) || len(a.Classes) != len(h.Classes) {
		return nil, fmt.Errorf("strategy %s has the figures of %d resources and %d classes; the workload has %d and %d",
			s.Config.Name, len(a.Resources), len(a.Classes), len(h.Resources), len(h.Classes))
	}
	vals := report.Values(s)
	for c := range a.Classes {
		vals = append(vals, report.ClassValues(&a.Classes[c], h.Replications)...)
	}
	return vals, nil
}

// resourceColumn reports whether name is the column of a resource's
// figure, "resource.R.M" for a sim.ResourceMetric M, and returns R.
func resourceColumn(name string) (resource string, ok bool) {
	rest, ok := strings.CutPrefix(name, "resource.")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return "", false
	}
	for m := range sim.NumResourceMetrics {
		if rest[i+1:] == m.String() {
			return rest[:i], true
		}
	}
	return "", false
}

// checkY checks the items of plot.y that name a resource's figure
// ("resource.db.utilization") against the resources of the base
// workload, suggesting the nearest column for a misspelt one.
func checkY(p *parser, raw *rawSweep, base *workloads.Spec) {
	var valid []string
	for _, r := range report.ResourceNames(base) {
		for m := range sim.NumResourceMetrics {
			valid = append(valid, m.Column(r))
		}
	}
	for _, item := range raw.resourceY {
		switch {
		case len(valid) == 0:
			p.Within("plot.y").Errorf(item, "unknown metric %q: the workload declares no resources", item.Value)
		case !slices.Contains(valid, item.Value):
			p.Within("plot.y").Unknown(item, "metric", item.Value, "", valid)
		}
	}
}

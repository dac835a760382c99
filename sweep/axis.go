package sweep

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/workloads"
)

// arrivalPathText matches the varied paths that set a task class's
// arrival rate: its mean interarrival (group 1) or its rate per second,
// plain or of a segment of a changing rate.
var arrivalPathText = regexp.MustCompile(`^tasks\..+\.arrival\.(?:(interarrival)|per_second|rate\.[0-9]+\.per_second)$`)

// ArrivalPath returns the index of the first of paths that sets a task
// class's arrival rate (tasks.C.arrival.interarrival,
// tasks.C.arrival.per_second or tasks.C.arrival.rate.N.per_second), the
// path plot.x: rate draws, and whether it is an interarrival; -1 when none
// does.
func ArrivalPath(paths []string) (i int, interarrival bool) {
	for i, p := range paths {
		if m := arrivalPathText.FindStringSubmatch(p); m != nil {
			return i, m[1] != ""
		}
	}
	return -1, false
}

// RateValue returns the arrival rate, in tasks per second, that a value
// of an arrival path sets (see ArrivalPath): a rate as it is, an
// interarrival distribution's inverse mean (1/5ms for {exp: 5ms}). It
// reports false for a value that is not one, or whose mean is not a
// positive, finite time.
func RateValue(v string, interarrival bool) (float64, bool) {
	if !interarrival {
		x, ok := AxisValue(v)
		return x, ok && x > 0
	}
	var doc yaml.Node
	if yaml.Unmarshal([]byte(v), &doc) != nil || len(doc.Content) != 1 {
		return 0, false
	}
	n := doc.Content[0]
	d, ok := schema.NewParser("", n).Distribution(n)
	if !ok {
		return 0, false
	}
	mean := workloads.MeanOf(d) / 1e9
	if !(mean > 0) || mean > 1e300 {
		return 0, false
	}
	return 1 / mean, true
}

// checkRate checks that plot.x: rate has an arrival path among vary to
// draw, whose every value sets a rate.
func checkRate(p *parser, raw *rawSweep, vary []Param) {
	paths := make([]string, len(vary))
	for i, v := range vary {
		paths[i] = v.Path
	}
	i, interarrival := ArrivalPath(paths)
	if i < 0 {
		p.Errorf(raw.xNode, "plot.x: rate needs a varied arrival: a path like tasks.NAME.arrival.interarrival or tasks.NAME.arrival.per_second (the varied paths: %s)", strings.Join(paths, ", "))
		return
	}
	for j, v := range vary[i].Values {
		if _, ok := RateValue(v, interarrival); !ok {
			p.Errorf(raw.xNode, "plot.x: rate: value %s of %s (vary[%d].values[%d]) has no mean rate to draw", v, vary[i].Path, i, j)
			return
		}
	}
}

package report

import (
	"fmt"
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// UnstableMark follows the name of an overloaded strategy in the table.
const UnstableMark = "!"

// subject words a group for a sentence: its name, whether it is plural,
// and what it is when in use ("busy", "held").
func subject(l experiment.Load) (name string, plural bool, busy string) {
	n, many := strconv.Itoa(l.Size), l.Size > 1
	pick := func(one, some string) string {
		if many {
			return "the " + n + " " + some
		}
		return "the " + one
	}
	switch group := l.Group; {
	case group == experiment.GroupCPU:
		return pick("core", "cores"), many, "busy"
	case group == experiment.GroupGIL:
		return "the GIL", false, "held"
	case group == experiment.GroupWorkers:
		return pick("worker", "workers"), many, "busy"
	case group == experiment.GroupThreads:
		return pick("thread", "threads"), many, "busy"
	case group == experiment.GroupLoop:
		return pick("loop thread", "loop threads"), many, "busy"
	case group == experiment.GroupExecutor:
		return pick("executor thread", "executor threads"), many, "busy"
	case strings.HasPrefix(group, "resource."):
		r := strings.TrimPrefix(group, "resource.")
		if many {
			return "the " + n + " units of " + r, true, "held"
		}
		return "the unit of " + r, false, "held"
	}
	return l.Group, false, "busy"
}

// percent formats a share as a percentage: "99.8%".
func percent(x float64) string { return format(percentFormat).cell(x, 0, false) }

// OverloadReason words why a strategy is overloaded: "the loop thread is
// offered 125.0% of its capacity and busy 100.0% of the time", "tasks in
// flight grew by 240 over the last 5.000 s, with the 8 workers busy
// 99.9% of the time"; "" for a stable one.
func OverloadReason(st *experiment.Stability) string {
	switch st.Cause {
	case experiment.OfferedDemand:
		l := st.Loads[st.Saturated]
		name, plural, busy := subject(l)
		verb, its := "is", "its"
		if plural {
			verb, its = "are", "their"
		}
		return fmt.Sprintf("%s %s offered %s of %s capacity and %s %s of the time", name, verb, percent(l.Offered), its,
			busy, percent(l.Utilization))
	case experiment.InFlightGrowth:
		name, busy := st.Bottleneck, "busy"
		for _, l := range st.Loads {
			if l.Group == st.Bottleneck {
				name, _, busy = subject(l)
			}
		}
		return fmt.Sprintf("tasks in flight grew by %s over the last %s, with %s %s %s of the time",
			strconv.FormatFloat(st.Growth, 'f', 0, 64), Seconds(st.GrowthOver), name, busy, percent(st.BottleneckUtilization))
	}
	return ""
}

// overloadNotes returns the lines under the table for res's overloaded
// strategies, one each: "one-loop: overloaded: the loop thread is ...;
// latency grows with run length", and for a run ended at its horizon,
// what its latencies leave out.
func overloadNotes(res *experiment.Result) []string {
	var notes []string
	for i := range res.Strategies {
		s := &res.Strategies[i]
		if !s.Stability.Overloaded {
			continue
		}
		note := s.Config.Name + ": overloaded: " + OverloadReason(&s.Stability) + "; latency grows with run length"
		if left := s.Aggregate.Mean[sim.InFlightEnd]; reachedHorizon(s) && left > 0 {
			note += fmt.Sprintf("; its latencies are of the requests completed by the horizon, without the %s left in flight, "+
				"which would be longer (right-censored)", format(countFormat).cell(left, 0, false))
		}
		notes = append(notes, note)
	}
	return notes
}

// reachedHorizon reports whether some replication of s ended at its
// horizon with work left.
func reachedHorizon(s *experiment.StrategyResult) bool {
	for _, r := range s.Runs {
		if r.Horizon {
			return true
		}
	}
	return false
}

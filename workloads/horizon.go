package workloads

import (
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// horizon rejects a workload too large to simulate: one whose
// replication would span more virtual time than can be simulated without
// overflow, estimated from mean durations as if every task ran alone, one
// after the other, or one that would take more than maxEvents steps or GIL
// hand-overs.
//
// With retries, every request is counted as sent 1+retries times, each
// retry after a full timeout and a mean backoff; under backlog_full:
// syn_retry, the last request may wait for the last SYN retransmission.
func (p *parser) horizon(s *Spec, tasksNode *yaml.Node) {
	var switchCost, synWait float64
	for _, c := range s.Strategies {
		// A loop model's costs are at most one poll and one resume a step.
		switchCost = max(switchCost, float64(c.SwitchCost)+float64(c.PollCost)+float64(c.ResumeCost))
		if c.Bounded && c.BacklogFull == strategies.BacklogSYNRetry {
			synWait = float64(sim.SYNRetransmissions[len(sim.SYNRetransmissions)-1])
		}
	}
	steps, cpu := s.demand(0)
	var work, last float64
	for i := range s.Classes {
		c := &s.Classes[i]
		n := float64(c.tasks())
		work += n * c.attempts() * (meanWork(c.Steps) + switchCost*(float64(expandedSteps(c.Steps))+1))
		retrying := float64(c.Retries) * (float64(c.Timeout) + c.Backoff.clampedMean())
		switch {
		case c.Clients != nil:
			last = max(last, float64(c.Start)+float64(c.Clients.Requests)*(c.Clients.Think.clampedMean()+retrying))
		case c.Rate != nil:
			end := float64(c.Start)
			for _, seg := range c.Rate {
				end += float64(seg.For)
			}
			last = max(last, end+retrying)
		case c.Trace != nil:
			last = max(last, float64(c.Start)+float64(c.Trace.at(c.Trace.Last))+retrying)
		default:
			last = max(last, float64(c.Start)+float64(c.Count-1)*c.Interarrival.clampedMean()+retrying)
		}
	}
	if h := last + synWait + work; h > float64(maxHorizon) {
		years := h / float64(365*24*sim.Hour)
		p.Errorf(tasksNode, "the workload would span about %s years of virtual time (estimated from mean durations); at most %d years can be simulated",
			strconv.FormatFloat(years, 'f', min(1, int(math.Floor(100/years))), 64), maxHorizon/(365*24*sim.Hour))
		return
	}
	if steps > maxEvents {
		p.Errorf(tasksNode, "too many steps to simulate: %.0f per replication (tasks × steps, repeats expanded), more than %d", steps, int64(maxEvents))
		return
	}
	for i, c := range s.Strategies {
		if handovers := forcedHandovers(c, cpu); handovers > maxEvents {
			p.Errorf(p.strategyNodes[i], "switch_interval %s is too short for this workload: the GIL could change hands about %.3g times per replication, more than %d",
				fmtTime(c.SwitchInterval), handovers, int64(maxEvents))
		}
	}
}

// meanCPU is the mean total duration of the cpu steps of steps, over
// every branch of a gather.
func meanCPU(steps []StepSpec) float64 {
	return sumSteps(steps, 0, func(st *StepSpec) float64 {
		if st.Kind == sim.CPU {
			return st.Dur.clampedMean()
		}
		return 0
	})
}

// meanWork is the mean total duration of steps, a gather's branches
// counted one after the other.
func meanWork(steps []StepSpec) float64 {
	return sumSteps(steps, 0, func(st *StepSpec) float64 { return st.Dur.clampedMean() })
}

// expandedSteps is the number of steps of a task, repeats multiplied out,
// a hold block's acquisition and release counting as one step each, and
// so a gather block's start and each of its branches' starts.
func expandedSteps(steps []StepSpec) int64 {
	return sumSteps(steps, 1, func(*StepSpec) int64 { return 1 })
}

// sumSteps adds up leaf over the cpu, io and blocking_io steps of steps
// as a task runs them: a repeat block's steps Repeat times, a hold
// block's once, a gather block's every branch (each copy of a count
// gather's), plus marker for each step a block adds: a hold's two, a
// gather's start and its branches' starts. A sum of durations is so the
// duration of the branches run one after the other: at least that of the
// gather, whose branches may overlap.
func sumSteps[T int64 | float64](steps []StepSpec, marker T, leaf func(*StepSpec) T) T {
	var sum T
	for i := range steps {
		st := &steps[i]
		switch {
		case st.Repeat > 0:
			sum += T(st.Repeat) * sumSteps(st.Steps, marker, leaf)
		case st.Kind == sim.Acquire:
			sum += sumSteps(st.Steps, marker, leaf) + 2*marker
		case st.Kind == sim.Gather && st.Count > 0:
			sum += marker + T(st.Count)*(marker+sumSteps(st.Branches[0], marker, leaf))
		case st.Kind == sim.Gather:
			sum += marker
			for _, b := range st.Branches {
				sum += marker + sumSteps(b, marker, leaf)
			}
		default:
			sum += leaf(st)
		}
	}
	return sum
}

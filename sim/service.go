package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// Resource is a limited thing tasks hold for a while: a database pool's
// connections, a downstream API's concurrency limit.
type Resource struct {
	// Name labels the resource in statistics ("resource.db.utilization")
	// and errors.
	Name string
	// Capacity is the number of units of each of its pools (at least 1).
	Capacity int
	// Machine makes one pool for the whole machine; otherwise every
	// process has its own (Engine.Processes).
	Machine bool
}

// Client is how the clients of one task class behave when an attempt
// takes too long or is rejected. The zero value waits forever and never
// retries.
type Client struct {
	// Timeout is how long after sending an attempt its client gives up on
	// it; 0 is never.
	Timeout Time
	// Retries is how many more attempts a request may make after its first
	// is given up or rejected.
	Retries int
	// Backoff returns the wait between a give-up (or a rejection) and the
	// retry, drawn from the class's own retry stream; nil is no wait.
	Backoff func() Time
}

// Outcome is how an attempt ended, as tasks.csv lists it.
type Outcome uint8

// The outcomes of an attempt.
const (
	// OutcomeDone: completed in time (its request succeeded).
	OutcomeDone Outcome = iota
	// OutcomeRejected: refused at arrival by a full queue, no work done.
	OutcomeRejected
	// OutcomeLate: completed after its client gave up on it (wasted work).
	OutcomeLate
	// OutcomeAbandoned: given up by its client while its connection attempt
	// waited for a SYN retransmission (backlog_full: syn_retry), before
	// any server took it; no work done.
	OutcomeAbandoned
)

var outcomeNames = [...]string{OutcomeDone: "done", OutcomeRejected: "rejected", OutcomeLate: "late", OutcomeAbandoned: "abandoned"}

// String returns the outcome's name in tasks.csv.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// SYNRetransmissions are the instants, after a connection attempt's first
// SYN, at which Linux retransmits a SYN that got no answer: an initial
// retransmission timeout of 1 s, doubling, tcp_syn_retries = 6 times.
var SYNRetransmissions = [...]Time{1 * Second, 3 * Second, 7 * Second, 15 * Second, 31 * Second, 63 * Second}

// ResourceMetric is one statistic of a resource, named in output
// "resource.NAME." followed by the metric's name.
type ResourceMetric int

// The resource metrics, in output order.
const (
	// ResourceWaitMean is the mean wait for a unit, over the holds of
	// counted tasks, in seconds.
	ResourceWaitMean ResourceMetric = iota
	// ResourceUtilization is the time-averaged units held over the units
	// of all the resource's pools.
	ResourceUtilization
	// ResourceQueueMean is the time-averaged number of tasks waiting for
	// a unit, over all the resource's pools.
	ResourceQueueMean
	NumResourceMetrics
)

var resourceMetricNames = [NumResourceMetrics]string{
	ResourceWaitMean:    "wait_mean_s",
	ResourceUtilization: "utilization",
	ResourceQueueMean:   "queue_mean",
}

// String returns the metric's name after "resource.NAME.".
func (m ResourceMetric) String() string { return resourceMetricNames[m] }

// Column returns the output name of resource r's metric m:
// "resource.db.wait_mean_s".
func (m ResourceMetric) Column(r string) string { return "resource." + r + "." + m.String() }

// ClassMetrics lists the metrics given per task class (Summary.Classes),
// in output order, by the names of the row's figures.
func ClassMetrics() []Metric {
	return []Metric{Requests, Succeeded, Failed, Rejected, Timeouts, LatencyMean, LatencyP50, LatencyP99}
}

// DeadlockError is the error of a run that ended with tasks still waiting
// for units of resources that no task would give back: two classes taking
// two resources in opposite orders.
type DeadlockError struct {
	// At is the virtual time at which the last event ran.
	At Time
	// Waiting lists, per resource with waiters, the number of tasks
	// waiting for one of its units, in the order resources are declared.
	Waiting []ResourceWaiters
}

// ResourceWaiters is the number of tasks waiting for a resource's units.
type ResourceWaiters struct {
	Resource string
	Tasks    int
}

func (e *DeadlockError) Error() string {
	parts := make([]string, len(e.Waiting))
	for i, w := range e.Waiting {
		parts[i] = fmt.Sprintf("%d waiting for %s", w.Tasks, w.Resource)
	}
	return fmt.Sprintf("deadlock at virtual time %v: tasks wait for resources no task will give back (%s)",
		e.At, strings.Join(parts, ", "))
}

// Latencies are the latencies of a set of succeeded requests: exactly,
// while there are at most ExactLatencies, beyond that in a sketch.
type Latencies struct {
	// Exact holds the latencies, in no particular order, or is nil when
	// Sketch is set.
	Exact []Time
	// Sketch summarises them when there are more than ExactLatencies.
	Sketch *QuantileSketch
}

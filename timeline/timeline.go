package timeline

import (
	"strconv"

	"asyncsim/sim"
)

// Interval is a span of virtual time [Start, End) in which a row of a
// timeline is in one state.
type Interval struct {
	// Start and End bound the interval: Start inclusive, End exclusive.
	Start, End sim.Time
	// State is the row's state throughout the interval.
	State sim.State
}

// Context is the row of one context: its state intervals inside the
// window, merged (no two adjacent intervals share a state), in time
// order, covering [max(Created, From), To∧End] without gaps.
type Context struct {
	// Name is the context's display name ("thread-3", "executor-0.2").
	Name string
	// Created is when the strategy created the context.
	Created sim.Time
	// Intervals are the context's states inside the window, idle
	// included.
	Intervals []Interval
}

// Task is the span of one task (one attempt of a request): queued from
// Arrival until a context takes it at Start, in service from Start until
// Completion. A rejected or abandoned attempt is never served: it is
// queued (waiting for a retransmission of its SYN) from Arrival until the
// instant it ended, Start = Completion.
type Task struct {
	// Name is the task's display name: its class and index, and the
	// attempt for a retry ("request#3", "request#3 (retry 1)").
	Name string
	// Class is the index of the task's class.
	Class int
	// Index is the task's number within its class.
	Index int64
	// Attempt numbers the attempts of one request: 0 for the first send.
	Attempt int
	// Outcome is how the attempt ended.
	Outcome sim.Outcome
	// Arrival, Start and Completion are the task's instants.
	Arrival, Start, Completion sim.Time
}

// Branch is the span of one branch of a gather of a task of the
// timeline, from when it was spawned until it joined.
type Branch struct {
	// Task is the branch's task, an index in Timeline.Tasks.
	Task int
	// Branch is the branch's place in its gather (0 for the first), and
	// Depth its depth of gathers (1 for a branch of the task's own).
	Branch, Depth int
	// ID numbers the task's branches as they were spawned; Parent is the
	// ID of the branch whose gather this one is of, or -1.
	ID, Parent int
	// Start and End bound the branch.
	Start, End sim.Time
}

// Served reports whether a context took the attempt: it was neither
// rejected nor abandoned.
func (t *Task) Served() bool {
	return t.Outcome != sim.OutcomeRejected && t.Outcome != sim.OutcomeAbandoned
}

// TaskName returns the display name of the task index of the named class.
func TaskName(class string, index int64) string {
	return class + "#" + strconv.FormatInt(index, 10)
}

// AttemptName returns the display name of an attempt of the task index of
// the named class: TaskName for the first, with the retry's number after
// it for the others ("request#3 (retry 2)").
func AttemptName(class string, index int64, attempt int) string {
	if attempt == 0 {
		return TaskName(class, index)
	}
	return TaskName(class, index) + " (retry " + strconv.Itoa(attempt) + ")"
}

// Cut says why a timeline's window ends where it does.
type Cut string

// The reasons a window ends.
const (
	// CutEnd: the window reaches the end of the run.
	CutEnd Cut = "end"
	// CutWindow: the window ends where it was asked to.
	CutWindow Cut = "window"
	// CutTasks: a default window, ended once Options.AutoTasks tasks had
	// completed.
	CutTasks Cut = "tasks"
	// CutChanges: a default window, ended once a context had changed state
	// Options.AutoChanges times.
	CutChanges Cut = "changes"
	// CutSize: the window was ended early to keep at most
	// Options.MaxIntervals intervals.
	CutSize Cut = "size"
)

// Timeline is what the contexts and the first tasks of a run did inside a
// window of virtual time.
type Timeline struct {
	// From and To are the window. To may lie beyond End when a window
	// longer than the run was asked for.
	From, To sim.Time
	// End is the end of the run: the instant of its last event.
	End sim.Time
	// Cut says why the window ends at To.
	Cut Cut
	// Contexts are the rows of the first contexts by id (at most
	// Options.MaxContexts); contexts created after the window have none.
	Contexts []Context
	// AllContexts is the number of contexts the run created.
	AllContexts int
	// Tasks are the first tasks by arrival (at most Options.MaxTasks)
	// among those that overlap the window, in arrival order.
	Tasks []Task
	// Branches are the branches of gathers of Tasks that overlap the
	// window, by task, start, depth and ID (a parent before its
	// children).
	Branches []Branch
	// AllTasks is the number of tasks that overlap the window.
	AllTasks int64
}

// Shown returns the end of the part of the window that the run covers:
// min(To, End).
func (t *Timeline) Shown() sim.Time { return min(t.To, t.End) }

// Bin is one time bin of a Series: the mean number of busy cores and of
// tasks in flight over [Start, End).
type Bin struct {
	// Start and End bound the bin: Start inclusive, End exclusive.
	Start, End sim.Time
	// Busy is the mean number of busy cores: running contexts, at most the
	// machine's cores.
	Busy float64
	// InFlight is the mean number of tasks arrived and not yet completed.
	InFlight float64
}

// Series is a run's busy cores and tasks in flight over time, in equal
// bins from 0 to the end of the run (the last bin may be shorter).
type Series struct {
	// Cores is the machine's core count: Busy/Cores is the CPU
	// utilization.
	Cores int
	// Width is the bin width: a power of two nanoseconds.
	Width sim.Time
	// Bins are the bins, from time 0.
	Bins []Bin
}

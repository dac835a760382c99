package sim

import "strconv"

// StepKind is what a step of a task does.
type StepKind uint8

// The kinds of step.
const (
	// CPU is computation: it needs a core (and the GIL where there is one).
	CPU StepKind = iota
	// IO is an awaitable call (asyncio.sleep, aiohttp): an event loop serves
	// other coroutines meanwhile.
	IO
	// BlockingIO is a blocking call (time.sleep, requests.get): it holds the
	// thread that makes it, and blocks an event loop's thread.
	BlockingIO
	// Acquire takes one unit of the resource Step.Resource, waiting for one
	// if none is free: the start of a `hold` block.
	Acquire
	// Release gives back the unit of Step.Resource that the matching
	// Acquire took: the end of a `hold` block.
	Release
	// Gather starts a `gather` block: its branches follow it, each a
	// Branch step and that branch's steps, Span steps in all. The task
	// goes on after them when every branch has ended. See GatherStep.
	Gather
	// Branch starts one branch of a gather: Span steps of its own follow
	// it (further gathers inside it included). See BranchStep.
	Branch
	// Join is no step of a task's: it is what Engine.NextStep returns at
	// the end of a branch's steps, for the strategy to end the branch
	// with Engine.Join.
	Join
)

var stepKindNames = [...]string{CPU: "cpu", IO: "io", BlockingIO: "blocking_io", Acquire: "acquire", Release: "release",
	Gather: "gather", Branch: "branch", Join: "join"}

// String returns the step kind's YAML name.
func (k StepKind) String() string {
	if int(k) < len(stepKindNames) {
		return stepKindNames[k]
	}
	return "StepKind(" + strconv.Itoa(int(k)) + ")"
}

// Step is one sampled step of a task. A `hold` block is flattened into
// an Acquire step, the block's steps and a Release step; a `gather` into
// a Gather step followed by its branches, each a Branch step and the
// branch's steps (in order, each copy of a `count` gather sampled anew):
//
//	gather: [[{io: 30ms}], [{cpu: 1ms}, {io: 10ms}]]
//	→ Gather(2 branches, span 5), Branch(1), io 30ms, Branch(2), cpu 1ms, io 10ms
type Step struct {
	Kind StepKind
	// Resource is the index in Config.Resources of an Acquire or Release
	// step's resource (it fits in Kind's padding: a Step stays 16 bytes).
	Resource int32
	// Dur is a cpu, io or blocking_io step's duration.
	Dur Time
}

// GatherStep returns the step that starts a gather of the given number of
// branches, whose Branch steps and branch steps take span steps after it.
func GatherStep(branches, span int) Step {
	return Step{Kind: Gather, Resource: int32(branches), Dur: Time(span)}
}

// BranchStep returns the step that starts a branch of span steps.
func BranchStep(span int) Step { return Step{Kind: Branch, Dur: Time(span)} }

// Branches returns the number of branches of a Gather step.
func (s Step) Branches() int { return int(s.Resource) }

// Span returns the number of steps that follow a Gather or Branch step
// and belong to it.
func (s Step) Span() int { return int(s.Dur) }

// Task is one request: a sequence of sampled steps arriving at an instant.
// A Source fills tasks in place so that their step slices are reused.
type Task struct {
	// Class is the index of the task's class in the workload.
	Class int
	// Index identifies the task within its class, identically under every
	// strategy: the arrival index for open classes, and
	// client × requests + request for closed-loop clients.
	Index int64
	// Client is the closed-loop client that sent the task, or -1.
	Client int
	// Request is the request's number within its client (0, 1, ...).
	Request int
	// Arrival is when the task arrives: for a retry, when the client sends
	// it again.
	Arrival Time
	// Attempt numbers the attempts of one request: 0 for the first send,
	// 1 for the first retry, ... The source fills in 0; the engine makes
	// the retries.
	Attempt int
	// Steps are the task's steps, run in order.
	Steps []Step
}

// Source produces a run's tasks as a stream, in arrival order: open
// arrivals in order of (time, class, index), and the follow-up requests of
// closed-loop clients as their previous requests complete. Every strategy
// must see the same tasks, so a Source draws each sample from a stream that
// depends only on the workload, the replication and the class (and client).
type Source interface {
	// Peek returns the arrival time of the next open arrival, or false when
	// there are no more.
	Peek() (Time, bool)
	// Next fills t with the next open arrival, and returns what Peek would
	// then return: the arrival time of the one after it, or false. It is
	// only called when there is a next open arrival.
	Next(t *Task) (Time, bool)
	// FollowUp fills next with the request that follows done, a task of a
	// closed-loop client that completed at the given instant, and reports
	// whether there is one. next.Arrival is set to done's completion plus
	// the client's think time.
	FollowUp(done *Task, completed Time, next *Task) bool
}

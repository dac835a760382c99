package sim

// Fan-out (DESIGN.md, "Services", Fan-out): a gather's branches run as
// child tasks of the task that reaches it. A child is a slot of its own
// whose steps are its branch's steps in the parent's slice, so a gather
// copies nothing; it is no task of the statistics (not in flight, never
// finished, no latency of its own), and its work counts as its parent's.
// Strategies decide when the children run: an event loop spawns every
// branch at once into its ready queue, a synchronous worker one after
// another, each when the one before it has joined.

// BranchRecord is one branch of a gather that has ended, for traces.
type BranchRecord struct {
	// Class, Index and Attempt are those of the task whose gather it is
	// (the outermost task, for a branch of a nested gather).
	Class   int
	Index   int64
	Attempt int
	// Branch is the branch's place in its gather: 0 for the first.
	Branch int
	// ID numbers the branches of one task in the order they were
	// spawned, from 0; Parent is the ID of the branch whose gather this
	// branch is of, or -1 for a branch of the task's own gather.
	ID, Parent int
	// Depth is 1 for a branch of a task's own gather, 2 for a branch of
	// a gather inside a branch, and so on.
	Depth int
	// Start is when the branch was spawned, End when it joined.
	Start, End Time
}

// fork is what a slot needs for gathers, kept apart from taskSlot so that
// tasks without gathers do not carry it.
type fork struct {
	// A gather under way (Fork): where its steps end, its branches
	// spawned and not yet joined, and those spawned in all.
	gatherEnd, branches, spawned int32
	// A child task's: its parent, its depth of gathers, its place in its
	// gather and its number among its task's branches.
	parent             TaskRef
	depth, ordinal, id int32
	// A task's, where branches are recorded (Config.OnBranch): the
	// branches it has had in its attempt, whose slot use (taskSlot.gen +
	// 1) is use.
	branchIDs int32
	use       uint32
}

// forkOf returns ref's fork state, growing the slice to hold it.
func (e *Engine) forkOf(ref TaskRef) *fork {
	if int(ref) >= len(e.forks) {
		e.forks = append(e.forks, make([]fork, len(e.tasks)-len(e.forks))...)
	}
	return &e.forks[ref]
}

// Fork begins the gather step s, which ref's task has just taken with
// NextStep: Spawn then makes its branches, and the task goes on after
// the gather once Join has ended the last of them.
func (e *Engine) Fork(ref TaskRef, s Step) {
	f := e.forkOf(ref)
	f.gatherEnd = e.tasks[ref].next + int32(s.Span())
	f.branches, f.spawned = 0, 0
}

// Spawn makes a child task of the next branch of ref's current gather,
// and reports false when every branch has one. The child's steps are the
// branch's; Begin does nothing for it, and at their end NextStep returns
// a Join step.
func (e *Engine) Spawn(ref TaskRef) (TaskRef, bool) {
	if e.tasks[ref].next >= e.forks[ref].gatherEnd {
		return -1, false
	}
	child := e.allocBranch()
	parent, pf := &e.tasks[ref], &e.forks[ref] // allocBranch may have moved both
	head := parent.next
	span := int32(parent.Steps[head].Span())
	parent.next = head + 1 + span
	pf.branches++
	pf.spawned++
	c, cf := &e.tasks[child], &e.forks[child]
	c.Class, c.Index, c.Client, c.Request, c.Attempt = parent.Class, parent.Index, parent.Client, parent.Request, parent.Attempt
	c.Steps = parent.Steps[head+1 : head+1+span]
	c.next, c.started, c.start, c.counted = 0, true, e.now, parent.counted
	cf.parent, cf.depth, cf.ordinal = ref, pf.depth+1, pf.spawned-1
	if e.cfg.OnBranch != nil {
		e.numberBranch(child)
	}
	e.branches++
	e.notePeak()
	return child, true
}

// numberBranch gives child the next number among its task's branches,
// for BranchRecord.ID.
func (e *Engine) numberBranch(child TaskRef) {
	root := e.forks[child].parent
	for e.tasks[root].isBranch {
		root = e.forks[root].parent
	}
	rf := &e.forks[root]
	if use := e.tasks[root].gen + 1; rf.use != use {
		rf.use, rf.branchIDs = use, 0
	}
	e.forks[child].id = rf.branchIDs
	rf.branchIDs++
}

// Join ends ref, a branch whose steps are all done (NextStep returned a
// Join step), and returns its parent and whether it was its gather's
// last: every branch spawned and ended, so that the parent goes on with
// the steps after the gather. ref is invalid after.
func (e *Engine) Join(ref TaskRef) (parent TaskRef, last bool) {
	c, cf := &e.tasks[ref], &e.forks[ref]
	parent = cf.parent
	pf := &e.forks[parent]
	pf.branches--
	if e.cfg.OnBranch != nil {
		parentID := -1
		if e.tasks[parent].isBranch {
			parentID = int(pf.id)
		}
		e.cfg.OnBranch(BranchRecord{Class: c.Class, Index: c.Index, Attempt: c.Attempt,
			Branch: int(cf.ordinal), ID: int(cf.id), Parent: parentID, Depth: int(cf.depth), Start: c.start, End: e.now})
	}
	c.Steps = nil
	e.branches--
	e.branchFree = append(e.branchFree, ref)
	return parent, pf.branches == 0 && e.tasks[parent].next >= pf.gatherEnd
}

// allocBranch returns a free slot for a child task. Children have slots
// of their own, never used for tasks: a child's steps alias its parent's,
// which a Source refilling a task's slot in place would overwrite.
func (e *Engine) allocBranch() TaskRef {
	if n := len(e.branchFree); n > 0 {
		ref := e.branchFree[n-1]
		e.branchFree = e.branchFree[:n-1]
		return ref
	}
	e.tasks = append(e.tasks, taskSlot{isBranch: true})
	ref := TaskRef(len(e.tasks) - 1)
	e.forkOf(ref)
	return ref
}

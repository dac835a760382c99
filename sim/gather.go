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

// Fork begins the gather step s, which ref's task has just taken with
// NextStep: Spawn then makes its branches, and the task goes on after
// the gather once Join has ended the last of them.
func (e *Engine) Fork(ref TaskRef, s Step) {
	slot := &e.tasks[ref]
	slot.gatherEnd = slot.next + int32(s.Span())
	slot.branches, slot.spawned = 0, 0
}

// Spawn makes a child task of the next branch of ref's current gather,
// and reports false when every branch has one. The child's steps are the
// branch's; Begin does nothing for it.
func (e *Engine) Spawn(ref TaskRef) (TaskRef, bool) {
	parent := &e.tasks[ref]
	if parent.next >= parent.gatherEnd {
		return -1, false
	}
	child := e.allocBranch()
	parent = &e.tasks[ref] // allocBranch may have moved the slots
	head := parent.next
	span := int32(parent.Steps[head].Span())
	parent.next = head + 1 + span
	parent.branches++
	parent.spawned++
	c := &e.tasks[child]
	c.Class, c.Index, c.Client, c.Request, c.Attempt = parent.Class, parent.Index, parent.Client, parent.Request, parent.Attempt
	c.Steps = parent.Steps[head+1 : head+1+span]
	c.next, c.parent, c.depth, c.ordinal = 0, ref, parent.depth+1, parent.spawned-1
	root := ref
	for e.tasks[root].isBranch {
		root = e.tasks[root].parent
	}
	c.id = e.tasks[root].branchIDs
	e.tasks[root].branchIDs++
	c.started, c.start, c.counted = true, e.now, parent.counted
	return child, true
}

// Parent returns the task of which ref is a branch, or reports false
// when ref is a task of its own.
func (e *Engine) Parent(ref TaskRef) (TaskRef, bool) {
	slot := &e.tasks[ref]
	return slot.parent, slot.isBranch
}

// Join ends ref, a branch whose steps are all done, and reports whether
// it was its gather's last: every branch spawned and ended, so that the
// parent goes on with the steps after the gather. ref is invalid after.
func (e *Engine) Join(ref TaskRef) (last bool) {
	c := &e.tasks[ref]
	p := &e.tasks[c.parent]
	p.branches--
	if e.cfg.OnBranch != nil {
		parentID := -1
		if p.isBranch {
			parentID = int(p.id)
		}
		e.cfg.OnBranch(BranchRecord{Class: c.Class, Index: c.Index, Attempt: c.Attempt,
			Branch: int(c.ordinal), ID: int(c.id), Parent: parentID, Depth: int(c.depth), Start: c.start, End: e.now})
	}
	c.Steps = nil
	e.branchFree = append(e.branchFree, ref)
	return p.branches == 0 && p.next >= p.gatherEnd
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
	return TaskRef(len(e.tasks) - 1)
}

package sim

// event is one scheduled occurrence. Strategies give meaning to its kind,
// ctx and arg; the engine reserves kinds above MaxTimerKind. The sequence
// number, which orders simultaneous events, and the kind share one word
// (sequence numbers stay far below 2⁵⁶), which keeps an event at 24 bytes
// and the heap's moves short.
type event struct {
	at  Time
	key uint64 // seq<<8 | kind
	// ctx<<32 | arg, as one word: written as two int32 fields, an event
	// copied at once after (a push does) made the processor wait for the
	// two stores to land before it could load the word they share.
	data uint64
}

func newEvent(at Time, seq uint64, kind uint8, ctx, arg int32) event {
	return event{at: at, key: seq<<8 | uint64(kind), data: uint64(uint32(ctx))<<32 | uint64(uint32(arg))}
}

func (ev *event) seq() uint64 { return ev.key >> 8 }

func (ev *event) kind() uint8 { return uint8(ev.key) }

func (ev *event) ctx() int32 { return int32(ev.data >> 32) }

func (ev *event) arg() int32 { return int32(uint32(ev.data)) }

// before orders events by time, then sequence number.
func (a *event) before(b *event) bool {
	return a.at < b.at || a.at == b.at && a.key < b.key
}

// eventQueue is a 4-ary min-heap of events ordered by (time, sequence). A
// 4-ary heap halves the depth of a binary one and keeps siblings in one
// cache line, which makes it the fastest simple choice for this workload.
type eventQueue struct {
	items []event
}

func (q *eventQueue) len() int { return len(q.items) }

func (q *eventQueue) push(e event) {
	q.items = append(q.items, e)
	items := q.items
	i := len(items) - 1
	for i > 0 {
		parent := (i - 1) / 4
		if !e.before(&items[parent]) {
			break
		}
		items[i] = items[parent]
		i = parent
	}
	items[i] = e
}

// head returns the earliest event; the queue must not be empty.
func (q *eventQueue) head() *event { return &q.items[0] }

func (q *eventQueue) pop() event {
	items := q.items
	top := items[0]
	last := items[len(items)-1]
	items = items[:len(items)-1]
	q.items = items
	n := len(items)
	if n == 0 {
		return top
	}
	i := 0
	for {
		first := 4*i + 1
		if first >= n {
			break
		}
		best := first
		end := min(first+4, n)
		for c := first + 1; c < end; c++ {
			if items[c].before(&items[best]) {
				best = c
			}
		}
		if !items[best].before(&last) {
			break
		}
		items[i] = items[best]
		i = best
	}
	items[i] = last
	return top
}

package handwritten

import (
	"math"
	"math/rand/v2"
)

// Model parameters of bench-loop, in nanoseconds.
const (
	Interarrival = 2_500_000
	CPU          = 1_000_000
	IO           = 5_000_000
)

// Result is what a run computes.
type Result struct {
	Tasks       int
	Events      int64
	MeanLatency float64 // nanoseconds
}

// Event kinds.
const (
	cpuDone uint8 = iota
	ioDone
)

type event struct {
	at   int64
	seq  uint64
	kind uint8
	task int32
}

func (a *event) before(b *event) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

type task struct {
	arrival        int64
	cpu1, io, cpu2 int64
	second         bool // the io step is done: the next CPU step is the last
}

// heap is a 4-ary min-heap of events by (time, sequence).
type heap []event

func (h *heap) push(e event) {
	*h = append(*h, e)
	items := *h
	i := len(items) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&items[p]) {
			break
		}
		items[i] = items[p]
		i = p
	}
	items[i] = e
}

func (h *heap) pop() event {
	items := *h
	top, last := items[0], items[len(items)-1]
	items = items[:len(items)-1]
	*h = items
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
		for c := first + 1; c < min(first+4, n); c++ {
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

// ring is a FIFO of task ids on a power-of-two ring buffer.
type ring struct {
	buf  []int32
	head int
	n    int
}

func (q *ring) push(t int32) {
	if q.n == len(q.buf) {
		grown := make([]int32, max(64, 2*len(q.buf)))
		for i := range q.n {
			grown[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = t
	q.n++
}

func (q *ring) pop() int32 {
	t := q.buf[q.head]
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return t
}

// sample draws an exponential duration of the given mean.
func sample(r *rand.Rand, mean float64) int64 { return int64(math.Round(r.ExpFloat64() * mean)) }

// Loop simulates n tasks of the model with the given seed.
func Loop(n int, seed uint64) Result {
	r := rand.New(rand.NewPCG(seed, seed))
	var (
		events  heap
		seq     uint64
		tasks   []task
		free    []int32
		ready   ring
		busy    bool
		count   int64
		sumLat  float64
		arrived int
	)
	nextArrival := sample(r, Interarrival)
	for arrived < n || len(events) > 0 {
		var now int64
		// Arrivals win ties, as in asyncsim.
		if arrived < n && (len(events) == 0 || nextArrival <= events[0].at) {
			now = nextArrival
			var id int32
			if k := len(free); k > 0 {
				id, free = free[k-1], free[:k-1]
			} else {
				tasks = append(tasks, task{})
				id = int32(len(tasks) - 1)
			}
			tasks[id] = task{arrival: now, cpu1: sample(r, CPU), io: sample(r, IO), cpu2: sample(r, CPU)}
			arrived++
			nextArrival = now + sample(r, Interarrival)
			ready.push(id)
		} else {
			ev := events.pop()
			now = ev.at
			t := &tasks[ev.task]
			switch ev.kind {
			case cpuDone:
				busy = false
				if !t.second {
					t.second = true
					seq++
					events.push(event{at: now + t.io, seq: seq, kind: ioDone, task: ev.task})
				} else {
					sumLat += float64(now - t.arrival)
					free = append(free, ev.task)
				}
			case ioDone:
				ready.push(ev.task)
			}
		}
		count++
		if !busy && ready.n > 0 {
			id := ready.pop()
			t := &tasks[id]
			d := t.cpu1
			if t.second {
				d = t.cpu2
			}
			busy = true
			seq++
			events.push(event{at: now + d, seq: seq, kind: cpuDone, task: id})
		}
	}
	return Result{Tasks: n, Events: count, MeanLatency: sumLat / float64(n)}
}

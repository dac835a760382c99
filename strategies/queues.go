package strategies

import "asyncsim/sim"

// fifo is a first-in-first-out queue on a ring buffer that reuses its
// storage, so steady-state pushes and pops do not allocate. Its capacity
// is a power of two, so that wrapping around is a mask, not a division.
type fifo[T any] struct {
	buf  []T
	head int
	n    int
}

func (q *fifo[T]) len() int { return q.n }

func (q *fifo[T]) push(v T) {
	if q.n == len(q.buf) {
		grown := make([]T, max(8, 2*len(q.buf)))
		for i := range q.n {
			grown[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = v
	q.n++
}

// pop removes and returns the oldest element; the queue must not be empty.
func (q *fifo[T]) pop() T {
	v := q.buf[q.head]
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return v
}

// peek returns the oldest element; the queue must not be empty.
func (q *fifo[T]) peek() T { return q.buf[q.head] }

// at returns the element i places behind the oldest (0 is the oldest);
// i must be less than len.
func (q *fifo[T]) at(i int) T { return q.buf[(q.head+i)&(len(q.buf)-1)] }

// removeAt removes and returns the element i places behind the oldest,
// keeping the others in order; i must be less than len.
func (q *fifo[T]) removeAt(i int) T {
	v := q.at(i)
	for j := i; j > 0; j-- { // move the older ones one place back
		q.buf[(q.head+j)&(len(q.buf)-1)] = q.buf[(q.head+j-1)&(len(q.buf)-1)]
	}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return v
}

// lowestFirst is a set of context numbers that yields its smallest member
// first: idle workers, threads and executors are chosen lowest index first.
type lowestFirst struct {
	h []int32
}

func (s *lowestFirst) len() int { return len(s.h) }

func (s *lowestFirst) push(v int32) {
	s.h = append(s.h, v)
	i := len(s.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s.h[p] <= v {
			break
		}
		s.h[i] = s.h[p]
		i = p
	}
	s.h[i] = v
}

// pop removes and returns the smallest member; the set must not be empty.
func (s *lowestFirst) pop() int32 {
	top := s.h[0]
	last := s.h[len(s.h)-1]
	s.h = s.h[:len(s.h)-1]
	n := len(s.h)
	i := 0
	for n > 0 {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && s.h[c+1] < s.h[c] {
			c++
		}
		if last <= s.h[c] {
			break
		}
		s.h[i] = s.h[c]
		i = c
	}
	if n > 0 {
		s.h[i] = last
	}
	return top
}

// refuse turns away task t, an arrival that found c's backlog full: at
// once, or as a kernel's listen backlog does, by dropping its SYN.
func refuse(e *sim.Engine, c *Config, t sim.TaskRef) {
	if c.BacklogFull == BacklogSYNRetry {
		e.Retransmit(t)
		return
	}
	e.Reject(t)
}

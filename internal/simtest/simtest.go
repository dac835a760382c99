// Package simtest holds helpers for testing code that drives the sim
// engine directly, without the workload format.
package simtest

import (
	"slices"

	"asyncsim/sim"
)

// ListSource is a sim.Source serving a fixed list of tasks, which must be
// in arrival order, and the follow-ups of closed-loop clients: a client's
// next request repeats its steps, Think after the previous one completes,
// until it has sent Requests.
type ListSource struct {
	Tasks    []sim.Task
	Requests int
	Think    sim.Time
	next     int
}

// Rewind starts the list again, for another run.
func (s *ListSource) Rewind() { s.next = 0 }

// Peek implements sim.Source.
func (s *ListSource) Peek() (sim.Time, bool) {
	if s.next < len(s.Tasks) {
		return s.Tasks[s.next].Arrival, true
	}
	return 0, false
}

// Next implements sim.Source.
func (s *ListSource) Next(t *sim.Task) (sim.Time, bool) {
	src := s.Tasks[s.next]
	s.next++
	*t = src
	t.Steps = slices.Clone(src.Steps)
	return s.Peek()
}

// FollowUp implements sim.Source.
func (s *ListSource) FollowUp(done *sim.Task, at sim.Time, next *sim.Task) bool {
	if done.Client < 0 || done.Request+1 >= s.Requests {
		return false
	}
	steps := slices.Clone(done.Steps)
	*next = *done
	next.Steps = steps
	next.Request++
	next.Index++
	next.Arrival = at + s.Think
	return true
}

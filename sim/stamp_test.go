package sim_test

import (
	"slices"
	"testing"

	"asyncsim/sim"
)

// stampStrategy sets four timers at one instant when its one task
// arrives: b and d with After, then a and c with At, on stamps taken
// before b and between b and d. It records the order they fire in, which
// must be a, b, c, d.
type stampStrategy struct {
	e     *sim.Engine
	fired []uint8
	task  sim.TaskRef
}

func (s *stampStrategy) Init(e *sim.Engine) { s.e = e }

func (s *stampStrategy) Arrive(t sim.TaskRef) {
	s.task = t
	const at = 10
	first := s.e.Stamp()
	s.e.After(at, 'b', 0, 0)
	between := s.e.Stamp()
	s.e.After(at, 'd', 0, 0)
	// Set last, each fires in the place of its stamp.
	s.e.At(at, between, 'c', 0, 0)
	s.e.At(at, first, 'a', 0, 0)
}

func (s *stampStrategy) Timer(kind uint8, _, _ int32) {
	s.fired = append(s.fired, kind)
	if len(s.fired) == 4 {
		s.e.Finish(s.task)
	}
}

func (s *stampStrategy) CPUDone(int32) {}

func TestStampOrdersSimultaneousTimers(t *testing.T) {
	s := &stampStrategy{}
	src := &tasksSource{tasks: []sim.Task{{Client: -1}}}
	if _, err := sim.Run(src, s, sim.Config{Cores: 1}); err != nil {
		t.Fatal(err)
	}
	if want := []uint8("abcd"); !slices.Equal(s.fired, want) {
		t.Errorf("timers fired in the order %q; want %q", s.fired, want)
	}
}

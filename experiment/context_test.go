package experiment

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"asyncsim/sim"
	"asyncsim/workloads"
)

// TestRunContext checks that a Run whose context is cancelled while it
// runs skips the runs not yet started and returns the context's error,
// and that an uncancelled context changes nothing.
func TestRunContext(t *testing.T) {
	src := `
name: reps
tasks:
  - name: t
    count: 20
    arrival: {interarrival: {exp: 1ms}}
    steps: [{cpu: {exp: 500us}}]
strategies: [{kind: blocking}, {kind: threaded, threads: 2}]
replications: 6
`
	spec, err := workloads.Parse("reps.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Run(spec, Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(spec, Options{Jobs: 1, Context: context.Background()})
	if err != nil || !reflect.DeepEqual(got.Strategies[1].Aggregate, want.Strategies[1].Aggregate) {
		t.Errorf("with a live context: %v, %+v; want %+v", err, got.Strategies[1].Aggregate, want.Strategies[1].Aggregate)
	}

	// Cancelled during the second run (strategy 0, replication 1), with
	// one run at a time: the other ten runs never start.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := 0
	_, err = Run(spec, Options{Jobs: 1, Context: ctx, OnTask: func(strategy, replication int) func(sim.TaskRecord) {
		started++
		if strategy == 0 && replication == 1 {
			return func(sim.TaskRecord) { cancel() }
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) || started != 2 {
		t.Errorf("a Run cancelled during its second run: %d runs started, error %v; want 2 and context.Canceled", started, err)
	}
}

package strategies_test

import (
	"reflect"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/workloads"
)

// runtimeModels is a workload whose strategies draw GIL hand-overs and run
// asyncio's iterations, over several replications.
const runtimeModels = `name: models
seed: 3
replications: 4
machine: {cores: 2}
tasks:
  - name: hog
    count: 3
    steps: [{cpu: 400ms}]
  - name: req
    count: 200
    arrival: {interarrival: {exp: 3ms}}
    steps: [{blocking_io: {exp: 1ms}}, {cpu: {exp: 200us}}, {io: 2ms}, {cpu: 100us}]
strategies:
  - {name: cpython, kind: threaded, threads: 8, gil: true, gil_handover: cpython}
  - {name: cpython-half, kind: threaded, threads: 8, gil: true, gil_handover: cpython, gil_requester_bias: 0.5}
  - {name: asyncio, kind: event_loop, loop_model: asyncio, offload: true, executor: 2}
  - {name: uvloop, kind: event_loop, loops: 2, loop_model: uvloop}
`

// TestRuntimeModelsJobs: the drawn hand-overs depend on the seed, the
// replication and the strategy alone: runs one at a time and two at once
// give identical results, every task's record included, and replications
// differ from one another.
func TestRuntimeModelsJobs(t *testing.T) {
	spec, err := workloads.Parse("models.yaml", []byte(runtimeModels))
	if err != nil {
		t.Fatal(err)
	}
	run := func(jobs int) *experiment.Result {
		res, err := experiment.Run(spec, experiment.Options{Jobs: jobs, Tasks: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	one, two := run(1), run(2)
	if !reflect.DeepEqual(one, two) {
		t.Error("--jobs 1 and --jobs 2 give different results")
	}
	runs := one.Strategies[0].Runs
	if reflect.DeepEqual(runs[0].Values[sim.GILWait], runs[1].Values[sim.GILWait]) {
		t.Error("two replications of the cpython hand-over waited exactly as long")
	}
}

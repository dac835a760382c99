package strategies_test

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
	"asyncsim/strategies"
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

// TestGILConvoyExample: the gil-convoy example's IO thread, whose every
// turn is the same under FIFO. It releases the GIL at r to the hog that
// waited longest and wakes at r+1ms behind the other hogs; each hog runs
// 5ms, so the IO thread gets the GIL at r+5ms × hogs (beside one hog its
// own wait, begun at r+1ms, sets the deadline: r+6ms). A turn is then
// 1ms + wait + 50us: 6.05ms, 10.05ms, 15.05ms beside one, two, three hogs.
// The first turn is shorter beside two or three: it starts at 1ms, while
// the first hog has held the GIL since 0 and the others waited since 0, so
// the IO thread, waiting from 2ms, gets the GIL at 5ms × hogs, 1ms less
// than later. Under the cpython hand-over one hog gives exactly FIFO's
// figures; beside h ≥ 2 hogs the wait is 4ms + 5ms × (K − 1), K geometric
// with q = (1 − bias)/(1 + (h − 2)(1 − bias)) (TestCPythonIOWait), so a
// turn's mean is 5ms/q + 50us, within four standard errors of the mean of 1000 turns
// (5ms·√(1−q)/q/√1000) at the default bias.
func TestGILConvoyExample(t *testing.T) {
	ex, ok := workloads.LookupExample("gil-convoy")
	if !ok {
		t.Fatal("no gil-convoy example")
	}
	for hogs, want := range map[int]float64{1: 0.00605, 2: 0.01005, 3: 0.01505} {
		yaml := strings.Replace(string(ex.YAML), "count: 2", "count: "+strconv.Itoa(hogs), 1)
		spec, err := workloads.Parse("gil-convoy.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		fifo, cpython := res.Strategies[0].Runs[0].Values, res.Strategies[1].Runs[0].Values
		first := want
		if hogs > 1 {
			first -= 0.001
		}
		for f, w := range map[sim.Metric]float64{sim.LatencyP50: want, sim.LatencyMax: want, sim.LatencyMean: (999*want + first) / 1000} {
			if math.Abs(fifo[f]-w) > 1e-12 {
				t.Errorf("%d hogs: fifo %v = %v; want %v", hogs, f, fifo[f], w)
			}
		}
		if hogs == 1 && cpython != fifo {
			t.Errorf("1 hog: cpython %v differs from fifo %v", cpython, fifo)
		}
		if hogs > 1 {
			b := strategies.DefaultRuntime.RequesterBias
			q := (1 - b) / (1 + float64(hogs-2)*(1-b))
			mean, se := 0.005/q+0.00005, 0.005*math.Sqrt(1-q)/q/math.Sqrt(1000)
			if got := cpython[sim.LatencyMean]; math.Abs(got-mean) > 4*se {
				t.Errorf("%d hogs: cpython mean latency %v; want %v ± %v", hogs, got, mean, 4*se)
			}
		}
	}
}

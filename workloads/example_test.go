package workloads_test

import (
	"fmt"

	"asyncsim/sim"
	"asyncsim/workloads"
)

func ExampleParse() {
	spec, err := workloads.Parse("sleep.yaml", []byte(`
name: sleep
machine: {cores: 4}
tasks:
  - name: request
    count: 3
    arrival: {interarrival: 10ms}
    steps:
      - cpu: 1ms
      - blocking_io: 1s
      - repeat: 2
        steps: [{cpu: 500us}, {io: 0s}]
strategies:
  - kind: blocking
  - {name: executor, kind: event_loop, offload: true}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range spec.Strategies {
		fmt.Printf("%s: %s workers=%d loops=%d executor=%d offload=%t\n",
			c.Name, c.Kind, c.Workers, c.Loops, c.Executor, c.Offload)
	}

	src := spec.Source(0)
	var t sim.Task
	for {
		if _, ok := src.Peek(); !ok {
			break
		}
		src.Next(&t)
		fmt.Println(t.Index, t.Arrival, t.Steps)
	}

	_, err = workloads.Parse("typo.yaml", []byte(`
name: typo
tasks: [{name: request, count: 1, steps: [{cpu: 1ms}]}]
strategies: [{kind: treaded}]
`))
	fmt.Println(err)
	// Output:
	// blocking: blocking workers=1 loops=0 executor=0 offload=false
	// executor: event_loop workers=0 loops=1 executor=8 offload=true
	// 0 0s [{cpu 0 1ms} {blocking_io 0 1s} {cpu 0 500µs} {cpu 0 500µs}]
	// 1 10ms [{cpu 0 1ms} {blocking_io 0 1s} {cpu 0 500µs} {cpu 0 500µs}]
	// 2 20ms [{cpu 0 1ms} {blocking_io 0 1s} {cpu 0 500µs} {cpu 0 500µs}]
	// typo.yaml:4:21: unknown strategy kind "treaded"; did you mean "threaded"?
}

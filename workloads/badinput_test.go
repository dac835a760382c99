package workloads

import (
	"strings"
	"testing"
)

// Fragments that make the rest of a workload valid.
const (
	okTasks      = "tasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\n"
	okStrategies = "strategies: [{kind: blocking}]\n"
	okRest       = okTasks + okStrategies
)

// badInputs are malformed workloads and the exact errors Parse reports.
var badInputs = []struct {
	name, yaml, want string
}{
	{"unknown field with suggestion", "name: w\ntasks:\n  - name: a\n    count: 1\n    stpes: [{cpu: 1ms}]\nstrategies: [{kind: blocking}]\n", "w.yaml:5:5: unknown field \"stpes\" in task class; did you mean \"steps\"?"},
	{"unknown field without suggestion", "name: w\ncolour: red\n" + okRest, "w.yaml:2:1: unknown field \"colour\" in workload (expected one of name, description, seed, replications, warmup, machine, runtime, resources, tasks, strategies)"},
	{"unknown top-level key case", "Name: w\n" + okRest, "w.yaml:1:1: unknown field \"Name\" in workload; did you mean \"name\"?"},
	{"unknown strategy kind", "name: w\n" + okTasks + "strategies: [{kind: event-loop}]\n", "w.yaml:3:21: unknown strategy kind \"event-loop\"; did you mean \"event_loop\"?"},
	{"unknown strategy kind far off", "name: w\n" + okTasks + "strategies: [{kind: greenlet}]\n", "w.yaml:3:21: unknown strategy kind \"greenlet\" (expected one of blocking, threaded, event_loop)"},
	{"field of another kind", "name: w\n" + okTasks + "strategies: [{kind: blocking, threads: 3}]\n", "w.yaml:3:31: field \"threads\" does not apply to kind \"blocking\" (it takes name, kind, workers, switch_cost, backlog, backlog_full)"},
	{"event_loop field on threaded", "name: w\n" + okTasks + "strategies:\n  - kind: threaded\n    offload: true\n", "w.yaml:5:5: field \"offload\" does not apply to kind \"threaded\" (it takes name, kind, threads, gil, switch_interval, gil_handover, gil_requester_bias, runtime, switch_cost, backlog, backlog_full)"},
	{"missing kind", "name: w\n" + okTasks + "strategies: [{name: s}]\n", "w.yaml:3:14: missing field \"kind\" in strategy (one of blocking, threaded, event_loop)"},
	{"duplicate key", "name: w\nname: v\n" + okRest, "w.yaml:2:1: duplicate field \"name\" (first on line 1)"},
	{"wrong type duration", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: [1ms]}]}]\n" + okStrategies, "w.yaml:2:43: expected a duration like \"5ms\" or a distribution like {exp: 5ms}, got a list"},
	{"duration got mapping-less null", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: }]}]\n" + okStrategies, "w.yaml:2:43: expected a duration like \"5ms\", got nothing"},
	{"bare number duration", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 5}]}]\n" + okStrategies, "w.yaml:2:43: duration 5 needs a unit, like 5ms or 5s"},
	{"malformed duration", "name: w\ntasks: [{name: a, count: 1, steps: [{io: 5 ms}]}]\n" + okStrategies, "w.yaml:2:42: invalid duration \"5 ms\": expected a Go duration like \"5ms\", \"1.5s\" or \"250us\""},
	{"negative duration", "name: w\ntasks: [{name: a, count: 1, steps: [{io: -1ms}]}]\n" + okStrategies, "w.yaml:2:42: duration -1ms must not be negative"},
	{"duration too long", "name: w\ntasks: [{name: a, count: 1, steps: [{io: 25h}]}]\n" + okStrategies, "w.yaml:2:42: duration 25h is longer than the maximum of 24h"},
	{"yaml syntax error", "name: w\ntasks: [{name: a\n" + okStrategies, "w.yaml:2:1: invalid YAML: did not find expected ',' or '}'"},
	{"yaml tab indentation", "name: w\ntasks:\n\t- name: a\n", "w.yaml:3:1: invalid YAML: found character that cannot start any token (a tab: YAML indentation must use spaces)"},
	{"empty document", "", "w.yaml:1:1: empty document: expected a workload with name, tasks and strategies"},
	{"comments only", "# nothing here\n", "w.yaml:1:1: empty document: expected a workload with name, tasks and strategies"},
	{"two documents", "name: w\n" + okTasks + okStrategies + "---\nname: v\n", "w.yaml:5:1: a second YAML document: a workload file holds exactly one"},
	{"not a mapping", "- name: w\n", "w.yaml:1:1: expected a workload (a mapping with name, tasks and strategies), got a list"},
	{"missing name", okRest, "w.yaml:1:1: missing field \"name\" in workload"},
	{"bad workload name", "name: Tornado Sleep\n" + okRest, "w.yaml:1:7: name \"Tornado Sleep\" must match [a-z0-9._-]+ (lowercase letters, digits, '.', '_' and '-')"},
	{"missing tasks and strategies", "name: w\n", "w.yaml:1:1: missing field \"tasks\" in workload\nw.yaml:1:1: missing field \"strategies\" in workload"},
	{"no classes", "name: w\ntasks: []\n" + okStrategies, "w.yaml:2:8: tasks must list at least one task class"},
	{"no strategies", "name: w\n" + okTasks + "strategies: []\n", "w.yaml:3:13: strategies must list at least one strategy"},
	{"zero cores", "name: w\nmachine: {cores: 0}\n" + okRest, "w.yaml:2:18: cores must be at least 1, got 0"},
	{"too many cores", "name: w\nmachine: {cores: 5000}\n" + okRest, "w.yaml:2:18: cores 5000 is too large: at most 4096"},
	{"negative seed", "name: w\nseed: -1\n" + okRest, "w.yaml:2:7: seed must be an integer between 0 and 18446744073709551615, got -1"},
	{"replications zero", "name: w\nreplications: 0\n" + okRest, "w.yaml:2:15: replications must be at least 1, got 0"},
	{"replications too many", "name: w\nreplications: 10001\n" + okRest, "w.yaml:2:15: replications 10001 is too large: at most 10000"},
	{"float count", "name: w\ntasks: [{name: a, count: 1.5, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:26: expected an integer, got the number 1.5"},
	{"zero count", "name: w\ntasks: [{name: a, count: 0, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:8: no task class sends a task: every count is 0"},
	{"zero count with a rate", "name: w\ntasks: [{name: a, count: 0, arrival: {rate: [{for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:26: count: 0 with arrival.rate sends nothing; leave count out to end the stream with the rate's last segment"},
	{"count and clients", "name: w\ntasks: [{name: a, count: 1, clients: {count: 1, requests: 1}, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:29: a task class has count (open arrivals) or clients (closed loop), not both"},
	{"neither count nor clients", "name: w\ntasks: [{name: a, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:9: task class \"a\" needs count (open arrivals) or clients (closed loop)"},
	{"interarrival with clients", "name: w\ntasks:\n  - name: a\n    clients: {count: 2, requests: 3}\n    arrival: {start: 1s, interarrival: 5ms}\n    steps: [{cpu: 1ms}]\n" + okStrategies, "w.yaml:5:26: interarrival does not apply to clients: each client sends its next request its think time after the previous one completes"},
	{"clients missing requests", "name: w\ntasks: [{name: a, clients: {count: 2}, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:28: missing field \"requests\" in clients"},
	{"too many clients", "name: w\ntasks: [{name: a, clients: {count: 1000001, requests: 1}, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:36: clients count 1000001 is too large: at most 1000000 clients per class"},
	{"too many tasks in total", "name: w\ntasks:\n  - {name: a, count: 600000000, steps: [{cpu: 1ns}]}\n  - {name: b, clients: {count: 1000, requests: 500000}, steps: [{cpu: 1ns}]}\n" + okStrategies, "w.yaml:4:5: too many tasks: the task classes up to \"b\" add up to 1100000000 tasks per replication, more than 1000000000"},
	{"count too large", "name: w\ntasks: [{name: a, count: 1000000001, steps: [{cpu: 1ns}]}]\n" + okStrategies, "w.yaml:2:26: count 1000000001 is too large: at most 1000000000 tasks per replication"},
	{"empty steps", "name: w\ntasks: [{name: a, count: 1, steps: []}]\n" + okStrategies, "w.yaml:2:36: steps must not be empty"},
	{"missing steps", "name: w\ntasks: [{name: a, count: 1}]\n" + okStrategies, "w.yaml:2:9: missing field \"steps\" in task class"},
	{"two kinds in a step", "name: w\ntasks:\n  - name: a\n    count: 1\n    steps:\n      - cpu: 1ms\n        io: 2ms\n" + okStrategies, "w.yaml:7:9: a step is exactly one of cpu, io, blocking_io, repeat, hold or gather, not both cpu and io"},
	{"empty step", "name: w\ntasks: [{name: a, count: 1, steps: [{}]}]\n" + okStrategies, "w.yaml:2:37: a step needs one of cpu, io, blocking_io, repeat, hold or gather"},
	{"step is a string", "name: w\ntasks: [{name: a, count: 1, steps: [cpu 1ms]}]\n" + okStrategies, "w.yaml:2:37: expected a step like {cpu: 1ms}, got \"cpu 1ms\""},
	{"repeat without steps", "name: w\ntasks: [{name: a, count: 1, steps: [{repeat: 3}]}]\n" + okStrategies, "w.yaml:2:38: repeat needs steps: write {repeat: N, steps: [...]}"},
	{"steps without repeat", "name: w\ntasks: [{name: a, count: 1, steps: [{steps: [{cpu: 1ms}]}]}]\n" + okStrategies, "w.yaml:2:38: steps needs repeat or hold: write {repeat: N, steps: [...]} or {hold: RESOURCE, steps: [...]}"},
	{"steps with cpu", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms, steps: [{cpu: 1ms}]}]}]\n" + okStrategies, "w.yaml:2:48: steps only goes with repeat or hold, not with cpu"},
	{"repeat zero", "name: w\ntasks: [{name: a, count: 1, steps: [{repeat: 0, steps: [{cpu: 1ms}]}]}]\n" + okStrategies, "w.yaml:2:46: repeat must be at least 1, got 0"},
	{"repeat with empty steps", "name: w\ntasks: [{name: a, count: 1, steps: [{repeat: 2, steps: []}]}]\n" + okStrategies, "w.yaml:2:56: steps must not be empty"},
	{"too many expanded steps", "name: w\ntasks: [{name: a, count: 1, steps: [{repeat: 1000, steps: [{repeat: 1001, steps: [{cpu: 1ns}]}]}]}]\n" + okStrategies, "w.yaml:2:36: a task of class \"a\" has more than 1000000 steps once repeats and gathers are expanded"},
	{"misspelled step kind", "name: w\ntasks: [{name: a, count: 1, steps: [{blockingio: 1s}]}]\n" + okStrategies, "w.yaml:2:38: unknown field \"blockingio\" in step; did you mean \"blocking_io\"?"},
	{"duplicate class names", "name: w\ntasks:\n  - {name: a, count: 1, steps: [{cpu: 1ms}]}\n  - {name: a, count: 2, steps: [{cpu: 1ms}]}\n" + okStrategies, "w.yaml:4:12: duplicate task class name \"a\" (first on line 3)"},
	{"duplicate strategy names", "name: w\n" + okTasks + "strategies:\n  - {name: s, kind: blocking}\n  - {name: s, kind: threaded}\n", "w.yaml:5:12: duplicate strategy name \"s\" (first on line 4)"},
	{"duplicate default strategy names", "name: w\n" + okTasks + "strategies:\n  - kind: event_loop\n  - kind: event_loop\n    offload: true\n", "w.yaml:5:5: duplicate strategy name \"event_loop\" (first on line 4); the name defaults to the kind: give each a name"},
	{"bad class name", "name: w\ntasks: [{name: a b, count: 1, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:16: task class name \"a b\" must not contain spaces, control characters, '/' or '\\'"},
	{"exp mean zero", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {exp: 0s}}]}]\n" + okStrategies, "w.yaml:2:48: exp mean must be positive"},
	{"unknown distribution", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {expo: 1ms}}]}]\n" + okStrategies, "w.yaml:2:43: unknown distribution \"expo\"; did you mean \"exp\"?"},
	{"two distributions", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {exp: 1ms, uniform: [1ms, 2ms]}}]}]\n" + okStrategies, "w.yaml:2:53: a distribution has one family, not both exp and uniform"},
	{"uniform min above max", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {uniform: [3ms, 1ms]}}]}]\n" + okStrategies, "w.yaml:2:52: uniform min 3ms is greater than max 1ms"},
	{"uniform one value", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {uniform: [3ms]}}]}]\n" + okStrategies, "w.yaml:2:52: uniform takes [MIN, MAX], got 1 value"},
	{"normal negative stddev", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {normal: {mean: 5ms, stddev: -1ms}}}]}]\n" + okStrategies, "w.yaml:2:71: duration -1ms must not be negative"},
	{"normal missing stddev", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {normal: {mean: 5ms}}}]}]\n" + okStrategies, "w.yaml:2:51: missing field \"stddev\" in normal distribution"},
	{"lognormal negative sigma", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {lognormal: {median: 5ms, sigma: -0.5}}}]}]\n" + okStrategies, "w.yaml:2:75: sigma must not be negative, got -0.5"},
	{"lognormal infinite sigma", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {lognormal: {median: 5ms, sigma: .inf}}}]}]\n" + okStrategies, "w.yaml:2:75: sigma must be a finite number, got .inf"},
	{"pareto zero alpha", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {pareto: {min: 1ms, alpha: 0}}}]}]\n" + okStrategies, "w.yaml:2:69: alpha must be positive, got 0"},
	{"pareto zero min", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {pareto: {min: 0s, alpha: 2}}}]}]\n" + okStrategies, "w.yaml:2:57: pareto min must be positive"},
	{"empty choice", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {choice: []}}]}]\n" + okStrategies, "w.yaml:2:51: choice takes a non-empty list like [{value: 1ms, weight: 3}, {value: 10ms, weight: 1}], got an empty list"},
	{"negative weight", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {choice: [{value: 1ms, weight: -1}]}}]}]\n" + okStrategies, "w.yaml:2:73: weight must not be negative, got -1"},
	{"all-zero weights", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {choice: [{value: 1ms, weight: 0}, {value: 2ms, weight: 0}]}}]}]\n" + okStrategies, "w.yaml:2:51: choice weights must not all be zero"},
	{"nan weight", "name: w\ntasks: [{name: a, count: 1, steps: [{io: {choice: [{value: 1ms, weight: .nan}]}}]}]\n" + okStrategies, "w.yaml:2:73: weight must be a finite number, got .nan"},
	{"workers zero", "name: w\n" + okTasks + "strategies: [{kind: blocking, workers: 0}]\n", "w.yaml:3:40: workers must be at least 1, got 0"},
	{"threads negative", "name: w\n" + okTasks + "strategies: [{kind: threaded, threads: -1}]\n", "w.yaml:3:40: threads must not be negative, got -1"},
	{"threads too many", "name: w\n" + okTasks + "strategies: [{kind: threaded, threads: 1000001}]\n", "w.yaml:3:40: threads 1000001 is too large: at most 1000000"},
	{"executor zero", "name: w\n" + okTasks + "strategies: [{kind: event_loop, executor: 0}]\n", "w.yaml:3:43: executor must be at least 1, got 0"},
	{"loops too many", "name: w\n" + okTasks + "strategies: [{kind: event_loop, loops: 2000000}]\n", "w.yaml:3:40: loops 2000000 is too large: at most 1000000"},
	{"max_concurrency negative", "name: w\n" + okTasks + "strategies: [{kind: event_loop, max_concurrency: -1}]\n", "w.yaml:3:50: max_concurrency must not be negative, got -1"},
	{"switch_interval zero", "name: w\n" + okTasks + "strategies: [{kind: threaded, gil: true, switch_interval: 0s}]\n", "w.yaml:3:59: switch_interval must be at least 1us (CPython's resolution), got 0s"},
	{"switch_interval below 1us", "name: w\n" + okTasks + "strategies: [{kind: threaded, switch_interval: 999ns}]\n", "w.yaml:3:48: switch_interval must be at least 1us (CPython's resolution), got 999ns"},
	{"switch_cost not below switch_interval", "name: w\n" + okTasks + "strategies: [{kind: threaded, gil: true, switch_interval: 1ms, switch_cost: 1ms}]\n", "w.yaml:3:77: switch_cost 1ms must be shorter than switch_interval 1ms: a thread could spend its whole turn with the GIL switching"},
	{"too many steps", "name: w\ntasks: [{name: a, count: 100000, steps: [{repeat: 1000000, steps: [{cpu: 1ns}]}]}]\n" + okStrategies, "w.yaml:2:8: too many steps to simulate: 100000000000 per replication (tasks × steps, repeats expanded), more than 10000000000"},
	{"too many GIL hand-overs", "name: w\ntasks: [{name: a, count: 200, steps: [{cpu: 24h}]}]\nstrategies: [{kind: threaded}, {kind: threaded, name: g, gil: true, switch_interval: 1us}]\n", "w.yaml:3:32: switch_interval 1µs is too short for this workload: the GIL could change hands about 1.73e+13 times per replication, more than 10000000000"},
	{"too many executor threads", "name: w\n" + okTasks + "strategies: [{kind: event_loop, loops: 1000, executor: 1001, offload: true}]\n", "w.yaml:3:14: loops × executor is 1001000 threads, more than 1000000: use fewer loops or a smaller executor"},
	{"gil not a boolean", "name: w\n" + okTasks + "strategies: [{kind: threaded, gil: yes}]\n", "w.yaml:3:36: expected true or false, got \"yes\""},
	{"await_blocking not a boolean", "name: w\n" + okTasks + "strategies: [{kind: event_loop, await_blocking: 1}]\n", "w.yaml:3:49: expected true or false, got the number 1"},
	{"negative switch_cost", "name: w\n" + okTasks + "strategies: [{kind: blocking, switch_cost: -1us}]\n", "w.yaml:3:44: duration -1us must not be negative"},
	{"warmup bare number", "name: w\nwarmup: 10\n" + okRest, "w.yaml:2:9: duration 10 needs a unit, like 10ms or 10s"},
	{"task list is a mapping", "name: w\ntasks: {name: a}\n" + okStrategies, "w.yaml:2:8: expected a list of task classes, got a mapping"},
	{"unresolvable horizon", "name: w\ntasks: [{name: a, count: 1000000, steps: [{repeat: 1000, steps: [{cpu: 24h}]}]}]\n" + okStrategies, "w.yaml:2:8: the workload would span about 2739726 years of virtual time (estimated from mean durations); at most 10 years can be simulated"},
	{"nested repeats too deep", "name: w\ntasks: [{name: a, count: 1, steps: &s [{repeat: 1, steps: *s}]}]\n" + okStrategies, "w.yaml:2:36: repeat blocks nested more than 64 deep"},
	// A bare number is not a duration, not even 0, and not even quoted
	// (issue 12, point 16).
	{"bare zero duration", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 0}]}]\n" + okStrategies, "w.yaml:2:43: duration 0 needs a unit, like 0ms or 0s"},
	{"quoted bare zero duration", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: '0'}]}]\n" + okStrategies, "w.yaml:2:43: duration 0 needs a unit, like 0ms or 0s"},
	{"quoted bare number duration", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: \"5\"}]}]\n" + okStrategies, "w.yaml:2:43: duration 5 needs a unit, like 5ms or 5s"},
	// Names are limited in bytes, not characters (issue 12, point 14):
	// 34 three-byte characters are 102 bytes.
	{"strategy name too long in bytes", "name: w\n" + okTasks + "strategies: [{kind: blocking, name: " + strings.Repeat("中", 34) + "}]\n", "w.yaml:3:37: strategy name is longer than 100 bytes"},
	{"class name too long in bytes", "name: w\ntasks: [{name: " + strings.Repeat("é", 51) + ", count: 1, steps: [{cpu: 1ms}]}]\n" + okStrategies, "w.yaml:2:16: task class name is longer than 100 bytes"},
	{"workload name too long", "name: " + strings.Repeat("a", 101) + "\n" + okRest, "w.yaml:1:7: name is longer than 100 bytes"},
	// A key dedented to the level of the list's dashes is reported where
	// it is, not where the list began (issue 12, point 17).
	{"dedented steps", "name: w\ntasks:\n  - name: a\n    count: 1\n  steps:\n    - cpu: 1ms\n" + okStrategies, "w.yaml:5:3: invalid YAML: did not find expected '-' indicator"},
	{"tab in nested indentation", "name: w\ntasks:\n  - name: a\n\t count: 1\n", "w.yaml:4:1: invalid YAML: found a tab character that violates indentation (YAML indentation must use spaces)"},
	// Services (issue 13): resources and holds, full queues, clients that
	// give up, changing load.
	{"hold of an unknown resource with suggestion", "name: w\nresources: [{name: db, capacity: 5}]\ntasks: [{name: a, count: 1, steps: [{hold: dbb, steps: [{io: 1ms}]}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:3:44: unknown resource \"dbb\"; did you mean \"db\"?"},
	{"hold of an undeclared resource", "name: w\ntasks: [{name: a, count: 1, steps: [{hold: db, steps: [{io: 1ms}]}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:44: unknown resource \"db\": declare it in the top-level resources list, like resources: [{name: db, capacity: 5}]"},
	{"resource capacity zero", "name: w\nresources: [{name: db, capacity: 0}]\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:34: capacity must be at least 1, got 0"},
	{"resource missing capacity", "name: w\nresources: [{name: db}]\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:13: missing field \"capacity\" in resource"},
	{"resource scope misspelt", "name: w\nresources: [{name: db, capacity: 5, scope: proces}]\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:44: unknown scope \"proces\"; did you mean \"process\"?"},
	{"hold without steps", "name: w\nresources: [{name: db, capacity: 5}]\ntasks: [{name: a, count: 1, steps: [{hold: db}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:3:38: hold needs steps: write {hold: db, steps: [...]}"},
	{"hold with empty steps", "name: w\nresources: [{name: db, capacity: 5}]\ntasks: [{name: a, count: 1, steps: [{hold: db, steps: []}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:3:55: steps must not be empty"},
	{"resource nested in itself", "name: w\nresources: [{name: db, capacity: 5}]\ntasks:\n  - name: a\n    count: 1\n    steps:\n      - hold: db\n        steps:\n          - repeat: 2\n            steps: [{hold: db, steps: [{io: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:10:28: resource \"db\" is nested in itself: the hold on line 7 holds it already (a hold takes one unit; nest holds of different resources)"},
	{"duplicate resource names", "name: w\nresources:\n  - {name: db, capacity: 5}\n  - {name: db, capacity: 2}\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:4:12: duplicate resource name \"db\" (first on line 3)"},
	{"bad resource name", "name: w\nresources: [{name: DB pool, capacity: 5}]\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:20: resource name \"DB pool\" must match [a-z0-9._-]+ (lowercase letters, digits, '.', '_' and '-')"},
	{"resources not a list", "name: w\nresources: {name: db, capacity: 5}\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:12: expected a list of resources like [{name: db, capacity: 5}], got a mapping"},
	{"hold and cpu in one step", "name: w\nresources: [{name: db, capacity: 5}]\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms, hold: db, steps: [{io: 1ms}]}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:3:48: a step is exactly one of cpu, io, blocking_io, repeat, hold or gather, not both cpu and hold"},
	{"backlog on event_loop without max_concurrency", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: event_loop, backlog: 10}]\n", "w.yaml:3:42: backlog needs max_concurrency > 0 under event_loop: without a cap on the coroutines in flight, no task ever waits for admission"},
	{"negative backlog", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking, backlog: -1}]\n", "w.yaml:3:40: backlog must not be negative, got -1"},
	{"backlog with a thread per task", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: threaded, threads: 0, backlog: 4}]\n", "w.yaml:3:52: backlog has no effect with threads: 0 (a thread per task): no task ever waits for a thread"},
	{"backlog_full without backlog", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking, backlog_full: syn_retry}]\n", "w.yaml:3:45: backlog_full has no effect without backlog: the queue is unlimited, nothing is ever refused"},
	{"backlog_full misspelt", "name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking, backlog: 1, backlog_full: syn-retry}]\n", "w.yaml:3:57: unknown backlog_full \"syn-retry\"; did you mean \"syn_retry\"?"},
	{"negative retries", "name: w\ntasks: [{name: a, count: 1, timeout: 1s, retries: -1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:51: retries must not be negative, got -1"},
	{"backoff without retries", "name: w\ntasks: [{name: a, count: 1, timeout: 1s, backoff: {exp: 100ms}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:42: backoff has no effect without retries: it is the wait before a retry (with retries: 0 it is ignored)"},
	{"retries without timeout or backlog", "name: w\ntasks: [{name: a, count: 1, retries: 2, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:29: retries has no effect without a timeout: no strategy has a backlog, so no attempt is ever given up or rejected (give the class a timeout)"},
	{"timeout zero", "name: w\ntasks: [{name: a, count: 1, timeout: 0s, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:38: timeout must be positive, got 0s (leave it out to wait forever)"},
	{"timeout negative", "name: w\ntasks: [{name: a, count: 1, timeout: -500ms, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:38: duration -500ms must not be negative"},
	{"rate segment without for", "name: w\ntasks: [{name: a, arrival: {rate: [{per_second: 100}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:36: missing field \"for\" in rate segment"},
	{"rate segment negative per_second", "name: w\ntasks: [{name: a, arrival: {rate: [{for: 10s, per_second: -5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:59: per_second must not be negative, got -5"},
	{"rate segment for zero", "name: w\ntasks: [{name: a, arrival: {rate: [{for: 0s, per_second: 5}, {for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:42: for must be positive, got 0s"},
	{"rate with interarrival", "name: w\ntasks: [{name: a, count: 5, arrival: {interarrival: 1ms, rate: [{for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:58: arrival takes one of interarrival, per_second, rate or trace, not both interarrival and rate"},
	{"rate with per_second", "name: w\ntasks: [{name: a, count: 5, arrival: {per_second: 5, rate: [{for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:54: arrival takes one of interarrival, per_second, rate or trace, not both per_second and rate"},
	{"rate with clients", "name: w\ntasks: [{name: a, clients: {count: 2, requests: 3}, arrival: {rate: [{for: 1s, per_second: 5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:63: rate does not apply to clients: each client sends its next request its think time after the previous one completes"},
	{"all-zero rate", "name: w\ntasks: [{name: a, arrival: {rate: [{for: 10s, per_second: 0}, {for: 5s, per_second: 0}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:35: every segment of rate has per_second 0: no task would ever arrive"},
	{"empty rate", "name: w\ntasks: [{name: a, arrival: {rate: []}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:35: rate must list at least one segment like {for: 60s, per_second: 100}"},
	{"per_second zero", "name: w\ntasks: [{name: a, count: 5, arrival: {per_second: 0}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:51: per_second must be positive, got 0 (a pause is a segment of rate: [{for: 10s, per_second: 0}])"},
	{"per_second too large", "name: w\ntasks: [{name: a, count: 5, arrival: {per_second: 2e9}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:51: per_second 2e+09 is too large: at most 1e+09 (a mean gap of 1ns)"},
	{"per_second not a number", "name: w\ntasks: [{name: a, count: 5, arrival: {per_second: 10/s}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:51: expected a number, got \"10/s\""},
	{"rate segment misspelt key", "name: w\ntasks: [{name: a, arrival: {rate: [{for: 10s, per_sec: 5}]}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:47: unknown field \"per_sec\" in rate segment; did you mean \"per_second\"?"},
	{"per_second without count", "name: w\ntasks: [{name: a, arrival: {per_second: 5}, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n", "w.yaml:2:9: task class \"a\" needs count (open arrivals) or clients (closed loop)"},
	// 3000 tasks of a day of CPU: 8.2 years one after the other, 16.4
	// when every request may be sent twice.
	{"horizon with retries", "name: w\ntasks: [{name: a, count: 3000, timeout: 1s, retries: 1, steps: [{cpu: 24h}]}]\n" + okStrategies, "w.yaml:2:8: the workload would span about 16.4 years of virtual time (estimated from mean durations); at most 10 years can be simulated"},
	{"too many errors", "name: w\ntasks:\n" + strings.Repeat("  - {name: a, count: -1, steps: []}\n", 6) + okStrategies, "w.yaml:3:22: count must not be negative, got -1\nw.yaml:3:33: steps must not be empty\nw.yaml:4:22: count must not be negative, got -1\nw.yaml:4:33: steps must not be empty\nw.yaml:5:22: count must not be negative, got -1\nw.yaml:5:33: steps must not be empty\nw.yaml:6:22: count must not be negative, got -1\nw.yaml:6:33: steps must not be empty\nw.yaml:7:22: count must not be negative, got -1\nw.yaml:7:33: steps must not be empty\nw.yaml:8:22: too many errors"},
}

func TestParseBadInput(t *testing.T) {
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("w.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, nil; want error %q", tc.yaml, s, tc.want)
			}
			if s != nil {
				t.Errorf("Parse(%q) returned a Spec along with an error", tc.yaml)
			}
			if _, ok := err.(ErrorList); !ok {
				t.Errorf("Parse(%q) error is %T; want ErrorList", tc.yaml, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse(%q) error =\n%s\nwant\n%s", tc.yaml, got, tc.want)
			}
		})
	}
}

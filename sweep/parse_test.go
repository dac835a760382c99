package sweep

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// base is a small workload that test sweeps vary.
const base = `name: base
seed: 3
machine: {cores: 2}
tasks:
  - name: request
    count: 20
    arrival: {interarrival: {exp: 5ms}}
    steps:
      - cpu: 1ms
      - blocking_io: 10ms
      - cpu: {exp: 500us}
  - name: batch
    count: 3
    steps: [{cpu: 2ms}]
strategies:
  - {name: threads, kind: threaded, threads: 4}
  - {kind: blocking, workers: 2}
  - {name: asyncio.sleep, kind: event_loop, await_blocking: true}
`

// parseSweep writes base.yaml and the sweep file src into a temporary
// folder and parses the sweep.
func parseSweep(t testing.TB, src string) (*Sweep, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		// Make messages independent of the temporary folder.
		return nil, errorString{strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")}
	}
	return s, nil
}

type errorString struct{ s string }

func (e errorString) Error() string { return e.s }

func mustParse(t testing.TB, src string) *Sweep {
	t.Helper()
	s, err := parseSweep(t, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

func TestGridIsCartesianProduct(t *testing.T) {
	s := mustParse(t, `
workload: base.yaml
vary:
  - path: strategies.threads.threads
    values: [1, 2, 8]
  - path: tasks.request.count
    values: [10, 30]
`)
	if len(s.Points) != 6 {
		t.Fatalf("%d points; want 3 × 2 = 6", len(s.Points))
	}
	want := [][]string{{"1", "10"}, {"1", "30"}, {"2", "10"}, {"2", "30"}, {"8", "10"}, {"8", "30"}}
	for i, pt := range s.Points {
		if pt.Index != i || !slices.Equal(pt.Values, want[i]) {
			t.Errorf("point %d = %d %v; want %d %v (the first parameter varies slowest)", i, pt.Index, pt.Values, i, want[i])
		}
		th := pt.Spec.Strategies[0].Threads
		count := pt.Spec.Classes[0].Count
		if got := []string{strconv.Itoa(th), strconv.Itoa(count)}; !slices.Equal(got, want[i]) {
			t.Errorf("point %d: threads %d, count %d; want %v", i, th, count, want[i])
		}
		if pt.Spec.Classes[1].Count != 3 || pt.Spec.Strategies[1].Workers != 2 {
			t.Errorf("point %d changed what it does not vary", i)
		}
	}
	if s.Replications != 1 || s.Workload != "base" || s.Plot.X != "strategies.threads.threads" || !slices.Equal(s.Plot.Y, DefaultY) {
		t.Errorf("defaults: replications %d, workload %q, plot %+v", s.Replications, s.Workload, s.Plot)
	}
	if want := []string{"strategies.threads.threads", "tasks.request.count", "strategy", "kind", "tasks", "makespan_s"}; !slices.Equal(s.Columns()[:6], want) {
		t.Errorf("Columns() = %v...; want %v...", s.Columns()[:6], want)
	}
}

func TestZipPairsValues(t *testing.T) {
	s := mustParse(t, `
workload: base.yaml
zip: true
replications: 4
vary:
  - path: strategies.threads.threads
    values: [1, 2, 8]
  - path: tasks.request.count
    values: [10, 30, 50]
`)
	want := [][]string{{"1", "10"}, {"2", "30"}, {"8", "50"}}
	if len(s.Points) != 3 {
		t.Fatalf("%d points; want 3", len(s.Points))
	}
	for i, pt := range s.Points {
		if !slices.Equal(pt.Values, want[i]) {
			t.Errorf("point %d = %v; want %v", i, pt.Values, want[i])
		}
		if pt.Spec.Replications != 4 {
			t.Errorf("point %d: replications %d; want the sweep's 4", i, pt.Spec.Replications)
		}
	}
}

func TestPathAddressing(t *testing.T) {
	s := mustParse(t, `
workload: base.yaml
vary:
  - path: strategies.blocking.workers          # a strategy without a name, by its kind
    values: [3]
  - path: strategies.asyncio.sleep.loops       # a name with a dot
    values: [2]
  - path: tasks.0.steps.1.blocking_io           # indexes
    values: [25ms]
  - path: tasks.request.arrival.interarrival    # a mapping value
    values: [{uniform: [1ms, 3ms]}]
  - path: strategies.threads.gil                # a field the workload leaves at its default
    values: [true]
  - path: strategies.threads.switch_interval
    values: [2ms]
  - path: tasks.batch.arrival.start             # a mapping the workload lacks
    values: [50ms]
`)
	if len(s.Points) != 1 {
		t.Fatalf("%d points; want 1", len(s.Points))
	}
	spec := s.Points[0].Spec
	if w := spec.Strategies[1].Workers; w != 3 {
		t.Errorf("blocking workers = %d; want 3", w)
	}
	if l := spec.Strategies[2].Loops; l != 2 {
		t.Errorf("asyncio.sleep loops = %d; want 2", l)
	}
	if d := spec.Classes[0].Steps[1].Dur.Mean(); d != float64(25*sim.Millisecond) {
		t.Errorf("blocking_io = %v ns; want 25ms", d)
	}
	if d := spec.Classes[0].Interarrival.Mean(); d != float64(2*sim.Millisecond) {
		t.Errorf("interarrival mean = %v ns; want 2ms", d)
	}
	th := spec.Strategies[0]
	if th.Kind != strategies.KindThreaded || !th.GIL || th.SwitchInterval != 2*sim.Millisecond {
		t.Errorf("threads = %+v; want gil with a 2ms switch interval", th)
	}
	if spec.Classes[1].Start != 50*sim.Millisecond {
		t.Errorf("batch start = %v; want 50ms", spec.Classes[1].Start)
	}
	if got, want := s.Points[0].Values[3], "{uniform: [1ms, 3ms]}"; got != want {
		t.Errorf("mapping value renders as %q; want %q", got, want)
	}
}

func TestEmbeddedAndInlineWorkloads(t *testing.T) {
	s := mustParse(t, `
workload: tornado
vary: [{path: strategies.run_on_executor.executor, values: [1, 5]}]
`)
	if s.WorkloadFile != "example:tornado" || s.Points[1].Spec.Strategies[2].Executor != 5 {
		t.Errorf("embedded workload: file %q, executor %d", s.WorkloadFile, s.Points[1].Spec.Strategies[2].Executor)
	}
	s = mustParse(t, `
workload:
  name: inline
  tasks: [{name: t, count: 2, steps: [{cpu: 1ms}]}]
  strategies: [{kind: blocking}]
vary: [{path: machine.cores, values: [1, 2]}]
`)
	if s.Workload != "inline" || s.Points[1].Spec.Cores != 2 {
		t.Errorf("inline workload: name %q, cores %d", s.Workload, s.Points[1].Spec.Cores)
	}
}

func TestHash(t *testing.T) {
	src := `
workload: base.yaml
vary: [{path: strategies.threads.threads, values: [1, 2]}]
plot: {y: [latency_p99_s]}
`
	a := mustParse(t, src)
	b := mustParse(t, "# a comment\n"+strings.Replace(src, "latency_p99_s", "makespan_s", 1))
	if a.Hash != b.Hash || !strings.HasPrefix(a.Hash, "sha256:") || len(a.Hash) != 71 {
		t.Errorf("comments and plot changed the hash: %s, %s", a.Hash, b.Hash)
	}
	for _, other := range []string{
		strings.Replace(src, "[1, 2]", "[1, 3]", 1),
		strings.Replace(src, "vary:", "replications: 2\nvary:", 1),
		strings.Replace(src, "base.yaml", "tornado", 1),
	} {
		if c, err := parseSweep(t, other); err == nil && c.Hash == a.Hash {
			t.Errorf("a different sweep has the same hash:\n%s", other)
		}
	}
}

// TestBadSweeps checks that every problem is reported at its file, line
// and column, naming the point and the path, with a suggestion where one
// helps.
func TestBadSweeps(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown strategy name",
			"workload: base.yaml\nvary:\n  - path: tasks.request.count\n    values: [1]\n  - path: strategies.thread.threads\n    values: [1]\n",
			`sweep.yaml:5:11: vary[1].path "strategies.thread.threads": no strategy named "thread"; did you mean "threads"?`},
		{"unknown class name",
			"workload: base.yaml\nvary: [{path: tasks.reqest.count, values: [1]}]\n",
			`sweep.yaml:2:15: vary[0].path "tasks.reqest.count": no task class named "reqest"; did you mean "request"?`},
		{"index out of range",
			"workload: base.yaml\nvary: [{path: tasks.request.steps.7.cpu, values: [1ms]}]\n",
			`no step at index 7 in steps (it has 3, from 0)`},
		{"path into a scalar",
			"workload: base.yaml\nvary: [{path: tasks.request.count.max, values: [1]}]\n",
			`count is the number 20, which has no field "max"`},
		{"misspelt field, added by the path",
			"workload: base.yaml\nvary: [{path: tasks.request.arival.interarrival, values: [1ms]}]\n",
			`sweep.yaml:2:15: point 0 (tasks.request.arival.interarrival=1ms): unknown field "arival" in task class; did you mean "arrival"?`},
		{"bad value at one point",
			"workload: base.yaml\nvary:\n  - path: strategies.threads.threads\n    values: [1, -2]\n",
			`sweep.yaml:4:17: point 1 (strategies.threads.threads=-2): threads must not be negative, got -2`},
		{"value of the wrong type",
			"workload: base.yaml\nvary:\n  - path: tasks.request.steps.0.cpu\n    values: [1ms, 5]\n",
			`sweep.yaml:4:19: point 1 (tasks.request.steps.0.cpu=5): `},
		{"unknown sweep field",
			"workload: base.yaml\nvray: []\n",
			`sweep.yaml:2:1: unknown field "vray" in sweep; did you mean "vary"?`},
		{"missing vary",
			"workload: base.yaml\n",
			`sweep.yaml:1:1: missing field "vary"`},
		{"missing workload",
			"vary: [{path: seed, values: [1]}]\n",
			`missing field "workload"`},
		{"no such workload",
			"workload: tornadoo\nvary: [{path: seed, values: [1]}]\n",
			`sweep.yaml:1:11: workload "tornadoo": no file tornadoo, and no example of that name; did you mean "tornado"?`},
		{"empty values",
			"workload: base.yaml\nvary: [{path: seed, values: []}]\n",
			`sweep.yaml:2:29: vary[0].values: expected a non-empty list of values`},
		{"duplicate value",
			"workload: base.yaml\nvary: [{path: seed, values: [1, 2, 1]}]\n",
			`vary[0].values[2]: 1 is also values[0]`},
		{"zip lengths",
			"workload: base.yaml\nzip: true\nvary:\n  - {path: seed, values: [1, 2]}\n  - {path: tasks.request.count, values: [1, 2, 3]}\n",
			`sweep.yaml:5:41: vary[1].values has 3 values but vary[0].values has 2: zip pairs them one to one`},
		{"duplicate path",
			"workload: base.yaml\nvary:\n  - {path: seed, values: [1]}\n  - {path: seed, values: [2]}\n",
			`vary[1].path "seed" is also vary[0].path`},
		{"overlapping paths",
			"workload: base.yaml\nvary:\n  - {path: strategies.threads, values: [{kind: blocking}]}\n  - {path: strategies.threads.threads, values: [2]}\n",
			`overlaps vary[0].path`},
		{"replications varied",
			"workload: base.yaml\nvary: [{path: replications, values: [1, 2]}]\n",
			`"replications" cannot be varied`},
		{"empty path segment",
			"workload: base.yaml\nvary: [{path: tasks..count, values: [1]}]\n",
			`has an empty segment`},
		{"plot x not varied",
			"workload: base.yaml\nvary: [{path: seed, values: [1]}]\nplot: {x: sed}\n",
			`sweep.yaml:3:11: plot.x "sed" is not a varied path; did you mean "seed"?`},
		{"plot y unknown metric",
			"workload: base.yaml\nvary: [{path: seed, values: [1]}]\nplot: {y: [latency_p99s]}\n",
			`sweep.yaml:3:12: plot.y: unknown metric "latency_p99s"; did you mean "latency_p99_s"?`},
		{"plot y of a resource the workload lacks",
			"workload: base.yaml\nvary: [{path: seed, values: [1]}]\nplot: {y: [makespan_s, resource.db.utilization]}\n",
			`sweep.yaml:3:24: plot.y: unknown metric "resource.db.utilization": the workload declares no resources`},
		{"log x of names",
			"workload: base.yaml\nvary: [{path: strategies.threads.kind, values: [threaded, blocking]}]\nplot: {log_x: true}\n",
			`plot.log_x: value threaded of strategies.threads.kind`},
		{"replications out of range",
			"workload: base.yaml\nreplications: 0\nvary: [{path: seed, values: [1]}]\n",
			`sweep.yaml:2:15: replications must be an integer from 1 to`},
		{"YAML syntax",
			"workload: base.yaml\nvary: [{path: seed, values: [1]}\n",
			`sweep.yaml:2:1: invalid YAML`},
		{"empty file", "", `sweep.yaml:1:1: empty document`},
		// One field under two spellings (issue 12, point 3): by name and
		// by index, and by a kind (the default name) and by index.
		{"same field by name and index",
			"workload: base.yaml\nvary:\n  - {path: strategies.threads.threads, values: [1, 2]}\n  - {path: strategies.0.threads, values: [3, 4]}\n",
			`sweep.yaml:4:12: vary[1].path "strategies.0.threads" names the same field as vary[0].path "strategies.threads.threads" (line 3, column 12): vary it once`},
		{"same field by kind and index",
			"workload: base.yaml\nvary:\n  - {path: strategies.1.workers, values: [1, 2]}\n  - {path: strategies.blocking.workers, values: [3]}\n",
			`sweep.yaml:4:12: vary[1].path "strategies.blocking.workers" names the same field as vary[0].path "strategies.1.workers" (line 3, column 12): vary it once`},
		{"field inside a varied item, by another spelling",
			"workload: base.yaml\nvary:\n  - {path: tasks.0, values: [{name: x, count: 1, steps: [{cpu: 1ms}]}]}\n  - {path: tasks.request.count, values: [3]}\n",
			`sweep.yaml:4:12: vary[1].path "tasks.request.count" overlaps vary[0].path "tasks.0" (line 3, column 12): one would overwrite the other`},
		// A long value is cut at a character, never inside one.
		{"long multi-byte value",
			"workload: base.yaml\nvary: [{path: seed, values: [1]}]\nzip: " + strings.Repeat("€", 50) + "\n",
			`sweep.yaml:3:6: zip: expected true or false, got "` + strings.Repeat("€", 40) + `..."`},
		{"empty list of values",
			"workload: base.yaml\nvary: [{path: seed, values: []}]\n",
			`vary[0].values: expected a non-empty list of values, got an empty list`},
		{"base workload a FIFO or device",
			"workload: /dev/null\nvary: [{path: seed, values: [1]}]\n",
			`sweep.yaml:1:11: workload "/dev/null": is a device, not a regular file`},
		// A file name never falls back to an example (issue 12, point 8).
		{"file name of an example",
			"workload: gil.yaml\nvary: [{path: seed, values: [1]}]\n",
			`sweep.yaml:1:11: workload "gil.yaml": no file gil.yaml (the example of that name is gil, without .yaml)`},
	}
	for _, tt := range tests {
		_, err := parseSweep(t, tt.src)
		if err == nil {
			t.Errorf("%s: parsed without error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error\n  %v\nwant it to contain\n  %s", tt.name, err, tt.want)
		}
	}
}

// TestErrorsSorted: a sweep file's errors come in order of position, as
// a workload's do.
func TestErrorsSorted(t *testing.T) {
	_, err := parseSweep(t, "workload: base.yaml\nvarry: [{path: seed, values: [1]}]\n")
	want := "sweep.yaml:1:1: missing field \"vary\" in sweep: the parameters to vary, like [{path: strategies.threads.threads, values: [1, 2, 4]}]\n" +
		"sweep.yaml:2:1: unknown field \"varry\" in sweep; did you mean \"vary\"?"
	if err == nil || err.Error() != want {
		t.Errorf("errors\n%v\nwant\n%s", err, want)
	}
}

// TestMergeKeys: sweep files accept merge keys, as workload files do.
func TestMergeKeys(t *testing.T) {
	s := mustParse(t, "workload: base.yaml\nvary:\n  - <<: {values: [1, 2]}\n    path: seed\n")
	if len(s.Points) != 2 || s.Vary[0].Path != "seed" {
		t.Errorf("points %d, vary %+v; want 2 points of seed", len(s.Points), s.Vary)
	}
}

func TestBadBaseWorkload(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "w.yaml"), []byte("name: w\ntasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]\nstrategies: [{kind: threded}]\n"), 0o644)
	path := filepath.Join(dir, "s.yaml")
	os.WriteFile(path, []byte("workload: w.yaml\nvary: [{path: seed, values: [1]}]\n"), 0o644)
	_, err := Load(path)
	want := filepath.Join(dir, "w.yaml") + `:3:21: unknown strategy kind "threded"; did you mean "threaded"?`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v; want an error at the workload file's position: %s", err, want)
	}
}

func TestExamplesLoad(t *testing.T) {
	names := map[string]bool{}
	for _, ex := range Examples() {
		names[ex.Name] = true
		s, err := Load(ex.Name)
		if err != nil {
			t.Errorf("example %s: %v", ex.Name, err)
			continue
		}
		if ex.Description == "" || len(s.Points) < 2 || s.File != "example:"+ex.Name {
			t.Errorf("example %s: description %q, %d points, file %q", ex.Name, ex.Description, len(s.Points), s.File)
		}
	}
	for _, want := range []string{"pool-size", "executor-size", "hockey-stick", "gil-switch"} {
		if !names[want] {
			t.Errorf("no example sweep %q", want)
		}
	}
	if s, _ := Load("pool-size"); s == nil || len(s.Points) < 500 {
		t.Errorf("pool-size has fewer than 500 points")
	}
	if _, err := Load("pool-sise"); err == nil || !strings.Contains(err.Error(), "nor is it an example sweep") {
		t.Errorf("Load(pool-sise) = %v", err)
	}
}

func TestAxisValue(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"4", 4, true}, {"2.5", 2.5, true}, {"5ms", 0.005, true}, {"1m30s", 90, true},
		{"{exp: 20ms}", 0.02, true}, {"250us", 250e-6, true}, {"{uniform: [1ms, 2ms]}", 0, false},
		{"threaded", 0, false}, {"true", 0, false},
	}
	for _, tt := range tests {
		got, ok := AxisValue(tt.in)
		if ok != tt.ok || ok && abs(got-tt.want) > 1e-12 {
			t.Errorf("AxisValue(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

package workloads

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/sim"
	"asyncsim/strategies"
)

func TestExamplesParse(t *testing.T) {
	exs := Examples()
	// Every file of examples/ is embedded, sorted by name, so that a new
	// example is listed without a change here; the ones documented in the
	// README must stay.
	entries, err := os.ReadDir("examples")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	for _, name := range []string{"gil", "gil-convoy", "http-client", "kitchen", "tornado", "tornado-asyncio-sleep",
		"tornado-coroutine-sleep", "tornado-executor", "tornado-sync", "web-service"} {
		if !slices.Contains(want, name) {
			t.Errorf("example %s is gone", name)
		}
	}
	var names []string
	for _, ex := range exs {
		names = append(names, ex.Name)
		s, err := Parse("example:"+ex.Name, ex.YAML)
		if err != nil {
			t.Errorf("Parse(example %s) error: %v", ex.Name, err)
			continue
		}
		if s.Name != ex.Name {
			t.Errorf("example %s has name %q; want the file's name", ex.Name, s.Name)
		}
		if ex.Description == "" || ex.Description != s.Description {
			t.Errorf("example %s: Description = %q; want the workload's %q", ex.Name, ex.Description, s.Description)
		}
		if !strings.Contains(string(ex.YAML), "#") {
			t.Errorf("example %s has no comments", ex.Name)
		}
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Examples() names = %v; want %v", names, want)
	}
	if _, ok := LookupExample(DefaultExample); !ok {
		t.Errorf("LookupExample(%q) not found", DefaultExample)
	}
	if _, ok := LookupExample("nope"); ok {
		t.Errorf("LookupExample(\"nope\") found")
	}
}

func TestTornadoDefaults(t *testing.T) {
	s, err := Load(DefaultExample)
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "example:tornado" || s.Seed != 1 || s.Replications != 1 || s.Warmup != 0 || s.Cores != 4 {
		t.Errorf("Load(tornado) = File %q Seed %d Replications %d Warmup %v Cores %d", s.File, s.Seed, s.Replications, s.Warmup, s.Cores)
	}
	wantSteps := []StepSpec{
		{Kind: sim.CPU, Dur: Constant(sim.Millisecond)},
		{Kind: sim.BlockingIO, Dur: Constant(sim.Second)},
		{Kind: sim.CPU, Dur: Constant(sim.Millisecond)},
	}
	if len(s.Classes) != 1 || s.Classes[0].Name != "request" || s.Classes[0].Count != 10 ||
		s.Classes[0].Interarrival != nil || s.Classes[0].Clients != nil || !reflect.DeepEqual(s.Classes[0].Steps, wantSteps) {
		t.Errorf("Load(tornado).Classes = %+v", s.Classes)
	}
	pool := strategies.DefaultPoolSize(4)
	want := []strategies.Config{
		{Name: "sync-handler", Kind: strategies.KindBlocking, Workers: 1, BacklogFull: strategies.BacklogReject},
		{Name: "coroutine+time.sleep", Kind: strategies.KindEventLoop, Loops: 1, Executor: pool, LoopModel: strategies.LoopFIFO, BacklogFull: strategies.BacklogReject},
		{Name: "run_on_executor", Kind: strategies.KindEventLoop, Loops: 1, Executor: 10, Offload: true, LoopModel: strategies.LoopFIFO, BacklogFull: strategies.BacklogReject},
		{Name: "asyncio.sleep", Kind: strategies.KindEventLoop, Loops: 1, Executor: pool, AwaitBlocking: true, LoopModel: strategies.LoopFIFO, BacklogFull: strategies.BacklogReject},
	}
	for i := range want { // and the built-in memory costs
		want[i].Memory = strategies.DefaultRuntime.Memory
	}
	if !reflect.DeepEqual(s.Strategies, want) {
		t.Errorf("Load(tornado).Strategies =\n%+v\nwant\n%+v", s.Strategies, want)
	}
	if s.Tasks() != 10 {
		t.Errorf("Tasks() = %d; want 10", s.Tasks())
	}
}

func TestDefaults(t *testing.T) {
	s, err := Parse("w.yaml", []byte(`
name: d
tasks:
  - name: open
    count: 3
    steps: [{io: 1ms}]
  - name: closed
    clients: {count: 4, requests: 5}
    arrival: {start: 2s}
    steps: [{repeat: 2, steps: [{cpu: 1ms}, {blocking_io: {exp: 3ms}}]}]
strategies:
  - kind: threaded
  - {kind: threaded, name: t0, threads: 0, gil: true, switch_interval: 1ms, switch_cost: 10us}
  - kind: event_loop
  - {kind: blocking, name: b, workers: 3}
  - {kind: event_loop, name: e, loops: 2, executor: 3, max_concurrency: 7, offload: true, await_blocking: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Seed != 1 || s.Replications != 1 || s.Cores != 1 || s.Description != "" {
		t.Errorf("top-level defaults: %+v", s)
	}
	if c := s.Classes[1]; c.Count != 0 || c.Start != 2*sim.Second || c.Clients == nil ||
		*c.Clients != (Clients{Count: 4, Requests: 5}) || c.Steps[0].Repeat != 2 || len(c.Steps[0].Steps) != 2 {
		t.Errorf("closed class = %+v", c)
	}
	want := []strategies.Config{
		{Name: "threaded", Kind: strategies.KindThreaded, Threads: 5, SwitchInterval: 5 * sim.Millisecond, GILHandover: strategies.HandoverFIFO, BacklogFull: strategies.BacklogReject},
		{Name: "t0", Kind: strategies.KindThreaded, Threads: 0, GIL: true, SwitchInterval: sim.Millisecond, SwitchCost: 10 * sim.Microsecond, GILHandover: strategies.HandoverFIFO, BacklogFull: strategies.BacklogReject},
		{Name: "event_loop", Kind: strategies.KindEventLoop, Loops: 1, Executor: 5, LoopModel: strategies.LoopFIFO, BacklogFull: strategies.BacklogReject},
		{Name: "b", Kind: strategies.KindBlocking, Workers: 3, BacklogFull: strategies.BacklogReject},
		{Name: "e", Kind: strategies.KindEventLoop, Loops: 2, Executor: 3, MaxConcurrency: 7, Offload: true, LoopModel: strategies.LoopFIFO, BacklogFull: strategies.BacklogReject},
	}
	for i := range want { // and the built-in memory costs
		want[i].Memory = strategies.DefaultRuntime.Memory
	}
	if !reflect.DeepEqual(s.Strategies, want) {
		t.Errorf("Strategies =\n%+v\nwant\n%+v", s.Strategies, want)
	}
	if got := s.Tasks(); got != 3+4*5 {
		t.Errorf("Tasks() = %d; want 23", got)
	}
}

func TestParseForms(t *testing.T) {
	// Accepted spellings: anchors and aliases, merge keys, integers written
	// as whole floats, seeds beyond int64.
	s, err := Parse("w.yaml", []byte(`
name: forms
seed: 18446744073709551615
warmup: 0s
tasks:
  - name: a
    count: 1e3
    steps: &steps
      - cpu: 1ms
      - io: {choice: [{value: 1ms}, {value: 2ms, weight: 3}]}
  - name: b
    count: 0x10
    steps: *steps
strategies:
  - &t {kind: threaded, threads: 4, name: t4}
  - <<: *t
    name: t8
    threads: 8
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Seed != 1<<64-1 || s.Classes[0].Count != 1000 || s.Classes[1].Count != 16 {
		t.Errorf("Seed %d, counts %d %d", s.Seed, s.Classes[0].Count, s.Classes[1].Count)
	}
	if !reflect.DeepEqual(s.Classes[0].Steps, s.Classes[1].Steps) {
		t.Errorf("aliased steps differ: %+v vs %+v", s.Classes[0].Steps, s.Classes[1].Steps)
	}
	if got := s.Strategies[1]; got.Name != "t8" || got.Threads != 8 || got.Kind != strategies.KindThreaded {
		t.Errorf("merged strategy = %+v", got)
	}
	if got := s.Classes[0].Steps[1].Dur.String(); got != "choice(1ms:1, 2ms:3)" {
		t.Errorf("choice = %s", got)
	}
}

func TestParseNode(t *testing.T) {
	ex, _ := LookupExample("tornado")
	var doc yaml.Node
	if err := yaml.Unmarshal(ex.YAML, &doc); err != nil {
		t.Fatal(err)
	}
	s1, err := ParseNode("x", &doc)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := ParseNode("x", doc.Content[0]) // the root mapping works too
	if err != nil || !reflect.DeepEqual(s1, s2) {
		t.Fatalf("ParseNode(root mapping) = %+v, %v", s2, err)
	}
	// Edit the tree as a sweep does: count to 0 must be rejected at its line.
	var count *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i++ {
			if n.Kind == yaml.MappingNode && i%2 == 0 && n.Content[i].Value == "count" {
				count = n.Content[i+1]
			}
			walk(n.Content[i])
		}
		if len(n.Content) > 0 {
			walk(n.Content[len(n.Content)-1])
		}
	}
	walk(&doc)
	count.Value = "-1"
	_, err = ParseNode("sweep point 3", &doc)
	want := "sweep point 3:" + strconv.Itoa(count.Line) + ":" + strconv.Itoa(count.Column) + ": count must not be negative, got -1"
	if err == nil || err.Error() != want {
		t.Errorf("ParseNode(edited) error = %v; want %s", err, want)
	}
	if _, err := ParseNode("x", nil); err == nil || err.Error() != "x:1:1: empty document: expected a workload with name, tasks and strategies" {
		t.Errorf("ParseNode(nil) error = %v", err)
	}
	// Programmatic trees can hold nodes the parser never makes.
	odd := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "name"}, {Kind: yaml.AliasNode},
		{Kind: yaml.ScalarNode, Value: "tasks"}, {Kind: yaml.DocumentNode},
	}}
	if _, err := ParseNode("x", odd); err == nil {
		t.Errorf("ParseNode(odd tree) = nil error")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(path, []byte("name: w\n"+okRest), 0o666); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil || s.File != path || s.Name != "w" {
		t.Fatalf("Load(%s) = %+v, %v", path, s, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: w\ncolour: red\n"+okRest), 0o666)
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":2:1: unknown field") {
		t.Errorf("Load(bad) error = %v", err)
	}
	if s, err := Load("kitchen"); err != nil || s.File != "example:kitchen" {
		t.Errorf("Load(kitchen) = %v, %v; want the example", s, err)
	}
	// A name with an extension or a path separator means a file, never an
	// example (issue 12, point 8): there is no gil.yaml here.
	for _, name := range []string{"gil.yaml", "kitchen.yaml", "./gil", "examples/gil"} {
		s, err := Load(name)
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load(%q) = %v, %v; want no such file", name, s, err)
		}
	}
	if _, err := Load("gil.yaml"); err == nil || err.Error() != "gil.yaml: no such file or directory (the example of that name is gil, without .yaml)" {
		t.Errorf("Load(gil.yaml) error = %v", err)
	}
	if _, err := Load("no-such.yaml"); err == nil || err.Error() != "no-such.yaml: no such file or directory" {
		t.Errorf("Load(no-such.yaml) error = %v; want the path and the problem only", err)
	}
	_, err = Load("no-such-example")
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "tornado") {
		t.Errorf("Load(no-such-example) error = %v; want not-exist listing the examples", err)
	}
	if _, err := Load(filepath.Join(dir, "tornado")); err == nil {
		t.Errorf("Load(a path) fell back to an example")
	}
}

func TestErrorFormat(t *testing.T) {
	l := ErrorList{{File: "f", Line: 1, Col: 2, Msg: "a"}, {File: "f", Line: 3, Col: 4, Msg: "b"}}
	if got, want := l.Error(), "f:1:2: a\nf:3:4: b"; got != want {
		t.Errorf("ErrorList.Error() = %q; want %q", got, want)
	}
	_, err := Parse("w.yaml", []byte("name: w\nfoo: 1\nbar: 2\n"+okRest))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 || list[0].Line != 2 || list[1].Line != 3 {
		t.Errorf("Parse errors = %#v", err)
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		word string
		want string
	}{
		{"stpes", "steps"}, {"Steps", "steps"}, {"thred", "threads"}, {"theaded", "threaded"}, {"event-loop", "event_loop"},
		{"blockingio", "blocking_io"}, {"treads", "threads"}, {"cpuu", "cpu"}, {"xyz", ""}, {"", ""},
		{"warmpu", "warmup"}, {"switchinterval", "switch_interval"}, {strings.Repeat("a", 100), ""},
	} {
		valid := append(append(append([]string{}, workloadKeys...), strategies.AllKeys()...), stepKeys...)
		valid = append(valid, "threaded", "event_loop")
		if got := schema.Suggest(tc.word, valid); got != tc.want {
			t.Errorf("suggest(%q) = %q; want %q", tc.word, got, tc.want)
		}
	}
}

// TestLargeDocumentWithoutAliases: the node budget grows with the
// document, so a large file without aliases is never "too large once its
// aliases are expanded" (issue 12, point 10); a small one whose aliases
// expand beyond it still is (testdata/bad/yaml-alias-bomb*.yaml).
func TestLargeDocumentWithoutAliases(t *testing.T) {
	const steps = 260_000 // 4 node visits each: beyond a fixed budget of a million
	var b strings.Builder
	b.WriteString("name: w\ntasks:\n  - name: a\n    count: 1\n    steps: [")
	for i := range steps {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{cpu: 1ns}")
	}
	b.WriteString("]\n" + okStrategies)
	s, err := Parse("w.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("Parse(%d steps, %d bytes) error = %v", steps, b.Len(), err)
	}
	if n := len(s.Classes[0].Steps); n != steps {
		t.Errorf("%d steps; want %d", n, steps)
	}
}

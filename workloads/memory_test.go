package workloads

import (
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/strategies"
)

// TestMemoryProfile: a runtime profile's memory block gives every
// strategy's memory costs, a strategy's own profile is laid over the
// workload's, and what no profile gives keeps the built-in default.
func TestMemoryProfile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"box.yaml":   "memory: {shared: 1000, process: 2000, thread: 30, task: 4}\n",
		"small.yaml": "memory: {process: 500}\n",
		"w.yaml": `name: w
runtime: box.yaml
tasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]
strategies:
  - {name: box, kind: blocking}
  - {name: small, kind: event_loop, runtime: small.yaml}
`,
	})
	s, err := Load(filepath.Join(dir, "w.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []strategies.MemoryCosts{{Shared: 1000, Process: 2000, Thread: 30, Task: 4}, {Shared: 1000, Process: 500, Thread: 30, Task: 4}}
	for i, w := range want {
		if c := s.Strategies[i]; c.Memory != w {
			t.Errorf("%s: memory costs %+v; want %+v", c.Name, c.Memory, w)
		}
	}
	s, err = Parse("w.yaml", []byte("name: w\n"+okTasks+"strategies: [{kind: threaded}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Strategies[0].Memory, strategies.DefaultRuntime.Memory; got != want {
		t.Errorf("without a profile: memory costs %+v; want the built-in %+v", got, want)
	}
}

// TestMemoryProfileErrors: bad memory blocks, positioned in the profile.
func TestMemoryProfileErrors(t *testing.T) {
	tests := []struct{ name, profile, want string }{
		{"misspelt", "memory: {proces: 1}\n", `p.yaml:1:10: unknown field "proces" in memory; did you mean "process"?`},
		{"negative", "memory: {thread: -1}\n", "p.yaml:1:18: memory.thread must not be negative, got -1"},
		{"a unit", "memory: {task: 2KiB}\n", "p.yaml:1:16: expected an integer, got \"2KiB\""},
		{"too large", "memory: {process: 2e12}\n", "p.yaml:1:19: memory.process 2000000000000 is too large: at most 1099511627776 bytes"},
		{"not a mapping", "memory: 5\n", "p.yaml:1:9: expected a mapping like {shared: 9711616, process: 14813721, thread: 65180, task: 1684} (bytes), got the number 5"},
	}
	for _, tt := range tests {
		dir := writeFiles(t, map[string]string{"p.yaml": tt.profile,
			"w.yaml": "name: w\nruntime: p.yaml\n" + okTasks + "strategies: [{kind: blocking}]\n"})
		_, err := Load(filepath.Join(dir, "w.yaml"))
		if err == nil {
			t.Errorf("%s: no error; want %s", tt.name, tt.want)
			continue
		}
		if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); got != tt.want {
			t.Errorf("%s: error\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

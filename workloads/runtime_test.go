package workloads

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
)

// writeFiles writes name → contents into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRuntimeProfile: a workload's runtime profile, named relative to the
// workload file, gives the defaults of the runtime models' keys; a
// strategy's own profile is laid over it; a key given in the strategy
// wins; what no profile gives keeps the built-in default.
func TestRuntimeProfile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"profiles/box.yaml":  "# written by calibrate/summarize.py\npython: \"3.11.2\"\nasyncio: {poll_cost: 20us, resume_cost: 9us}\ngil: {requester_bias: 0.6}\n",
		"profiles/fast.yaml": "asyncio: {poll_cost: 2us}\n",
		"w.yaml": `name: w
runtime: profiles/box.yaml
tasks: [{name: a, count: 1, steps: [{cpu: 1ms}]}]
strategies:
  - {name: aio, kind: event_loop, loop_model: asyncio}
  - {name: uv, kind: event_loop, loop_model: uvloop}
  - {name: mine, kind: event_loop, loop_model: asyncio, poll_cost: 1us}
  - {name: fast, kind: event_loop, loop_model: asyncio, runtime: profiles/fast.yaml}
  - {name: fifo, kind: event_loop}
  - {name: cpy, kind: threaded, gil: true, gil_handover: cpython}
  - {name: cpy1, kind: threaded, gil: true, gil_handover: cpython, gil_requester_bias: 1}
  - {name: gil, kind: threaded, gil: true}
`,
	})
	s, err := Load(filepath.Join(dir, "w.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	us := sim.Microsecond
	uv := strategies.DefaultRuntime.UVLoop
	want := []struct {
		model        string
		poll, resume sim.Time
		handover     string
		bias         float64
	}{
		{model: "asyncio", poll: 20 * us, resume: 9 * us},
		{model: "uvloop", poll: uv.Poll, resume: uv.Resume},
		{model: "asyncio", poll: 1 * us, resume: 9 * us},
		{model: "asyncio", poll: 2 * us, resume: 9 * us},
		{model: "fifo"},
		{handover: "cpython", bias: 0.6},
		{handover: "cpython", bias: 1},
		{handover: "fifo"},
	}
	for i, w := range want {
		c := s.Strategies[i]
		if c.LoopModel != w.model || c.PollCost != w.poll || c.ResumeCost != w.resume || c.GILHandover != w.handover || c.GILRequesterBias != w.bias {
			t.Errorf("%s: loop_model %q poll %v resume %v handover %q bias %v; want %+v", c.Name, c.LoopModel, c.PollCost, c.ResumeCost, c.GILHandover, c.GILRequesterBias, w)
		}
	}
}

// TestBuiltinRuntime: without a profile the runtime models take the
// built-in defaults.
func TestBuiltinRuntime(t *testing.T) {
	s, err := Parse("w.yaml", []byte("name: w\n"+okTasks+"strategies:\n  - {kind: event_loop, loop_model: asyncio}\n  - {kind: threaded, gil: true, gil_handover: cpython}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := strategies.DefaultRuntime
	if c := s.Strategies[0]; c.PollCost != d.Asyncio.Poll || c.ResumeCost != d.Asyncio.Resume {
		t.Errorf("asyncio costs %v, %v; want %v", c.PollCost, c.ResumeCost, d.Asyncio)
	}
	if c := s.Strategies[1]; c.GILRequesterBias != d.RequesterBias {
		t.Errorf("bias %v; want %v", c.GILRequesterBias, d.RequesterBias)
	}
}

// TestRuntimeProfileErrors: problems in a profile are positioned in the
// profile; a profile that cannot be read is reported where it is named.
// Profiles are named relative to the workload file.
func TestRuntimeProfileErrors(t *testing.T) {
	tests := []struct {
		name, profile, ref, want string
	}{
		{"bad duration", "asyncio: {poll_cost: 8}\n", "p.yaml", "p.yaml:1:22: duration 8 needs a unit, like 8ms or 8s"},
		{"misspelt key", "asyncio: {pol_cost: 8us}\n", "p.yaml", "p.yaml:1:11: unknown field \"pol_cost\" in asyncio; did you mean \"poll_cost\"?"},
		{"unknown model", "trio: {poll_cost: 8us}\n", "p.yaml", "p.yaml:1:1: unknown field \"trio\" in runtime profile (expected one of python, asyncio, uvloop, gil, memory)"},
		{"bias out of range", "gil:\n  requester_bias: 1.5\n", "p.yaml", "p.yaml:2:19: requester_bias must be a probability between 0 and 1, got 1.5"},
		{"not a mapping", "- 1\n", "p.yaml", "p.yaml:1:1: expected a runtime profile (a mapping with asyncio, uvloop, gil), got a list"},
		{"missing file", "", "nope.yaml", "w.yaml:2:10: runtime profile: nope.yaml: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"p.yaml": tt.profile,
				"w.yaml": "name: w\nruntime: " + tt.ref + "\n" + okTasks + "strategies: [{kind: event_loop, loop_model: asyncio}]\n"})
			_, err := Load(filepath.Join(dir, "w.yaml"))
			if err == nil {
				t.Fatal("no error")
			}
			// Paths are reported in full: drop the directory.
			if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); got != tt.want {
				t.Errorf("error\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestRuntimeKeyErrors: bad values of the runtime models' keys.
func TestRuntimeKeyErrors(t *testing.T) {
	tests := []struct{ name, strategy, want string }{
		{"misspelt handover", "{kind: threaded, gil: true, gil_handover: cpyton}", "w.yaml:3:56: unknown gil_handover \"cpyton\"; did you mean \"cpython\"?"},
		{"unknown loop model", "{kind: event_loop, loop_model: gevent}", "w.yaml:3:45: unknown loop_model \"gevent\" (expected one of fifo, asyncio, uvloop)"},
		{"bias above one", "{kind: threaded, gil: true, gil_handover: cpython, gil_requester_bias: 1.5}", "w.yaml:3:85: gil_requester_bias must be a probability between 0 and 1, got 1.5"},
		{"bias not a number", "{kind: threaded, gil_requester_bias: high}", "w.yaml:3:51: expected a number, got \"high\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("w.yaml", []byte("name: w\n"+okTasks+"strategies: ["+tt.strategy+"]\n"))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v; want %s", err, tt.want)
			}
		})
	}
	_, err := Parse("example:x", []byte("name: w\nruntime: p.yaml\n"+okRest))
	if want := "example:x:2:10: an embedded example cannot name a runtime profile: copy it to a file first"; err == nil || err.Error() != want {
		t.Errorf("error %v; want %s", err, want)
	}
}

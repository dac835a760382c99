package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallSweep varies the tornado example's executor: 4 points.
const smallSweep = `# the executor of run_on_executor
workload: tornado
replications: 2
vary:
  - path: strategies.run_on_executor.executor
    values: [1, 2, 5, 10]
plot: {y: [makespan_s], log_x: true}
`

func writeSweep(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sweep.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSweepCommand(t *testing.T) {
	file := writeSweep(t, smallSweep)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := asyncsim(t, "sweep", file, "--out", dir, "--jobs", "1")
	if code != 0 {
		t.Fatalf("sweep: exit %d, stderr %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("sweep printed %q on stderr, which is not a terminal", errOut)
	}
	for _, want := range []string{"tornado: 4 points, 2 replications each\n", "wrote " + filepath.Join(dir, "sweep.csv"), "sweep-makespan_s.png"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 1+4*4 || !strings.HasPrefix(lines[0], "strategies.run_on_executor.executor,strategy,kind,tasks,makespan_s,makespan_s_ci95,") {
		t.Fatalf("sweep.csv: %d lines, header %s", len(lines), lines[0])
	}
	// The tornado story: ten blocking calls of 1 s on an executor of N
	// threads take ⌈10/N⌉ seconds and a few milliseconds.
	for i, want := range []string{"1,run_on_executor,event_loop,10,10.002,", "2,run_on_executor,event_loop,10,5.003,", "5,run_on_executor,event_loop,10,2.0", "10,run_on_executor,event_loop,10,1.011,"} {
		if row := lines[3+4*i]; !strings.HasPrefix(row, want) {
			t.Errorf("row %s; want it to start %s", row, want)
		}
	}

	// The same sweep, sharded in three and merged, with --jobs 4.
	sharded := filepath.Join(t.TempDir(), "sharded")
	for _, k := range []string{"2/3", "0/3", "1/3"} {
		code, out, errOut := asyncsim(t, "sweep", "--shard", k, file, "--out", sharded, "--jobs", "4", "--quiet")
		if code != 0 || !strings.Contains(out, "asyncsim merge "+sharded) {
			t.Fatalf("sweep --shard %s: exit %d, stdout %s, stderr %s", k, code, out, errOut)
		}
	}
	if code, out, errOut := asyncsim(t, "merge", sharded); code != 0 || !strings.Contains(out, "wrote "+filepath.Join(sharded, "sweep.json")) {
		t.Fatalf("merge: exit %d, stdout %s, stderr %s", code, out, errOut)
	}
	for _, name := range []string{"sweep.csv", "sweep.json", "sweep-makespan_s.png"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(sharded, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the unsharded run and the merged shards", name)
		}
	}

	// asyncsim plot redraws the sweep's figures, the same at the same size.
	png := filepath.Join(dir, "sweep-makespan_s.png")
	want, _ := os.ReadFile(png)
	os.Remove(png)
	if code, _, errOut := asyncsim(t, "plot", dir); code != 0 {
		t.Fatalf("plot: exit %d, stderr %s", code, errOut)
	}
	if got, _ := os.ReadFile(png); len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("asyncsim plot drew %s differently from asyncsim sweep", png)
	}

	// Resuming a finished sweep runs nothing; resuming with another sweep
	// file is refused.
	if code, out, _ := asyncsim(t, "sweep", file, "--out", dir, "--resume"); code != 0 || !strings.Contains(out, "(4 already done)") {
		t.Errorf("resume of a finished sweep: exit %d, stdout %s", code, out)
	}
	other := writeSweep(t, strings.Replace(smallSweep, "[1, 2, 5, 10]", "[1, 2]", 1))
	os.Remove(filepath.Join(sharded, "sweep.json"))
	code, _, errOut = asyncsim(t, "sweep", other, "--out", sharded, "--shard", "0/3", "--resume")
	if code != 2 || !strings.Contains(errOut, "cannot resume: it holds") {
		t.Errorf("resume with another sweep: exit %d, stderr %s", code, errOut)
	}
}

func TestSweepBadInput(t *testing.T) {
	bad := writeSweep(t, "workload: tornado\nvary:\n  - path: strategies.run_on_executer.executor\n    values: [1, 2]\n")
	badValue := writeSweep(t, "workload: tornado\nvary:\n  - path: strategies.run_on_executor.executor\n    values: [1, 0]\n")
	out := filepath.Join(t.TempDir(), "out")
	expectUsageErrors(t, []usageCase{
		{[]string{"sweep", bad, "--out", out}, bad + `:3:11: vary[0].path "strategies.run_on_executer.executor": no strategy named "run_on_executer"; did you mean "run_on_executor"?`},
		{[]string{"sweep", badValue, "--out", out}, badValue + `:4:17: point 1 (strategies.run_on_executor.executor=0): executor`},
		{[]string{"sweep", "pool-sise", "--out", out}, "nor is it an example sweep"},
		{[]string{"sweep", "pool-size"}, "--out DIR is required"},
		{[]string{"sweep"}, "name a sweep file or an example sweep"},
		{[]string{"sweep", "a", "b", "--out", out}, "one sweep at a time"},
		{[]string{"sweep", "pool-size", "--out", out, "--shard", "4/4"}, "--shard wants K/N with 0 <= K < N"},
		{[]string{"sweep", "pool-size", "--out", out, "--shard", "x"}, "--shard wants K/N"},
		{[]string{"sweep", "pool-size", "--out", out, "--jobs", "-1"}, `invalid value "-1" for flag --jobs: want a number of jobs, at least 1`},
		{[]string{"sweep", "--show", "hockey"}, `no example sweep named "hockey"`},
		{[]string{"merge"}, "name one folder"},
		{[]string{"merge", t.TempDir()}, "no shard files"},
	})
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a rejected sweep created %s", out)
	}
}

func TestSweepExamplesListing(t *testing.T) {
	code, out, _ := asyncsim(t, "sweep", "--list")
	if code != 0 {
		t.Fatalf("sweep --list: exit %d", code)
	}
	for _, name := range []string{"pool-size", "executor-size", "hockey-stick", "gil-switch"} {
		if !strings.Contains(out, "\n"+name+" ") && !strings.HasPrefix(out, name+" ") {
			t.Errorf("sweep --list lacks %s:\n%s", name, out)
		}
	}
	code, out, _ = asyncsim(t, "sweep", "--show", "gil-switch")
	if code != 0 || !strings.Contains(out, "workload: gil") {
		t.Errorf("sweep --show gil-switch: exit %d\n%s", code, out)
	}
	code, out, _ = asyncsim(t, "sweep", "pool-size", "--dry-run", "--shard", "1/100")
	if code != 0 || !strings.HasPrefix(out, "pool-size: 512 points, 2560 simulations (5 replications each)") ||
		!strings.Contains(out, "\n1      5ms ") || !strings.Contains(out, "\n501    1s ") || strings.Contains(out, "\n2 ") {
		t.Errorf("sweep --dry-run: exit %d\n%s", code, out)
	}
	code, out, _ = asyncsim(t, "help", "sweep")
	if code != 0 || !strings.Contains(out, "--shard K/N") {
		t.Errorf("help sweep: exit %d\n%s", code, out)
	}
}

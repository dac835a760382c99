package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
	code, _, errOut = asyncsim(t, "sweep", other, "--out", sharded, "--shard", "0/3", "--resume")
	if code != 2 || !strings.Contains(errOut, "sweep.json: the results of another sweep") {
		t.Errorf("resume with another sweep: exit %d, stderr %s", code, errOut)
	}
}

// TestSweepFolderRefusals covers issue 12's points 1, 2 and 16 at the
// command line: another sweep's finished folder is refused with exit 2,
// with --resume or without, and replaced with --restart; a folder in use
// is refused with the holder's pid; merge of a folder that does not exist
// is bad input.
func TestSweepFolderRefusals(t *testing.T) {
	file := writeSweep(t, smallSweep)
	other := writeSweep(t, strings.Replace(smallSweep, "[1, 2, 5, 10]", "[1, 2]", 1))
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := asyncsim(t, "sweep", file, "--out", dir, "--no-figures"); code != 0 {
		t.Fatalf("sweep: exit %d, stderr %s", code, errOut)
	}
	want, _ := os.ReadFile(filepath.Join(dir, "sweep.json"))
	for _, resume := range [][]string{nil, {"--resume"}} {
		args := append([]string{"sweep", other, "--out", dir, "--no-figures"}, resume...)
		code, _, errOut := asyncsim(t, args...)
		if code != 2 || !strings.Contains(errOut, filepath.Join(dir, "sweep.json")+": the results of another sweep (workload tornado, 4 points, hash sha256:") ||
			!strings.Contains(errOut, "--restart to replace them") {
			t.Errorf("%v: exit %d, stderr %s", args, code, errOut)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "sweep.json")); !bytes.Equal(got, want) {
		t.Errorf("a refused sweep changed sweep.json")
	}
	if code, out, errOut := asyncsim(t, "sweep", other, "--out", dir, "--no-figures", "--restart"); code != 0 || !strings.Contains(out, "tornado: 2 points") {
		t.Errorf("--restart: exit %d, stdout %s, stderr %s", code, out, errOut)
	}

	// A folder in use: this test holds its lock as another asyncsim would.
	lock := filepath.Join(dir, "sweep.lock")
	f, err := os.OpenFile(lock, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "pid %d on somewhere\n", 4242)
	for _, args := range [][]string{{"sweep", other, "--out", dir, "--resume"}, {"merge", dir}} {
		code, _, errOut := asyncsim(t, args...)
		if code != 2 || !strings.Contains(errOut, dir+": in use by another asyncsim sweep or merge (pid 4242 on somewhere)") {
			t.Errorf("%v into a folder in use: exit %d, stderr %s", args, code, errOut)
		}
	}

	expectUsageErrors(t, []usageCase{
		{[]string{"sweep", file, "--out", dir, "--resume", "--restart"}, "--resume keeps the finished points, --restart discards them: choose one"},
		{[]string{"merge", filepath.Join(dir, "nonexistent")}, filepath.Join(dir, "nonexistent") + ": no such folder"},
		{[]string{"merge", file}, file + ": not a folder"},
		{[]string{"sweep", file, "--out", file}, file + ": not a folder"},
	})
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

// TestSweepHelperProcess is not a test of its own: TestSweepSIGTERM runs
// the test binary as asyncsim through it, with the arguments in
// ASYNCSIM_HELPER_ARGS, one a line.
func TestSweepHelperProcess(t *testing.T) {
	args := os.Getenv("ASYNCSIM_HELPER_ARGS")
	if args == "" {
		return
	}
	os.Exit(Main(strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// longSweep is a sweep whose point 0 ends at once and point 1 takes
// about 3 s.
const longSweep = `
workload:
  name: long
  tasks:
    - name: t
      count: 1
      arrival: {interarrival: {exp: 1ms}}
      steps: [{cpu: {exp: 500us}}]
  strategies: [{kind: blocking}]
replications: 40
vary:
  - path: tasks.t.count
    values: [1, 300000]
`

// startSweep starts asyncsim with args in a child process and returns once
// point 0 is in dir's journal (its header, columns and one row), point 1
// running.
func startSweep(t *testing.T, dir string, args ...string) (cmd *exec.Cmd, stdout, stderr *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^TestSweepHelperProcess$")
	cmd.Env = append(os.Environ(), "ASYNCSIM_HELPER_ARGS="+strings.Join(args, "\n"))
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(filepath.Join(dir, "sweep.journal.csv"))
		if bytes.Count(data, []byte("\n")) >= 3 {
			return cmd, stdout, stderr
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("point 0 never reached the journal; stderr %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSweepLockAcrossProcesses is issue 12's point 1 with processes: while
// one asyncsim sweeps into a folder, another sweep (of another sweep file)
// and a merge into it are refused with the first one's pid; once it is
// killed with SIGKILL the kernel has released its lock, and the folder is
// free again (its lock file, left behind, is taken over).
func TestSweepLockAcrossProcesses(t *testing.T) {
	file := writeSweep(t, longSweep)
	other := writeSweep(t, strings.Replace(longSweep, "count: 1\n", "count: 2\n", 1))
	dir := filepath.Join(t.TempDir(), "out")
	cmd, _, _ := startSweep(t, dir, "sweep", file, "--out", dir, "--jobs", "1", "--quiet")
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s: in use by another asyncsim sweep or merge (pid %d on %s)", dir, cmd.Process.Pid, host)
	for _, args := range [][]string{{"sweep", other, "--out", dir, "--no-figures"}, {"merge", dir}} {
		if code, _, errOut := asyncsim(t, args...); code != 2 || !strings.Contains(errOut, holder) {
			t.Errorf("%v while another sweep runs there: exit %d, stderr %s; want %q", args, code, errOut, holder)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	// The folder is free: a merge gets as far as finding no shards, and a
	// sweep as finding the killed one's journal.
	if code, _, errOut := asyncsim(t, "merge", dir); code != 2 || !strings.Contains(errOut, dir+": no shard files") {
		t.Errorf("merge after the kill: exit %d, stderr %s", code, errOut)
	}
	if code, _, errOut := asyncsim(t, "sweep", file, "--out", dir); code != 2 || !strings.Contains(errOut, "sweep.journal.csv: holds 1 finished point of this sweep: --resume keeps it and runs the others, --restart discards it") {
		t.Errorf("sweep after the kill: exit %d, stderr %s", code, errOut)
	}
}

// TestSweepSIGTERM covers issue 12's points 13 and 18 for sweep: SIGTERM
// stops the point running (about 3 s of work left) before its next
// replication instead of waiting for it, and the interrupted sweep prints
// its header line and what it kept.
func TestSweepSIGTERM(t *testing.T) {
	file := writeSweep(t, longSweep)
	dir := filepath.Join(t.TempDir(), "out")
	cmd, stdout, stderr := startSweep(t, dir, "sweep", file, "--out", dir, "--jobs", "1")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("after SIGTERM: %v; want exit code 1", err)
	}
	if want := "long: 2 points, 40 replications each\n"; stdout.String() != want {
		t.Errorf("stdout %q; want the header line %q", stdout.String(), want)
	}
	for _, want := range []string{"asyncsim: interrupted: stopping the points running before their next replication",
		"sweep: interrupted with 1 of 2 points done, kept in " + filepath.Join(dir, "sweep.journal.csv") + "; run the same command with --resume to finish"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
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

// writeWorkload writes a workload file into a fresh directory.
func writeWorkload(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// failsWith runs args with --out and expects exit code 1, nothing on
// stdout, nothing written, and stderr containing want.
func failsWith(t *testing.T, want string, args ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := asyncsim(t, append(args, "--out", out)...)
	if code != 1 || stdout != "" || !strings.Contains(stderr, want) {
		t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and %q", args, code, stdout, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%v: a stopped run created %s", args, out)
	}
}

// A billion tasks is the most a workload may ask for, and is accepted: it
// runs in bounded memory (latencies beyond ten million go to a sketch),
// --max-events stops it early with a message, and --until ends it at a
// horizon with what it did by then.
const billion = `name: billion
tasks:
  - name: request
    count: 1000000000
    arrival: {interarrival: {exp: 1ms}}
    steps: [{cpu: {exp: 500us}}]
strategies:
  - {name: sync, kind: blocking}
`

func TestHugeWorkloadStopsAtBudget(t *testing.T) {
	path := writeWorkload(t, billion)
	code, out, errOut := asyncsim(t, "validate", path)
	if code != 0 || !strings.Contains(out, "1000000000 tasks per replication") {
		t.Fatalf("validate: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	succeedsAtHorizon(t, "10s", "run", path, "--until", "10s")
	failsWith(t, "strategy sync, replication 0: more than --max-events 100000 events, at virtual time ", "run", path, "--max-events", "100000")
}

// succeedsAtHorizon runs args and expects exit code 0 and a table of runs
// ended at the horizon until, each of a makespan of at most until.
func succeedsAtHorizon(t *testing.T, until string, args ...string) {
	t.Helper()
	code, stdout, stderr := asyncsim(t, append(args, "--format", "json")...)
	var out struct {
		Results []struct {
			Makespan float64 `json:"makespan_s"`
			Left     float64 `json:"in_flight_end"`
		}
	}
	d, _ := time.ParseDuration(until)
	if err := json.Unmarshal([]byte(stdout), &out); code != 0 || err != nil || len(out.Results) == 0 {
		t.Fatalf("%v: exit %d, %v, stderr %q; want exit 0 and rows", args, code, err, stderr)
	}
	for _, r := range out.Results {
		if r.Makespan <= 0 || r.Makespan > d.Seconds() {
			t.Errorf("%v: makespan %v s; want a run ended at its horizon, %v", args, r.Makespan, until)
		}
	}
}

// TestBurstRefused: a million and one tasks arriving at once would hold
// more tasks in flight than a run may (sim.DefaultMaxInFlight); every run
// of them would fill its memory up to that bound and stop, so the
// workload is refused before anything runs.
func TestBurstRefused(t *testing.T) {
	path := writeWorkload(t, `name: burst
tasks:
  - name: request
    count: 1000001
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking}
`)
	expectUsageErrors(t, []usageCase{{[]string{"run", path, "--out", filepath.Join(t.TempDir(), "out")},
		path + ":3:5: class request: 1000001 tasks arrive at once with 1000001 steps between them, more than a run may hold in flight (1000000 tasks, 64000000 steps)\n"}})
}

// TestOverloadStopsAtInFlightCap: under an overload the tasks in flight
// grow until the run holds more than it may (sim.DefaultMaxInFlight),
// and the run stops with a message instead of growing its memory without
// bound. One arrival per µs, each served in 1 ms by one worker: just after
// the arrival at k µs (arrivals win ties), k+1 tasks have arrived and
// ⌊(k−1)/1000⌋ completed, which first exceeds a million at k = 1,001,000:
// 1,000,001 in flight at 1.001 s. It takes about a second and 300 MB.
func TestOverloadStopsAtInFlightCap(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a million arrivals")
	}
	path := writeWorkload(t, `name: overload
tasks:
  - name: request
    count: 2000000
    arrival: {interarrival: 1us}
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking}
`)
	failsWith(t, "asyncsim: strategy sync, replication 0: 1000001 tasks in flight at virtual time 1.001s, more than the 1000000 a run may hold in memory (tasks arrive faster than they complete, or too many at once): run stopped by its budget\n",
		"run", path)
}

// TestOutOpensOneSpool: with --out, 2 strategies × 600 replications run
// under a limit of 64 open files, which one spool file per run (1,200 of
// them, all open until tasks.csv was written) used to exceed with "too
// many open files" once every simulation had finished.
func TestOutOpensOneSpool(t *testing.T) {
	path := writeWorkload(t, `name: many
replications: 600
tasks:
  - name: request
    count: 2
    steps: [{cpu: 1ms}]
strategies:
  - {name: a, kind: blocking}
  - {name: b, kind: event_loop}
`)
	out := filepath.Join(t.TempDir(), "out")
	cmd := subprocess(t, []string{"ASYNCSIM_NOFILE=64", "TMPDIR=" + t.TempDir()}, "run", path, "--out", out, "--jobs", "2", "--format", "csv")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run --out under 64 open files: %v\n%s", err, b)
	}
	tasks, err := os.ReadFile(filepath.Join(out, "tasks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(tasks), "\n"), "\n")
	// A header, then 2 strategies × 600 replications × 2 tasks, in the
	// contract's order: by strategy, then replication.
	if len(lines) != 1+2*600*2 {
		t.Fatalf("tasks.csv has %d lines; want %d", len(lines), 1+2*600*2)
	}
	for i, line := range lines[1:] {
		run, task := i/2, i%2
		want := fmt.Sprintf("%s,%d,%d,request,", []string{"a", "b"}[run/600], run%600, task)
		if !strings.HasPrefix(line, want) {
			t.Fatalf("tasks.csv line %d = %q; want it to start %q", i+2, line, want)
		}
	}
}

// TestSignalStopsRunCleanly: SIGINT or SIGTERM during a run's simulations
// stops it with a message and exit code 128 + the signal's number, and
// leaves neither the task spool in $TMPDIR nor anything in the output
// folder (a run used to die by the signal, leaving its spools).
func TestSignalStopsRunCleanly(t *testing.T) {
	path := writeWorkload(t, billion)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		tmp, out := t.TempDir(), filepath.Join(t.TempDir(), "out")
		// Budgeted, so that a run the signal fails to stop ends by itself.
		cmd := subprocess(t, []string{"TMPDIR=" + tmp}, "run", path, "--out", out, "--max-events", "500000000")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the spool, created as the simulations start.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if spools, _ := filepath.Glob(filepath.Join(tmp, "asyncsim-tasks-*")); len(spools) > 0 {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("no spool in %s after 10 s", tmp)
			}
		}
		time.Sleep(100 * time.Millisecond)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 128+int(sig) {
			t.Errorf("%v: run ended with %v; want exit code %d", sig, err, 128+int(sig))
		}
		want := "asyncsim: run: interrupted by " + map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[sig] +
			": stopped, temporary files removed\n"
		if stderr.String() != want {
			t.Errorf("%v: stderr %q; want %q", sig, stderr.String(), want)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%v: left %s in $TMPDIR", sig, left[0].Name())
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: an interrupted run created %s", sig, out)
		}
	}
}

// TestWarmupAfterRandomArrivals: when the arrivals are random, a warm-up
// after all of them shows only in the run, which fails (exit 1) instead
// of printing a row of zeros with exit 0.
func TestWarmupAfterRandomArrivals(t *testing.T) {
	path := writeWorkload(t, `name: warm
warmup: 1h
tasks:
  - name: request
    count: 100
    arrival: {interarrival: {exp: 10ms}}
    steps: [{cpu: 1ms}]
strategies:
  - {name: sync, kind: blocking}
`)
	if code, out, errOut := asyncsim(t, "validate", path); code != 0 || !strings.Contains(out, ": ok: ") {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want ok", code, out, errOut)
	}
	failsWith(t, "asyncsim: strategy sync, replication 0: all 100 tasks arrived before the warm-up ended at 1h0m0s: no task was counted, nothing was measured\n", "run", path)
}

// TestMaxWork: --max-work raises the budget, --max-events and --until
// lower the estimate, and validate reports it.
func TestMaxWork(t *testing.T) {
	code, out, errOut := asyncsim(t, "validate", "testdata/bad/too-much-work.yaml", "--max-work", "1e12")
	if code != 0 || out != "testdata/bad/too-much-work.yaml: ok: workload web, 1 task class, 100000000 tasks per replication, 1 strategy; about 1e+12 steps to simulate in 10000 runs (strategies × replications)\n" {
		t.Errorf("validate --max-work 1e12: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Within the budget once each run stops after 100000 events, or ends
	// at 1 s.
	failsWith(t, "more than --max-events 100000 events", "run", "testdata/bad/too-much-gil-work.yaml", "--max-events", "100000")
	succeedsAtHorizon(t, "1s", "run", "testdata/bad/too-much-work.yaml", "--until", "1s", "--replications", "1")
	var cases []usageCase
	for _, v := range []string{"0", "-1", "x", "Inf", "NaN"} {
		cases = append(cases, usageCase{[]string{"run", "--max-work", v}, `invalid value "` + v + `" for flag --max-work: want a positive number of steps like 1e10`})
	}
	expectUsageErrors(t, cases)
}

// TestValidateRateTasks: a class of arrival.rate without a count has an
// expected number of tasks, which validate says is one.
func TestValidateRateTasks(t *testing.T) {
	code, out, errOut := asyncsim(t, "validate", "retry-storm")
	// 30 s at 100/s, 10 s at 600/s, 90 s at 100/s: 18000 expected.
	if code != 0 || !strings.Contains(out, ", about 18000 tasks per replication,") {
		t.Errorf("validate retry-storm: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestHorizonBeforeAnythingEnds: a horizon that comes before any counted
// task ends measures nothing, and says so: three tasks of 10 ms of CPU
// arriving at 0 on one worker, the first ending at 10 ms, past a horizon
// of 5 ms, when all three are in flight.
func TestHorizonBeforeAnythingEnds(t *testing.T) {
	path := writeWorkload(t, `name: early
tasks:
  - {name: request, count: 3, steps: [{cpu: 10ms}]}
strategies:
  - {name: sync, kind: blocking}
`)
	failsWith(t, "asyncsim: strategy sync, replication 0: the horizon 5ms (--until, or horizon: in the workload) came before any counted task ended "+
		"(3 in flight): nothing was measured; set a later horizon\n", "run", path, "--until", "5ms")
}

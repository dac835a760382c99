package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// TestDeadlockMessage: a deadlock is worded as a failed run (exit code 1)
// naming each resource waited for and how many tasks wait for it.
func TestDeadlockMessage(t *testing.T) {
	tests := []struct {
		waiting []sim.ResourceWaiters
		want    string
	}{
		{[]sim.ResourceWaiters{{Resource: "db", Tasks: 3}, {Resource: "cache", Tasks: 2}},
			"3 tasks wait for db and 2 for cache"},
		{[]sim.ResourceWaiters{{Resource: "db", Tasks: 1}},
			"1 task waits for db"},
		{[]sim.ResourceWaiters{{Resource: "a", Tasks: 2}, {Resource: "b", Tasks: 1}, {Resource: "c", Tasks: 4}},
			"2 tasks wait for a, 1 for b and 4 for c"},
	}
	for _, tt := range tests {
		err := fmt.Errorf("run: %w", &experiment.RunError{Strategy: "gthread", Replication: 1,
			Err: &sim.DeadlockError{At: 1500 * sim.Millisecond, Waiting: tt.waiting}})
		want := "asyncsim: run: strategy gthread, replication 1: deadlock at virtual time 1.5s: " + tt.want +
			", and no task will give a unit back (do two task classes take these resources in opposite orders?)\n"
		var stderr bytes.Buffer
		if code := exitCode(err, &stderr); code != exitRun || stderr.String() != want {
			t.Errorf("exit %d, %q; want %d, %q", code, stderr.String(), exitRun, want)
		}
	}
}

// TestByClassFlag: --by-class prints the table by class after the
// comparison, or the by-class CSV with --format csv, and is refused with
// --format json, whose rows hold the classes already.
func TestByClassFlag(t *testing.T) {
	code, out, errOut := asyncsim(t, "run", "tornado", "--by-class")
	if code != 0 {
		t.Fatalf("run --by-class: exit %d, %s", code, errOut)
	}
	_, plain, _ := asyncsim(t, "run", "tornado")
	rest, ok := strings.CutPrefix(out, plain+"\nBy task class:\n\n")
	if !ok {
		t.Fatalf("run --by-class does not print the comparison, then the table by class:\n%s", out)
	}
	// tornado has one class, request, under its four strategies.
	if lines := strings.Split(strings.TrimSuffix(rest, "\n"), "\n"); len(lines) != 5 ||
		!strings.HasPrefix(lines[0], "STRATEGY") || !strings.Contains(lines[1], " request ") {
		t.Errorf("table by class:\n%s", rest)
	}
	code, out, errOut = asyncsim(t, "run", "tornado", "--by-class", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "strategy,kind,class,requests,succeeded,failed,rejected,timeouts,latency_mean_s,latency_p50_s,latency_p99_s\n") {
		t.Errorf("run --by-class --format csv: exit %d, %s%s", code, out, errOut)
	}
	code, out, errOut = asyncsim(t, "run", "tornado", "--by-class", "--format", "json")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "--by-class is for the table and CSV") {
		t.Errorf("run --by-class --format json: exit %d, %q, %q; want exit 2 and a message", code, out, errOut)
	}
}

// TestRunServices runs testdata/services/services.yaml (a pool, a client
// that gives up and retries, two classes) end to end: the table with
// --by-class, --format json and the files of --out, in goldens, and the
// figures the goldens show checked against their derivation.
//
// Under gthread (4 threads) the three requests arrive at 0 in class
// order: fast 0 takes db's one unit, fast 1 and slow 0 wait. Fast 0 gives
// it to fast 1 at 100 ms (done: latency 100 ms), fast 1 to slow 0 at
// 200 ms (done: 200 ms). Slow 0's client gives up at 250 ms + 1 ns (the
// first instant after its deadline) and retries 50 ms later, at
// 300 ms + 1 ns; attempt 1 waits for db, held by attempt 0 until its io
// ends at 500 ms; attempt 0's CPU runs 500–510 ms (late), attempt 1's io
// 500–800 ms and its CPU 800–810 ms, late too (its deadline was 550 ms +
// 1 ns): slow 0 fails after 2 time-outs, 20 ms of CPU wasted. So: tasks 4,
// makespan 810 ms, throughput 4/0.81 = 4.938/s, goodput 2/0.81 =
// 2.469/s; db's waits 0, 100, 200 and 200 ms − 1 ns: mean 125.0 ms; held
// from 0 to 800 ms: utilization 0.8/0.81 = 98.8%.
//
// Under asyncio attempt 0 gives db back when the loop resumes it at
// 500 ms, then runs its CPU on the loop thread until 510 ms, when attempt
// 1, granted the unit at 500 ms, first runs: its io ends at 810 ms and its
// CPU at 820 ms: makespan 820 ms.
func TestRunServices(t *testing.T) {
	file := filepath.Join("testdata", "services", "services.yaml")
	code, out, errOut := asyncsim(t, "run", file, "--by-class")
	if code != 0 {
		t.Fatalf("run --by-class: exit %d, %s", code, errOut)
	}
	golden(t, filepath.Join("services", "run.txt"), out)
	for _, want := range []string{
		"gthread   threaded        4  810.0 ms     4.938/s", "2.469/s", "125.0 ms    98.8%",
		"asyncio   event_loop      4  820.0 ms",
		"gthread   threaded    slow          1          0       1         2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
	code, js, errOut := asyncsim(t, "run", file, "--format", "json")
	if code != 0 {
		t.Fatalf("run --format json: exit %d, %s", code, errOut)
	}
	golden(t, filepath.Join("services", "run.json"), js)
	for _, want := range []string{`"makespan_s": 0.81,`, `"resource.db.utilization": 0.9876543209876543,`,
		`"classes": {"fast": {"requests": 2, "succeeded": 2,`, `"slow": {"requests": 1, "succeeded": 0, "failed": 1, "rejected": 0, "timeouts": 2,`} {
		if !strings.Contains(js, want) {
			t.Errorf("the JSON lacks %s", want)
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := asyncsim(t, "run", file, "--out", dir); code != 0 {
		t.Fatalf("run --out: exit %d, %s", code, errOut)
	}
	for _, name := range []string{"summary_by_class.csv", "tasks.csv"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("services", name), string(data))
	}
	// Slow 0's two attempts, both late: the retry sent at 300 ms + 1 ns,
	// done at 810 ms.
	tasks, _ := os.ReadFile(filepath.Join(dir, "tasks.csv"))
	for _, want := range []string{"gthread,0,0,slow,0,0,0.51,0.51,true,0,late\n",
		"gthread,0,0,slow,0.300000001,0.300000001,0.81,0.509999999,true,1,late\n"} {
		if !strings.Contains(string(tasks), want) {
			t.Errorf("tasks.csv lacks %q", want)
		}
	}
}

// TestRunDeadlock: a run whose tasks end up waiting for each other's
// units fails with exit code 1, naming the resources and how many tasks
// wait for each, and writes nothing. In testdata/services/deadlock.yaml x
// takes a and y takes b at 0; at 10 ms x waits for b and y for a.
func TestRunDeadlock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := asyncsim(t, "run", filepath.Join("testdata", "services", "deadlock.yaml"), "--out", dir)
	want := "asyncsim: strategy threads, replication 0: deadlock at virtual time 10ms: 1 task waits for a and 1 for b, " +
		"and no task will give a unit back (do two task classes take these resources in opposite orders?)\n"
	if code != exitRun || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and\n%s", code, out, errOut, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a deadlocked run wrote %s", dir)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"asyncsim/workloads"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestMain runs the command line itself, with the arguments of the test
// binary, when the environment has ASYNCSIM_AS_COMMAND=1: tests re-execute
// their binary that way to run asyncsim as a process of its own (see
// subprocess), under a limit of ASYNCSIM_NOFILE open files if that is set.
func TestMain(m *testing.M) {
	if os.Getenv("ASYNCSIM_AS_COMMAND") == "1" {
		if n, err := strconv.ParseUint(os.Getenv("ASYNCSIM_NOFILE"), 10, 64); err == nil {
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "setrlimit:", err)
				os.Exit(3)
			}
		}
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// subprocess returns asyncsim with args as a process of its own: this test
// binary, run as the command line by TestMain, with env added to its
// environment.
func subprocess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "ASYNCSIM_AS_COMMAND=1"), env...)
	return cmd
}

// asyncsim runs the command line in-process and returns its exit code and
// output.
func asyncsim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestRunDefaultTable(t *testing.T) {
	code, out, errOut := asyncsim(t, "run")
	if code != 0 {
		t.Fatalf("run: exit %d, stderr %s", code, errOut)
	}
	golden(t, "run-default.txt", out)
	for _, want := range []string{"10.020 s", "1.011 s", "tied for first"} {
		if !strings.Contains(out, want) {
			t.Errorf("default run output lacks %q", want)
		}
	}
}

func TestRunFormats(t *testing.T) {
	for _, format := range []string{"json", "csv"} {
		code, out, errOut := asyncsim(t, "run", "tornado", "--format", format)
		if code != 0 {
			t.Fatalf("run --format %s: exit %d, stderr %s", format, code, errOut)
		}
		golden(t, "run-default."+format, out)
	}
	_, out, _ := asyncsim(t, "run", "--format=json", "web-service", "--replications", "2")
	var doc struct {
		Workload     string
		Seed         uint64
		Replications int
		Results      []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--format json is not JSON: %v\n%s", err, out)
	}
	if doc.Workload != "web-service" || doc.Replications != 2 || len(doc.Results) == 0 {
		t.Fatalf("json = %+v", doc)
	}
	for _, key := range []string{"strategy", "kind", "tasks", "makespan_s", "latency_p99_s", "latency_p99_s_ci95", "context_switches_ci95"} {
		if _, ok := doc.Results[0][key]; !ok {
			t.Errorf("json row lacks %q", key)
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	_, a, _ := asyncsim(t, "run", "web-service", "--format", "json", "--jobs", "1")
	_, b, _ := asyncsim(t, "run", "web-service", "--format", "json", "--jobs", "4")
	if a != b {
		t.Error("JSON output differs between --jobs 1 and --jobs 4")
	}
	_, c, _ := asyncsim(t, "run", "web-service", "--format", "json", "--seed", "9")
	if a == c {
		t.Error("JSON output identical under another --seed")
	}
}

func TestEveryExampleRuns(t *testing.T) {
	for _, ex := range workloads.Examples() {
		code, out, errOut := asyncsim(t, "run", ex.Name)
		if code != 0 {
			t.Errorf("run %s: exit %d, stderr %s", ex.Name, code, errOut)
		}
		if !strings.HasPrefix(out, ex.Name+": ") {
			t.Errorf("run %s: output starts %q", ex.Name, out[:min(40, len(out))])
		}
	}
}

func TestRunOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	code, _, errOut := asyncsim(t, "run", "tornado", "--out", dir)
	if code != 0 {
		t.Fatalf("run --out: exit %d, stderr %s", code, errOut)
	}
	_, csv, _ := asyncsim(t, "run", "tornado", "--format", "csv")
	if got, _ := os.ReadFile(filepath.Join(dir, "summary.csv")); string(got) != csv {
		t.Errorf("summary.csv differs from --format csv output")
	}
	_, js, _ := asyncsim(t, "run", "tornado", "--format", "json")
	if got, _ := os.ReadFile(filepath.Join(dir, "summary.json")); string(got) != js {
		t.Errorf("summary.json differs from --format json output")
	}
	_, byClass, _ := asyncsim(t, "run", "tornado", "--format", "csv", "--by-class")
	if got, _ := os.ReadFile(filepath.Join(dir, "summary_by_class.csv")); string(got) != byClass {
		t.Errorf("summary_by_class.csv differs from --format csv --by-class output")
	}
	tasks, err := os.ReadFile(filepath.Join(dir, "tasks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(tasks)), "\n")
	if len(lines) != 41 || lines[0] != "strategy,replication,task,class,arrival_s,start_s,completion_s,latency_s,counted,attempt,outcome" {
		t.Errorf("tasks.csv has %d lines, header %q; want 41 and the contract's header", len(lines), lines[0])
	}
	// The first request's first attempt, completed in time.
	if lines[1] != "sync-handler,0,0,request,0,0,1.002,1.002,true,0,done" {
		t.Errorf("tasks.csv first row = %q", lines[1])
	}
}

func TestStrategyFlag(t *testing.T) {
	code, out, _ := asyncsim(t, "run", "--strategy", "asyncio.sleep", "--strategy", "sync-handler", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "\nsync-handler,") {
		t.Errorf("--strategy twice: exit %d, output\n%s", code, out)
	}
	code, _, errOut := asyncsim(t, "run", "--strategy", "run_on_executer")
	if code != 2 || !strings.Contains(errOut, `did you mean "run_on_executor"?`) {
		t.Errorf("unknown --strategy: exit %d, stderr %s", code, errOut)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\ntasks:\n  - name: a\n    count: 2\n    stpes: [{cpu: 1ms}]\nstrategies: [{kind: event-loop}]\n"), 0o644)
	out := filepath.Join(dir, "out")
	expectUsageErrors(t, []usageCase{
		{[]string{"run", bad, "--out", out}, bad + `:5:5: unknown field "stpes" in task class; did you mean "steps"?`},
		{[]string{"run", bad}, `:6:21: unknown strategy kind "event-loop"; did you mean "event_loop"?`},
		{[]string{"validate", bad}, `:5:5: unknown field "stpes"`},
		{[]string{"run", "tornadoo"}, "no such file"},
		{[]string{"run", "a", "b"}, "one workload at a time"},
		{[]string{"run", "--format", "jsno"}, `unknown --format "jsno"; did you mean "json"?`},
		{[]string{"run", "--replications", "0"}, "--replications must be between 1 and"},
		{[]string{"run", "--until", "soon"}, "want a non-negative duration"},
		{[]string{"run", "--bogus"}, "run: unknown flag --bogus (see 'asyncsim run --help')"},
		{[]string{"rnu"}, `unknown command "rnu"; did you mean "run"?`},
		{[]string{"examples", "tornad"}, `no example named "tornad"; did you mean "tornado"?`},
		{[]string{"validate"}, "name at least one workload file"},
	})
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run created %s", out)
	}
}

// usageCase is a command line that must fail as bad usage or input.
type usageCase struct {
	args []string
	want string // part of the message on stderr
}

// expectUsageErrors checks that each case exits 2 with its message on
// stderr and prints nothing on stdout.
func expectUsageErrors(t *testing.T, cases []usageCase) {
	t.Helper()
	for _, tt := range cases {
		code, stdout, stderr := asyncsim(t, tt.args...)
		if code != 2 {
			t.Errorf("%v: exit %d; want 2", tt.args, code)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q; want it to contain %q", tt.args, stderr, tt.want)
		}
		if stdout != "" {
			t.Errorf("%v: printed %q on stdout; want nothing", tt.args, stdout)
		}
	}
}

// TestFlagErrors: an unknown flag gets the nearest flag's name, every
// message names flags with two dashes, --jobs takes at least 1 in every
// command that has it, and --out must name a folder.
func TestFlagErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []usageCase{
		{[]string{"run", "--replication", "3"}, "run: unknown flag --replication; did you mean --replications? (see 'asyncsim run --help')"},
		{[]string{"sweep", "--dry-rn"}, "unknown flag --dry-rn; did you mean --dry-run?"},
		{[]string{"run", "--until"}, "flag needs an argument: --until"},
		{[]string{"run", "--until", "soon"}, `invalid value "soon" for flag --until: `},
		{[]string{"run", "--out", ""}, "run: --out needs a directory name, got an empty one"},
		{[]string{"run", "--out", file}, "run: --out " + file + " exists and is not a directory"},
	}
	for _, cmd := range []string{"run", "sweep", "selfcheck", "plot"} {
		for _, n := range []string{"0", "-1", "x"} {
			cases = append(cases, usageCase{[]string{cmd, "--jobs", n},
				`invalid value "` + n + `" for flag --jobs: want a number of jobs, at least 1, got "` + n + `" (leave --jobs out for one per CPU)`})
		}
	}
	expectUsageErrors(t, cases)
	if got, _ := os.ReadFile(file); len(got) != 0 {
		t.Errorf("run --out FILE wrote into the file")
	}
}

// TestHelpFlags: help lists flags as the README writes them, with two
// dashes, and a command without flags prints no "Flags:" heading.
func TestHelpFlags(t *testing.T) {
	_, out, _ := asyncsim(t, "run", "--help")
	for _, want := range []string{"\nFlags:\n", "\n  --format FORMAT\n    \toutput FORMAT: table, json or csv (default \"table\")\n", "\n  --jobs N\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("run --help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n  -f") || strings.Contains(out, "\n  -j") {
		t.Errorf("run --help lists a flag with one dash:\n%s", out)
	}
	var b bytes.Buffer
	if _, err := newFlagSet("none", "\nUsage: none\n", &b).parse([]string{"--help"}); err != errHelp {
		t.Fatalf("--help: %v", err)
	}
	if b.String() != "Usage: none\n" {
		t.Errorf("--help of a command without flags: %q; want its usage alone", b.String())
	}
}

func TestBudgetExceededExitsOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := asyncsim(t, "run", "web-service", "--max-events", "100", "--out", dir)
	if code != 1 || !strings.Contains(stderr, "more than --max-events 100 events") || stdout != "" {
		t.Errorf("exit %d, stderr %q, stdout %q; want exit 1 and the budget message", code, stderr, stdout)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed run created %s", dir)
	}
}

func TestHelpAndExamples(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help", "run"}, {"run", "--help"}, {"validate", "-h"}, {"examples", "--help"}} {
		code, out, _ := asyncsim(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	code, out, _ := asyncsim(t, "examples")
	if code != 0 || !strings.Contains(out, "tornado ") || !strings.Contains(out, "(default)") {
		t.Errorf("examples: exit %d, output %q", code, out)
	}
	code, out, _ = asyncsim(t, "examples", "tornado")
	ex, _ := workloads.LookupExample("tornado")
	if code != 0 || out != string(ex.YAML) {
		t.Errorf("examples tornado: exit %d, output differs from the embedded YAML", code)
	}
	code, out, _ = asyncsim(t, "validate", "tornado", "gil")
	if code != 0 || strings.Count(out, ": ok:") != 2 {
		t.Errorf("validate tornado gil: exit %d, output %q", code, out)
	}
}

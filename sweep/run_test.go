package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"asyncsim/report"
	"asyncsim/sim"
)

// gridSweep is a 12-point sweep of a stochastic workload with
// replications, small enough to run in a fraction of a second.
const gridSweep = `
workload: base.yaml
replications: 3
vary:
  - path: strategies.threads.threads
    values: [1, 2, 4]
  - path: tasks.request.arrival.interarrival
    values: [{exp: 2ms}, {exp: 5ms}, 4ms, 8ms]
plot:
  x: strategies.threads.threads
  y: [latency_p99_s]
  log_x: true
`

// run runs s into dir and fails the test on error.
func run(t testing.TB, s *Sweep, opts Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), s, opts)
	if err != nil {
		t.Fatalf("Run(%+v): %v", opts, err)
	}
	return res
}

// outputs returns the final files of dir: sweep.csv, sweep.json and the
// figures.
func outputs(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); name == CSVName || name == JSONName || strings.HasPrefix(name, "sweep-") {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			out[name] = data
		}
	}
	return out
}

// sameOutputs fails unless a and b hold the same files with the same bytes.
func sameOutputs(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) || len(a) < 3 {
		t.Fatalf("%s: files %v and %v", what, keys(a), keys(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s: %s differs", what, name)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRunOutputs(t *testing.T) {
	s := mustParse(t, gridSweep)
	dir := t.TempDir()
	res := run(t, s, Options{Dir: dir, Jobs: 2})
	if !res.Complete || res.Points != 12 || res.Ran != 12 || res.Resumed != 0 || len(res.Files) != 3 {
		t.Errorf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalName)); !os.IsNotExist(err) {
		t.Errorf("the journal is left behind after a complete run")
	}
	csv, _ := os.ReadFile(filepath.Join(dir, CSVName))
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	if len(lines) != 1+12*3 {
		t.Fatalf("sweep.csv has %d lines; want a header and 12 points × 3 strategies", len(lines))
	}
	header := "strategies.threads.threads,tasks.request.arrival.interarrival,strategy,kind,tasks,makespan_s,makespan_s_ci95,throughput_per_s"
	// The last metric, with its half-width, then the verdict on overload;
	// base.yaml has no resources, and sweep.csv leaves the classes'
	// figures out.
	if !strings.HasPrefix(lines[0], header) ||
		!strings.HasSuffix(lines[0], ",memory_peak_mib,memory_peak_mib_ci95,stable,bottleneck,bottleneck_utilization") {
		t.Errorf("header = %s", lines[0])
	}
	for i, want := range []string{"1,{exp: 2ms},threads,threaded,23,", "1,{exp: 2ms},blocking,blocking,23,", `1,{exp: 2ms},asyncio.sleep,event_loop,23,`, "1,{exp: 5ms},threads,"} {
		if !strings.HasPrefix(lines[1+i], want) {
			t.Errorf("row %d = %s; want it to start %s", i, lines[1+i], want)
		}
	}
	var doc struct {
		Workload     string
		Replications int
		Points       int
		Hash         string
		Vary         []string
		Plot         Plot
		Results      []map[string]any
	}
	js, _ := os.ReadFile(filepath.Join(dir, JSONName))
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatalf("sweep.json: %v", err)
	}
	if doc.Workload != "base" || doc.Replications != 3 || doc.Points != 12 || doc.Hash != s.Hash || len(doc.Results) != 36 || doc.Plot.X != "strategies.threads.threads" {
		t.Errorf("sweep.json = %+v", doc)
	}
	r := doc.Results[4]
	if r["point"] != 1.0 || r["strategies.threads.threads"] != 1.0 || r["tasks.request.arrival.interarrival"] != "{exp: 5ms}" || r["strategy"] != "blocking" {
		t.Errorf("sweep.json row 4 = %v", r)
	}
	if _, ok := r["latency_p99_s_ci95"].(float64); !ok {
		t.Errorf("sweep.json row lacks latency_p99_s_ci95: %v", r)
	}
}

// TestJobsDoNotChangeOutput checks that --jobs 1 and --jobs 4 write the
// same bytes.
func TestJobsDoNotChangeOutput(t *testing.T) {
	s := mustParse(t, gridSweep)
	a, b := t.TempDir(), t.TempDir()
	run(t, s, Options{Dir: a, Jobs: 1})
	run(t, s, Options{Dir: b, Jobs: 4})
	sameOutputs(t, "--jobs 1 and --jobs 4", outputs(t, a), outputs(t, b))
}

// TestShardsMergeToUnsharded checks that shards 0..N-1, merged, equal an
// unsharded run, for several N.
func TestShardsMergeToUnsharded(t *testing.T) {
	s := mustParse(t, gridSweep)
	whole := t.TempDir()
	run(t, s, Options{Dir: whole, Jobs: 2})
	want := outputs(t, whole)
	for _, n := range []int{1, 3, 5, 13} {
		dir := t.TempDir()
		for k := n - 1; k >= 0; k-- { // any order
			res := run(t, s, Options{Dir: dir, Jobs: 2, Shard: k, Shards: n})
			if want := (12 - k + n - 1) / n; res.Points != want || !res.Complete {
				t.Errorf("shard %d of %d: %+v; want %d points", k, n, res, want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, CSVName)); !os.IsNotExist(err) {
			t.Errorf("a shard wrote %s", CSVName)
		}
		if _, err := Merge(dir, true); err != nil {
			t.Fatalf("%d shards: Merge: %v", n, err)
		}
		sameOutputs(t, strconv.Itoa(n)+" shards merged and the unsharded run", want, outputs(t, dir))
		// Merging again gives the same files.
		if _, err := Merge(dir, true); err != nil {
			t.Fatal(err)
		}
		sameOutputs(t, "a second merge", want, outputs(t, dir))
	}
}

// editShard rewrites the lines of the file at path with edit.
func editShard(t *testing.T, path string, edit func(lines []string) []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(path, []byte(strings.Join(edit(lines[:len(lines)-1]), "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMergeRefuses(t *testing.T) {
	s := mustParse(t, gridSweep)
	other := mustParse(t, strings.Replace(gridSweep, "[1, 2, 4]", "[1, 2, 3]", 1))
	shards := func(t *testing.T, s *Sweep, n int) string {
		dir := t.TempDir()
		for k := range n {
			run(t, s, Options{Dir: dir, Jobs: 2, Shard: k, Shards: n})
		}
		return dir
	}
	copyFile := func(t *testing.T, from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(to, data, 0o644)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		want  string
	}{
		{"no shards", func(t *testing.T) string { return t.TempDir() }, "no shard files"},
		{"missing", func(t *testing.T) string {
			dir := shards(t, s, 4)
			os.Remove(filepath.Join(dir, ShardName(1, 4)))
			os.Remove(filepath.Join(dir, ShardName(3, 4)))
			return dir
		}, "missing 2 of 4 shards: sweep.shard-1-of-4.csv, sweep.shard-3-of-4.csv"},
		{"duplicated", func(t *testing.T) string {
			dir := shards(t, s, 3)
			copyFile(t, filepath.Join(dir, ShardName(0, 3)), filepath.Join(dir, ShardName(2, 3)))
			return dir
		}, "sweep.shard-2-of-3.csv: holds shard 0 of 3, not 2 of 3"},
		{"different sweeps", func(t *testing.T) string {
			dir := shards(t, s, 2)
			odir := shards(t, other, 2)
			copyFile(t, filepath.Join(odir, ShardName(1, 2)), filepath.Join(dir, ShardName(1, 2)))
			return dir
		}, "shards of different sweeps: sweep.shard-0-of-2.csv has hash sha256:"},
		{"different splits", func(t *testing.T) string {
			dir := shards(t, s, 2)
			run(t, s, Options{Dir: dir, Shard: 0, Shards: 3})
			return dir
		}, "shards of different splits: 2 of 2 (sweep.shard-0-of-2.csv, sweep.shard-1-of-2.csv); 1 of 3 (sweep.shard-0-of-3.csv)"},
		{"unfinished", func(t *testing.T) string {
			dir := shards(t, s, 2)
			path := filepath.Join(dir, ShardName(1, 2))
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)-len(journalComplete)-40], 0o644)
			return dir
		}, "sweep.shard-1-of-2.csv: unfinished: run that shard again with --resume"},
		// Issue 12, point 4: a duplicated row gave 401 results for 400.
		{"duplicated row", func(t *testing.T) string {
			dir := shards(t, s, 2)
			editShard(t, filepath.Join(dir, ShardName(1, 2)), func(l []string) []string {
				return slices.Insert(l, 4, l[3])
			})
			return dir
		}, `sweep.shard-1-of-2.csv:5: point 1: strategy "blocking" a second time (first on line 4)`},
		{"duplicated point", func(t *testing.T) string {
			dir := shards(t, s, 2)
			editShard(t, filepath.Join(dir, ShardName(1, 2)), func(l []string) []string {
				return slices.Insert(l, len(l)-1, l[2])
			})
			return dir
		}, "sweep.shard-1-of-2.csv:21: point 1 a second time (first on line 3)"},
		{"removed row", func(t *testing.T) string {
			dir := shards(t, s, 2)
			editShard(t, filepath.Join(dir, ShardName(0, 2)), func(l []string) []string {
				return slices.Delete(l, 4, 5)
			})
			return dir
		}, "sweep.shard-0-of-2.csv:1: its header says 18 rows, it holds 17: a row removed or added?"},
		{"NaN", func(t *testing.T) string {
			dir := shards(t, s, 2)
			editShard(t, filepath.Join(dir, ShardName(0, 2)), func(l []string) []string {
				l[6] = strings.Replace(l[6], ",23,", ",23,NaN,", 1)
				l[6] = l[6][:strings.LastIndexByte(l[6][:len(l[6])-1], ',')] + "\n"
				return l
			})
			return dir
		}, `sweep.shard-0-of-2.csv:7: point 2: strategy "blocking": makespan_s "NaN" is not a finite number`},
		{"no folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nonexistent") }, "nonexistent: no such folder"},
		{"not a journal", func(t *testing.T) string {
			dir := shards(t, s, 2)
			os.WriteFile(filepath.Join(dir, ShardName(0, 2)), []byte("a,b\n1,2\n"), 0o644)
			return dir
		}, "not a sweep journal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			_, err := Merge(dir, true)
			var de *DirError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Merge = %v; want a DirError containing %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, CSVName)); !os.IsNotExist(err) {
				t.Errorf("a refused merge wrote %s", CSVName)
			}
		})
	}
}

// TestResumeAfterKill interrupts a run, cuts its journal in the middle of
// a line as a kill during a write would, resumes, and checks that the
// result equals an uninterrupted run.
func TestResumeAfterKill(t *testing.T) {
	s := mustParse(t, gridSweep)
	want := t.TempDir()
	run(t, s, Options{Dir: want, Jobs: 2})

	for _, shards := range []int{0, 3} {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		opts := Options{Dir: dir, Jobs: 1, Shard: shards / 2, Shards: shards}
		if shards == 0 {
			opts.Resume = true // no journal yet: starts afresh
		}
		opts.Progress = func(done, todo int) {
			if done == 3 {
				cancel()
			}
		}
		res, err := Run(ctx, s, opts)
		cancel()
		if !errors.Is(err, ErrInterrupted) || res == nil || res.Ran != 3 || res.Complete {
			t.Fatalf("interrupted run: %+v, %v; want 3 points and ErrInterrupted", res, err)
		}
		name := JournalName
		if shards > 0 {
			name = ShardName(opts.Shard, shards)
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Cut the last row in half.
		cut := bytes.LastIndexByte(data[:len(data)-1], '\n') + 30
		if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		opts.Progress, opts.Resume = nil, true
		res, err = Run(context.Background(), s, opts)
		if err != nil {
			t.Fatalf("resumed run: %v", err)
		}
		if res.Resumed != 2 || res.Ran != res.Points-2 || !res.Complete {
			t.Errorf("resumed run: %+v; want 2 points kept (the third was cut)", res)
		}
		if shards > 0 {
			for k := range shards {
				if k != opts.Shard {
					run(t, s, Options{Dir: dir, Shard: k, Shards: shards})
				}
			}
			if _, err := Merge(dir, true); err != nil {
				t.Fatal(err)
			}
		}
		sameOutputs(t, "a resumed run and an uninterrupted one", outputs(t, want), outputs(t, dir))

		// Resuming a finished sweep runs nothing and keeps the files.
		res, err = Run(context.Background(), s, Options{Dir: dir, Resume: true, Shard: opts.Shard, Shards: shards})
		if err != nil || res.Ran != 0 || !res.Complete {
			t.Errorf("resuming a finished sweep: %+v, %v", res, err)
		}
	}
}

func TestResumeRefusesAnotherSweep(t *testing.T) {
	s := mustParse(t, gridSweep)
	other := mustParse(t, strings.Replace(gridSweep, "replications: 3", "replications: 2", 1))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, s, Options{Dir: dir}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("cancelled run: %v", err)
	}
	_, err := Run(context.Background(), other, Options{Dir: dir, Resume: true})
	var de *DirError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.journal.csv: not this sweep's journal (hash sha256:") {
		t.Errorf("resume with another sweep = %v", err)
	}
	// Nor does a plain run start over in another sweep's folder (issue
	// 12, point 2); --restart does.
	_, err = Run(context.Background(), other, Options{Dir: dir})
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "not this sweep's journal") || !strings.Contains(err.Error(), "--restart to discard it") {
		t.Errorf("a plain run in another sweep's folder = %v", err)
	}
	if _, err := Run(context.Background(), other, Options{Dir: dir, Restart: true}); err != nil {
		t.Errorf("restarting: %v", err)
	}
}

// TestConfidenceIntervalsShrink checks that CI half-widths shrink roughly
// as 1/√R: over many points, the half-width times √R / t(R−1), which
// estimates the standard deviation, is about the same for 8 and 32
// replications.
func TestConfidenceIntervalsShrink(t *testing.T) {
	src := `
workload:
  name: mm1
  seed: 5
  tasks:
    - name: job
      count: 300
      arrival: {interarrival: {exp: 1ms}}
      steps: [{cpu: {exp: 700us}}]
  strategies: [{kind: blocking}]
replications: R
vary:
  - path: tasks.job.steps.0.cpu
    values: [{exp: 300us}, {exp: 400us}, {exp: 500us}, {exp: 600us}, {exp: 700us}, {exp: 800us}]
`
	tq := map[int]float64{8: 2.364624251, 32: 2.039513446} // Student t 0.975 quantiles, 7 and 31 df
	ci := map[int][]float64{}
	for _, r := range []int{8, 32} {
		s := mustParse(t, strings.Replace(src, "R", strconv.Itoa(r), 1))
		dir := t.TempDir()
		run(t, s, Options{Dir: dir})
		tab, err := readTable(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, metric := range []string{sim.LatencyMean.String(), sim.Makespan.String(), sim.LatencyP90.String()} {
			col := indexOf(tab.cols, metric+"_ci95")
			for _, g := range tab.groups {
				x := number(g.rows[0][col])
				ci[r] = append(ci[r], x)
			}
		}
	}
	var ratios []float64
	for i := range ci[8] {
		sd8 := ci[8][i] * math.Sqrt(8) / tq[8]
		sd32 := ci[32][i] * math.Sqrt(32) / tq[32]
		ratios = append(ratios, math.Log(sd8/sd32))
	}
	var mean float64
	for _, r := range ratios {
		mean += r
	}
	mean /= float64(len(ratios))
	// The half-widths themselves: 32 replications should give about half
	// (√(8/32) × t ratio ≈ 0.43) of 8's.
	var shrink float64
	for i := range ci[8] {
		shrink += math.Log(ci[32][i] / ci[8][i])
	}
	shrink = math.Exp(shrink / float64(len(ci[8])))
	t.Logf("implied standard deviations, 8 vs 32 replications: ratio %.3f; half-widths shrank by %.3f", math.Exp(mean), shrink)
	if math.Abs(mean) > math.Log(1.35) {
		t.Errorf("standard deviations implied by the CIs differ by a factor %.2f between 8 and 32 replications; want about 1", math.Exp(mean))
	}
	if want := 0.5 * tq[32] / tq[8]; shrink < want*0.7 || shrink > want*1.4 {
		t.Errorf("CI half-widths shrank by %.3f from 8 to 32 replications; want about %.3f (1/√4 × t ratio)", shrink, want)
	}
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// journalRow returns a valid journal row of strategy name: the varied
// value v, then a run's summary with one replication (stable, its
// bottleneck the CPU).
func journalRow(v, name, kind string) []string {
	r := []string{v, name, kind, "7"}
	for _, c := range report.Columns(1, nil)[3:] {
		r = append(r, statCell(c, "0.25"))
	}
	return r
}

// statCell returns a valid cell of summary column c: x for a statistic.
func statCell(c, x string) string {
	switch c {
	case report.ColumnStable:
		return "true"
	case report.ColumnBottleneck:
		return "cpu"
	}
	return x
}

// testJournal is a journal of 3 points, 2 strategies each, varied path
// "a": point 2 whole, then point 0 whole.
func testJournal() (header, []string, string) {
	h := header{Hash: "sha256:x", Points: 3, Shards: 1, Workload: "w", Replications: 1}
	cols := append([]string{"a"}, report.Columns(1, nil)...)
	return h, cols, string(encodeHeader(h, cols)) +
		string(encodeGroup(group{point: 2, rows: [][]string{journalRow("x,y", "s1", "threaded"), journalRow("x,y", "s2", "blocking")}})) +
		string(encodeGroup(group{point: 0, rows: [][]string{journalRow(`"q"`, "s1", "threaded"), journalRow(`"q"`, "s2", "blocking")}}))
}

func TestJournalParse(t *testing.T) {
	_, _, full := testJournal()
	j, err := parseJournal("j.csv", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.groups) != 2 || j.groups[0].point != 2 || len(j.groups[0].rows) != 2 || j.groups[0].line != 3 ||
		j.groups[1].line != 5 || j.groups[1].rows[0][0] != `"q"` || j.complete {
		t.Errorf("parseJournal = %+v", j)
	}
	// A write cut short leaves part of a line, which is ignored.
	for cut := len(full) - 1; cut > len(full)-12; cut-- {
		j, err := parseJournal("j.csv", []byte(full[:cut]))
		if err != nil || len(j.groups) != 2 || len(j.groups[1].rows) != 1 {
			t.Errorf("cut at %d: %+v, %v; want the half-written last line ignored", cut, j, err)
		}
	}
	j, err = parseJournal("j.csv", []byte(full+journalComplete+"\n"))
	if err != nil || !j.complete {
		t.Errorf("journalComplete not recognised: %v", err)
	}
	// Numbers are kept in the form Run writes them.
	j, err = parseJournal("j.csv", []byte(strings.Replace(full, ",7,0.25,", ",07,2.5e-1,", 1)))
	if err != nil || j.groups[0].rows[0][3] != "7" || j.groups[0].rows[0][4] != "0.25" {
		t.Errorf("numbers not normalised: %v, %v", j.groups[0].rows[0][:5], err)
	}
}

// TestJournalRejects covers issue 12's point 4: a journal or shard row is
// checked cell by cell, and a bad one is an error naming its line.
func TestJournalRejects(t *testing.T) {
	_, _, full := testJournal()
	lines := strings.SplitAfter(full, "\n")
	edit := func(line int, from, to string) string {
		l := slices.Clone(lines)
		l[line-1] = strings.Replace(l[line-1], from, to, 1)
		return strings.Join(l, "")
	}
	h, cols, _ := testJournal()
	h.Shards, h.Shard = 2, 1
	otherShard := string(encodeHeader(h, cols)) + strings.Join(lines[2:], "")
	tests := []struct {
		name, data string
		line       int
		want       string
	}{
		{"hello", edit(3, ",0.25,", ",hello,"), 3, `point 2: strategy "s1": makespan_s "hello" is not a finite number`},
		{"NaN", edit(4, ",0.25,", ",NaN,"), 4, `makespan_s "NaN" is not a finite number`},
		{"Inf", edit(5, ",0.25\n", ",-Inf\n"), 5, `bottleneck_utilization "-Inf" is not a finite number`},
		{"stable", edit(5, ",true,", ",yes,"), 5, `stable "yes" is neither true nor false`},
		{"tasks", edit(6, ",7,", ",7.5,"), 6, `tasks "7.5" is not a whole number of tasks`},
		{"negative tasks", edit(6, ",7,", ",-1,"), 6, `tasks "-1" is not a whole number`},
		{"kind", edit(3, "threaded", "thread"), 3, `kind "thread" is not one of`},
		{"no name", edit(3, ",s1,", ",,"), 3, "no strategy name"},
		{"invalid UTF-8", edit(4, "s2", "s\xff"), 4, "not valid UTF-8"},
		// point, a, strategy, kind, tasks, the 29 metrics (one
		// replication, no resources, no classes) and the 3 of stability:
		// 37 columns.
		{"cells", edit(3, ",s1,", ",s1,x,"), 3, "38 cells; the header has 37 columns"},
		{"point index", edit(5, "0,", "00,"), 5, `point "00" is not a point index`},
		{"point beyond", edit(5, "0,", "3,"), 5, "point 3 is beyond the sweep's 3 points"},
		{"other shard", otherShard, 3, "point 2 is not one of shard 1 of 2"},
		{"duplicated row", full + lines[5], 7, `point 0: strategy "s2" a second time (first on line 6)`},
		{"duplicated point", full + lines[2], 7, "point 2 a second time (first on line 3)"},
		{"values differ", edit(6, `"""q"""`, "z"), 6, "point 0: varied values z differ from those on line 5"},
		{"after complete", full + journalComplete + "\n" + lines[2], 8, `a line after "# complete"`},
		{"header", strings.Replace(full, `"points":3`, `"points":0`, 1), 1, "the header's 0 points"},
		{"header field", strings.Replace(full, `"points":3`, `"pints":3`, 1), 1, "not a journal's header"},
		{"columns", edit(2, "makespan_s,", "makespan,"), 2, "not the column header of a sweep journal with 1 replications"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseJournal("j.csv", []byte(tt.data))
			var de *DirError
			if !errors.As(err, &de) || de.Line != tt.line || !strings.Contains(err.Error(), tt.want) ||
				!strings.HasPrefix(err.Error(), fmt.Sprintf("j.csv:%d: ", tt.line)) {
				t.Errorf("parseJournal = %v; want j.csv:%d: ...%s", err, tt.line, tt.want)
			}
		})
	}
}

// TestInterruptStopsRunningPoints covers issue 12's point 13: once
// interrupted, a sweep stops the points running before their next
// replication instead of running them to the end. The one point (forty
// replications of 300,000 tasks, about 3 s) is interrupted 0.1 s after it
// starts.
func TestInterruptStopsRunningPoints(t *testing.T) {
	s := mustParse(t, `
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
    values: [300000]
`)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res, err := Run(ctx, s, Options{Dir: dir, Jobs: 1})
	if !errors.Is(err, ErrInterrupted) || res == nil || res.Ran != 0 || res.Complete {
		t.Fatalf("Run = %+v, %v after %v; want the point stopped and ErrInterrupted", res, err, time.Since(start))
	}
	t.Logf("stopped after %v", time.Since(start))
	data, err := os.ReadFile(filepath.Join(dir, JournalName))
	if err != nil {
		t.Fatal(err)
	}
	if j, err := parseJournal(JournalName, data); err != nil || len(j.groups) != 0 {
		t.Errorf("journal: %+v, %v; want no point", j, err)
	}
}

// TestLockRefusesSecondSweep covers issue 12's point 1: while a sweep or
// merge holds a folder, a second one is refused with the holder's pid,
// and the lock goes when its holder does.
func TestLockRefusesSecondSweep(t *testing.T) {
	s := mustParse(t, gridSweep)
	pid := fmt.Sprintf("(pid %d on ", os.Getpid())
	refused := func(t *testing.T, what string, err error, want string) {
		t.Helper()
		var de *DirError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s = %v; want a DirError containing %q", what, err, want)
		}
	}

	dir := t.TempDir()
	l, err := lockDir(dir, 0, 0) // a sweep or merge in another process
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), s, Options{Dir: dir})
	refused(t, "Run into a held folder", err, "in use by another asyncsim sweep or merge "+pid)
	_, err = Run(context.Background(), s, Options{Dir: dir, Shard: 1, Shards: 2})
	refused(t, "a shard into a held folder", err, "in use by another asyncsim sweep or merge "+pid)
	_, err = Merge(dir, false)
	refused(t, "Merge into a held folder", err, "in use by another asyncsim sweep or merge "+pid)
	if _, err := os.Stat(filepath.Join(dir, JournalName)); !os.IsNotExist(err) {
		t.Errorf("a refused sweep wrote a journal")
	}
	l.unlock()
	run(t, s, Options{Dir: dir})

	// Shards share the folder; each holds its own shard alone.
	dir = t.TempDir()
	l, err = lockDir(dir, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, Options{Dir: dir, Shard: 1, Shards: 2})
	_, err = Run(context.Background(), s, Options{Dir: dir, Shard: 0, Shards: 2})
	refused(t, "the same shard twice", err, "shard 0 of 2 is already running into it "+pid)
	_, err = Run(context.Background(), s, Options{Dir: dir})
	refused(t, "a sweep into a folder of running shards", err, "in use by the shards of a sweep: shard 0 of 2 "+pid)
	_, err = Merge(dir, false)
	refused(t, "a merge of running shards", err, "in use by the shards of a sweep: shard 0 of 2 "+pid)
	l.unlock()
	run(t, s, Options{Dir: dir, Shard: 0, Shards: 2})
	if _, err := Merge(dir, false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{LockName, ShardLockName(0, 2), ShardLockName(1, 2)} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is left behind", name)
		}
	}

	// A lock file left by a kill -9 holds no lock: it is taken over.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, LockName), []byte("pid 999999999 on gone\n"), 0o644)
	run(t, s, Options{Dir: dir})
}

// TestTwoSweepsOneFolder is the reproduction of issue 12's point 1: sweep
// A runs into a folder, sweep B (differing in one count) is started into
// it meanwhile and refused; once A is done, B is refused A's finished
// folder too, with --resume or without (point 2).
func TestTwoSweepsOneFolder(t *testing.T) {
	a := mustParse(t, gridSweep)
	b := mustParse(t, strings.Replace(gridSweep, "[1, 2, 4]", "[1, 2, 5]", 1))
	dir := t.TempDir()
	started, tried := make(chan struct{}), make(chan struct{})
	errA := make(chan error)
	go func() {
		_, err := Run(context.Background(), a, Options{Dir: dir, Jobs: 1, Progress: func(done, todo int) {
			if done == 1 {
				close(started)
				<-tried
			}
		}})
		errA <- err
	}()
	<-started
	_, err := Run(context.Background(), b, Options{Dir: dir})
	close(tried)
	if want := fmt.Sprintf("in use by another asyncsim sweep or merge (pid %d on ", os.Getpid()); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("sweep B while A runs = %v; want %q", err, want)
	}
	if err := <-errA; err != nil {
		t.Fatalf("sweep A: %v", err)
	}
	want := outputs(t, dir)
	for _, opts := range []Options{{Dir: dir, Resume: true}, {Dir: dir}} {
		_, err := Run(context.Background(), b, opts)
		var de *DirError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.json: the results of another sweep (workload base, 12 points, hash sha256:") {
			t.Errorf("sweep B (resume %v) in A's finished folder = %v", opts.Resume, err)
		}
	}
	sameOutputs(t, "A's outputs after B was refused", want, outputs(t, dir))
	// --restart replaces them.
	res, err := Run(context.Background(), b, Options{Dir: dir, Restart: true})
	if err != nil || !res.Complete {
		t.Fatalf("sweep B with Restart: %+v, %v", res, err)
	}
	if t2, err := readTable(os.DirFS(dir)); err != nil || t2.hdr.Hash != b.Hash {
		t.Errorf("after a restart sweep.json is not B's: %v", err)
	}
}

// TestRerunKeepsJournal covers the rest of issue 12's point 2: a rerun
// without --resume refuses to discard a journal of finished points,
// naming how many; --restart discards it. Another sweep's shard files, or
// a sweep.csv no sweep.json vouches for, are refused too.
func TestRerunKeepsJournal(t *testing.T) {
	s := mustParse(t, gridSweep)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, s, Options{Dir: dir, Jobs: 1, Progress: func(done, todo int) {
		if done == 3 {
			cancel()
		}
	}})
	cancel()
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	journal, _ := os.ReadFile(filepath.Join(dir, JournalName))
	_, err = Run(context.Background(), s, Options{Dir: dir})
	var de *DirError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.journal.csv: holds 3 finished points of this sweep: --resume keeps them and runs the others, --restart discards them") {
		t.Errorf("a rerun without --resume = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, JournalName)); !bytes.Equal(got, journal) {
		t.Errorf("a refused rerun changed the journal")
	}
	res, err := Run(context.Background(), s, Options{Dir: dir, Restart: true})
	if err != nil || res.Resumed != 0 || res.Ran != 12 {
		t.Errorf("a restart: %+v, %v; want 12 points run", res, err)
	}

	other := mustParse(t, strings.Replace(gridSweep, "replications: 3", "replications: 2", 1))
	dir = t.TempDir()
	run(t, other, Options{Dir: dir, Shard: 0, Shards: 2})
	_, err = Run(context.Background(), s, Options{Dir: dir})
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.shard-0-of-2.csv: the rows of another sweep (workload base, hash sha256:") {
		t.Errorf("a sweep beside another sweep's shard = %v", err)
	}
	_, err = Run(context.Background(), s, Options{Dir: dir, Shard: 1, Shards: 2})
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "the rows of another sweep") {
		t.Errorf("a shard beside another sweep's shard = %v", err)
	}
	// --restart removes another sweep's shard, but not while it runs.
	l, err := lockDir(dir, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), s, Options{Dir: dir, Shard: 1, Shards: 2, Restart: true})
	if want := fmt.Sprintf("sweep.shard-0-of-2.csv: the rows of another sweep, whose shard 0 of 2 is running (pid %d on ", os.Getpid()); !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
		t.Errorf("a restart beside another sweep's running shard = %v; want %q", err, want)
	}
	l.unlock()
	run(t, s, Options{Dir: dir, Shard: 1, Shards: 2, Restart: true})
	if _, err := os.Stat(filepath.Join(dir, ShardName(0, 2))); !os.IsNotExist(err) {
		t.Errorf("a restart kept another sweep's shard")
	}

	// A shard file another shard is creating at this moment (empty, or
	// half its header) is no reason to refuse.
	for _, partial := range []string{"", journalMagic[:10], journalMagic + `{"hash":"sha2`} {
		dir = t.TempDir()
		os.WriteFile(filepath.Join(dir, ShardName(0, 2)), []byte(partial), 0o644)
		run(t, s, Options{Dir: dir, Shard: 1, Shards: 2})
	}

	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, CSVName), []byte("a,b\n"), 0o644)
	_, err = Run(context.Background(), s, Options{Dir: dir})
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.csv: the results of a sweep, without the sweep.json that says which") {
		t.Errorf("a sweep beside a lone sweep.csv = %v", err)
	}
}

// TestResumeChecksJournal covers issue 12's point 4 for --resume: a bad
// or foreign row in the journal is refused with its line, and --restart
// is offered; rows merely cut short by a kill are not.
func TestResumeChecksJournal(t *testing.T) {
	s := mustParse(t, gridSweep)
	interrupted := func(t *testing.T) (dir string, lines []string) {
		dir = t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Run(ctx, s, Options{Dir: dir, Jobs: 1, Progress: func(done, todo int) {
			if done == 2 {
				cancel()
			}
		}})
		cancel()
		if !errors.Is(err, ErrInterrupted) {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, JournalName))
		return dir, strings.SplitAfter(string(data), "\n")
	}
	tests := []struct {
		name string
		edit func(lines []string) []string
		want string
	}{
		{"hello", func(l []string) []string {
			l[3] = strings.Replace(l[3], ",23,", ",23,hello,", 1)
			l[3] = l[3][:strings.LastIndexByte(l[3][:len(l[3])-1], ',')] + "\n"
			return l
		}, `sweep.journal.csv:4: cannot resume: point 0: strategy "blocking": makespan_s "hello" is not a finite number; restart the sweep (--restart) to discard the journal`},
		{"renamed strategy", func(l []string) []string {
			l[4] = strings.Replace(l[4], "asyncio.sleep", "asyncio.sleeps", 1)
			return l
		}, `sweep.journal.csv:5: cannot resume: point 0: strategy "asyncio.sleeps" (event_loop) where this sweep has "asyncio.sleep" (event_loop)`},
		{"other values", func(l []string) []string {
			for i := 2; i < 5; i++ {
				l[i] = strings.Replace(l[i], "1,{exp: 2ms}", "1,{exp: 3ms}", 1)
			}
			return l
		}, `sweep.journal.csv:3: cannot resume: point 0: varied values 1, {exp: 3ms}`},
		{"missing row", func(l []string) []string {
			return append(l[:4], l[5:]...)
		}, `sweep.journal.csv:3: cannot resume: point 0: 2 rows for its 3 strategies`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, lines := interrupted(t)
			os.WriteFile(filepath.Join(dir, JournalName), []byte(strings.Join(tt.edit(lines), "")), 0o644)
			_, err := Run(context.Background(), s, Options{Dir: dir, Resume: true})
			var de *DirError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("resume = %v;\nwant ...%s", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, CSVName)); !os.IsNotExist(err) {
				t.Errorf("a refused resume wrote %s", CSVName)
			}
		})
	}
	// Without --resume a bad journal is not discarded silently either.
	dir, lines := interrupted(t)
	lines[3] = strings.Replace(lines[3], ",blocking,", ",blocking,x,", 1)
	os.WriteFile(filepath.Join(dir, JournalName), []byte(strings.Join(lines, "")), 0o644)
	_, err := Run(context.Background(), s, Options{Dir: dir})
	// point, the 2 paths, strategy, kind, tasks, the 29 metrics with
	// their half-widths (3 replications), the 3 of stability and the 8
	// figures of each of the 2 classes with theirs: 1 + 2 + 3 + 58 + 3 +
	// 32 = 99 columns.
	if want := "sweep.journal.csv:4: 100 cells; the header has 99 columns; restart the sweep (--restart) to discard the journal"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("a rerun beside a bad journal = %v; want ...%s", err, want)
	}

	// The last point's rows cut after a whole line (a kill between two
	// rows of one write): that point runs again.
	dir, lines = interrupted(t)
	os.WriteFile(filepath.Join(dir, JournalName), []byte(strings.Join(lines[:len(lines)-2], "")), 0o644)
	res, err := Run(context.Background(), s, Options{Dir: dir, Resume: true})
	if err != nil || res.Resumed != 1 || !res.Complete {
		t.Errorf("resume after a cut between rows: %+v, %v; want 1 point kept", res, err)
	}
}

// TestRunRefusesUnreadableOutputs checks that a sweep.json that is not a
// sweep's output is not overwritten without --restart.
func TestRunRefusesUnreadableOutputs(t *testing.T) {
	s := mustParse(t, gridSweep)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, JSONName), []byte("{\"results\": 1}\n"), 0o644)
	_, err := Run(context.Background(), s, Options{Dir: dir})
	var de *DirError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "sweep.json: not a sweep's output (json: ") ||
		!strings.HasSuffix(err.Error(), "); use another output folder, or --restart to replace them") {
		t.Errorf("Run beside a foreign sweep.json = %v", err)
	}
	run(t, s, Options{Dir: dir, Restart: true})
}

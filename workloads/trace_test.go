package workloads

import (
	"bytes"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"asyncsim/internal/stream"
	"asyncsim/sim"
)

// TestParseValue: a line's value is seconds as a decimal, exact to the
// nanosecond (rounded half up beyond it), or a Go duration.
func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want sim.Time
		msg  string
	}{
		{"0", 0, ""},
		{"1.5", 1500 * sim.Millisecond, ""},
		{".25", 250 * sim.Millisecond, ""},
		{"3.", 3 * sim.Second, ""},
		{"007.000000001", 7*sim.Second + 1, ""},
		{"0.0000000015", 2, ""},  // 1.5ns rounds half up to 2ns
		{"0.00000000149", 1, ""}, // 1.49ns rounds to 1ns
		{"0.1", 100 * sim.Millisecond, ""},
		{"86400.123456789", 86400*sim.Second + 123456789, ""},
		{"250ms", 250 * sim.Millisecond, ""},
		{"1h2m", 62 * sim.Minute, ""},
		{"87600h", maxHorizon, ""},
		{"87600h1ns", 0, `arrival "87600h1ns" is more than the maximum of 87600h`},
		{"315360000.000000001", 0, `arrival "315360000.000000001" is more than the maximum of 87600h`},
		{"99999999999", 0, `arrival "99999999999" is more than the maximum of 87600h`},
		{"9999999999.9999999999", 0, `arrival "9999999999.9999999999" is more than the maximum of 87600h`}, // 10^10 s × 10^9 overflows an int64
		{"-1", 0, `arrival "-1" must not be negative`},
		{"-1ms", 0, `arrival "-1ms" must not be negative`},
		{"1e3", 0, `invalid arrival "1e3": expected seconds like 1.5 or a Go duration like 250ms`},
		{".", 0, `invalid arrival ".": expected seconds like 1.5 or a Go duration like 250ms`},
		{"1,5", 0, `invalid arrival "1,5": expected seconds like 1.5 or a Go duration like 250ms`},
		{"5 ms", 0, `invalid arrival "5 ms": expected seconds like 1.5 or a Go duration like 250ms`},
	} {
		got, msg := parseValue([]byte(tc.in), maxHorizon, "arrival")
		if got != tc.want || msg != tc.msg {
			t.Errorf("parseValue(%q) = %v, %q; want %v, %q", tc.in, got, msg, tc.want, tc.msg)
		}
	}
}

// traceWorkload is a workload replaying trace.txt beside it; arrival is
// the class's arrival mapping.
func traceWorkload(arrival string) string {
	return "name: w\ntasks:\n  - name: replay\n    arrival: " + arrival + "\n    steps: [{cpu: 1ms}]\nstrategies: [{kind: blocking}]\n"
}

// loadIn writes files into a new directory and loads its w.yaml.
func loadIn(t *testing.T, files map[string]string) (*Spec, error) {
	t.Helper()
	dir := writeFiles(t, files)
	return Load(filepath.Join(dir, "w.yaml"))
}

// TestTraceReplay: a trace's instants, comments, blank lines and ties
// included, arrive as written, divided by the speed and offset by the
// start, at most count of them.
func TestTraceReplay(t *testing.T) {
	const trace = "# arrivals of a burst\n0\n\n0.5   # two at once\n0.5\n\t750ms\r\n1.25\n"
	for _, tc := range []struct {
		name, arrival string
		count         int
		want          []sim.Time
	}{
		// As written: 0, 0.5, 0.5, 0.75, 1.25 s.
		{"as written", "{trace: trace.txt}", 0, []sim.Time{0, 500 * sim.Millisecond, 500 * sim.Millisecond, 750 * sim.Millisecond, 1250 * sim.Millisecond}},
		// speed 2 halves them, start 1s adds a second: 1, 1.25, 1.25,
		// 1.375, 1.625 s.
		{"speed and start", "{trace: trace.txt, speed: 2, start: 1s}", 0, []sim.Time{sim.Second, 1250 * sim.Millisecond, 1250 * sim.Millisecond, 1375 * sim.Millisecond, 1625 * sim.Millisecond}},
		// speed 1.5 (50% more traffic): 0, 1/3, 1/3, 1/2, 5/6 s, to the
		// nanosecond.
		{"speed 1.5", "{trace: trace.txt, speed: 1.5}", 0, []sim.Time{0, 333333333, 333333333, 500 * sim.Millisecond, 833333333}},
		// speed 0.5 doubles them; count 3 keeps the first three.
		{"slower, count", "{trace: trace.txt, speed: 0.5}\n    count: 3", 3, []sim.Time{0, sim.Second, sim.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadIn(t, map[string]string{"w.yaml": traceWorkload(tc.arrival), "trace.txt": trace})
			if err != nil {
				t.Fatal(err)
			}
			c := &s.Classes[0]
			// Two arrivals at 0.5 s: a burst of 2.
			if c.Trace == nil || c.Trace.Arrivals != 5 || c.Trace.First != 0 || c.Trace.Last != 1250*sim.Millisecond || c.Trace.Burst != 2 || c.Count != tc.count {
				t.Fatalf("class %+v, trace %+v", c, c.Trace)
			}
			if got := s.Tasks(); got != int64(len(tc.want)) {
				t.Errorf("Tasks() = %d; want %d", got, len(tc.want))
			}
			for rep := range 2 { // every replication replays the same
				src := s.Source(rep)
				tasks := drain(src)
				if got := arrivals(tasks); !slices.Equal(got, tc.want) {
					t.Errorf("replication %d: arrivals %v; want %v", rep, got, tc.want)
				}
				for i, task := range tasks {
					if task.Index != int64(i) || task.Class != 0 || task.Client != -1 {
						t.Errorf("task %d: %s", i, key(task))
					}
				}
				if err := SourceErr(src); err != nil {
					t.Errorf("SourceErr = %v", err)
				}
			}
			if last, ok := s.LastArrival(); ok != (tc.count == 0) || ok && last != tc.want[len(tc.want)-1] {
				t.Errorf("LastArrival = %v, %t; want %v unless count cuts the trace", last, ok, tc.want[len(tc.want)-1])
			}
		})
	}
}

// TestTraceInterleaves: a trace class's arrivals interleave with another
// class's by time, ties going to the class first in the file.
func TestTraceInterleaves(t *testing.T) {
	s, err := loadIn(t, map[string]string{
		"trace.txt": "1ms\n2ms\n2ms\n",
		"w.yaml": `name: w
tasks:
  - {name: steady, count: 3, arrival: {interarrival: 1ms}, steps: [{cpu: 1us}]}
  - {name: replay, arrival: {trace: trace.txt}, steps: [{cpu: 1us}]}
strategies: [{kind: blocking}]
`})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, task := range drain(s.Source(0)) {
		got = append(got, fmt.Sprintf("%d@%v", task.Class, task.Arrival))
	}
	// steady at 0, 1, 2 ms; replay at 1, 2, 2 ms.
	want := []string{"0@0s", "0@1ms", "1@1ms", "0@2ms", "1@2ms", "1@2ms"}
	if !slices.Equal(got, want) {
		t.Errorf("arrivals %v; want %v", got, want)
	}
}

// countingOpener opens data, counting the opens and closes.
type countingOpener struct {
	data          []byte
	opens, closes int
}

func (o *countingOpener) open() (readerAtCloser, error) {
	o.opens++
	return &countedReader{bytes.NewReader(o.data), o}, nil
}

type countedReader struct {
	*bytes.Reader
	o *countingOpener
}

func (r *countedReader) Close() error { r.o.closes++; return nil }

// TestTraceReadInChunks: a trace longer than a chunk is read a chunk at a
// time, lines across the chunks' ends intact, and no file is left open.
func TestTraceReadInChunks(t *testing.T) {
	var b strings.Builder
	const n = 30_000
	for i := range n {
		fmt.Fprintf(&b, "%d.%06d\n", i/1000, i%1000*1000) // i ms
	}
	o := &countingOpener{data: []byte(b.String())}
	tr, err := scanTrace("big.txt", o)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Arrivals != n || tr.First != 0 || tr.Last != (n-1)*sim.Millisecond {
		t.Fatalf("trace %+v", tr)
	}
	chunks := (len(o.data) + traceChunk - 1) / traceChunk
	if o.opens != o.closes || o.opens < chunks || o.opens > chunks+1 {
		t.Errorf("%d opens, %d closes for %d bytes; want one of each per %d-byte chunk (%d), and one more at the end", o.opens, o.closes, len(o.data), traceChunk, chunks)
	}
	r := newTraceReader(tr, 0)
	for i := range n {
		at, ok := r.next()
		if !ok || at != sim.Time(i)*sim.Millisecond {
			t.Fatalf("arrival %d = %v, %t; want %v", i, at, ok, sim.Time(i)*sim.Millisecond)
		}
	}
	if _, ok := r.next(); ok || r.err != nil {
		t.Errorf("after the last arrival: %t, %v", ok, r.err)
	}
}

// TestTraceBadInput: problems in a trace file are errors positioned in
// that file; problems with the keys are positioned in the workload.
func TestTraceBadInput(t *testing.T) {
	for _, tc := range []struct{ name, arrival, trace, want string }{
		{"malformed line", "{trace: trace.txt}", "0.1\n0.2\n  abc\n", "trace.txt:3:3: invalid arrival \"abc\": expected seconds like 1.5 or a Go duration like 250ms"},
		{"decreasing", "{trace: trace.txt}", "0.1\n# c\n0.3\n0.2\n", "trace.txt:4:1: arrival 200ms is before the previous one, 300ms on line 3: a trace lists its arrivals in order"},
		{"negative", "{trace: trace.txt}", "-0.5\n", "trace.txt:1:1: arrival \"-0.5\" must not be negative"},
		{"empty", "{trace: trace.txt}", "# nothing\n\n", "trace.txt:2:1: the trace lists no arrival: expected one instant a line, like 1.5 or 250ms"},
		{"empty file", "{trace: trace.txt}", "", "trace.txt:1:1: the trace lists no arrival: expected one instant a line, like 1.5 or 250ms"},
		{"long line", "{trace: trace.txt}", "1\n" + strings.Repeat(" ", maxLineBytes+1) + "2\n", "trace.txt:2:1: line longer than 4096 bytes"},
		{"missing file", "{trace: nope.txt}", "", "w.yaml:4:22: trace: nope.txt: no such file or directory"},
		{"directory", "{trace: .}", "", "w.yaml:4:22: trace: .: is a directory, not a regular file"},
		{"empty name", "{trace: \"\"}", "", "w.yaml:4:22: trace must name a file, got an empty string"},
		{"speed 0", "{trace: trace.txt, speed: 0}", "1\n", "w.yaml:4:40: speed must be positive, got 0 (2 replays the trace twice as fast, 0.5 at half the rate)"},
		{"speed huge", "{trace: trace.txt, speed: 1e10}", "1\n", "w.yaml:4:40: speed 1e+10 is out of range: from 1e-09 to 1e+09"},
		{"speed without trace", "{per_second: 5, speed: 2}\n    count: 3", "", "w.yaml:4:30: speed applies to arrival.trace only: it replays the trace that many times faster"},
		{"trace and rate", "{trace: trace.txt, rate: [{for: 1s, per_second: 1}]}", "1\n", "w.yaml:4:15: arrival takes one of interarrival, per_second, rate or trace, not both rate and trace"},
		{"count 0", "{trace: trace.txt}\n    count: 0", "1\n", "w.yaml:5:12: count: 0 with arrival.trace sends nothing; leave count out to replay the whole trace"},
		// A misspelt trace is the only error: the class needs no count.
		{"misspelt trace", "{trcae: trace.txt}", "1\n", "w.yaml:4:15: unknown field \"trcae\" in arrival; did you mean \"trace\"?"},
		{"too long", "{trace: trace.txt, speed: 0.001}", "0\n315360s\n", "w.yaml:3:3: the workload would span about 10.0 years of virtual time (estimated from mean durations); at most 10 years can be simulated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"w.yaml": traceWorkload(tc.arrival)}
			if tc.trace != "" || strings.Contains(tc.name, "empty file") {
				files["trace.txt"] = tc.trace
			}
			dir := writeFiles(t, files)
			s, err := Load(filepath.Join(dir, "w.yaml"))
			if err == nil || s != nil {
				t.Fatalf("Load = %v, %v; want error %s", s, err, tc.want)
			}
			got := strings.ReplaceAll(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""), dir, ".")
			if got != tc.want {
				t.Errorf("error\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestTraceChangedAfterParse: a trace file that changes between the parse
// and the run ends the class's stream there, and SourceErr says so.
func TestTraceChangedAfterParse(t *testing.T) {
	dir := writeFiles(t, map[string]string{"w.yaml": traceWorkload("{trace: trace.txt}"), "trace.txt": "1\n2\n3\n"})
	s, err := Load(filepath.Join(dir, "w.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ trace, want string }{
		{"1\n2\n", "it lists 2 arrivals where it had 3"},
		{"1\n0.5\n3\n", "line 2: an arrival before the previous one"},
		{"1\nx\n", "line 2: invalid arrival \"x\""},
	} {
		if err := os.WriteFile(filepath.Join(dir, "trace.txt"), []byte(tc.trace), 0o644); err != nil {
			t.Fatal(err)
		}
		src := s.Source(0)
		drain(src)
		if err := SourceErr(src); err == nil || !strings.Contains(err.Error(), "changed since the workload was read") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("trace %q: SourceErr = %v; want it to say %q", tc.trace, err, tc.want)
		}
	}
	if err := os.Remove(filepath.Join(dir, "trace.txt")); err != nil {
		t.Fatal(err)
	}
	src := s.Source(0)
	if _, ok := src.Peek(); ok || SourceErr(src) == nil {
		t.Errorf("a removed trace: Peek %t, SourceErr %v; want no arrival and an error", ok, SourceErr(src))
	}
}

// TestTraceBudget: a trace's arrivals count in the work estimate, those
// before --until as if spread evenly between its first and its last.
func TestTraceBudget(t *testing.T) {
	s, err := loadIn(t, map[string]string{"w.yaml": traceWorkload("{trace: trace.txt, speed: 2}"), "trace.txt": "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"})
	if err != nil {
		t.Fatal(err)
	}
	// 10 arrivals from 0 to 4.5s at speed 2: one step each.
	if w := EstimateWork(s, s.Strategies, Limits{}); w.Steps != 10 {
		t.Errorf("work %+v; want 10 steps", w)
	}
	// Until 2.25s: 10 × 2.25s / (4.5s + 1ns), rounded up, is 5.
	if w := EstimateWork(s, s.Strategies, Limits{Until: 2250 * sim.Millisecond}); w.Steps != 5 {
		t.Errorf("work until 2.25s %+v; want 5 steps", w)
	}
}

// TestEmpirical: an empirical distribution draws uniformly among its
// values: the value at index ⌊u × n / 2⁶⁴⌋ for u the stream's next
// draw, derived here from the stream itself.
func TestEmpirical(t *testing.T) {
	values := []sim.Time{3 * sim.Millisecond, sim.Millisecond, 20 * sim.Millisecond, sim.Millisecond, 250 * sim.Microsecond}
	s, err := loadIn(t, map[string]string{
		"samples.txt": "# request times\n0.003\n1ms\n  0.020 # slow\n\n0.001\n250us\n",
		"w.yaml": `name: w
seed: 3
tasks:
  - name: inline
    count: 200
    steps: [{io: {empirical: [3ms, 1ms, 20ms, 1ms, 250us]}}]
  - name: file
    count: 200
    steps: [{io: {empirical: samples.txt}}]
strategies: [{kind: blocking}]
`})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range s.Classes {
		d := c.Steps[0].Dur
		if !slices.Equal(d.values, values) {
			t.Fatalf("class %s: values %v; want %v", c.Name, d.values, values)
		}
		// (3 + 1 + 20 + 1 + 0.25) / 5 ms.
		if got, want := d.Mean(), 5.05e6; got != want {
			t.Errorf("class %s: mean %g; want %g", c.Name, got, want)
		}
		p := stream.New(3, 0, c.Name, purposeSteps, stream.NoClient)
		seen := make(map[sim.Time]bool)
		for _, task := range drain(s.Source(0)) {
			if task.Class != i {
				continue
			}
			k, _ := bits.Mul64(p.Uint64(), uint64(len(values)))
			if want := []sim.Step{{Kind: sim.IO, Dur: values[k]}}; !slices.Equal(task.Steps, want) {
				t.Fatalf("class %s task %d: %v; want %v", c.Name, task.Index, task.Steps, want)
			}
			seen[values[k]] = true
		}
		if len(seen) != 4 {
			t.Errorf("class %s: 200 draws took %d distinct values of 4", c.Name, len(seen))
		}
	}
	if got, want := s.Classes[0].Steps[0].Dur.String(), "empirical(3ms, 1ms, 20ms, 1ms, 250µs)"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	if got := s.Classes[1].Steps[0].Dur.String(); !strings.HasPrefix(got, "empirical(") || !strings.HasSuffix(got, "samples.txt, 5 values)") {
		t.Errorf("String() = %q; want empirical(PATH/samples.txt, 5 values)", got)
	}
}

// TestEmpiricalBadInput: an empirical's problems, in its file or in the
// workload.
func TestEmpiricalBadInput(t *testing.T) {
	w := func(d string) string {
		return "name: w\ntasks: [{name: a, count: 1, steps: [{io: " + d + "}]}]\nstrategies: [{kind: blocking}]\n"
	}
	for _, tc := range []struct{ name, yaml, samples, want string }{
		{"empty list", w("{empirical: []}"), "", "w.yaml:2:54: empirical takes a non-empty list of durations like [1ms, 3ms, 20ms], or a file of them"},
		{"bad value", w("{empirical: [1ms, 5]}"), "", "w.yaml:2:60: duration 5 needs a unit, like 5ms or 5s"},
		{"mapping", w("{empirical: {file: x}}"), "", "w.yaml:2:54: empirical takes a file of durations, one a line, or a list like [1ms, 3ms, 20ms], got a mapping"},
		{"misspelt", w("{empirica: [1ms]}"), "", "w.yaml:2:43: unknown distribution \"empirica\"; did you mean \"empirical\"?"},
		{"bad line", w("{empirical: s.txt}"), "0.1\n0.2x\n", "s.txt:2:1: invalid duration \"0.2x\": expected seconds like 1.5 or a Go duration like 250ms"},
		{"too long", w("{empirical: s.txt}"), "0.1\n25h\n", "s.txt:2:1: duration \"25h\" is more than the maximum of 24h"},
		{"no values", w("{empirical: s.txt}"), "# none\n", "s.txt:1:1: the file lists no duration: expected one a line, like 0.012 or 12ms"},
		{"missing file", w("{empirical: none.txt}"), "", "w.yaml:2:54: empirical: none.txt: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"w.yaml": tc.yaml}
			if tc.samples != "" {
				files["s.txt"] = tc.samples
			}
			dir := writeFiles(t, files)
			s, err := Load(filepath.Join(dir, "w.yaml"))
			if err == nil || s != nil {
				t.Fatalf("Load = %v, %v; want error %s", s, err, tc.want)
			}
			if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); got != tc.want {
				t.Errorf("error\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestEmbeddedDataFiles: an embedded example's data files are read from
// beside it in the embedded file system, and named example:PATH.
func TestEmbeddedDataFiles(t *testing.T) {
	w := func(arrival string) []byte {
		return []byte("name: w\ntasks: [{name: a, arrival: " + arrival + ", steps: [{cpu: 1ms}]}]\nstrategies: [{kind: blocking}]\n")
	}
	for _, tc := range []struct{ arrival, want string }{
		// A workload read as a trace: its first line that is not a comment
		// is no instant, an error in the embedded file.
		{"{trace: tornado.yaml}", "example:tornado.yaml:"},
		{"{trace: none.txt}", `example:x:2:36: trace "none.txt": no such file embedded beside the examples`},
		{"{trace: ../examples.go}", `example:x:2:36: trace "../examples.go": no such file embedded beside the examples`},
		{"{trace: .}", `example:x:2:36: trace ".": no such file embedded beside the examples`},
	} {
		_, err := Parse("example:x", w(tc.arrival))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want %s...", tc.arrival, err, tc.want)
		}
	}
}

// TestTraceReplayAllocates: replaying a trace of decimals allocates nothing
// per arrival, chunk reads included (the file's own open aside: here a
// reader of bytes, reused).
func TestTraceReplayAllocates(t *testing.T) {
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "%d.%03d\n", i/1000, i%1000)
	}
	tr, err := scanTrace("t.txt", &reusedFile{nopCloser{bytes.NewReader([]byte(b.String()))}})
	if err != nil {
		t.Fatal(err)
	}
	tr2 := newTraceReader(tr, 0)
	if allocs := testing.AllocsPerRun(100_000, func() { tr2.next() }); allocs != 0 {
		t.Errorf("%g allocations per arrival; want 0", allocs)
	}
}

// TestTraceBurst: a trace whose equal instants bring more steps at once
// than a run may hold in flight is refused before it runs: 65 arrivals at
// 0 of 10⁶ steps each are 6.5·10⁷ steps, more than 10⁶ tasks × 64.
func TestTraceBurst(t *testing.T) {
	s, err := loadIn(t, map[string]string{
		"trace.txt": strings.Repeat("0\n", 65) + "1\n",
		"w.yaml": `name: w
tasks:
  - name: replay
    arrival: {trace: trace.txt}
    steps: [{repeat: 1000, steps: [{repeat: 1000, steps: [{cpu: 1ns}]}]}]
strategies: [{kind: blocking}]
`})
	if err != nil {
		t.Fatal(err)
	}
	if s.Classes[0].Trace.Burst != 65 {
		t.Fatalf("burst %d; want 65", s.Classes[0].Trace.Burst)
	}
	err = CheckBudget(s, s.Strategies, Limits{}, DefaultMaxWork)
	if want := "w.yaml:3:5: class replay: 65 tasks arrive at once with 65000000 steps between them, more than a run may hold in flight (1000000 tasks, 64000000 steps)"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("CheckBudget = %v; want ...%s", err, want)
	}
}

// reusedFile opens the same reader every time.
type reusedFile struct{ r nopCloser }

func (f *reusedFile) open() (readerAtCloser, error) { return f.r, nil }

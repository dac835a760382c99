package experiment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"asyncsim/sim"
	"asyncsim/workloads"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/corpus.txt from the code as it is")

// corpusWorkload writes the k-th workload of the corpus: random machines,
// classes (open and closed-loop), steps and strategies of every kind,
// with constant durations on a coarse grid so that events often tie. One
// in ten has a class of about 20,000 tasks, for the statistics of large
// runs.
func corpusWorkload(k int) string {
	r := rand.New(rand.NewPCG(2026, uint64(k)))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	durs := []string{"500us", "1ms", "2ms", "5ms", "{exp: 1ms}", "{exp: 3ms}", "{uniform: [1ms, 3ms]}",
		"{choice: [{value: 1ms, weight: 1}, {value: 4ms, weight: 1}]}", "{normal: {mean: 2ms, stddev: 1ms}}"}
	var b strings.Builder
	fmt.Fprintf(&b, "name: c%d\nseed: %d\nmachine: {cores: %s}\ntasks:\n", k, 1+r.IntN(1000), pick("1", "1", "2", "4"))
	for c := range 1 + r.IntN(3) {
		fmt.Fprintf(&b, "  - name: c%d\n", c)
		if r.IntN(5) == 0 {
			fmt.Fprintf(&b, "    clients: {count: %d, requests: %d, think: %s}\n", 1+r.IntN(6), 2+r.IntN(7), pick("0s", "1ms", "{exp: 2ms}"))
		} else {
			count := 5 + r.IntN(76)
			if c == 0 && k%10 == 0 {
				count = 17_000 + r.IntN(3000)
			}
			fmt.Fprintf(&b, "    count: %d\n", count)
			switch r.IntN(3) {
			case 1:
				fmt.Fprintf(&b, "    arrival: {interarrival: %s}\n", pick("500us", "1ms", "2ms"))
			case 2:
				fmt.Fprintf(&b, "    arrival: {interarrival: {exp: %s}}\n", pick("1ms", "2ms"))
			}
		}
		b.WriteString("    steps:\n")
		for range 1 + r.IntN(5) {
			fmt.Fprintf(&b, "      - %s: %s\n", pick("cpu", "cpu", "io", "blocking_io"), durs[r.IntN(len(durs))])
		}
	}
	b.WriteString("strategies:\n")
	for s := range 1 + r.IntN(4) {
		cost := pick("0s", "0s", "10us")
		switch r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "  - {name: s%d, kind: blocking, workers: %s, switch_cost: %s}\n", s, pick("1", "2", "4"), cost)
		case 1:
			fmt.Fprintf(&b, "  - {name: s%d, kind: threaded, threads: %s, gil: %s, switch_interval: %s, switch_cost: %s}\n",
				s, pick("0", "1", "2", "8"), pick("true", "false"), pick("20us", "50us", "500us", "1ms", "5ms"), cost)
		default:
			fmt.Fprintf(&b, "  - {name: s%d, kind: event_loop, switch_cost: %s%s}\n", s, cost,
				pick("", ", offload: true", ", offload: true, executor: 2", ", max_concurrency: 3", ", await_blocking: true", ", loops: 2"))
		}
	}
	return b.String()
}

// corpusFile holds the corpus's simulated numbers, one line per workload,
// strategy and figure.
const corpusFile = "testdata/corpus.txt"

// corpusHeader opens corpusFile.
const corpusHeader = `# The simulated numbers of TestCorpusUnchanged (corpus_test.go): workload cK
# is corpusWorkload(K), run with three replications. One line per workload,
# strategy and figure: its value in replications 0, 1 and 2, floats to full
# precision. "tasks" is the number of counted tasks; "records" is the first
# 16 hex digits of the SHA-256 of the replication's task records (class,
# index, arrival, start, completion, counted) in completion order.
# Refresh: go test ./experiment -run Corpus -args -rewrite
`

// TestCorpusUnchanged runs 80 random workloads of every strategy kind, with
// three replications each, and compares every simulated number (every
// statistic, bit for bit, and a digest of each task's arrival, start and
// completion) with testdata/corpus.txt. Work on the engine's speed must
// leave it unchanged; a change of the model's semantics changes it on
// purpose: then refresh it with -rewrite, review the diff and say why in
// the commit.
func TestCorpusUnchanged(t *testing.T) {
	var b strings.Builder
	b.WriteString(corpusHeader)
	for k := range 80 {
		src := corpusWorkload(k)
		spec, err := workloads.Parse(fmt.Sprintf("corpus-%d.yaml", k), []byte(src))
		if err != nil {
			t.Fatalf("workload %d does not parse: %v\n%s", k, err, src)
		}
		spec.Replications = 3
		res, err := Run(spec, Options{Jobs: 2, Tasks: true})
		if err != nil {
			t.Fatalf("workload %d: %v\n%s", k, err, src)
		}
		writeCorpusLines(&b, spec.Name, res)
	}
	got := b.String()
	if *rewrite {
		if err := os.WriteFile(corpusFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatalf("%v (run with -args -rewrite to create it)", err)
	}
	for _, d := range corpusDiff(got, string(want), 20) {
		t.Error(d)
	}
}

// writeCorpusLines writes res's lines of the corpus file: for each
// strategy, its counted tasks, every metric and its task records' digest,
// each with one value per replication.
func writeCorpusLines(b *strings.Builder, workload string, res *Result) {
	for _, sr := range res.Strategies {
		line := func(figure string, value func(rep int) string) {
			fmt.Fprintf(b, "%s %s %s", workload, sr.Config.Name, figure)
			for rep := range sr.Runs {
				b.WriteString(" " + value(rep))
			}
			b.WriteString("\n")
		}
		line("tasks", func(rep int) string { return strconv.FormatInt(sr.Runs[rep].Tasks, 10) })
		for _, m := range sim.Metrics() {
			line(m.String(), func(rep int) string { return strconv.FormatFloat(sr.Runs[rep].Values[m], 'g', -1, 64) })
		}
		line("records", func(rep int) string { return recordsDigest(sr.Tasks[rep]) })
	}
}

// recordsDigest returns the first 16 hex digits of the SHA-256 of recs.
func recordsDigest(recs []sim.TaskRecord) string {
	h := sha256.New()
	var buf []byte
	for _, r := range recs {
		buf = buf[:0]
		for _, v := range []int64{int64(r.Class), r.Index, int64(r.Arrival), int64(r.Start), int64(r.Completion)} {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
		}
		if r.Counted {
			buf = append(buf, 1)
		} else {
			buf = append(buf, 0)
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// corpusDiff compares the corpus lines got with want, keyed by workload,
// strategy and figure, and returns at most limit messages naming each
// figure that differs, is missing or is new, in want's order then got's.
func corpusDiff(got, want string, limit int) []string {
	parse := func(s string) (keys []string, vals map[string]string) {
		vals = make(map[string]string)
		for line := range strings.Lines(s) {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			if len(f) < 3 {
				keys = append(keys, line)
				vals[line] = ""
				continue
			}
			key := strings.Join(f[:3], " ")
			keys = append(keys, key)
			vals[key] = strings.Join(f[3:], " ")
		}
		return keys, vals
	}
	gotKeys, gotVals := parse(got)
	wantKeys, wantVals := parse(want)
	var msgs []string
	add := func(format string, args ...any) {
		if len(msgs) < limit {
			msgs = append(msgs, fmt.Sprintf(format, args...))
		} else if len(msgs) == limit {
			msgs = append(msgs, fmt.Sprintf("... and more; run with -args -rewrite and read the diff of %s", corpusFile))
		}
	}
	for _, k := range wantKeys {
		g, ok := gotVals[k]
		switch {
		case !ok:
			add("%s: in %s but not simulated", k, corpusFile)
		case g != wantVals[k]:
			add("%s (workload, strategy, figure): simulated %s, %s has %s", k, g, corpusFile, wantVals[k])
		}
	}
	for _, k := range gotKeys {
		if _, ok := wantVals[k]; !ok {
			add("%s: simulated %s, not in %s", k, gotVals[k], corpusFile)
		}
	}
	return msgs
}

// TestCorpusDiff checks that corpusDiff names the workload, strategy and
// figure of each difference, and only those.
func TestCorpusDiff(t *testing.T) {
	const want = "# header\nc1 s0 tasks 10 10 10\nc1 s0 latency_p99_s 0.5 0.25 0.125\nc2 s1 records ab cd ef\n"
	for _, tc := range []struct {
		name, got string
		msgs      []string
	}{
		{"same", want, nil},
		{"comments and blank lines are ignored", "# other\n\nc1 s0 tasks 10 10 10\nc1 s0 latency_p99_s 0.5 0.25 0.125\nc2 s1 records ab cd ef\n", nil},
		{"one value", "c1 s0 tasks 10 10 10\nc1 s0 latency_p99_s 0.5 0.2500000000000001 0.125\nc2 s1 records ab cd ef\n",
			[]string{"c1 s0 latency_p99_s (workload, strategy, figure): simulated 0.5 0.2500000000000001 0.125, testdata/corpus.txt has 0.5 0.25 0.125"}},
		{"missing and new", "c1 s0 tasks 10 10 10\nc1 s0 latency_p99_s 0.5 0.25 0.125\nc2 s2 records ab cd ef\n",
			[]string{"c2 s1 records: in testdata/corpus.txt but not simulated", "c2 s2 records: simulated ab cd ef, not in testdata/corpus.txt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := corpusDiff(tc.got, want, 20)
			if !slices.Equal(msgs, tc.msgs) {
				t.Errorf("corpusDiff:\n got %q\nwant %q", msgs, tc.msgs)
			}
		})
	}
	var many strings.Builder
	for k := range 30 {
		fmt.Fprintf(&many, "c%d s0 tasks 1\n", k)
	}
	if msgs := corpusDiff(many.String(), "", 20); len(msgs) != 21 || !strings.HasPrefix(msgs[20], "... and more") {
		t.Errorf("corpusDiff of 30 differences with limit 20 gave %d messages, last %q; want 20 and a note", len(msgs), msgs[len(msgs)-1])
	}
}

package experiment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"asyncsim/workloads"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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

// TestCorpusUnchanged runs 80 random workloads of every strategy kind, with
// three replications each, and compares a hash of every simulated number
// (each task's arrival, start and completion, and every statistic, bit for
// bit) with testdata/corpus.sha256. Work on the engine's speed must leave
// it unchanged; a change of the model's semantics changes it on purpose:
// then refresh it with -update and say why in the commit.
func TestCorpusUnchanged(t *testing.T) {
	h := sha256.New()
	word := func(v uint64) { h.Write(binary.LittleEndian.AppendUint64(nil, v)) }
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
		for _, sr := range res.Strategies {
			for rep, run := range sr.Runs {
				word(uint64(run.Tasks))
				for _, v := range run.Values {
					word(math.Float64bits(v))
				}
				for _, rec := range sr.Tasks[rep] {
					word(uint64(rec.Class))
					word(uint64(rec.Index))
					word(uint64(rec.Arrival))
					word(uint64(rec.Start))
					word(uint64(rec.Completion))
				}
			}
		}
	}
	got := hex.EncodeToString(h.Sum(nil)) + "\n"
	golden := filepath.Join("testdata", "corpus.sha256")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the corpus's simulated numbers changed: hash %s; %s has %s", strings.TrimSpace(got), golden, strings.TrimSpace(string(want)))
	}
}

package report

import (
	"bytes"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/golden"
	"asyncsim/workloads"
)

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1684, "1.645 KiB"},       // 1684/1024 = 1.6445…
		{14_813_721, "14.13 MiB"}, // /2²⁰ = 14.127…
		{3 << 30, "3.000 GiB"},    // exactly 3
		{5 << 40, "5120 GiB"},     // no unit above GiB
		{-2048, "-2.000 KiB"},     // a difference of sizes
		{1 << 20, "1.000 MiB"},    // exactly 1
		{1<<20 - 1, "1024 KiB"},   // 1023.999… KiB, to four figures
		{65_180, "63.65 KiB"},     // 63.652…
		{9_711_616, "9.262 MiB"},  // 9.2617…
		{2 * 1024 * 1024 * 1024, "2.000 GiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}

// TestMemoryTable pins the memory table of a run with replications, one
// strategy of each kind, on six requests a second apart, each a 2.5 s
// call: at most three at once.
func TestMemoryTable(t *testing.T) {
	spec, err := workloads.Parse("memory.yaml", []byte(`name: memory
replications: 2
tasks: [{name: call, count: 6, arrival: {interarrival: 1s}, steps: [{io: 2500ms}]}]
strategies:
  - {name: prefork, kind: blocking, workers: 2}
  - {name: per-task, kind: threaded, threads: 0}
  - {name: loops, kind: event_loop, loops: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := experiment.Run(spec, experiment.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := MemoryTable(&b, res); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "memory.table.txt", b.Bytes())
}

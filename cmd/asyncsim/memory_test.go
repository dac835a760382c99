package main

import (
	"strings"
	"testing"
)

// TestMemoryFlag: --memory prints the memory table after the comparison
// (and after the table by class), and is refused with CSV and JSON, whose
// rows hold memory_peak_mib already.
func TestMemoryFlag(t *testing.T) {
	code, out, errOut := asyncsim(t, "run", "tornado", "--by-class", "--memory")
	if code != 0 {
		t.Fatalf("run --by-class --memory: exit %d, %s", code, errOut)
	}
	_, plain, _ := asyncsim(t, "run", "tornado", "--by-class")
	rest, ok := strings.CutPrefix(out, plain+"\nMemory at peak, ")
	if !ok {
		t.Fatalf("run --by-class --memory does not print the comparison, the table by class, then the memory table:\n%s", out)
	}
	// tornado's four strategies, each one process: run_on_executor has
	// its ten executor threads, the three loops the ten coroutines that
	// arrive at once.
	for _, want := range []string{
		"sync-handler          blocking            1        0              0  23.39 MiB",
		"coroutine+time.sleep  event_loop          1        0             10  23.41 MiB",
		"run_on_executor       event_loop          1       10             10  24.03 MiB",
	} {
		if !strings.Contains(rest, want+"\n") {
			t.Errorf("memory table without the row %q:\n%s", want, rest)
		}
	}
	for _, format := range []string{"csv", "json"} {
		code, out, errOut = asyncsim(t, "run", "tornado", "--memory", "--format", format)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "--memory is for the table") {
			t.Errorf("run --memory --format %s: exit %d, %q, %q; want exit 2 and a message", format, code, out, errOut)
		}
	}
}

package memory_test

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"asyncsim/memory"
	"asyncsim/sim"
	"asyncsim/strategies"
)

// contexts returns n contexts of each role and count in pairs.
func contexts(pairs ...any) []sim.ContextInfo {
	var out []sim.ContextInfo
	for i := 0; i < len(pairs); i += 2 {
		for x := range pairs[i+1].(int) {
			out = append(out, sim.ContextInfo{Role: pairs[i].(string), Group: -1, Index: x})
		}
	}
	return out
}

func TestEstimate(t *testing.T) {
	// Round costs, so that each total is checkable by hand.
	costs := strategies.MemoryCosts{Shared: 10 << 20, Process: 15 << 20, Thread: 64 << 10, Task: 2 << 10}
	tests := []struct {
		name     string
		cfg      strategies.Config
		contexts []sim.ContextInfo
		peak     int
		want     memory.Usage
	}{{
		// 8 pre-fork workers: 10 MiB + 8 × 15 MiB = 130 MiB, whatever was
		// queued.
		name: "8 workers", cfg: strategies.Config{Kind: strategies.KindBlocking, Workers: 8},
		contexts: contexts("worker", 8), peak: 500,
		want: memory.Usage{Processes: 8, Bytes: 130 << 20},
	}, {
		// One process and 24 threads: 10 + 15 MiB + 24 × 64 KiB = 26.5 MiB.
		name: "24 threads", cfg: strategies.Config{Kind: strategies.KindThreaded, Threads: 24, GIL: true},
		contexts: contexts("thread", 24), peak: 30,
		want: memory.Usage{Processes: 1, Threads: 24, Bytes: 25<<20 + 24*64<<10},
	}, {
		// A thread per task: the 5 threads the run created.
		name: "thread per task", cfg: strategies.Config{Kind: strategies.KindThreaded},
		contexts: contexts("thread", 5), peak: 5,
		want: memory.Usage{Processes: 1, Threads: 5, Bytes: 25<<20 + 5*64<<10},
	}, {
		// Two loops and 1,000 tasks in flight: 10 + 2 × 15 MiB + 1,000 ×
		// 2 KiB.
		name: "2 loops", cfg: strategies.Config{Kind: strategies.KindEventLoop, Loops: 2, Executor: 5},
		contexts: contexts("loop", 2), peak: 1000,
		want: memory.Usage{Processes: 2, Tasks: 1000, Bytes: 40<<20 + 1000*2<<10},
	}, {
		// Offloading to executors of 4 threads per loop: 8 threads more.
		name: "2 loops offloading", cfg: strategies.Config{Kind: strategies.KindEventLoop, Loops: 2, Executor: 4, Offload: true},
		contexts: contexts("loop", 1, "executor", 4, "loop", 1, "executor", 4), peak: 10,
		want: memory.Usage{Processes: 2, Threads: 8, Tasks: 10, Bytes: 40<<20 + 8*64<<10 + 10*2<<10},
	}}
	for _, tt := range tests {
		tt.cfg.Memory = costs
		got := memory.Estimate(tt.cfg, tt.contexts, tt.peak)
		if got != tt.want {
			t.Errorf("%s: Estimate = %+v; want %+v", tt.name, got, tt.want)
		}
	}
	if got, want := (memory.Usage{Bytes: 3 << 19}).MiB(), 1.5; got != want {
		t.Errorf("Usage{Bytes: 3 << 19}.MiB() = %v; want %v", got, want)
	}
}

// sample is one repetition's measurement of n instances.
type sample struct {
	N       float64
	Bytes   float64
	Status  map[string]float64
	Meminfo map[string]float64
}

// measurements is what the test reads of calibrate/measurements/memory.json.
type measurements struct {
	Python struct{ Version string }
	Costs  map[string]float64
	Raw    struct {
		Process         []sample
		Thread          []sample
		Task            []sample
		TaskTracemalloc []sample `json:"task_tracemalloc"`
	}
	ThreadSize float64 `json:"thread_size_x86_64"`
}

// TestDefaultIsMeasured checks that strategies.DefaultRuntime's memory
// costs are the figures of the
// committed measurements, and that those follow from their raw numbers as
// calibrate/memory.py says they do: medians over the repetitions.
func TestDefaultIsMeasured(t *testing.T) {
	data, err := os.ReadFile("../calibrate/measurements/memory.json")
	if err != nil {
		t.Fatal(err)
	}
	var m measurements
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Python.Version != "3.11.2" {
		t.Errorf("measured Python %s; DefaultRuntime's doc comment says 3.11.2", m.Python.Version)
	}
	c, d := m.Costs, strategies.DefaultRuntime.Memory
	for _, f := range []struct {
		name string
		got  int64
	}{
		{"shared_bytes", d.Shared}, {"process_bytes", d.Process}, {"thread_bytes", d.Thread}, {"task_bytes", d.Task},
	} {
		if float64(f.got) != c[f.name] {
			t.Errorf("DefaultRuntime.Memory's %s is %d; memory.json has %v", f.name, f.got, c[f.name])
		}
	}
	// The sums the script forms.
	if got := c["process_private_bytes"] + c["thread_kernel_bytes"]; got != c["process_bytes"] {
		t.Errorf("process_private_bytes + thread_kernel_bytes = %v; process_bytes = %v", got, c["process_bytes"])
	}
	if got := c["thread_user_bytes"] + c["thread_page_table_bytes"] + c["thread_kernel_bytes"]; got != c["thread_bytes"] {
		t.Errorf("a thread's parts sum to %v; thread_bytes = %v", got, c["thread_bytes"])
	}
	// The medians of the raw numbers, rounded to the byte.
	median := func(xs []float64) float64 {
		slices.Sort(xs)
		n := len(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	var shared, private, user, stack []float64
	for _, r := range m.Raw.Process {
		shared = append(shared, r.Status["RssFile"]+r.Status["RssShmem"])
		private = append(private, r.Status["RssAnon"]+r.Status["VmPTE"])
	}
	for _, r := range m.Raw.Thread {
		user = append(user, r.Status["RssAnon"]/r.N)
		stack = append(stack, r.Meminfo["KernelStack"]/r.N)
	}
	var task, traced []float64
	for _, r := range m.Raw.Task {
		task = append(task, r.Bytes/r.N)
	}
	for _, r := range m.Raw.TaskTracemalloc {
		traced = append(traced, r.Bytes/r.N)
	}
	if len(shared) < 5 || len(user) < 5 || len(task) < 5 {
		t.Fatalf("memory.json has %d, %d and %d repetitions of the process, thread and task figures; a full run has 5",
			len(shared), len(user), len(task))
	}
	for _, f := range []struct {
		name string
		xs   []float64
	}{
		{"shared_bytes", shared}, {"process_private_bytes", private}, {"thread_user_bytes", user},
		{"thread_kernel_stack_bytes", stack}, {"task_bytes", task}, {"task_tracemalloc_bytes", traced},
	} {
		if got := math.Round(median(f.xs)); got != c[f.name] {
			t.Errorf("the median of the raw %s is %v; costs has %v", f.name, got, c[f.name])
		}
	}
	// A thread's kernel stack is THREAD_SIZE (16 KiB on x86-64) within
	// 5%: the KernelStack delta is machine-wide, so other processes'
	// threads may come and go meanwhile.
	if s := c["thread_kernel_stack_bytes"]; math.Abs(s-m.ThreadSize) > 0.05*m.ThreadSize {
		t.Errorf("thread_kernel_stack_bytes = %v; THREAD_SIZE is %v", s, m.ThreadSize)
	}
	// tracemalloc sees the Python objects of a task, not the allocator's
	// overhead, so at most its resident memory.
	if c["task_tracemalloc_bytes"] > c["task_bytes"] {
		t.Errorf("task_tracemalloc_bytes = %v exceeds task_bytes = %v", c["task_tracemalloc_bytes"], c["task_bytes"])
	}
}

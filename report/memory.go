package report

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"asyncsim/experiment"
	"asyncsim/sim"
)

// MemoryTable writes, under the heading "Memory at peak", one aligned
// row per strategy: its kind, what its server ran at its peak (processes,
// threads beyond each process's main one, asyncio tasks in flight: means
// over the replications) and memory_peak_mib, ± its 95% confidence
// half-width when there are replications; then the costs the estimate
// used (strategies.Config.Memory), where every strategy has the same.
func MemoryTable(w io.Writer, res *experiment.Result) error {
	rows := [][]string{{"STRATEGY", "KIND", "PROCESSES", "THREADS", "ASYNCIO TASKS", "MEMORY"}}
	for _, s := range res.Strategies {
		var procs, threads, tasks float64
		for _, u := range s.Memory {
			procs += float64(u.Processes)
			threads += float64(u.Threads)
			tasks += float64(u.Tasks)
		}
		n := float64(max(len(s.Memory), 1))
		a := &s.Aggregate
		count := func(x float64) string { return format(countFormat).cell(x/n, 0, false) }
		rows = append(rows, []string{s.Config.Name, string(s.Config.Kind), count(procs), count(threads), count(tasks),
			format(mibFormat).cell(a.Mean[sim.MemoryPeak], a.CI95[sim.MemoryPeak], a.Replications > 1)})
	}
	if _, err := io.WriteString(w, "Memory at peak, estimated for CPython 3.11 on Linux (docs/model.md, \"Memory\"):\n\n"); err != nil {
		return err
	}
	if err := WriteAligned(w, rows, 2); err != nil {
		return err
	}
	// The costs, where every strategy has the same (those of one runtime
	// profile).
	if len(res.Strategies) == 0 {
		return nil
	}
	d := res.Strategies[0].Config.Memory
	for _, s := range res.Strategies {
		if s.Config.Memory != d {
			return nil
		}
	}
	_, err := fmt.Fprintf(w, "\n%s shared + %s a process + %s a thread beyond its process's main one + %s an asyncio task\n",
		Bytes(d.Shared), Bytes(d.Process), Bytes(d.Thread), Bytes(d.Task))
	return err
}

// Bytes formats a size in bytes for people, in binary units to four
// significant digits: "1.645 KiB", "14.13 MiB", "2.000 GiB".
func Bytes(n int64) string {
	if n > -1024 && n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	x, unit := float64(n)/1024, " KiB"
	for _, u := range []string{" MiB", " GiB"} {
		if math.Abs(x) < 1024 {
			break
		}
		x, unit = x/1024, u
	}
	return strconv.FormatFloat(x, 'f', sig4(x), 64) + unit
}

// mibFormat shows sizes given in MiB, in GiB from 1 GiB on.
func mibFormat(x float64) (float64, int, string) {
	if math.Abs(x) >= 1024 {
		return 1.0 / 1024, sig4(x / 1024), " GiB"
	}
	return 1, sig4(x), " MiB"
}

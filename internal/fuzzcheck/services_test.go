package fuzzcheck

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// serviceSeeds are the seeds of FuzzServices that reach each feature of
// the services model, with the feature: TestServiceSeeds checks that each
// still reaches it under at least one of its case's strategies. (Found by
// drawing random inputs until one did.)
var serviceSeeds = []struct {
	feature string
	data    []byte
	reaches func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool
}{
	{"two coroutines suspended for one pool", []byte{0x22, 0xad, 0x45, 0x70, 0xa5, 0xff, 0xf4, 0x99, 0x4a, 0x17, 0x76, 0x5, 0xe3, 0x68, 0xa5, 0x65, 0x11, 0xa1, 0x3a, 0x3f, 0x5, 0xce, 0xb8, 0x91, 0x10, 0xed, 0x14, 0xdb, 0x5f, 0x95, 0xfe, 0xa7, 0x3a, 0xbc, 0xdf, 0xda, 0x73, 0x63, 0x74, 0x5f, 0xae, 0xde, 0xdd, 0x10, 0xf6, 0x1, 0xaa, 0x96, 0xa, 0x1d, 0xf3, 0xe4, 0xfb, 0x75, 0xe5, 0x57, 0x77, 0x5c, 0x4b, 0xca, 0x38, 0x24, 0x3f, 0x7f, 0x19, 0x84, 0xa5, 0xdc, 0x3, 0x77, 0xb1, 0xb, 0xbe, 0x16, 0xf6, 0x1a, 0xa2, 0x2c, 0xf},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return cfg.Kind == strategies.KindEventLoop && maxWaiting(r) > 1
		}},
	{"two threads acquiring one pool under a GIL", []byte{0x49, 0x37, 0xed, 0xb8, 0x8b, 0x6e, 0xc7, 0x5f, 0x69, 0x63, 0xc8, 0xae, 0x79, 0xc8, 0xa0, 0x41, 0x40, 0x85, 0xb0, 0x20, 0xae, 0x8d, 0x1c, 0xfd, 0x3c, 0x25, 0xa, 0x1d, 0x50, 0x6f, 0x96, 0xab, 0x4, 0xca, 0x9e, 0x27, 0x2a, 0x98, 0xb2, 0x3f, 0xfc, 0xc2, 0x8b, 0xa5, 0xe1, 0x33, 0xd8, 0xb, 0x9e, 0x84, 0x43, 0x5b, 0x5e, 0xd5, 0x5c, 0x19, 0x42, 0x73, 0x55, 0xac, 0x5f, 0xca, 0x44, 0xbe, 0x4e, 0x95, 0x64, 0x21, 0x45, 0x56, 0x55, 0xae, 0x7d, 0xd0, 0x5b, 0x8f, 0x91, 0xfa, 0xb, 0x55, 0x72, 0xff, 0x22, 0x2b, 0xf6, 0x21, 0x58, 0xf1, 0xfc, 0x33, 0x89, 0xe0, 0xf6, 0xb, 0xca},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return cfg.GIL && maxWaiting(r) > 1
		}},
	{"an attempt done exactly at its deadline", []byte{0x7d, 0xa2, 0x2d, 0x2, 0x7c, 0x56, 0xba, 0x6f, 0xf9, 0x69, 0x54, 0xad, 0x18, 0x65, 0x4c, 0x41, 0xf7, 0x19, 0x72, 0x1d, 0x8e, 0xfe, 0x1e, 0x10, 0x9c, 0xb8, 0x1e, 0x56, 0xd3, 0xec, 0xb8, 0x8c, 0xa5, 0x2f, 0x36, 0xbd, 0x58, 0xaf, 0xbb, 0x6b, 0x95, 0xab, 0x91, 0x69, 0xf7, 0xea, 0xe4, 0x51, 0x38, 0x2, 0x4c, 0xa4, 0x7c, 0xa, 0x39, 0xc7, 0xf5, 0xef, 0xd8, 0x90, 0x8, 0xf6, 0x87, 0xf3, 0x74, 0x28, 0x90, 0x34, 0xee, 0x88, 0x8e, 0xcb, 0x91, 0x3a, 0xc5, 0x7b, 0x20, 0x1d, 0x31, 0x6e, 0x5, 0x82, 0xcb, 0x4c},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool {
				cl := c.client(x.Class)
				return x.Outcome == sim.OutcomeDone && cl.Timeout > 0 && x.Completion-x.Arrival == cl.Timeout
			})
		}},
	{"an attempt completing late after its retry succeeded", []byte{0x8f, 0xe6, 0xf5, 0xb, 0xc6, 0x36, 0x91, 0xbd, 0xce, 0x2b, 0xbd, 0xf7, 0xd1, 0xac, 0xa1, 0xc7, 0x3b, 0x86, 0x6d, 0xee, 0x6d, 0x40, 0xe3, 0xa5, 0xa, 0x0, 0x6d, 0x6a, 0x43, 0x7a, 0x2b, 0x70, 0xa0, 0xa1, 0x8f, 0x15, 0xd0, 0xce, 0x5a, 0x5a, 0x8f, 0xc, 0xc2, 0x7, 0x36, 0x86, 0x63, 0x1c, 0x79, 0x4a, 0x75, 0x80, 0x6c, 0x60, 0x1b, 0x5a, 0xe9, 0x7f, 0xd5, 0x4, 0x46, 0x2e, 0xb3, 0x4f, 0x61, 0x5e, 0xad, 0xc1, 0x60, 0xb, 0xc7, 0x82, 0xe0, 0x62, 0xe8, 0x98, 0xfc, 0x99, 0x61, 0x56, 0xf0, 0xcc, 0x77, 0x6d, 0x1e, 0xcd, 0x13, 0xd3, 0x6, 0xf4, 0x3d, 0x61, 0x14, 0x67, 0x2d, 0xce, 0x89},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			done := map[key]sim.Time{}
			for _, x := range r.records {
				if x.Outcome == sim.OutcomeDone && x.Attempt > 0 {
					done[key{x.Class, x.Index}] = x.Completion
				}
			}
			return hasRecord(r, func(x sim.TaskRecord) bool {
				d, ok := done[key{x.Class, x.Index}]
				return ok && x.Outcome == sim.OutcomeLate && x.Completion > d
			})
		}},
	{"a retry rejected", []byte{0xe9, 0x19, 0xe1, 0xac, 0x41, 0xee, 0x78, 0xd1, 0x74, 0x71, 0x1, 0xaf, 0xa8, 0x4, 0x6a, 0x2b, 0x80, 0xc2, 0x7c, 0x46, 0x1d, 0x87, 0xe, 0x41, 0x73, 0xd2, 0x94, 0x8c, 0x56, 0xfe, 0x6c, 0x31, 0xd1, 0x61, 0xcc, 0x10, 0x56, 0x6c, 0xb, 0x32, 0xae, 0x31, 0xb0, 0x5c, 0x4a, 0x6, 0x5f, 0xea, 0x84, 0x72, 0xc5, 0x19, 0xac, 0x22, 0xd3, 0x97, 0xc9, 0xf9, 0xa4, 0x82, 0x47, 0x5, 0xd8, 0xeb, 0xf4, 0xf5, 0x96, 0xa6, 0x4, 0x55, 0x60, 0x1f, 0x91, 0x1e},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeRejected && x.Attempt > 0 })
		}},
	{"a SYN retransmitted (backlog_full: syn_retry)", []byte{0x82, 0x2c, 0x19, 0xe7, 0xde, 0xcf, 0xf7, 0xfb, 0x4b, 0x22, 0xc9, 0x73, 0x5d, 0x3f, 0x32, 0x50, 0xa8, 0x3f, 0xd, 0xad, 0xda, 0x41, 0x2c, 0xd4, 0x30, 0x27, 0xa8, 0x98, 0x92, 0x4b, 0xad, 0x93, 0x1f, 0x3a, 0x58, 0x11, 0x43, 0x1d, 0xec, 0xaf, 0x27, 0x5f, 0xd1, 0x57, 0x1c, 0x5c, 0xdc, 0xe7, 0xda, 0xb, 0x35, 0x54, 0x7c, 0xa6, 0x6a, 0x69, 0xc3, 0xf, 0x6e, 0x72, 0x1c, 0x64, 0xb7, 0x60, 0x61, 0xd2, 0xdc, 0x4c, 0x3d, 0x4e, 0xca, 0xf, 0x6d, 0xe7, 0x60, 0xec, 0x6c, 0x83, 0xc3, 0x62, 0x89, 0xbb, 0xf9, 0xc7, 0xc3, 0x6a, 0x5f, 0x2a, 0x62, 0x6c, 0x59, 0x3d, 0xa7},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return r.res.Values[sim.SYNRetries] > 0
		}},
	{"an attempt abandoned while its SYN waited", []byte{0x4d, 0x60, 0x7d, 0x2b, 0xe, 0x3f, 0xfb, 0x92, 0x9c, 0x1c, 0x35, 0x34, 0x8b, 0x13, 0xf3, 0x5d, 0xd1, 0x8f, 0x93, 0x58, 0x24, 0x59, 0xea, 0x48, 0xaf, 0x44, 0x7d, 0x13, 0x48, 0x6d, 0x6f, 0x4d, 0xd4, 0x63, 0xc3, 0x3a, 0xad, 0x3e, 0xc9, 0x62, 0x20, 0xcc, 0x79, 0xbb, 0xe, 0xbd, 0x9a, 0x1, 0x70, 0xcc, 0x55, 0x7, 0x22, 0x1c, 0x3e, 0xd, 0xdc, 0x44, 0x70, 0x62, 0xb5, 0x10},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeAbandoned })
		}},
	{"a retry of a request sent before the warm-up ended", []byte{0x91, 0x23, 0xb5, 0x49, 0x40, 0x49, 0xcb, 0x99, 0xe, 0x77, 0xa9, 0x83, 0x5d, 0xb1, 0x93, 0x81, 0xe6, 0xc6, 0xdf, 0x32, 0xca, 0xe7, 0xfe, 0x98, 0xaf, 0xda, 0xaa, 0xd, 0x2c, 0x8b, 0xd9, 0xa4, 0x78, 0xba, 0x34, 0x16, 0x1f, 0x15, 0x57, 0xbf, 0x96, 0xfe, 0x93, 0xa2, 0x50, 0xf1, 0x74, 0xda, 0x9a, 0xd1, 0xb3, 0x9b, 0x5f, 0x6e, 0x2f, 0x3e, 0x1f, 0xd4, 0x96, 0xae, 0x51, 0xe, 0xe7, 0xe5, 0x3b, 0x3e, 0xc9, 0x60, 0xa6, 0xd, 0x86, 0xa7},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return !x.Counted && x.Attempt > 0 })
		}},
	{"a horizon before the last completion", []byte{0x5f, 0xf7, 0xed, 0xa7, 0x4d, 0x3c, 0x2a, 0xde, 0xff, 0x59, 0xbe, 0x4d, 0x48, 0xc9, 0xe9, 0x63, 0x57, 0x7a, 0x40, 0x91, 0x94, 0xff, 0x55, 0x94, 0x17, 0xfb, 0x18, 0x7c, 0x49, 0xdc, 0x26, 0x9c, 0x1, 0x3f, 0x3, 0x6d, 0x50, 0xa0, 0x52, 0x72, 0x6a},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return c.Until > 0 && c.Until < r.res.LastCompletion
		}},
}

// hasRecord reports whether one of r's records satisfies f.
func hasRecord(r *serviceRun, f func(sim.TaskRecord) bool) bool {
	for _, x := range r.records {
		if f(x) {
			return true
		}
	}
	return false
}

// maxWaiting returns the most tasks that waited for a pool at once.
func maxWaiting(r *serviceRun) int {
	n := 0
	for _, u := range r.units {
		n = max(n, u.waiting)
	}
	return n
}

func TestServiceSeeds(t *testing.T) {
	for _, s := range serviceSeeds {
		c := Services(s.data)
		reached := false
		for _, cfg := range c.Strategies {
			r, err := c.run(cfg)
			if err != nil {
				t.Fatalf("%s: %v", s.feature, err)
			}
			reached = reached || s.reaches(&c, cfg, r)
		}
		if !reached {
			t.Errorf("the seed for %s no longer reaches it:\n%s", s.feature, c)
		}
	}
}

// FuzzServices checks every invariant of CheckServices on small lists of
// tasks that hold units of resources and are sent by clients that give up
// and retry, under strategies with and without full queues.
func FuzzServices(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	for _, s := range serviceSeeds {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Services(data)
		if err := CheckServices(c); err != nil {
			t.Fatalf("%v\ncase: %s", err, c)
		}
	})
}

// tiny is a case of the services model small enough to tamper with: two
// workers, no backlog, one machine-wide unit of db, clients that give up
// after 5 ns and retry once after 2 ns. Tasks 0/0 and 0/1 arrive at 0 and
// hold db around cpu 4 ns and a call of 6 ns: 0/0 holds it [0, 10ns],
// 0/1 waits for it (acquiring) until 10 ns and holds it [10, 20ns]; both
// are given up at 6 ns (5 ns + 1), complete late at 10 and 20 ns (8 ns
// of CPU wasted), and their retries at 8 ns are rejected (both workers
// busy). Task 1/0 arrives at 0 too, rejected, and its retry at 2 ns is
// rejected. Task 1/1 at 40 ns runs cpu 3 ns, done at 43 ns. Requests 4,
// succeeded 1, rejected 4, timeouts 2, retries 3.
func tiny() (ServiceCase, strategies.Config) {
	held := []sim.Step{{Kind: sim.Acquire}, {Kind: sim.CPU, Dur: 4}, {Kind: sim.BlockingIO, Dur: 6}, {Kind: sim.Release}}
	c := ServiceCase{
		Cores: 2, Classes: 2, Requests: 1,
		Resources: []sim.Resource{{Name: "db", Capacity: 1, Machine: true}},
		Clients:   []ServiceClient{{Timeout: 5, Retries: 1, Backoff: 2, HasBackoff: true}, {Timeout: 5, Retries: 1, Backoff: 2, HasBackoff: true}},
		Tasks: []sim.Task{
			{Index: 0, Client: -1, Steps: held},
			{Index: 1, Client: -1, Steps: held},
			{Class: 1, Index: 0, Client: -1, Steps: held},
			{Class: 1, Index: 1, Client: -1, Arrival: 40, Steps: []sim.Step{{Kind: sim.CPU, Dur: 3}}},
		},
	}
	cfg := strategies.Config{Name: "workers", Kind: strategies.KindBlocking, Workers: 2, Bounded: true, BacklogFull: strategies.BacklogReject}
	c.Strategies = []strategies.Config{cfg}
	return c, cfg
}

// TestCheckServicesPasses is also the regression test of an engine bug it
// found: with several classes, sim.Summary.Classes set retries_sent,
// syn_retries and wasted_cpu_s per class (here class 0's retries_sent 2),
// where sim.Summary documents only sim.ClassMetrics set and the others
// zero, as with a single class.
func TestCheckServicesPasses(t *testing.T) {
	c, _ := tiny()
	if err := CheckServices(c); err != nil {
		t.Fatal(err)
	}
}

// TestCheckServicesCatches breaks one invariant at a time in the record
// of a good run and expects CheckServices's invariants to notice.
func TestCheckServicesCatches(t *testing.T) {
	// index returns the index of the first record satisfying f.
	index := func(r *serviceRun, f func(sim.TaskRecord) bool) int {
		for i, x := range r.records {
			if f(x) {
				return i
			}
		}
		t.Fatal("no such record")
		return -1
	}
	rejected := func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeRejected }
	tests := []struct {
		name   string
		tamper func(r *serviceRun)
		want   string
	}{
		{"units beyond capacity", func(r *serviceRun) { r.units[0].held = 2 }, "2 units of db held"},
		{"a waiter while a unit is free", func(r *serviceRun) {
			for i := range r.units {
				if r.units[i].waiting > 0 {
					r.units[i].held = 0
					return
				}
			}
			t.Fatal("nobody waits")
		}, "while only 0 of 1 units are held"},
		{"a pool that ends with a unit held", func(r *serviceRun) { r.units = r.units[:len(r.units)-1] }, "ends with 1 units held"},
		{"an attempt that ends twice", func(r *serviceRun) {
			r.records = append(r.records, r.records[index(r, rejected)])
		}, "ended twice"},
		{"a retry sent at the wrong time", func(r *serviceRun) {
			x := &r.records[index(r, func(x sim.TaskRecord) bool { return rejected(x) && x.Attempt == 1 })]
			x.Arrival++
			x.Start++
			x.Completion++
		}, "the backoff is 2ns"},
		{"a late attempt counted as done", func(r *serviceRun) {
			r.records[index(r, func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeLate })].Outcome = sim.OutcomeDone
		}, "past its timeout"},
		{"a rejection miscounted", func(r *serviceRun) { r.res.Values[sim.Rejected]++ }, "rejected = "},
		{"wasted CPU miscounted", func(r *serviceRun) { r.res.Values[sim.WastedCPU] += 1e-9 }, "wasted_cpu_s"},
		{"a SYN retransmission where none can be", func(r *serviceRun) { r.res.Values[sim.SYNRetries] = 1 }, "syn_retries"},
		{"a class's time-outs miscounted", func(r *serviceRun) { r.res.Summary.Classes[0][sim.Timeouts]++ }, "class 0: timeouts"},
		{"a figure per class not among ClassMetrics", func(r *serviceRun) { r.res.Summary.Classes[0][sim.RetriesSent] = 2 }, "not a figure given per class"},
		{"a utilization off its integral", func(r *serviceRun) { r.res.Resources[0][sim.ResourceUtilization] *= 1.01 }, "utilization"},
		{"a queue_mean off its integral", func(r *serviceRun) { r.res.Resources[0][sim.ResourceQueueMean] *= 1.01 }, "queue_mean"},
		{"a mean wait off Little's law", func(r *serviceRun) { r.res.Resources[0][sim.ResourceWaitMean] *= 1.01 }, "holds"},
		{"a run that ends after its last event", func(r *serviceRun) {
			for i := len(r.changes) - len(r.res.Contexts); i < len(r.changes); i++ {
				r.changes[i].at++
			}
		}, "the run ends at 44ns"},
		{"a worker waiting for a unit but not acquiring", func(r *serviceRun) {
			for i := range r.changes {
				if r.changes[i].state == sim.Acquiring {
					r.changes[i].state = sim.InIO
					return
				}
			}
			t.Fatal("nobody acquires")
		}, "0 contexts are acquiring and 1 tasks wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cfg := tiny()
			r, err := c.run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.check(cfg, r); err != nil {
				t.Fatalf("the untampered run fails: %v", err)
			}
			tt.tamper(r)
			err = c.check(cfg, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

// TestGiveUpBeforeCompletion is the regression test of an engine bug
// FuzzServices found (in 291e2ed: one deadline event per class): the
// event of a class's next deadline, re-armed when the previous one
// fired, took its place among simultaneous events from the instant it
// was re-armed, not from the attempt's send, so a CPU completion computed
// in between ran first, and an attempt completing at its give-up instant
// counted as done, past its timeout.
//
// Two workers on two cores; clients give up after 1 ns. Task 0 arrives
// at 0 and runs cpu 10 ns; task 1 arrives at 1 ns and runs cpu 2 ns,
// completing at 3 ns. Task 0's client gives up at 0 + 1 ns + 1 = 2 ns,
// task 1's at 1 ns + 1 ns + 1 = 3 ns, the instant it completes, but after
// its deadline (2 ns): late. Task 0 completes late at 10 ns. Nothing
// succeeds; both time out and both requests fail.
func TestGiveUpBeforeCompletion(t *testing.T) {
	c := ServiceCase{
		Cores: 2, Classes: 1, Requests: 1,
		Clients: []ServiceClient{{Timeout: 1}},
		Tasks: []sim.Task{
			{Index: 0, Client: -1, Steps: []sim.Step{{Kind: sim.CPU, Dur: 10}}},
			{Index: 1, Client: -1, Arrival: 1, Steps: []sim.Step{{Kind: sim.CPU, Dur: 2}}},
		},
	}
	want := []sim.TaskRecord{
		{Index: 1, Arrival: 1, Start: 1, Completion: 3, Counted: true, Outcome: sim.OutcomeLate},
		{Index: 0, Arrival: 0, Start: 0, Completion: 10, Counted: true, Outcome: sim.OutcomeLate},
	}
	for _, cfg := range []strategies.Config{
		{Name: "workers", Kind: strategies.KindBlocking, Workers: 2},
		{Name: "threads", Kind: strategies.KindThreaded, Threads: 2, SwitchInterval: strategies.DefaultSwitchInterval},
	} {
		r, err := c.run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.records, want) {
			t.Errorf("%s: records %+v; want %+v", cfg.Name, r.records, want)
		}
		v := &r.res.Values
		if v[sim.Succeeded] != 0 || v[sim.Failed] != 2 || v[sim.Timeouts] != 2 {
			t.Errorf("%s: succeeded %v, failed %v, timeouts %v; want 0, 2, 2", cfg.Name, v[sim.Succeeded], v[sim.Failed], v[sim.Timeouts])
		}
		c.Strategies = []strategies.Config{cfg}
		if err := CheckServices(c); err != nil {
			t.Errorf("%s: %v", cfg.Name, err)
		}
	}
}

// FuzzServicesWorkload checks every invariant of CheckServices, and the
// arrivals against their rate segments (CheckRates), on small random
// workloads of the services model written in the workload format (hold
// blocks, rates, time-outs, retries and drawn backoffs, backlogs) and
// generated by workloads.Source.
func FuzzServicesWorkload(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, yaml, err := ServicesWorkloadCase(data)
		if err != nil {
			t.Fatalf("the generated workload is invalid: %v\n%s", err, yaml)
		}
		if err := CheckServices(c); err != nil {
			t.Fatalf("%v\nworkload:\n%s", err, yaml)
		}
		spec, err := workloads.Parse("fuzz.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckRates(spec); err != nil {
			t.Fatalf("%v\nworkload:\n%s", err, yaml)
		}
	})
}

// TestCheckServicesDeadlock checks a deadlock against its pools: class 0
// holds a then b, class 1 b then a, each unit alone, with an io call of
// 10 ns between the two takes. At 0 task 0/0 takes a and 1/0 takes b;
// at 10 ns each waits for the other's unit, forever: the run reports one
// task waiting for a and one for b, at 10 ns.
func TestCheckServicesDeadlock(t *testing.T) {
	inner := func(first, second int32) []sim.Step {
		return []sim.Step{{Kind: sim.Acquire, Resource: first}, {Kind: sim.IO, Dur: 10},
			{Kind: sim.Acquire, Resource: second}, {Kind: sim.CPU, Dur: 1}, {Kind: sim.Release, Resource: second},
			{Kind: sim.Release, Resource: first}}
	}
	c := ServiceCase{
		Cores: 2, Classes: 2, Requests: 1, Unordered: true,
		Resources: []sim.Resource{{Name: "a", Capacity: 1, Machine: true}, {Name: "b", Capacity: 1, Machine: true}},
		Tasks: []sim.Task{
			{Class: 0, Index: 0, Client: -1, Steps: inner(0, 1)},
			{Class: 1, Index: 0, Client: -1, Steps: inner(1, 0)},
		},
		Strategies: []strategies.Config{
			{Name: "threads", Kind: strategies.KindThreaded, Threads: 2, SwitchInterval: strategies.DefaultSwitchInterval},
			{Name: "loop", Kind: strategies.KindEventLoop, Loops: 1, Executor: 1},
		},
	}
	for _, cfg := range c.Strategies {
		if _, err := c.run(cfg); !errors.Is(err, errDeadlocked) {
			t.Errorf("%s: err = %v; want the deadlock, as reported", cfg.Name, err)
		}
	}
	if err := CheckServices(c); err != nil {
		t.Error(err)
	}
	// A report that miscounts the waiters is caught.
	units := []unitChange{{at: 0, resource: 0, held: 1}, {at: 0, resource: 1, held: 1}, {at: 10, resource: 0, held: 1, waiting: 1}}
	err := c.checkDeadlock(&sim.DeadlockError{At: 10, Waiting: []sim.ResourceWaiters{{Resource: "a", Tasks: 1}, {Resource: "b", Tasks: 1}}}, units)
	if err == nil || !strings.Contains(err.Error(), "the pools end with [{a 1}] waiting") {
		t.Errorf("err = %v; want the pools' waiters named", err)
	}
	// Holds in order cannot deadlock: a deadlock there is an error.
	c.Unordered = false
	if _, err := c.run(c.Strategies[0]); err == nil || !strings.Contains(err.Error(), "a deadlock reported where none can exist") {
		t.Errorf("err = %v; want a deadlock reported where none can exist", err)
	}
}

// TestCheckRates checks CheckRates on a class that pauses for 1 ms then
// sends about 100 tasks in 1 ms: it passes; with the second segment made a
// pause too (after the arrivals were drawn from it) every arrival is in
// no segment of positive rate; with a count of 1, the arrivals exceed it.
func TestCheckRates(t *testing.T) {
	const yaml = "name: r\ntasks:\n  - name: c\n    arrival: {rate: [{for: 1ms, per_second: 0}, {for: 1ms, per_second: 100000}]}\n" +
		"    steps: [{cpu: 1us}]\nstrategies: [{kind: blocking}]\n"
	spec, err := workloads.Parse("r.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckRates(spec); err != nil {
		t.Fatal(err)
	}
	paused := slices.Clone(spec.Classes)
	paused[0].Rate = []workloads.RateSegment{{For: sim.Millisecond}, {For: sim.Millisecond}}
	if err := checkRates(spec.Source(0), paused); err == nil || !strings.Contains(err.Error(), "in no segment of positive rate") {
		t.Errorf("err = %v; want an arrival in no segment of positive rate", err)
	}
	fewer := slices.Clone(spec.Classes)
	fewer[0].Count = 1
	if err := checkRates(spec.Source(0), fewer); err == nil || !strings.Contains(err.Error(), "its count is 1") {
		t.Errorf("err = %v; want more arrivals than the count", err)
	}
}

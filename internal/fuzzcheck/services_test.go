package fuzzcheck

import (
	"slices"
	"strings"
	"testing"

	"asyncsim/sim"
	"asyncsim/strategies"
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
	{"two coroutines suspended for one pool", []byte{0xcd, 0x2c, 0xfc, 0x3a, 0x18, 0xa0, 0xd, 0x57, 0xb7, 0x83, 0xd2, 0x49, 0xf, 0x3c, 0xa1, 0xe3, 0xb9, 0xf6, 0xb, 0x1b, 0xa2, 0x93, 0x97, 0x45, 0xf0, 0x15, 0x25, 0x3e, 0x8, 0x9d, 0x19, 0x6, 0x78, 0x8e, 0x35, 0x9b, 0x10, 0xf8, 0x84, 0x61, 0xce, 0x75, 0x6e, 0x36, 0xd2, 0x34, 0x1e, 0xe0, 0x9c, 0xb7, 0x86, 0x19, 0x40, 0xce, 0x1d, 0xb4, 0x88, 0xbb, 0x63, 0xff, 0x71, 0x4e, 0xab, 0x87, 0x7f, 0x59, 0xf9, 0x3, 0xe6, 0x49, 0x5c, 0x5a, 0x71, 0xc, 0xc9, 0x46, 0x9a, 0xf, 0xd8, 0x7a, 0xa9, 0x9e, 0x98, 0xb2, 0x6d, 0x15, 0x3b},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return cfg.Kind == strategies.KindEventLoop && maxWaiting(r) > 1
		}},
	{"two threads acquiring one pool under a GIL", []byte{0x96, 0xc1, 0x75, 0xee, 0x3f, 0xb5, 0x6, 0x2, 0x30, 0x83, 0x13, 0x2d, 0xb0, 0xac, 0xd3, 0xae, 0x2c, 0x5e, 0x9, 0xc7, 0xc1, 0x49, 0xe2, 0x80, 0xf2, 0x58, 0xd0, 0x59, 0x7b, 0x38, 0xc7, 0xe, 0x5d, 0xb9, 0x3f, 0x8c, 0xd5, 0x21, 0xea, 0xaa, 0x84, 0xb4, 0x71, 0x29, 0x53, 0x8f, 0x5e, 0x5b, 0x7f, 0x48, 0x8, 0x1b, 0x19, 0xe6, 0x46, 0xb7, 0xa4, 0x86, 0x9f, 0x4b, 0xf7, 0x49, 0xa, 0xe7, 0x6e, 0xfd, 0xf3, 0xb7, 0x86, 0x89, 0x7e, 0x72, 0xa4, 0x3f, 0x91, 0x27, 0xe2, 0x1f},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return cfg.GIL && maxWaiting(r) > 1
		}},
	{"an attempt done exactly at its deadline", []byte{0xf7, 0x2, 0x97, 0xa1, 0x12, 0x0, 0xa4, 0x56, 0xf7, 0xfb, 0xda, 0x46, 0x66, 0xae, 0x11, 0x2a, 0xaf, 0x98, 0xb7, 0xad, 0x8, 0x78, 0x6f, 0x5a, 0xea, 0xc2, 0xbb, 0x8a, 0xfd, 0xc9, 0x11, 0x33, 0x98, 0xe3, 0xc3, 0xd, 0xd0, 0x66, 0xd9, 0xd5, 0x17, 0xfc, 0x9b, 0xc, 0x5, 0x9, 0x56, 0x6, 0x67, 0xec, 0x49, 0x66, 0xad, 0x98, 0x84, 0x5c, 0x5a, 0x51, 0xed, 0x1, 0x50, 0xca, 0x79, 0x52, 0x8f, 0x72, 0xdd, 0x75, 0xd6, 0x1d, 0x9b, 0x5, 0x66},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool {
				cl := c.client(x.Class)
				return x.Outcome == sim.OutcomeDone && cl.Timeout > 0 && x.Completion-x.Arrival == cl.Timeout
			})
		}},
	{"an attempt completing late after its retry succeeded", []byte{0xef, 0x20, 0x94, 0x7c, 0x8d, 0xce, 0x95, 0xaa, 0x31, 0x8d, 0xf1, 0x78, 0x6b, 0x31, 0xc2, 0x9c, 0xba, 0x1d, 0xe1, 0xaf, 0x15, 0x48, 0x21, 0x49, 0x14, 0x8b, 0x6b, 0x1c, 0xed, 0x28, 0x1b, 0x48, 0x79, 0x62, 0x76, 0xee, 0x8, 0x57, 0xc8, 0xcd, 0x70, 0xe9, 0x72, 0x4e, 0x74, 0x9d, 0xd5, 0xfc, 0xaa, 0x7b, 0x89, 0x21, 0x17, 0xf6, 0xbd, 0x91, 0x11, 0x88, 0x5c, 0x75, 0x5c, 0x7e, 0xa6, 0x9, 0x8e, 0xaa, 0xed, 0x10, 0x3, 0x60, 0x27, 0xcf, 0xe1, 0x37, 0xe4, 0x34, 0x5, 0x5a, 0x69, 0xfb, 0x2f, 0xc9, 0xb5, 0x7c, 0x64, 0x70, 0xed, 0x15, 0x2d, 0x91, 0x80, 0x7b, 0x77, 0x74, 0xd7, 0x5a, 0x35, 0x31},
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
	{"a retry rejected", []byte{0x21, 0xab, 0x69, 0x47, 0x23, 0x5c, 0xd6, 0x53, 0xe, 0x5a, 0x75, 0xc2, 0x16, 0x1, 0x4c, 0xa8, 0x30, 0x42, 0xf1, 0x66, 0xec, 0x96, 0xb0, 0x4b, 0xbc, 0xbe, 0xf, 0x7e, 0x4, 0x3c, 0xab, 0x4c, 0xc9, 0x7c, 0xa8, 0x9c, 0xb, 0xa4, 0x42, 0xaa, 0xc6, 0x8a, 0xca, 0xbf, 0x2f, 0xb9, 0x61, 0x6, 0xa6, 0xc8, 0xc1, 0x10, 0xd8, 0xda, 0x7f, 0x2b, 0x63, 0x32, 0x78, 0xff, 0x12, 0xcf, 0xe7, 0xa7, 0xcf, 0x67, 0xa0, 0xb3, 0xe6, 0x36, 0xa, 0xb1, 0x32, 0x29, 0xf8, 0xe, 0x9d},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeRejected && x.Attempt > 0 })
		}},
	{"a SYN retransmitted (backlog_full: syn_retry)", []byte{0xb, 0xac, 0xb7, 0xc2, 0x4b, 0xa, 0xa, 0x3f, 0x80, 0x6a, 0x92, 0xb1, 0x9f, 0x49, 0xa1, 0xec, 0x9d, 0xaa, 0x18, 0x3d, 0xd5, 0xc5, 0xe9, 0x46, 0x9e, 0xea, 0x85, 0x7, 0xaf, 0xb3, 0x30, 0xcc, 0x7, 0x66, 0x4c, 0xb8, 0x80, 0x11, 0xcf, 0xe0, 0x8b, 0xe, 0xcd, 0xee, 0xdf, 0x60, 0x5f, 0x8c, 0x2b, 0x39, 0xb1, 0xdf, 0x2c, 0x4, 0x1c, 0xd8, 0x44, 0x77, 0xb2, 0xe2, 0xaa, 0xac, 0x92, 0x5b, 0xa, 0xa4, 0x51, 0xd4, 0xa2, 0xf7, 0x26, 0xa6, 0xea, 0xcf, 0xb7, 0xd5, 0xbc, 0x2e, 0xc1, 0x50, 0x3e, 0x8, 0xf4, 0x73, 0x93, 0x9, 0x9f, 0x9a, 0xf7, 0x7c, 0x43, 0x9, 0x62, 0xbd, 0xc7, 0x98, 0x96, 0xf7},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return r.res.Values[sim.SYNRetries] > 0
		}},
	{"an attempt abandoned while its SYN waited", []byte{0xa7, 0x39, 0x44, 0x81, 0x9, 0xfc, 0x5c, 0x57, 0x92, 0x79, 0xdf, 0x51, 0x0, 0x3, 0xee, 0xae, 0x21, 0x19, 0xf, 0x2b, 0x35, 0x78, 0xd3, 0x22, 0xc5, 0x66, 0xe9, 0x66, 0x2e, 0x56, 0x89, 0x51, 0xd4, 0x37, 0xf4, 0x78, 0xdc, 0x64, 0xbe, 0x20, 0xd6, 0x4e, 0x3a, 0x77, 0xd2, 0xc0, 0x30, 0x28, 0x62, 0x2a, 0xd3, 0x96, 0x72, 0xb5, 0xd5, 0x56, 0x35, 0x62, 0x8b, 0x63, 0x2a, 0x37, 0xc6, 0x86, 0x42, 0xa5, 0x5b, 0xd2, 0xe8, 0xef, 0xbd, 0xee, 0x57, 0xff, 0x8e, 0x4, 0x3a, 0xa8, 0x76, 0xad, 0xc7, 0xff, 0x28, 0x57, 0x8a, 0xcc, 0x9b, 0x7e, 0x79, 0x43},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return x.Outcome == sim.OutcomeAbandoned })
		}},
	{"a retry of a request sent before the warm-up ended", []byte{0xba, 0xd, 0xa1, 0xf5, 0xa5, 0x18, 0x49, 0x55, 0x47, 0x9d, 0x62, 0x4d, 0xfd, 0x98, 0x2, 0x12, 0x7b, 0x25, 0xf6, 0xb4, 0x1, 0xe, 0xea, 0x25, 0x8a, 0xbb, 0x56, 0x17, 0xcc, 0x77, 0x83, 0x95, 0x30, 0xde, 0x84, 0xd2, 0x90, 0x9c, 0x97, 0x4f, 0x53, 0x39, 0x77, 0xd0, 0x37, 0x58, 0x57, 0xff, 0x8e, 0x64, 0x29, 0x64, 0xb6, 0xb2, 0x48, 0x7b, 0xcc, 0x71},
		func(c *ServiceCase, cfg strategies.Config, r *serviceRun) bool {
			return hasRecord(r, func(x sim.TaskRecord) bool { return !x.Counted && x.Attempt > 0 })
		}},
	{"a horizon before the last completion", []byte{0x69, 0x9d, 0x2b, 0x71, 0xdc, 0xf4, 0xa5, 0x22, 0x2f, 0x74, 0x4f, 0x1a, 0x92, 0x5e, 0x3b, 0x8, 0x37, 0x81, 0x3f, 0xac, 0xf5, 0xba, 0xb7, 0x59, 0x73, 0x73, 0xae, 0x42, 0xf0, 0x31, 0x5d, 0x19, 0x81, 0x9e, 0x66, 0xc8, 0xf5, 0xc8, 0xa3, 0x1a, 0xa5, 0x11, 0x42, 0x55, 0x69, 0x86, 0xfb, 0x2e, 0x9e, 0x13, 0x1f, 0x88, 0xcc, 0xf4, 0x2a, 0x56, 0x95, 0x52, 0xc1, 0x70, 0xe1, 0x87, 0x1f, 0xc7, 0x2c, 0xab, 0x41, 0x25, 0x19, 0xef, 0x30, 0x58, 0x2, 0xd, 0x39, 0x9c, 0x1, 0xdb, 0x6, 0x1, 0x2, 0x5c, 0x92, 0x4, 0xb1, 0x8, 0x35, 0x8a, 0x6d, 0x8e, 0x93, 0xe8, 0x70, 0xb1},
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

// FuzzServicesWorkload checks every invariant of CheckServices on small
// random workloads of the services model written in the workload format
// (hold blocks, rates, time-outs, retries and drawn backoffs, backlogs)
// and generated by workloads.Source.
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
	})
}

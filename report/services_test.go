package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/golden"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// services builds, by hand, the result of a workload with two resources
// (db, scope process; api, scope machine), two task classes (health,
// report) and reps replications, run under two strategies: the figures
// of clients that give up, full queues and pools, as the engine would
// give them, with values chosen so that each renders in a different form.
// Under "pool", api is never waited for (its wait and queue are zero in
// both rows) and nothing is retried or sent its SYN again, so those
// columns stay out of the table.
func services(reps int) *experiment.Result {
	spec := &workloads.Spec{Name: "services", Description: "A pool, a limited API, two endpoints.", Seed: 7,
		Replications: reps, Cores: 2,
		Resources: []sim.Resource{{Name: "db", Capacity: 5}, {Name: "api", Capacity: 2, Machine: true}},
		Classes:   []workloads.Class{{Name: "report"}, {Name: "health"}}}
	res := &experiment.Result{Spec: spec}
	type row struct {
		name                                        string
		kind                                        strategies.Kind
		tasks                                       int64
		requests, succeeded, failed, rejected, tout float64
		dbWait, dbUtil, dbQueue, apiUtil            float64
	}
	for _, r := range []row{
		// 1200 attempts for 1000 requests: 150 time-outs and 50
		// rejections, each retried (1000 + 200 = 1200), of which 40 failed
		// in the end: 1000 = 960 + 40.
		{"gthread", strategies.KindThreaded, 1200, 1000, 960, 40, 50, 150, 0.0125, 0.97, 3.25, 0.5},
		// Every request succeeds at its first attempt.
		{"asyncio", strategies.KindEventLoop, 1000, 1000, 1000, 0, 0, 0, 0.0004, 0.62, 0.125, 0.25},
	} {
		s := experiment.StrategyResult{Config: strategies.Config{Name: r.name, Kind: r.kind}}
		a := &s.Aggregate
		a.Replications, a.Tasks = reps, r.tasks
		a.Mean[sim.Makespan] = 10.5
		a.Mean[sim.Throughput] = float64(r.tasks) / 10.5
		a.Mean[sim.LatencyMean], a.Mean[sim.LatencyP50], a.Mean[sim.LatencyP99] = 0.0421, 0.03, 0.25
		a.Mean[sim.Requests], a.Mean[sim.Succeeded], a.Mean[sim.Failed] = r.requests, r.succeeded, r.failed
		a.Mean[sim.Rejected], a.Mean[sim.Timeouts] = r.rejected, r.tout
		a.Mean[sim.RetriesSent] = r.rejected + r.tout
		a.Mean[sim.Goodput] = r.succeeded / 10.5
		if r.tout > 0 {
			a.Mean[sim.WastedCPU] = 0.15 // 150 late attempts of 1 ms of CPU
		}
		a.Resources = []sim.Estimates[[sim.NumResourceMetrics]float64]{
			{Mean: [sim.NumResourceMetrics]float64{r.dbWait, r.dbUtil, r.dbQueue}},
			{Mean: [sim.NumResourceMetrics]float64{0, r.apiUtil, 0}},
		}
		for _, share := range []float64{0.25, 0.75} {
			var e sim.Estimates[[sim.NumMetrics]float64]
			for _, m := range sim.ClassMetrics() {
				e.Mean[m] = a.Mean[m] * share
			}
			a.Classes = append(a.Classes, e)
		}
		if reps > 1 {
			for m := range sim.NumMetrics {
				a.CI95[m] = a.Mean[m] / 20
			}
			for k := range a.Resources {
				for m := range sim.NumResourceMetrics {
					a.Resources[k].CI95[m] = a.Resources[k].Mean[m] / 20
				}
			}
			for k := range a.Classes {
				for _, m := range sim.ClassMetrics() {
					a.Classes[k].CI95[m] = a.Classes[k].Mean[m] / 20
				}
			}
		}
		res.Strategies = append(res.Strategies, s)
	}
	return res
}

// TestServicesGolden pins every output of a result with resources,
// classes and replications: summary.json, summary.csv,
// summary_by_class.csv, the table and the table by class; and of the
// same result with one replication.
func TestServicesGolden(t *testing.T) {
	for _, reps := range []int{1, 2} {
		res := services(reps)
		prefix := "services-" + map[int]string{1: "1rep", 2: "2reps"}[reps]
		for _, out := range []struct {
			name  string
			write func(*bytes.Buffer, *experiment.Result) error
		}{
			{"summary.json", func(b *bytes.Buffer, r *experiment.Result) error { return JSON(b, r) }},
			{"summary.csv", func(b *bytes.Buffer, r *experiment.Result) error { return CSV(b, r) }},
			{"summary_by_class.csv", func(b *bytes.Buffer, r *experiment.Result) error { return ClassCSV(b, r) }},
			{"table.txt", func(b *bytes.Buffer, r *experiment.Result) error { return Table(b, r) }},
			{"by_class.txt", func(b *bytes.Buffer, r *experiment.Result) error { return ClassTable(b, r) }},
		} {
			var b bytes.Buffer
			if err := out.write(&b, res); err != nil {
				t.Fatalf("%s %s: %v", prefix, out.name, err)
			}
			golden.Check(t, prefix+"."+out.name, b.Bytes())
		}
	}
}

// TestJSONClassesInOrder: each row's "classes" object lists the classes
// in the workload's order (report before health, which sorted keys would
// swap), each with the class figures by the row's names, in the order of
// ClassColumns, and the resources' columns come after the fixed metrics
// in declaration order (db before api).
func TestJSONClassesInOrder(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, services(2)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Results []json.RawMessage
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(doc.Results) != 2 {
		t.Fatalf("%d rows; want 2", len(doc.Results))
	}
	wantKeys := append(Columns(2, []string{"db", "api"}), "classes")
	if got := objectKeys(t, doc.Results[0]); strings.Join(got, " ") != strings.Join(wantKeys, " ") {
		t.Errorf("row keys\n%v\nwant\n%v", got, wantKeys)
	}
	var row struct {
		Classes json.RawMessage `json:"classes"`
	}
	if err := json.Unmarshal(doc.Results[0], &row); err != nil {
		t.Fatal(err)
	}
	if got := objectKeys(t, row.Classes); strings.Join(got, " ") != "report health" {
		t.Errorf("classes in the order %v; want report health", got)
	}
	var classes map[string]json.RawMessage
	if err := json.Unmarshal(row.Classes, &classes); err != nil {
		t.Fatal(err)
	}
	if got, want := objectKeys(t, classes["health"]), ClassColumns(2); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("a class's keys %v; want %v", got, want)
	}
	for _, name := range []string{"requests", "succeeded", "failed", "rejected", "timeouts", "latency_mean_s", "latency_p50_s", "latency_p99_s"} {
		if !strings.Contains(string(classes["health"]), `"`+name+`"`) {
			t.Errorf("a class lacks %q", name)
		}
	}
	// gthread's health class is 75% of its 1000 requests.
	var health map[string]float64
	if err := json.Unmarshal(classes["health"], &health); err != nil {
		t.Fatal(err)
	}
	if health["requests"] != 750 || health["requests_ci95"] != 37.5 {
		t.Errorf("health requests = %v ± %v; want 750 ± 37.5", health["requests"], health["requests_ci95"])
	}
}

// objectKeys returns the keys of a JSON object in file order.
func objectKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestTableColumnsOfServices: the table shows each new figure that is
// not zero in some row, with resource columns named after their
// resource, and leaves out those that are zero in every row (retries
// and SYN retries are zero, api is never waited for); CSV keeps them all.
func TestTableColumnsOfServices(t *testing.T) {
	res := services(1)
	res.Strategies[0].Aggregate.Mean[sim.RetriesSent] = 0
	var b strings.Builder
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	header := strings.Split(b.String(), "\n")[3]
	for _, want := range []string{"REQUESTS", "SUCCEEDED", "FAILED", "REJECTED", "TIMEOUTS", "GOODPUT", "WASTED CPU",
		"db WAIT", "db UTIL", "db QUEUE", "api UTIL"} {
		if !strings.Contains(header, want) {
			t.Errorf("header %q lacks %s", header, want)
		}
	}
	for _, absent := range []string{"RETRIES", "api WAIT", "api QUEUE"} {
		if strings.Contains(header, absent) {
			t.Errorf("header %q shows %s, zero in every row", header, absent)
		}
	}
	var c bytes.Buffer
	if err := CSV(&c, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"retries_sent", "syn_retries", "resource.api.wait_mean_s", "resource.api.queue_mean"} {
		if !strings.Contains(strings.SplitN(c.String(), "\n", 2)[0], want) {
			t.Errorf("summary.csv's header lacks %s", want)
		}
	}
}

// TestTableHidesRequestsWithoutFailures: where every request succeeded
// at its first attempt (requests = succeeded = tasks, nothing rejected,
// timed out or retried), REQUESTS, SUCCEEDED and GOODPUT (= throughput)
// stay out, as do the columns of zeros, so that the table of a workload
// without the new features is as before.
func TestTableHidesRequestsWithoutFailures(t *testing.T) {
	res := services(1)
	res.Strategies = res.Strategies[1:] // asyncio: every request succeeded
	var b strings.Builder
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	header := strings.Split(b.String(), "\n")[3]
	for _, absent := range []string{"REQUESTS", "SUCCEEDED", "FAILED", "REJECTED", "TIMEOUTS", "RETRIES", "GOODPUT", "WASTED"} {
		if strings.Contains(header, absent) {
			t.Errorf("header %q shows %s", header, absent)
		}
	}
	res.Strategies[0].Aggregate.Mean[sim.Rejected] = 1
	b.Reset()
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	header = strings.Split(b.String(), "\n")[3]
	for _, want := range []string{"REQUESTS", "SUCCEEDED", "REJECTED", "GOODPUT"} {
		if !strings.Contains(header, want) {
			t.Errorf("with a rejection, header %q lacks %s", header, want)
		}
	}
}

// TestMismatchedFiguresAreAnError: a strategy whose figures cover other
// resources or classes than its workload's is refused, not written as
// misaligned rows.
func TestMismatchedFiguresAreAnError(t *testing.T) {
	res := services(1)
	res.Strategies[1].Aggregate.Resources = res.Strategies[1].Aggregate.Resources[:1]
	for name, write := range map[string]func(*bytes.Buffer) error{
		"CSV":      func(b *bytes.Buffer) error { return CSV(b, res) },
		"JSON":     func(b *bytes.Buffer) error { return JSON(b, res) },
		"ClassCSV": func(b *bytes.Buffer) error { return ClassCSV(b, res) },
	} {
		var b bytes.Buffer
		if err := write(&b); err == nil || !strings.Contains(err.Error(), "asyncio has the figures of 1 resources; its workload declares 2") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestTableLatencyWithoutSuccess: a row none of whose requests succeeded
// shows its latency figures as "-", not as latencies of 0, in the table
// and in the table by class.
func TestTableLatencyWithoutSuccess(t *testing.T) {
	res := services(1)
	a := &res.Strategies[0].Aggregate
	a.Mean[sim.Succeeded], a.Mean[sim.Failed] = 0, 1000
	a.Classes[0].Mean[sim.Succeeded] = 0
	for _, m := range []sim.Metric{sim.LatencyMean, sim.LatencyP50, sim.LatencyP99, sim.LatencyMax} {
		a.Mean[m], a.Classes[0].Mean[m] = 0, 0
	}
	var b strings.Builder
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(strings.Split(b.String(), "\n")[4]); f[0] != "gthread" || f[6] != "-" || f[7] != "-" || f[8] != "-" || f[9] != "-" {
		t.Errorf("row %v; want - under LAT MEAN, P50, P99 and MAX", f)
	}
	b.Reset()
	if err := ClassTable(&b, res); err != nil {
		t.Fatal(err)
	}
	// gthread's first class, report: its three latency cells come last.
	if f := strings.Fields(strings.Split(b.String(), "\n")[3]); f[2] != "report" || strings.Join(f[len(f)-3:], " ") != "- - -" {
		t.Errorf("row by class %v; want - under LAT MEAN, P50 and P99", f)
	}
}

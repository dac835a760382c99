package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/internal/golden"
	"asyncsim/sim"
	"asyncsim/strategies"
	"asyncsim/workloads"
)

// numbers builds a two-replication result of two strategies whose
// statistics take every form Number writes: integers, decimals, both
// kinds of exponent, zero and a non-finite value.
func numbers(names ...string) *experiment.Result {
	res := &experiment.Result{Spec: &workloads.Spec{Name: "forms", Seed: 18446744073709551615, Replications: 2, Cores: 1}}
	for i, name := range names {
		s := experiment.StrategyResult{Config: strategies.Config{Name: name, Kind: strategies.Kinds[i%len(strategies.Kinds)]}}
		s.Aggregate.Replications = 2
		s.Aggregate.Tasks = int64(1000 * (i + 1))
		for m := range sim.Metrics() {
			s.Aggregate.Mean[m] = []float64{10.02, 1e-05, 1.5e+06, 0.9980039920159681, 0, 123456789012345678}[(m+i)%6]
			s.Aggregate.CI95[m] = float64(m) / 7
		}
		s.Aggregate.CI95[sim.LatencyMax] = math.NaN()
		res.Strategies = append(res.Strategies, s)
	}
	return res
}

// TestJSONGolden pins report.JSON's bytes; the golden file was written by
// the string-building version it replaced, so the two agree on today's
// inputs.
func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, numbers("sync", "coroutine+time.sleep")); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary.json", b.Bytes())
	if !json.Valid(b.Bytes()) {
		t.Errorf("not JSON:\n%s", b.String())
	}
}

// TestJSONQuotesAsJSON: names that Go's strconv.Quote escapes in ways JSON
// does not know (\x7f, \xff, \a) must still give valid JSON that reads
// back as the names (invalid UTF-8 as U+FFFD).
func TestJSONQuotesAsJSON(t *testing.T) {
	names := []string{"del\x7f", "bad\xffutf8", "bell\a", `q"uote\`, "€<&>"}
	res := numbers(names...)
	res.Spec.Name = "w\x00"
	var b bytes.Buffer
	if err := JSON(&b, res); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Workload string
		Results  []struct{ Strategy string }
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if doc.Workload != "w\x00" || len(doc.Results) != len(names) {
		t.Fatalf("read back %+v", doc)
	}
	for i, r := range doc.Results {
		if want := strings.ToValidUTF8(names[i], "\uFFFD"); r.Strategy != want {
			t.Errorf("strategy %d reads back as %q; want %q", i, r.Strategy, want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"sync", "sync"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+x", "'+x"},
		{"-x", "'-x"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-1.5", "-1.5"},
		{"+2e-3", "+2e-3"},
		{"-.5", "-.5"},
		{"-1-1", "'-1-1"},
		{"+Inf", "'+Inf"},
		{"a=b", "a=b"},
		{"'=x", "'=x"},
	}
	for _, tt := range tests {
		if got := CSVCell(tt.in); got != tt.want {
			t.Errorf("CSVCell(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestCSVEscapesFormulas: names a spreadsheet would take for formulas are
// escaped in the summary rows and in tasks.csv's rows.
func TestCSVEscapesFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, numbers("=1+1", "@x", "-2")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	for i, want := range []string{"'=1+1,blocking,", "'@x,threaded,", "-2,event_loop,"} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("row %d = %q; want it to start %q", i+1, lines[i+1], want)
		}
	}
	row := make([]string, len(TasksHeader))
	TaskRow(row, "+s", 0, "=c", sim.TaskRecord{})
	if row[0] != "'+s" || row[3] != "'=c" {
		t.Errorf("TaskRow names = %q, %q; want '+s and '=c", row[0], row[3])
	}
}

package sweep

import (
	"bytes"
	"strconv"
	"testing"

	"asyncsim/internal/golden"
	"asyncsim/report"
)

// oddTable is a table of three points whose names and values exercise JSON
// quoting (quotes, backslashes, control characters, HTML characters,
// non-ASCII), the varied values' number, boolean and string forms, and
// the cells a spreadsheet takes for a formula, and a non-finite value
// (which no statistic should produce), written as null.
func oddTable() *table {
	paths := []string{"strategies.a.threads", "tasks.x.arrival", "flag"}
	h := header{Hash: "sha256:0123456789abcdef", Points: 3, Shards: 1, Workload: `w<é>&"q"`, Replications: 2,
		Plot: Plot{X: "strategies.a.threads", Y: []string{"latency_p99_s", "makespan_s"}, LogX: true}}
	summary := report.Columns(h.Replications)
	cols := append(append([]string{}, paths...), summary...)
	row := func(values []string, name, kind string, seed int) []string {
		r := append(append([]string{}, values...), name, kind, strconv.Itoa(10+seed))
		for i := 3; i < len(summary); i++ {
			r = append(r, report.Number(float64(seed*100+i)/7))
		}
		return r
	}
	return &table{hdr: h, paths: paths, cols: cols, groups: []group{
		{point: 0, rows: [][]string{
			row([]string{"4", "{exp: 5ms}", "true"}, `x"y\z`, "threaded", 0),
			row([]string{"4", "{exp: 5ms}", "true"}, "=1+2", "blocking", 1),
			row([]string{"4", "{exp: 5ms}", "true"}, "tab\there", "event_loop", 2),
		}},
		{point: 1, rows: [][]string{
			row([]string{"-1.5", "@x", "01"}, "<b>é中</b>", "threaded", 3),
			row([]string{"-1.5", "@x", "01"}, "-x", "blocking", 4),
			row([]string{"-1.5", "@x", "01"}, "+1", "event_loop", 5),
		}},
		{point: 2, rows: [][]string{
			append(row([]string{"1e3", "\x01\u2028", "false"}, "\r\n", "blocking", 6)[:len(cols)-1], "+Inf"),
		}},
	}}
}

// TestWriteJSONGolden pins sweep.json byte for byte: the file was written
// by the string-concatenating writer encoding/json replaced.
func TestWriteJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := oddTable().writeJSON(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "odd.sweep.json", b.Bytes())
}

// TestWriteCSVGolden pins sweep.csv, whose cells a spreadsheet would take
// for a formula carry a leading quote.
func TestWriteCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := oddTable().writeCSV(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "odd.sweep.csv", b.Bytes())
	for _, want := range []string{",'=1+2,", ",'-x,", "\n-1.5,'@x,01,", ",+1,", ",tab\there,", "\"'\r\n\""} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("sweep.csv lacks %q", want)
		}
	}
}

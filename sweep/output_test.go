package sweep

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"asyncsim/internal/golden"
	"asyncsim/report"
)

// oddTable is a table of three points whose names and values exercise JSON
// quoting (quotes, backslashes, control characters, HTML characters,
// non-ASCII), the varied values' number, boolean and string forms, and
// the cells a spreadsheet takes for a formula, and a non-finite value
// (which no statistic should produce), written as null. Its workload has
// a resource, db, and two task classes, z before a (which sorted keys
// would swap), whose figures are the rows' last cells.
func oddTable() *table {
	paths := []string{"strategies.a.threads", "tasks.x.arrival", "flag"}
	h := header{Hash: "sha256:0123456789abcdef", Points: 3, Shards: 1, Workload: `w<é>&"q"`, Replications: 2,
		Plot:      Plot{X: "strategies.a.threads", Y: []string{"latency_p99_s", "makespan_s"}, LogX: true},
		Resources: []string{"db"}, Classes: []string{"z", `c"l<`}}
	summary := summaryColumns(h)
	cols := append(append([]string{}, paths...), summary...)
	row := func(values []string, name, kind string, seed int) []string {
		r := append(append([]string{}, values...), name, kind, strconv.Itoa(10+seed))
		for i := 3; i < len(summary); i++ {
			r = append(r, statCell(summary[i], report.Number(float64(seed*100+i)/7)))
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

// TestReadTableRoundTrip: sweep.json reads back into the table it was
// written from: the columns (the classes' figures flattened again, in
// order), the resources and classes, and every cell, but for the
// non-finite one, which reads back as NaN.
func TestReadTableRoundTrip(t *testing.T) {
	want := oddTable()
	var b bytes.Buffer
	if err := want.writeJSON(&b); err != nil {
		t.Fatal(err)
	}
	got, err := readTable(fstest.MapFS{JSONName: {Data: b.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.cols, want.cols) {
		t.Errorf("columns\n%v\nwant\n%v", got.cols, want.cols)
	}
	if !slices.Equal(got.hdr.Classes, want.hdr.Classes) || !slices.Equal(got.hdr.Resources, want.hdr.Resources) {
		t.Errorf("classes %q, resources %q; want %q, %q", got.hdr.Classes, got.hdr.Resources, want.hdr.Classes, want.hdr.Resources)
	}
	last := &want.groups[2].rows[0]
	(*last)[len(*last)-1] = "NaN"
	for i, g := range want.groups {
		if got.groups[i].point != g.point || !slices.EqualFunc(got.groups[i].rows, g.rows, slices.Equal) {
			t.Errorf("group %d read back as %v; want %v", i, got.groups[i], g)
		}
	}
	// sweep.csv leaves the classes' figures out: its header is the
	// varied paths and a run's summary.csv header.
	var c bytes.Buffer
	if err := want.writeCSV(&c); err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(c.String(), "\n", 2)[0]
	if wantHeader := strings.Join(append(slices.Clone(want.paths), report.Columns(2, []string{"db"})...), ","); header != wantHeader {
		t.Errorf("sweep.csv header\n%s\nwant\n%s", header, wantHeader)
	}
}

// TestResourceColumn: the names of resources' figures, and others.
func TestResourceColumn(t *testing.T) {
	tests := []struct {
		name, resource string
		ok             bool
	}{
		{"resource.db.wait_mean_s", "db", true},
		{"resource.db.pool.utilization", "db.pool", true},
		{"resource.x.queue_mean", "x", true},
		{"resource.db.latency_p99_s", "", false},
		{"resource..utilization", "", false},
		{"resource.utilization", "", false},
		{"makespan_s", "", false},
	}
	for _, tt := range tests {
		if r, ok := resourceColumn(tt.name); r != tt.resource || ok != tt.ok {
			t.Errorf("resourceColumn(%q) = %q, %v; want %q, %v", tt.name, r, ok, tt.resource, tt.ok)
		}
	}
}

// TestReadTableBadClasses: a sweep.json row whose classes object is not
// an object of objects of numbers is refused as not a sweep row.
func TestReadTableBadClasses(t *testing.T) {
	head := `{"workload": "w", "replications": 1, "points": 1, "hash": "h", "vary": ["a"], "plot": {"x": "a", "y": ["m"]}, "results": [{"point": 0, "a": 1, "strategy": "s", "kind": "threaded", "m": 1, "classes": `
	for _, classes := range []string{`[1]`, `{"c": 1}`, `{"c": [1]}`, `{"c": {"m": {"x": 1}}}`, `{"c": {"m": [1]}}`} {
		_, err := readTable(fstest.MapFS{JSONName: {Data: []byte(head + classes + "}]}")}})
		if err == nil || !strings.Contains(err.Error(), "results[0]: not a sweep row") {
			t.Errorf("classes %s: %v; want not a sweep row", classes, err)
		}
	}
	// Each class must hold the class figures, in order.
	_, err := readTable(fstest.MapFS{JSONName: {Data: []byte(head + `{"c": {"requests": 2}}}]}`)}})
	if err == nil || !strings.Contains(err.Error(), "results[0]: its classes do not each hold requests, succeeded,") {
		t.Errorf("a class with one figure: %v", err)
	}
	var figures []string
	for i, m := range report.ClassColumns(1) {
		figures = append(figures, fmt.Sprintf("%q: %d", m, i))
	}
	whole := "{" + strings.Join(figures, ", ") + "}"
	tab, err := readTable(fstest.MapFS{JSONName: {Data: []byte(head + `{"c": ` + whole + `, "d": ` + whole + `}}]}`)}})
	if err != nil || !slices.Equal(tab.cols[:4], []string{"a", "strategy", "kind", "m"}) || len(tab.cols) != 4+2*len(figures) ||
		tab.cols[4] != "class.c.requests" || !slices.Equal(tab.hdr.Classes, []string{"c", "d"}) {
		t.Errorf("readTable = %+v, %v", tab, err)
	}
}

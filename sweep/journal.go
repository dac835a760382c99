package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"asyncsim/report"
	"asyncsim/strategies"
)

// Journal lines that are not rows.
const (
	journalMagic    = "# asyncsim sweep journal "
	journalComplete = "# complete"
)

// JournalName is the journal of an unsharded run, in the output folder,
// removed once sweep.csv and sweep.json are written.
const JournalName = "sweep.journal.csv"

// ShardName returns the file name of shard k of n: "sweep.shard-K-of-N.csv".
func ShardName(k, n int) string { return fmt.Sprintf("sweep.shard-%d-of-%d.csv", k, n) }

// header is a journal's first line, after journalMagic: what the rows
// belong to.
type header struct {
	Hash         string `json:"hash"`
	Points       int    `json:"points"`
	Shard        int    `json:"shard"`
	Shards       int    `json:"shards"`
	Workload     string `json:"workload"`
	Replications int    `json:"replications"`
	Plot         Plot   `json:"plot"`
	// Rows is how many rows the file's points hold in all, one per
	// point and strategy, which Merge checks a finished shard against
	// (0, in the files of versions before it, is not checked).
	Rows int `json:"rows,omitempty"`
	// Resources and Classes name the workload's resources and task
	// classes, in the order they are declared: the columns of their
	// figures (see summaryColumns). Without resources, Resources is left
	// out.
	Resources []string `json:"resources,omitempty"`
	Classes   []string `json:"classes,omitempty"`
}

// group is one point's rows: the cells after the point column.
type group struct {
	point int
	rows  [][]string
	line  int // the line of the first row in its file; 0 if not read from one
}

// journal is a parsed journal file.
type journal struct {
	hdr      header
	cols     []string // the CSV header, "point" first
	groups   []group  // in file order, consecutive rows of one point together
	complete bool     // the file ends with journalComplete
}

// encodeHeader returns the journal's first two lines.
func encodeHeader(h header, cols []string) []byte {
	js, _ := json.Marshal(h)
	var b bytes.Buffer
	b.WriteString(journalMagic)
	b.Write(js)
	b.WriteByte('\n')
	writeCSVLine(&b, append([]string{"point"}, cols...))
	return b.Bytes()
}

// encodeGroup returns a point's rows as journal lines.
func encodeGroup(g group) []byte {
	var b bytes.Buffer
	p := strconv.Itoa(g.point)
	for _, r := range g.rows {
		writeCSVLine(&b, append([]string{p}, r...))
	}
	return b.Bytes()
}

// writeCSVLine writes one CSV record ending in "\n".
func writeCSVLine(b *bytes.Buffer, fields []string) {
	w := csv.NewWriter(b)
	w.Write(fields)
	w.Flush()
}

// parseJournal parses and checks the bytes of the journal or shard file
// at path. Text after the last newline (a write cut short by a kill) is
// ignored; every line before it must be what Run writes, or the error is
// a *DirError naming the line:
//
//   - the header: a hash, at least one point, a shard within its split,
//     at least one replication, and columns "point", the varied paths, then
//     exactly a run's summary columns for that many replications and the
//     header's resources, then the figures of the header's classes;
//   - each row: valid UTF-8, one cell per column, a point of the sweep and
//     of the file's shard, a known strategy kind, a whole number of tasks
//     true or false for stable, anything for the bottleneck's name,
//     and a finite number for every statistic (stored in the form Run
//     writes, so outputs made from the rows are valid JSON);
//   - each point's rows one after another, once each, with the same
//     varied values and no strategy twice;
//   - nothing after the closing "# complete".
//
// What the rows must be for a particular sweep (its values and strategy
// names) is checked by Sweep.checkGroups.
func parseJournal(path string, data []byte) (*journal, error) {
	bad := func(line int, format string, args ...any) error {
		return &DirError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i+1]
	} else {
		data = nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	if len(lines) < 2 || !strings.HasPrefix(lines[0], journalMagic) {
		return nil, &DirError{Path: path, Msg: fmt.Sprintf("not a sweep journal (it does not start with %q and a header line)", strings.TrimSpace(journalMagic))}
	}
	j := &journal{}
	for n, line := range lines {
		if !utf8.ValidString(line) {
			return nil, bad(n+1, "not valid UTF-8")
		}
	}
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(lines[0], journalMagic)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j.hdr); err != nil {
		return nil, bad(1, "not a journal's header: %v", err)
	}
	h := j.hdr
	switch {
	case h.Hash == "":
		return nil, bad(1, "the header has no hash")
	case h.Points < 1 || h.Points > MaxPoints:
		return nil, bad(1, "the header's %d points are not between 1 and %d", h.Points, MaxPoints)
	case h.Shards < 1 || h.Shard < 0 || h.Shard >= h.Shards:
		return nil, bad(1, "the header's shard %d of %d is not one of 0 to N-1 of N >= 1", h.Shard, h.Shards)
	case h.Replications < 1:
		return nil, bad(1, "the header's %d replications are fewer than 1", h.Replications)
	case h.Rows < 0:
		return nil, bad(1, "the header's %d rows are fewer than 0", h.Rows)
	}
	cols, err := readCSVLine(lines[1])
	summary := summaryColumns(h)
	nv := len(cols) - 1 - len(summary)
	if err != nil || nv < 1 || cols[0] != "point" || !slices.Equal(cols[1+nv:], summary) || slices.Contains(cols[1:1+nv], "") {
		return nil, bad(2, "not the column header of a sweep journal with %d replications", h.Replications)
	}
	j.cols = cols
	first := map[int]int{} // point -> its first line
	for n, line := range lines[2:] {
		lineNo := n + 3
		if strings.TrimSuffix(line, "\n") == journalComplete {
			if lineNo < len(lines) {
				return nil, bad(lineNo+1, "a line after %q", journalComplete)
			}
			j.complete = true
			break
		}
		fields, err := readCSVLine(line)
		switch {
		case err != nil:
			return nil, bad(lineNo, "not a CSV row: %v", err)
		case len(fields) != len(cols):
			return nil, bad(lineNo, "%d cells; the header has %d columns", len(fields), len(cols))
		}
		pt, err := strconv.Atoi(fields[0])
		switch {
		case err != nil || pt < 0 || fields[0] != strconv.Itoa(pt):
			return nil, bad(lineNo, "point %q is not a point index", fields[0])
		case pt >= h.Points:
			return nil, bad(lineNo, "point %d is beyond the sweep's %d points", pt, h.Points)
		case pt%h.Shards != h.Shard:
			return nil, bad(lineNo, "point %d is not one of shard %d of %d", pt, h.Shard, h.Shards)
		}
		row := fields[1:]
		if err := checkCells(row, cols[1:], nv); err != nil {
			return nil, bad(lineNo, "point %d: %v", pt, err)
		}
		if k := len(j.groups) - 1; k >= 0 && j.groups[k].point == pt {
			g := &j.groups[k]
			if !slices.Equal(row[:nv], g.rows[0][:nv]) {
				return nil, bad(lineNo, "point %d: varied values %s differ from those on line %d", pt, strings.Join(row[:nv], ", "), g.line)
			}
			for i, r := range g.rows {
				if r[nv] == row[nv] {
					return nil, bad(lineNo, "point %d: strategy %q a second time (first on line %d)", pt, row[nv], g.line+i)
				}
			}
			g.rows = append(g.rows, row)
			continue
		}
		if at, dup := first[pt]; dup {
			return nil, bad(lineNo, "point %d a second time (first on line %d)", pt, at)
		}
		first[pt] = lineNo
		j.groups = append(j.groups, group{point: pt, rows: [][]string{row}, line: lineNo})
	}
	return j, nil
}

// checkCells checks a row's cells after its point, the first nv of them
// varied values, and rewrites each number in the form Run writes it.
func checkCells(row, cols []string, nv int) error {
	if row[nv] == "" {
		return fmt.Errorf("no strategy name")
	}
	if !slices.Contains(strategies.Kinds, strategies.Kind(row[nv+1])) {
		return fmt.Errorf("strategy %q: kind %q is not one of %v", row[nv], row[nv+1], strategies.Kinds)
	}
	tasks, err := strconv.ParseInt(row[nv+2], 10, 64)
	if err != nil || tasks < 0 {
		return fmt.Errorf("strategy %q: %s %q is not a whole number of tasks", row[nv], cols[nv+2], row[nv+2])
	}
	row[nv+2] = strconv.FormatInt(tasks, 10)
	for i := nv + 3; i < len(row); i++ {
		switch cols[i] {
		case report.ColumnStable:
			if row[i] != "true" && row[i] != "false" {
				return fmt.Errorf("strategy %q: %s %q is neither true nor false", row[nv], cols[i], row[i])
			}
			continue
		case report.ColumnBottleneck:
			continue // a group's name, or empty
		}
		x, err := strconv.ParseFloat(row[i], 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("strategy %q: %s %q is not a finite number", row[nv], cols[i], row[i])
		}
		row[i] = report.Number(x)
	}
	return nil
}

// readCSVLine parses one CSV record.
func readCSVLine(line string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	return r.Read()
}

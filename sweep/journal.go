package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
}

// group is one point's rows: the cells after the point column.
type group struct {
	point int
	rows  [][]string
}

// journal is a parsed journal file.
type journal struct {
	hdr      header
	cols     []string // the CSV header, "point" first
	groups   []group  // in file order, consecutive rows of one point together
	complete bool     // the file ends with journalComplete
	// bad describes the first malformed line, if any; parsing stopped
	// there.
	bad string
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

// parseJournal parses a journal's bytes. A last line without its newline
// (a write cut short) is ignored.
func parseJournal(data []byte) (*journal, error) {
	text := string(data)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[:i+1]
	} else {
		text = ""
	}
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], journalMagic) {
		return nil, fmt.Errorf("not a sweep journal (it does not start with %q and a header line)", strings.TrimSpace(journalMagic))
	}
	j := &journal{}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(lines[0], journalMagic)), &j.hdr); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	cols, err := readCSVLine(lines[1])
	if err != nil || len(cols) < 2 || cols[0] != "point" {
		return nil, fmt.Errorf("line 2: not a journal's column header")
	}
	j.cols = cols
	for n, line := range lines[2:] {
		lineNo := n + 3
		if strings.TrimRight(line, "\n") == journalComplete {
			if rest := len(lines) - lineNo; rest > 0 {
				j.bad = fmt.Sprintf("line %d: %d lines after %q", lineNo, rest, journalComplete)
				break
			}
			j.complete = true
			break
		}
		fields, err := readCSVLine(line)
		if err != nil || len(fields) != len(cols) {
			j.bad = fmt.Sprintf("line %d: malformed row", lineNo)
			break
		}
		pt, err := strconv.Atoi(fields[0])
		if err != nil || pt < 0 || fields[0] != strconv.Itoa(pt) {
			j.bad = fmt.Sprintf("line %d: bad point index %q", lineNo, fields[0])
			break
		}
		if k := len(j.groups) - 1; k >= 0 && j.groups[k].point == pt {
			j.groups[k].rows = append(j.groups[k].rows, fields[1:])
		} else {
			j.groups = append(j.groups, group{point: pt, rows: [][]string{fields[1:]}})
		}
	}
	return j, nil
}

// readCSVLine parses one CSV record.
func readCSVLine(line string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	return r.Read()
}

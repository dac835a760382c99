package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// journalSeeds are valid journals and shards, whole, cut and complete,
// and a few near misses.
func journalSeeds() []string {
	h, cols, full := testJournal()
	h.Rows = 6
	shard := string(encodeHeader(h, cols)) + strings.Join(strings.SplitAfter(full, "\n")[2:], "") +
		string(encodeGroup(group{point: 1, rows: [][]string{journalRow("<b>", "=s1", "threaded"), journalRow("<b>", "s2", "blocking")}})) +
		journalComplete + "\n"
	return []string{full, full[:len(full)-20], full + journalComplete + "\n", shard,
		strings.Replace(full, ",7,0.25,", ",07,2.5e-1,", 1), strings.Replace(shard, "0.25", "NaN", 1)}
}

// FuzzJournal checks the journal reader: any bytes give either an error
// that names the file (and, but for a file that is not a journal at all,
// the line), or rows that Run would have written: they encode back to a
// journal that reads as the same rows, and a table of them is valid JSON.
func FuzzJournal(f *testing.F) {
	for _, s := range journalSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := parseJournal("f.csv", data)
		if err != nil {
			var de *DirError
			if !errors.As(err, &de) || de.Path != "f.csv" || de.Msg == "" || de.Line < 1 && !strings.HasPrefix(de.Msg, "not a sweep journal") {
				t.Fatalf("error %#v is not a DirError naming f.csv and a line", err)
			}
			return
		}
		var b bytes.Buffer
		b.Write(encodeHeader(j.hdr, j.cols[1:]))
		for _, g := range j.groups {
			for _, r := range g.rows {
				for _, c := range r {
					if !utf8.ValidString(c) {
						t.Fatalf("point %d: cell %q is not UTF-8", g.point, c)
					}
				}
			}
			b.Write(encodeGroup(g))
		}
		if j.complete {
			b.WriteString(journalComplete + "\n")
		}
		again, err := parseJournal("f.csv", b.Bytes())
		if err != nil {
			t.Fatalf("the rows read do not read back: %v\n%s", err, b.Bytes())
		}
		if again.hdr.Hash != j.hdr.Hash || !slices.Equal(again.cols, j.cols) || again.complete != j.complete || len(again.groups) != len(j.groups) {
			t.Fatalf("read back as %+v; want %+v", again, j)
		}
		for i, g := range j.groups {
			if h := again.groups[i]; h.point != g.point || !slices.EqualFunc(h.rows, g.rows, slices.Equal) {
				t.Fatalf("group %d read back as %+v; want %+v", i, h, g)
			}
		}
		nv := len(j.cols) - 1 - len(summaryColumns(j.hdr))
		tab := &table{hdr: j.hdr, paths: j.cols[1 : 1+nv], cols: j.cols[1:], groups: j.groups}
		var js bytes.Buffer
		if err := tab.writeJSON(&js); err != nil || !json.Valid(js.Bytes()) {
			t.Fatalf("sweep.json of the rows: %v\n%s", err, js.Bytes())
		}
	})
}

// FuzzShard checks merge on a folder of one shard of any bytes: it is
// refused with a DirError, or it writes a sweep.json that is valid JSON
// and reads back, and a sweep.csv, each with exactly one row per row of
// the shard.
func FuzzShard(f *testing.F) {
	for _, s := range journalSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ShardName(0, 1)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Merge(dir, false)
		if err != nil {
			var de *DirError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a DirError", err)
			}
			if _, err := os.Stat(filepath.Join(dir, JSONName)); !os.IsNotExist(err) {
				t.Fatalf("a refused merge wrote %s", JSONName)
			}
			return
		}
		rows := bytes.Count(data, []byte("\n")) - 3 // header, columns, "# complete"
		js, _ := os.ReadFile(filepath.Join(dir, JSONName))
		tab, err := readTable(os.DirFS(dir))
		if !json.Valid(js) || err != nil {
			t.Fatalf("sweep.json: %v\n%s", err, js)
		}
		n := 0
		for _, g := range tab.groups {
			n += len(g.rows)
		}
		if n != rows {
			t.Fatalf("sweep.json has %d results for the shard's %d rows", n, rows)
		}
		c, _ := os.ReadFile(filepath.Join(dir, CSVName))
		records, err := csv.NewReader(bytes.NewReader(c)).ReadAll()
		if err != nil || len(records) != 1+rows {
			t.Fatalf("sweep.csv: %d records, %v; want %d", len(records), err, 1+rows)
		}
	})
}

// TestShardSeedMerges checks that FuzzShard's seeds include a shard that
// merges, so that the fuzzer starts from the path that writes files.
func TestShardSeedMerges(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ShardName(0, 1)), []byte(journalSeeds()[3]), 0o644)
	if _, err := Merge(dir, false); err != nil {
		t.Fatal(err)
	}
}

package plots

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// runFiles are the files ReadRun reads, in the order of FuzzReadRun's
// arguments.
var runFiles = []string{FiguresJSON, SummaryJSON, LatencyCSV, UtilizationCSV, TimelineCSV, LatencyByClassCSV}

// positioned matches an error that names a data file, a line and a column.
var positioned = regexp.MustCompile(`^(figures\.json|summary\.json|latency\.csv|utilization\.csv|timeline\.csv|latency_by_class\.csv):\d+:\d+: `)

// FuzzReadRun checks that ReadRun, given any data files, either refuses
// them with an error naming the file, line and column, or returns figure
// data whose every figure renders, quickly (issue 12, point 15: a colour
// of -1 and a long row name panicked while drawing).
//
// An empty latency_by_class.csv stands for none: a run of one class has
// none (and the corpus of 5 files before it, one more empty argument).
func FuzzReadRun(f *testing.F) {
	seed := files(f, sample())
	add := func(edit func(name, data string) string) {
		d := make([][]byte, len(runFiles))
		for i, name := range runFiles {
			if file, ok := seed[name]; ok {
				d[i] = []byte(edit(name, string(file.Data)))
			}
		}
		f.Add(d[0], d[1], d[2], d[3], d[4], d[5])
	}
	add(func(_, data string) string { return data })
	add(func(name, data string) string {
		if name == FiguresJSON {
			return strings.Replace(data, `"color": 3`, `"color": -1`, 1)
		}
		return data
	})
	add(func(name, data string) string {
		if name == TimelineCSV {
			return strings.Replace(data, "loop-0", strings.Repeat("x", 300), -1)
		}
		return data
	})
	add(func(name, data string) string {
		if name == UtilizationCSV {
			return strings.Replace(data, "0.5,", "NaN,", 1)
		}
		return data
	})
	seed = files(f, classes(2))
	add(func(_, data string) string { return data })
	f.Fuzz(func(t *testing.T, figuresJSON, summaryJSON, latencyCSV, utilizationCSV, timelineCSV, latencyByClassCSV []byte) {
		fsys := fstest.MapFS{}
		size := 0
		for i, data := range [][]byte{figuresJSON, summaryJSON, latencyCSV, utilizationCSV, timelineCSV, latencyByClassCSV} {
			if len(data) > 0 || runFiles[i] != LatencyByClassCSV {
				fsys[runFiles[i]] = &fstest.MapFile{Data: data}
			}
			size += len(data)
		}
		if size > 1<<16 {
			return
		}
		r, err := ReadRun(fsys)
		if err != nil {
			if !positioned.MatchString(err.Error()) {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		for _, fig := range RunFigures(r) {
			start := time.Now()
			if _, err := fig.Render(PNG, MinWidth, MinHeight); err != nil {
				t.Fatalf("ReadRun accepted data that %s cannot draw: %v", fig.Name, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%s took %v", fig.Name, d)
			}
		}
	})
}

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"asyncsim/plots"
)

// namedStrategies is a small workload whose strategies have the given
// names, all event loops.
func namedStrategies(names ...string) string {
	var b strings.Builder
	b.WriteString("name: names\nmachine: {cores: 1}\ntasks:\n  - {name: t, count: 3, steps: [{cpu: 1ms}]}\nstrategies:\n")
	for _, n := range names {
		b.WriteString("  - {name: '" + n + "', kind: event_loop}\n")
	}
	return b.String()
}

// TestTimelineFileNames checks that every strategy gets its own timeline
// file, within the file system's limit on names: five names that gave
// three files when clashing names were numbered (issue 12, point 5), and
// a name of 33 multi-byte characters: 99 bytes, within the names' limit of
// 100, but 297 once escaped for a file name, more than names are cut to.
func TestTimelineFileNames(t *testing.T) {
	long := strings.Repeat("中", 33)
	names := []string{"x,y", "x_y", "x_y-2", "x;y", "x_y-3", long}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := asyncsim(t, "run", writeWorkload(t, namedStrategies(names...)), "--out", dir); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var timelines []string
	for _, name := range figureNames(t, dir, "png") {
		if strings.HasPrefix(name, "timeline-") {
			timelines = append(timelines, name)
		}
		if len(name) > 255 {
			t.Errorf("%s: %d bytes", name, len(name))
		}
	}
	want := plots.TimelineNames(names)
	for i := range want {
		want[i] += ".png"
	}
	slices.Sort(want)
	if !slices.Equal(timelines, want) {
		t.Errorf("timeline files %q; want %q", timelines, want)
	}
}

// TestStaleFigures checks that a run into a folder used before removes
// the figures of the earlier run (in every format), which no longer match
// the data beside them, and leaves every other file alone (issue 12,
// point 16).
func TestStaleFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := asyncsim(t, "run", writeWorkload(t, namedStrategies("a", "b")), "--out", dir); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := asyncsim(t, "plot", dir, "--figure-format", "svg"); code != 0 {
		t.Fatalf("plot: exit %d, stderr %s", code, stderr)
	}
	mine := []string{"notes.txt", "timeline-b.txt", "my-timeline-b.png", "timeline-b.png.bak"}
	for _, name := range mine {
		os.WriteFile(filepath.Join(dir, name), []byte("mine"), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "timeline-dir.png"), 0o755)
	if code, _, stderr := asyncsim(t, "run", writeWorkload(t, namedStrategies("a", "c")), "--out", dir); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if got, want := figureNames(t, dir, "png"), []string{"latency.png", "makespan.png", "my-timeline-b.png", "timeline-a.png", "timeline-c.png", "timeline-dir.png", "utilization.png"}; !slices.Equal(got, want) {
		t.Errorf("PNG files %v; want %v", got, want)
	}
	if got := figureNames(t, dir, "svg"); len(got) != 0 {
		t.Errorf("the earlier run's SVG figures %v are still there", got)
	}
	for _, name := range append(mine, "timeline-dir.png") {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("a file asyncsim did not write is gone: %v", err)
		}
	}
}

// TestStaleSweepFigures checks that a sweep removes the sweep figures an
// earlier sweep left in its folder (issue 12, point 16) and draws its
// own in the format of --figure-format (point 18).
func TestStaleSweepFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(dir, 0o755)
	for _, name := range []string{"sweep-latency_p99_s.png", "sweep-makespan_s.pdf", "sweep-notes.txt"} {
		os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o644)
	}
	code, stdout, stderr := asyncsim(t, "sweep", writeSweep(t, smallSweep), "--out", dir, "--figure-format", "svg")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stdout, "sweep-makespan_s.svg") {
		t.Errorf("stdout does not name sweep-makespan_s.svg:\n%s", stdout)
	}
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "sweep-") {
			got = append(got, e.Name())
		}
	}
	if want := []string{"sweep-makespan_s.svg", "sweep-notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("sweep files %v; want %v", got, want)
	}
	if code, _, stderr := asyncsim(t, "sweep", writeSweep(t, smallSweep), "--out", dir, "--figure-format", "svgg"); code != 2 || !strings.Contains(stderr, `did you mean "svg"?`) {
		t.Errorf("--figure-format svgg: exit %d, stderr %q", code, stderr)
	}
}

// TestFigureSizeBounds checks that figure sizes whose images would take
// gigabytes are refused as usage errors before anything runs (issue 12,
// point 12: 20000x20000 took 10 GB), and so are sizes too small for a
// legible figure, with the smallest that is (issue 15: 600x400 drew
// overlapping titles under a minimum of 100).
func TestFigureSizeBounds(t *testing.T) {
	for _, tt := range []struct{ size, want string }{
		{"20000x20000", "is too large (at most 8000 pixels a side)"},
		{"8001x400", "is too large (at most 8000 pixels a side)"},
		{"6000x6000", "is 36000000 pixels, more than 25000000"},
		{"99x800", "is too small for a legible figure (the smallest is 600x400)"},
		{"599x400", "is too small for a legible figure (the smallest is 600x400)"},
		{"800x399", "is too small for a legible figure (the smallest is 600x400)"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, stdout, stderr := asyncsim(t, "run", "--figure-size", tt.size, "--out", out)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "--figure-size "+tt.size+": figure size "+tt.size+" "+tt.want) {
			t.Errorf("--figure-size %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.size, code, stdout, stderr, tt.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--figure-size %s: wrote %s", tt.size, out)
		}
	}
	for _, size := range [][2]int{{8000, 3125}, {5000, 5000}, {600, 400}, {8000, 400}, {600, 8000}} {
		if err := plots.CheckSize(size[0], size[1]); err != nil {
			t.Errorf("CheckSize(%d, %d): %v", size[0], size[1], err)
		}
	}
}

// TestLongNames checks that names as long as a workload allows (100
// characters) are drawn, elided, at any figure size. Before, their labels
// left the plots a negative width: a makeslice panic, or NaN coordinates
// on which the PNG rasterizer looped forever.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("W", 100)
	src := "name: " + strings.Repeat("w", 100) + "\nmachine: {cores: 1}\ntasks:\n  - {name: " + long + ", count: 3, steps: [{cpu: 1ms}]}\n" +
		"strategies:\n  - {name: " + long + ", kind: threaded, threads: 2}\n  - {name: " + long[1:] + "2, kind: event_loop}\n"
	file := writeWorkload(t, src)
	for _, size := range []string{"1200x800", "600x400", "8000x400", "600x8000"} {
		dir := filepath.Join(t.TempDir(), "out")
		if code, _, stderr := asyncsim(t, "run", file, "--out", dir, "--figure-size", size); code != 0 {
			t.Errorf("--figure-size %s: exit %d, stderr %s", size, code, stderr)
		}
	}
}

// TestPlotBadData checks that 'asyncsim plot' on damaged data files
// answers with a positioned message and exit 2, and writes nothing (issue
// 12, point 15: a colour of -1 was an index out of range with 4 of 7
// figures written, a long row name a makeslice panic).
func TestPlotBadData(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good")
	if code, _, stderr := asyncsim(t, "run", writeWorkload(t, namedStrategies("a", "b")), "--out", good); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(good, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		file, old, new string
		want           string
	}{
		{plots.FiguresJSON, `"color": 1`, `"color": -1`, `figures.json:26:16: strategy "b": color -1 is negative or too large`},
		{plots.FiguresJSON, `"cores": 1,`, `"cores": 1,,`, `figures.json:4:14: invalid character ',' looking for beginning of object key string`},
		{plots.FiguresJSON, "\n}\n", "\n}\n{}", `figures.json:41:1: more data after the JSON value`},
		{plots.TimelineCSV, "b,context,loop-0,", "b,context," + strings.Repeat("x", 1<<20) + ",", `timeline.csv:8:11: row name is 1048576 characters long, more than 200`},
		{plots.LatencyCSV, "a,0.001,1,", "a,0.001,1,\"", `latency.csv:7:13: extraneous or missing " in quoted-field (in the record from line 2)`},
		{plots.UtilizationCSV, "a,0,", "a,NaN,", `utilization.csv:2:3: not a time in seconds: "NaN"`},
		{plots.SummaryJSON, `"makespan_s": 0.003`, `"makespan_s": "x"`, `summary.json:6:71: strategy "a": makespan_s is not a number`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for _, name := range []string{plots.FiguresJSON, plots.SummaryJSON, plots.LatencyCSV, plots.UtilizationCSV, plots.TimelineCSV} {
			data := read(name)
			if name == tt.file {
				if !strings.Contains(data, tt.old) {
					t.Fatalf("%s lacks %q:\n%s", name, tt.old, data)
				}
				data = strings.Replace(data, tt.old, tt.new, 1)
			}
			os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
		}
		code, stdout, stderr := asyncsim(t, "plot", dir)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) || len(stderr) > 1000 {
			t.Errorf("%s with %.40q: exit %d, stdout %q, stderr %.300q; want exit 2 and %q", tt.file, tt.new, code, stdout, stderr, tt.want)
		}
		if figs := figureNames(t, dir, "png"); len(figs) != 0 {
			t.Errorf("%s with %.40q: wrote %v", tt.file, tt.new, figs)
		}
	}
}

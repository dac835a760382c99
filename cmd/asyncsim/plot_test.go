package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"asyncsim/experiment"
	"asyncsim/figures"
	"asyncsim/plots"
	"asyncsim/timeline"
	"asyncsim/workloads"
)

// figureNames returns the figure files of dir, sorted.
func figureNames(t *testing.T, dir, ext string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "."+ext) {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestRunFigures runs every embedded example with --out and checks its
// figures (every one of them, decoding at the default size), the data
// behind them (golden files under testdata/figures, go test -update
// rewrites them), trace.json, and that 'asyncsim plot' redraws the same
// figures from the data files alone.
func TestRunFigures(t *testing.T) {
	for _, ex := range workloads.Examples() {
		spec, err := workloads.Load(ex.Name)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "out")
		code, _, errOut := asyncsim(t, "run", ex.Name, "--out", dir)
		if code != 0 {
			t.Fatalf("run %s --out: exit %d, stderr %s", ex.Name, code, errOut)
		}
		want := []string{"latency.png", "makespan.png"}
		if len(spec.Classes) > 1 {
			want = append(want, "latency_by_class.png")
		}
		for _, s := range spec.Strategies {
			want = append(want, "timeline-"+s.Name+".png")
		}
		want = append(want, "utilization.png")
		slices.Sort(want)
		got := figureNames(t, dir, "png")
		if !slices.Equal(got, want) {
			t.Errorf("%s: figures %v; want %v", ex.Name, got, want)
		}
		originals := map[string][]byte{}
		for _, name := range got {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			originals[name] = data
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %s: %v", ex.Name, name, err)
				continue
			}
			if b := img.Bounds(); b.Dx() != plots.WidthPx || b.Dy() != plots.HeightPx {
				t.Errorf("%s: %s is %dx%d; want %dx%d", ex.Name, name, b.Dx(), b.Dy(), plots.WidthPx, plots.HeightPx)
			}
		}

		var data strings.Builder
		for _, name := range []string{plots.FiguresJSON, plots.LatencyCSV, plots.UtilizationCSV, plots.TimelineCSV} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			data.WriteString("==> " + name + " <==\n")
			data.Write(b)
		}
		golden(t, filepath.Join("figures", ex.Name+".txt"), data.String())

		trace, err := os.ReadFile(filepath.Join(dir, "trace.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			TraceEvents []map[string]any `json:"traceEvents"`
		}
		if err := json.Unmarshal(trace, &doc); err != nil || len(doc.TraceEvents) == 0 {
			t.Errorf("%s: trace.json: %v, %d events", ex.Name, err, len(doc.TraceEvents))
		}

		// Redraw from the data files alone: the same figures, byte for byte.
		for name := range originals {
			os.Remove(filepath.Join(dir, name))
		}
		os.Remove(filepath.Join(dir, "tasks.csv"))
		if code, _, errOut := asyncsim(t, "plot", dir); code != 0 {
			t.Fatalf("plot %s: exit %d, stderr %s", ex.Name, code, errOut)
		}
		if again := figureNames(t, dir, "png"); !slices.Equal(again, got) {
			t.Errorf("%s: plot drew %v; want %v", ex.Name, again, got)
		}
		for name, orig := range originals {
			if b, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(b, orig) {
				t.Errorf("%s: plot redrew %s differently", ex.Name, name)
			}
		}
	}
}

func TestFigureFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, errOut := asyncsim(t, "run", "tornado", "--out", dir, "--figure-format", "svg",
		"--figure-size", "640x480", "--timeline-window", "0.5s:2s")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if svgs := figureNames(t, dir, "svg"); len(svgs) != 7 {
		t.Errorf("--figure-format svg wrote %v; want 7 figures", svgs)
	}
	if pngs := figureNames(t, dir, "png"); len(pngs) != 0 {
		t.Errorf("--figure-format svg also wrote %v", pngs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, plots.FiguresJSON))
	if !strings.Contains(string(b), `"from_s": 0.5,`) || !strings.Contains(string(b), `"to_s": 2,`) {
		t.Errorf("figures.json lacks the window 0.5 s to 2 s:\n%s", b)
	}
	if code, stdout, errOut := asyncsim(t, "plot", dir, "--figure-size", "640x480"); code != 0 || stdout != "wrote 7 png figures to "+dir+"\n" {
		t.Fatalf("plot: exit %d, stdout %q, stderr %s", code, stdout, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "makespan.png"))
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 480 {
		t.Errorf("plot --figure-size 640x480: %v, %v", err, img.Bounds())
	}
	if code, _, errOut := asyncsim(t, "plot", dir, "--figure-format", "pdf"); code != 0 {
		t.Fatalf("plot --figure-format pdf: exit %d, stderr %s", code, errOut)
	}
	if pdfs := figureNames(t, dir, "pdf"); len(pdfs) != 7 {
		t.Errorf("plot --figure-format pdf wrote %v; want 7 figures", pdfs)
	}

	empty := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--timeline-window", "2s"}, "want FROM:TO"},
		{[]string{"run", "--timeline-window", "2s:1s"}, "must come after its start"},
		{[]string{"run", "--timeline-window", "x:1s"}, "want a non-negative duration"},
		{[]string{"run", "--figure-format", "svgg"}, `unknown --figure-format "svgg"; did you mean "svg"?`},
		{[]string{"run", "--figure-size", "12x8"}, "--figure-size wants WxH"},
		{[]string{"plot"}, "name one directory"},
		{[]string{"plot", filepath.Join(empty, "missing")}, "is not a directory"},
		{[]string{"plot", empty}, "holds no figure data"},
		{[]string{"plot", dir, "--figure-format", "gif"}, `unknown --figure-format "gif"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := asyncsim(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 and %q", tt.args, code, stderr, stdout, tt.want)
		}
	}
	// A damaged data file is bad input too, named in the message.
	os.WriteFile(filepath.Join(dir, plots.LatencyCSV), []byte("strategy,latency_s\n"), 0o644)
	if code, _, stderr := asyncsim(t, "plot", dir); code != 2 || !strings.Contains(stderr, plots.LatencyCSV) {
		t.Errorf("plot with a damaged latency.csv: exit %d, stderr %q", code, stderr)
	}
}

// millionTasks is a million Poisson requests under four strategies.
const millionTasks = `
name: million
seed: 3
machine: {cores: 4}
tasks:
  - name: api
    count: 1000000
    arrival: {interarrival: {exp: 1ms}}
    steps:
      - cpu: 200us
      - io: {lognormal: {median: 8ms, sigma: 0.8}}
      - cpu: {exp: 300us}
strategies:
  - {name: prefork, kind: blocking, workers: 8}
  - {name: threads-gil, kind: threaded, threads: 32, gil: true}
  - {name: one-loop, kind: event_loop}
  - {name: four-loops, kind: event_loop, loops: 4}
`

// BenchmarkMillionTaskFigures measures what --out adds to a run of a
// million tasks per strategy: recording (simulate+record against
// simulate), and gathering the figure data, writing the data files and
// trace.json, and rendering every figure as PNG (figures). It reports the
// bytes of the data files and trace.json.
func BenchmarkMillionTaskFigures(b *testing.B) {
	spec, err := workloads.Parse("million.yaml", []byte(millionTasks))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("simulate", func(b *testing.B) {
		for b.Loop() {
			if _, err := experiment.Run(spec, experiment.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	var res *experiment.Result
	var rec *figures.Recording
	b.Run("simulate+record", func(b *testing.B) {
		for b.Loop() {
			opts := experiment.Options{}
			rec = recordFigures(spec, len(spec.Strategies), windowFlag{}, &opts)
			if res, err = experiment.Run(spec, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("figures", func(b *testing.B) {
		var size int64
		for b.Loop() {
			r := rec.Run(res)
			var w countingWriter
			for _, f := range plots.DataFiles() {
				if err := f.Write(&w, r); err != nil {
					b.Fatal(err)
				}
			}
			procs := make([]timeline.TraceProcess, len(r.Strategies))
			for i, s := range r.Strategies {
				procs[i] = timeline.TraceProcess{Name: s.Name, Timeline: s.Timeline}
			}
			if err := timeline.WriteTrace(&w, r.Workload, procs); err != nil {
				b.Fatal(err)
			}
			size = w.n
			figs := plots.RunFigures(r)
			experiment.ForEach(len(figs), 0, func(i int) {
				if _, err := figs[i].Render(plots.PNG, plots.WidthPx, plots.HeightPx); err != nil {
					b.Error(err)
				}
			})
		}
		b.ReportMetric(float64(size), "data-bytes")
	})
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// TestRunOutIsDeterministic checks that every file --out writes is the
// same, byte for byte, whatever the number of parallel jobs.
func TestRunOutIsDeterministic(t *testing.T) {
	var dirs []string
	for _, jobs := range []string{"1", "4"} {
		dir := filepath.Join(t.TempDir(), "out")
		if code, _, errOut := asyncsim(t, "run", "http-client", "--out", dir, "--jobs", jobs); code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
		dirs = append(dirs, dir)
	}
	entries, err := os.ReadDir(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	// summary.csv, summary.json, summary_by_class.csv, tasks.csv,
	// trace.json, the figures' data and the figures.
	if len(entries) != 14 {
		t.Errorf("--out wrote %d files; want 14", len(entries))
	}
	for _, e := range entries {
		a, _ := os.ReadFile(filepath.Join(dirs[0], e.Name()))
		b, err := os.ReadFile(filepath.Join(dirs[1], e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --jobs 1 and --jobs 4", e.Name())
		}
	}
}

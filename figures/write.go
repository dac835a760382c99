package figures

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/timeline"
)

// TraceJSON is the name of a run's trace file, in its output folder.
const TraceJSON = "trace.json"

// Style is how figures are rendered: their format and size.
type Style struct {
	// Format is the file format.
	Format plots.Format
	// Width and Height are the size in pixels (for SVG and PDF, the same
	// size at plots.DPI), within the bounds of plots.CheckSize.
	Width, Height int
}

// DefaultStyle is PNG at plots.WidthPx×plots.HeightPx.
var DefaultStyle = Style{Format: plots.PNG, Width: plots.WidthPx, Height: plots.HeightPx}

// Set is a family of figures that asyncsim writes into an output folder,
// known by their names.
type Set struct {
	// Name names the set in messages ("run", "sweep").
	Name string
	// Member reports whether a figure name (a file name without its
	// extension) belongs to the set.
	Member func(name string) bool
}

// The sets of figures.
var (
	// RunSet is a run's figures (plots.IsRunFigure): makespan or
	// latency_percentiles, latency, latency_by_class, the pages of
	// utilization and timeline-STRATEGY.
	RunSet = Set{Name: "run", Member: plots.IsRunFigure}
	// SweepSet is a sweep's figures, sweep-METRIC.
	SweepSet = Set{Name: "sweep", Member: func(name string) bool { return strings.HasPrefix(name, plots.SweepPrefix) }}
)

// Options tune Write.
type Options struct {
	// Style is how the figures are rendered.
	Style Style
	// Jobs is how many figures are rendered at once (0: one per CPU), at
	// most as many as keep maxPixelsAtOnce pixels in memory.
	Jobs int
	// Set is the set the figures belong to. Once they are written, Write
	// removes the figure files of the set in the folder that it did not
	// write: in the format of Style, or in every format with AllFormats
	// (for a folder whose figure data was replaced).
	Set        Set
	AllFormats bool
}

// maxPixelsAtOnce bounds the pixels of the figures rendered at once.
const maxPixelsAtOnce = 4 * plots.MaxPixels

// Write renders figs and writes them into dir, each whole or not at all,
// then removes the stale figures of opts.Set (see Options), and returns
// the files written in the order of figs. It renders every figure before
// writing any, so a figure that fails to render leaves dir as it was.
func Write(dir string, figs []plots.Figure, opts Options) ([]string, error) {
	st := opts.Style
	if err := plots.CheckSize(st.Width, st.Height); err != nil {
		return nil, err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	jobs = min(jobs, max(1, maxPixelsAtOnce/(st.Width*st.Height)))
	data := make([][]byte, len(figs))
	errs := make([]error, len(figs))
	experiment.ForEach(len(figs), jobs, func(i int) {
		data[i], errs[i] = figs[i].Render(st.Format, st.Width, st.Height)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	files := make([]string, len(figs))
	written := make(map[string]bool, len(figs))
	for i, f := range figs {
		name := f.FileName(st.Format)
		if written[name] {
			return nil, fmt.Errorf("figures: two %s figures named %s", opts.Set.Name, name)
		}
		written[name] = true
		files[i] = filepath.Join(dir, name)
	}
	for i := range figs {
		err := atomicfile.Write(files[i], func(w io.Writer) error {
			_, err := w.Write(data[i])
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if opts.Set.Member != nil {
		if err := removeStale(dir, opts, written); err != nil {
			return files, err
		}
	}
	return files, nil
}

// removeStale removes the regular files in dir named as figures of
// opts.Set that are not in written.
func removeStale(dir string, opts Options, written map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if written[name] || !e.Type().IsRegular() || !isFigure(name, opts) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// isFigure reports whether a file name is that of a figure of opts.Set,
// in opts.Style's format or (AllFormats) in any.
func isFigure(file string, opts Options) bool {
	for _, f := range plots.Formats() {
		if f != opts.Style.Format && !opts.AllFormats {
			continue
		}
		if name, ok := strings.CutSuffix(file, "."+string(f)); ok && opts.Set.Member(name) {
			return true
		}
	}
	return false
}

// WriteRun writes the data behind a run's figures (plots.DataFiles),
// trace.json and the figures into dir, each file whole or not at all,
// removes the run figures of an earlier run in every format and its data
// files that this run does not have, and returns the files written.
func WriteRun(dir string, r *plots.Run, style Style, jobs int) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, f := range plots.DataFiles() {
		path := filepath.Join(dir, f.Name)
		if f.For != nil && !f.For(r) {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
			continue
		}
		if err := atomicfile.Write(path, func(w io.Writer) error { return f.Write(w, r) }); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	procs := make([]timeline.TraceProcess, len(r.Strategies))
	for i, s := range r.Strategies {
		procs[i] = timeline.TraceProcess{Name: s.Name, Timeline: s.Timeline}
	}
	path := filepath.Join(dir, TraceJSON)
	err := atomicfile.Write(path, func(w io.Writer) error { return timeline.WriteTrace(w, r.Workload, procs) })
	if err != nil {
		return nil, err
	}
	files = append(files, path)
	figs, err := Write(dir, plots.RunFigures(r), Options{Style: style, Jobs: jobs, Set: RunSet, AllFormats: true})
	return append(files, figs...), err
}

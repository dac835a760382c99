package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/sweep"
)

const plotUsage = `
Usage: asyncsim plot DIR [flags]

Redraws every figure from the data files in DIR, without simulating
again, so that figures can be restyled or converted after a long run.
DIR is a directory that 'asyncsim run --out DIR' wrote (figures.json,
summary.json, latency.csv, utilization.csv, timeline.csv), or that
'asyncsim sweep --out DIR' or 'asyncsim merge DIR' wrote (sweep.json):
the figures are written into it again, in the chosen format.
`

// figureSet is a kind of figure data that 'asyncsim plot DIR' redraws,
// recognised by a file that DIR must hold.
type figureSet struct {
	// marker is the file whose presence in DIR selects the set.
	marker string
	// figures reads the set's data from DIR and returns its figures.
	figures func(dir fs.FS) ([]plots.Figure, error)
}

// figureSets are the kinds of data 'asyncsim plot' knows, in the order
// their figures are drawn. A directory may hold several.
func figureSets() []figureSet {
	return []figureSet{
		{plots.FiguresJSON, runFigures}, // written by asyncsim run --out
		{sweep.JSONName, sweep.Figures}, // written by asyncsim sweep and merge
	}
}

// runFigures redraws the figures of asyncsim run --out.
func runFigures(dir fs.FS) ([]plots.Figure, error) {
	r, err := plots.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	return plots.RunFigures(r), nil
}

func plotCommand(args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("plot", plotUsage, stdout)
	jobs := addJobsFlag(flags, "draw `N` figures at once (default: one per CPU)")
	fig := addFigureFlags(flags)
	pos, err := flags.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("plot: name one directory, got %d arguments", len(pos))
	}
	if err := fig.check("plot"); err != nil {
		return err
	}
	dir := pos[0]
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("plot: %s is not a directory", dir)
	}
	fsys := os.DirFS(dir)
	var figs []plots.Figure
	var markers []string
	for _, set := range figureSets() {
		markers = append(markers, set.marker)
		if _, err := fs.Stat(fsys, set.marker); err != nil {
			continue
		}
		more, err := set.figures(fsys)
		if err != nil {
			return usagef("plot: %s: %v", dir, err)
		}
		figs = append(figs, more...)
	}
	if len(figs) == 0 {
		return usagef("plot: %s holds no figure data (none of %s; see 'asyncsim run --out')", dir, strings.Join(markers, ", "))
	}
	if err := writeFigures(dir, figs, fig, *jobs); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// figureFlags are the flags that choose how figures are rendered.
type figureFlags struct {
	format string
	size   string
	fmt    plots.Format
	w, h   int
}

// addFigureFlags adds --figure-format and --figure-size to fs.
func addFigureFlags(fs *flagSet) *figureFlags {
	f := &figureFlags{}
	fs.StringVar(&f.format, "figure-format", string(plots.PNG), "write figures as `FORMAT`: png, svg or pdf")
	fs.StringVar(&f.size, "figure-size", strconv.Itoa(plots.WidthPx)+"x"+strconv.Itoa(plots.HeightPx),
		"figure size `WxH` in pixels (SVG and PDF: the same size at "+strconv.Itoa(plots.DPI)+" dpi)")
	return f
}

// check validates the flags' values.
func (f *figureFlags) check(cmd string) error {
	format, err := plots.ParseFormat(f.format)
	if err != nil {
		var names []string
		for _, x := range plots.Formats() {
			names = append(names, string(x))
		}
		return usagef("%s: unknown --figure-format %q%s (want png, svg or pdf)", cmd, f.format, suggestion(f.format, names))
	}
	f.fmt = format
	ws, hs, ok := strings.Cut(f.size, "x")
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if !ok || errW != nil || errH != nil || w < 100 || h < 100 || w > 20000 || h > 20000 {
		return usagef("%s: --figure-size wants WxH in pixels, each from 100 to 20000, like 1200x800; got %q", cmd, f.size)
	}
	f.w, f.h = w, h
	return nil
}

// writeFigures renders the figures, jobs at a time, and writes each into
// dir, whole or not at all.
func writeFigures(dir string, figs []plots.Figure, f *figureFlags, jobs int) error {
	errs := make([]error, len(figs))
	experiment.ForEach(len(figs), jobs, func(i int) {
		data, err := figs[i].Render(f.fmt, f.w, f.h)
		if err == nil {
			err = atomicfile.Write(filepath.Join(dir, figs[i].FileName(f.fmt)), func(w io.Writer) error {
				_, err := w.Write(data)
				return err
			})
		}
		errs[i] = err
	})
	return errors.Join(errs...)
}

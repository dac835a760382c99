package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"asyncsim/figures"
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
the figures are written into it again, in the chosen format, replacing
those of that format which the data no longer yields. Every data file is
checked first: a damaged one is reported with its line and column, and
nothing is written.
`

// figureSet is a kind of figure data that 'asyncsim plot DIR' redraws,
// recognised by a file that DIR must hold.
type figureSet struct {
	// marker is the file whose presence in DIR selects the set.
	marker string
	// set is the family of the figures drawn, whose stale files are
	// removed.
	set figures.Set
	// figures reads the set's data from DIR and returns its figures.
	figures func(dir fs.FS) ([]plots.Figure, error)
}

// figureSets are the kinds of data 'asyncsim plot' knows, in the order
// their figures are drawn. A directory may hold several.
func figureSets() []figureSet {
	return []figureSet{
		{plots.FiguresJSON, figures.RunSet, runFigures},   // written by asyncsim run --out
		{sweep.JSONName, figures.SweepSet, sweep.Figures}, // written by asyncsim sweep and merge
	}
}

// runFigures redraws the figures of asyncsim run --out.
func runFigures(dir fs.FS) ([]plots.Figure, error) {
	r, err := plots.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	if err := r.CheckWindow(); err != nil {
		return nil, fmt.Errorf("%s: %w", plots.FiguresJSON, err)
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
	type drawing struct {
		set  figures.Set
		figs []plots.Figure
	}
	var todo []drawing
	var markers []string
	// Read and check every data file before drawing anything.
	for _, set := range figureSets() {
		markers = append(markers, set.marker)
		if _, err := fs.Stat(fsys, set.marker); err != nil {
			continue
		}
		figs, err := set.figures(fsys)
		if err != nil {
			return usagef("plot: %s: %v", dir, err)
		}
		todo = append(todo, drawing{set.set, figs})
	}
	if len(todo) == 0 {
		return usagef("plot: %s holds no figure data (none of %s; see 'asyncsim run --out')", dir, strings.Join(markers, ", "))
	}
	n := 0
	for _, d := range todo {
		files, err := figures.Write(dir, d.figs, figures.Options{Style: fig.style, Jobs: *jobs, Set: d.set})
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		n += len(files)
	}
	fmt.Fprintf(stdout, "wrote %d %s figures to %s\n", n, fig.style.Format, dir)
	return nil
}

// figureFlags are the flags that choose how figures are rendered.
type figureFlags struct {
	format string
	size   string
	// style is what they choose, once checked.
	style figures.Style
}

// addFigureFlags adds --figure-format and --figure-size to fs.
func addFigureFlags(fs *flagSet) *figureFlags {
	f := &figureFlags{}
	fs.StringVar(&f.format, "figure-format", string(plots.PNG), "write figures as `FORMAT`: png, svg or pdf")
	fs.StringVar(&f.size, "figure-size", strconv.Itoa(plots.WidthPx)+"x"+strconv.Itoa(plots.HeightPx),
		"figure size `WxH` in pixels, at least "+strconv.Itoa(plots.MinWidth)+"x"+strconv.Itoa(plots.MinHeight)+", each side at most "+
			strconv.Itoa(plots.MaxSide)+", "+strconv.Itoa(plots.MaxPixels)+" pixels in all (SVG and PDF: the same size at "+
			strconv.Itoa(plots.DPI)+" dpi); fonts scale with the size")
	return f
}

// figureFormat checks the value of cmd's --figure-format.
func figureFormat(cmd, value string) (plots.Format, error) {
	format, err := plots.ParseFormat(value)
	if err != nil {
		var names []string
		for _, x := range plots.Formats() {
			names = append(names, string(x))
		}
		return "", usagef("%s: unknown --figure-format %q%s (want png, svg or pdf)", cmd, value, suggestion(value, names))
	}
	return format, nil
}

// check validates the flags' values.
func (f *figureFlags) check(cmd string) error {
	format, err := figureFormat(cmd, f.format)
	if err != nil {
		return err
	}
	ws, hs, ok := strings.Cut(f.size, "x")
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if !ok || errW != nil || errH != nil {
		return usagef("%s: --figure-size wants WxH in pixels, like 1200x800; got %q", cmd, f.size)
	}
	if err := plots.CheckSize(w, h); err != nil {
		return usagef("%s: --figure-size %s: %s", cmd, f.size, strings.TrimPrefix(err.Error(), "plots: "))
	}
	f.style = figures.Style{Format: format, Width: w, Height: h}
	return nil
}

package figures

import (
	"bytes"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"asyncsim/experiment"
	"asyncsim/plots"
	"asyncsim/workloads"
)

// needTool returns the path of the program name, which the test needs.
// Without it the test fails under CI (CI=true), whose .ci/run installs
// it, and is skipped elsewhere.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: .ci/run installs Debian's %s", name, pkg)
	}
	t.Skipf("%s is missing (Debian's %s; CI installs it)", name, pkg)
	return ""
}

// runExample runs the embedded example name and returns its workload
// and the data of its figures.
func runExample(t *testing.T, name string) (*workloads.Spec, *plots.Run) {
	t.Helper()
	spec, err := workloads.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	opts := experiment.Options{}
	rec := Record(spec, len(spec.Strategies), Window{Auto: true})
	rec.Attach(&opts)
	res, err := experiment.Run(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	return spec, rec.Run(res)
}

// TestVectorFiguresRender writes a run's figures as SVG and as PDF and
// renders each with the tools a reader would use (librsvg's rsvg-convert,
// poppler's pdftoppm): each must render to an image of the figure's size
// in pixels that looks like the PNG figure, with about as much ink in
// the title's place and as many coloured pixels. An SVG figure
// references its font by family instead of embedding it, so it is tens
// of kilobytes: with Liberation Sans embedded it was 1.1 MB (issue 15).
func TestVectorFiguresRender(t *testing.T) {
	rsvg := needTool(t, "rsvg-convert", "librsvg2-bin")
	pdftoppm := needTool(t, "pdftoppm", "poppler-utils")
	_, r := runExample(t, "tornado")
	figs := plots.RunFigures(r)
	dir := t.TempDir()
	for _, format := range []plots.Format{plots.SVG, plots.PDF} {
		files, err := Write(dir, figs, Options{Style: Style{Format: format, Width: 1200, Height: 800}, Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			info, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if format == plots.SVG && info.Size() > 200_000 {
				t.Errorf("%s: %d bytes; want tens of kilobytes (no embedded font)", filepath.Base(f), info.Size())
			}
			out := f + ".png"
			cmd := exec.Command(rsvg, "--width", "1200", "--height", "800", "-o", out, f)
			if format == plots.PDF {
				// 150 dpi: the figure's 8×5⅓ inches are 1200×800 pixels.
				cmd = exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", f, f)
			}
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v: %s", cmd, err, msg)
			}
			want, err := figs[i].Render(plots.PNG, 1200, 800)
			if err != nil {
				t.Fatal(err)
			}
			wantInk := inkOf(t, "PNG "+figs[i].Name, bytes.NewReader(want), 1200, 800)
			rendered, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			got := inkOf(t, filepath.Base(out), rendered, 1200, 800)
			rendered.Close()
			// Renderers differ in antialiasing and hinting, and the PDF
			// draws its title in the regular face: within a factor of
			// two of the PNG's, a blank or half-drawn figure is not.
			for k, what := range []string{"dark pixels in the title's place", "coloured pixels"} {
				if got[k] < wantInk[k]/2 || got[k] > wantInk[k]*2 {
					t.Errorf("%s: %d %s; the PNG figure has %d", filepath.Base(out), got[k], what, wantInk[k])
				}
			}
		}
	}
}

// inkOf decodes a w×h PNG image and counts its dark pixels in the top
// left (where the title is) and its coloured ones (neither white nor
// grey: the data).
func inkOf(t *testing.T, name string, r io.Reader, w, h int) [2]int {
	t.Helper()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("%s: %dx%d; want %dx%d", name, b.Dx(), b.Dy(), w, h)
	}
	var ink [2]int
	for y := range h {
		for x := range w {
			r, g, b, _ := img.At(x, y).RGBA()
			if x < w/2 && y < h/12 && r < 0x4000 && g < 0x4000 && b < 0x4000 {
				ink[0]++
			}
			if max(r, g, b)-min(r, g, b) > 0x3000 {
				ink[1]++
			}
		}
	}
	return ink
}

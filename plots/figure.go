package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"asyncsim/internal/drawcheck"
)

// Format is a file format for figures.
type Format string

// The figure formats.
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
)

// Formats lists the figure formats, PNG (the default) first.
func Formats() []Format { return []Format{PNG, SVG, PDF} }

// ParseFormat returns the format named s ("png", "svg" or "pdf").
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("plots: unknown figure format %q (want png, svg or pdf)", s)
}

// Bounds of a figure's size in pixels: at least MinWidth×MinHeight,
// each side at most MaxSide, and at most MaxPixels in all. A PNG figure
// is drawn on an RGBA image of four bytes a pixel, so MaxPixels bounds
// one figure's image to 100 MB.
//
// A figure is laid out on a canvas of at least 8×5⅓ inches, the default
// size's, and drawn at the resolution its pixels give (see Scale), so
// that its fonts and margins grow and shrink with it: at MinWidth×MinHeight
// (half the default size) the smallest text, of 9 points, is 9 pixels
// high; a smaller figure would not be legible.
const (
	MinWidth  = WidthPx / 2
	MinHeight = HeightPx / 2
	MaxSide   = 8000
	MaxPixels = 25_000_000
)

// CheckSize reports an error unless widthPx×heightPx is within the
// bounds MinWidth, MinHeight, MaxSide and MaxPixels.
func CheckSize(widthPx, heightPx int) error {
	switch {
	case widthPx < MinWidth || heightPx < MinHeight:
		return fmt.Errorf("plots: figure size %dx%d is too small for a legible figure (the smallest is %dx%d)",
			widthPx, heightPx, MinWidth, MinHeight)
	case widthPx > MaxSide || heightPx > MaxSide:
		return fmt.Errorf("plots: figure size %dx%d is too large (at most %d pixels a side)", widthPx, heightPx, MaxSide)
	case widthPx*heightPx > MaxPixels:
		return fmt.Errorf("plots: figure size %dx%d is %d pixels, more than %d", widthPx, heightPx, widthPx*heightPx, MaxPixels)
	}
	return nil
}

// DPI is the resolution at which a figure's pixels map to its physical
// size: WidthPx×HeightPx pixels are 8×5⅓ inches, with fonts sized for
// print. SVG and PDF figures have the same physical size.
const DPI = 150

// Scale returns the resolution at which a widthPx×heightPx figure is
// drawn, in dots per inch: DPI times the smaller of its width over
// WidthPx and its height over HeightPx, rounded. The figure is laid out
// on a canvas of widthPx×heightPx pixels at that resolution (in points,
// 72 an inch), at least the default size's 576×384 points: a figure of
// twice the default size is the default figure drawn twice as finely,
// one twice as wide gets a canvas twice as wide, fonts of the same size.
func Scale(widthPx, heightPx int) int {
	return int(math.Round(DPI * min(float64(widthPx)/WidthPx, float64(heightPx)/HeightPx)))
}

// LayoutSize returns the size of the canvas a widthPx×heightPx figure is
// laid out on (see Scale).
func LayoutSize(widthPx, heightPx int) (w, h vg.Length) {
	dpi := vg.Length(Scale(widthPx, heightPx))
	return vg.Length(widthPx) * vg.Inch / dpi, vg.Length(heightPx) * vg.Inch / dpi
}

// fixedDate is the creation and modification date of every PDF, so that
// the same figure always gives the same bytes.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func init() {
	fpdf.SetDefaultCreationDate(fixedDate)
	fpdf.SetDefaultModificationDate(fixedDate)
	fpdf.SetDefaultCatalogSort(true)
}

// Figure is a figure ready to be rendered at any size and in any format.
type Figure struct {
	// Name is the figure's file name without its extension ("makespan",
	// "timeline-sync-handler").
	Name string
	// Draw draws the figure on a canvas.
	Draw func(c draw.Canvas)
}

// FileName returns the figure's file name in the given format.
func (f Figure) FileName(format Format) string { return f.Name + "." + string(format) }

// Render draws the figure as a file of the given format, widthPx×heightPx
// pixels (PNG) or the same size at DPI (SVG, PDF), within the bounds of
// CheckSize. The same figure always renders to the same bytes on one
// platform.
func (f Figure) Render(format Format, widthPx, heightPx int) (out []byte, err error) {
	if err := CheckSize(widthPx, heightPx); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("plots: drawing %s: %v", f.Name, p)
		}
	}()
	w := vg.Length(widthPx) * vg.Inch / DPI
	h := vg.Length(heightPx) * vg.Inch / DPI
	// Vector figures keep their physical size at DPI and draw the layout
	// scaled to it.
	k := float64(Scale(widthPx, heightPx)) / DPI
	var buf bytes.Buffer
	switch format {
	case PNG:
		img := image.NewRGBA(image.Rect(0, 0, widthPx, heightPx))
		cv := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(Scale(widthPx, heightPx)))
		fill(cv, color.White)
		f.Draw(draw.New(finiteCanvas{cv}))
		// Fast compression: PNG encoding is the serial tail of a sweep's
		// figures and of a run's, and our flat-coloured figures compress
		// well even so.
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, cv.Image())
	case SVG:
		cv := svgCanvas{vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(true))}
		fill(cv, color.White)
		f.Draw(draw.New(finiteCanvas{scaled(cv, k)}))
		_, err = cv.WriteTo(&buf)
	case PDF:
		cv := pdfCanvas{vgpdf.New(w, h)}
		fill(cv, color.White)
		f.Draw(draw.New(finiteCanvas{scaled(cv, k)}))
		_, err = cv.WriteTo(&buf)
	default:
		return nil, fmt.Errorf("plots: unknown figure format %q (want png, svg or pdf)", format)
	}
	if err != nil {
		return nil, fmt.Errorf("plots: rendering %s: %w", f.Name, err)
	}
	return buf.Bytes(), nil
}

// Record draws the figure on a drawcheck.Canvas of the size that a
// widthPx×heightPx figure is laid out on (LayoutSize), for drawcheck's
// Check.
func (f Figure) Record(widthPx, heightPx int) *drawcheck.Canvas {
	w, h := LayoutSize(widthPx, heightPx)
	return drawcheck.Record(w, h, f.Draw)
}

// scaledCanvas is a canvas drawn k times larger, and so k times smaller
// in its own units.
type scaledCanvas struct {
	vg.CanvasSizer
	k vg.Length
}

// scaled returns c drawn k times larger.
func scaled(c vg.CanvasSizer, k float64) vg.CanvasSizer {
	if k == 1 {
		return c
	}
	c.Scale(k, k)
	return scaledCanvas{c, vg.Length(k)}
}

// Size implements vg.CanvasSizer.
func (c scaledCanvas) Size() (w, h vg.Length) {
	w, h = c.CanvasSizer.Size()
	return w / c.k, h / c.k
}

// errNotFinite is the panic of a finiteCanvas, which Render recovers.
var errNotFinite = errors.New("a coordinate is not a finite number (is a label too long for the figure?)")

// finiteCanvas refuses, by panicking with errNotFinite, to draw at
// coordinates that are not finite numbers, on which the PNG rasterizer
// would loop forever: a label too long for the figure leaves its plot a
// negative width and NaN coordinates.
type finiteCanvas struct{ vg.CanvasSizer }

func mustBeFinite(xs ...vg.Length) {
	for _, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			panic(errNotFinite)
		}
	}
}

func mustBeFinitePath(p vg.Path) {
	for _, c := range p {
		mustBeFinite(c.Pos.X, c.Pos.Y, c.Radius, vg.Length(c.Start), vg.Length(c.Angle))
		for _, q := range c.Control {
			mustBeFinite(q.X, q.Y)
		}
	}
}

// Stroke implements vg.Canvas.
func (c finiteCanvas) Stroke(p vg.Path) {
	mustBeFinitePath(p)
	c.CanvasSizer.Stroke(p)
}

// Fill implements vg.Canvas.
func (c finiteCanvas) Fill(p vg.Path) {
	mustBeFinitePath(p)
	c.CanvasSizer.Fill(p)
}

// FillString implements vg.Canvas.
func (c finiteCanvas) FillString(f font.Face, pt vg.Point, s string) {
	mustBeFinite(pt.X, pt.Y)
	c.CanvasSizer.FillString(f, pt, s)
}

// DrawImage implements vg.Canvas.
func (c finiteCanvas) DrawImage(r vg.Rectangle, img image.Image) {
	mustBeFinite(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y)
	c.CanvasSizer.DrawImage(r, img)
}

// svgCanvas sets bold text in Liberation Sans Bold under its own name, so
// that the SVG asks for the bold weight of the embedded family.
type svgCanvas struct{ *vgsvg.Canvas }

// FillString implements vg.Canvas.
func (c svgCanvas) FillString(fnt font.Face, pt vg.Point, str string) {
	if fnt.Font.Variant == boldFont.Variant && fnt.Font.Typeface == boldFont.Typeface {
		fnt = font.DefaultCache.Lookup(trueBoldFont, fnt.Font.Size)
	}
	c.Canvas.FillString(fnt, pt, str)
}

// pdfCanvas works around two limits of gonum/plot's PDF backend. It
// encodes text in Windows-1252, the code page of the fonts it embeds (it
// writes UTF-8 bytes as they are, which garbles every non-ASCII
// character). And it sets bold text in the regular face: the backend
// embeds every font from a file of the same name, so a second face would
// be drawn with the first one's glyphs.
type pdfCanvas struct{ *vgpdf.Canvas }

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(fnt font.Face, pt vg.Point, str string) {
	if fnt.Font.Variant == boldFont.Variant && fnt.Font.Typeface == boldFont.Typeface {
		fnt = font.DefaultCache.Lookup(sansFont, fnt.Font.Size)
	}
	c.Canvas.FillString(fnt, pt, toWindows1252(str))
}

// toWindows1252 encodes s in Windows-1252, a minus sign as an en dash
// and characters outside the code page as '?'.
func toWindows1252(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r == '−' {
			r = '–'
		}
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		if c, ok := charmap.Windows1252.EncodeRune(r); ok {
			b = append(b, c)
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// fill paints the whole canvas.
func fill(c vg.CanvasSizer, col color.Color) {
	w, h := c.Size()
	var p vg.Path
	p.Move(vg.Point{})
	p.Line(vg.Point{X: w})
	p.Line(vg.Point{X: w, Y: h})
	p.Line(vg.Point{Y: h})
	p.Close()
	c.SetColor(col)
	c.Fill(p)
}

package plots

import (
	"bytes"
	"io"

	"gonum.org/v1/plot/vg/vgsvg"
)

// svgFamily is how an SVG figure's texts name their font, which it
// references rather than embeds (an embedded Liberation Sans is 1.1 MB a
// figure): Liberation Sans, or a face of the same metrics (Arimo, Arial,
// Helvetica), or any sans-serif face.
const svgFamily = "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"

// svgFontStyle is how gonum's SVG backend begins the style of a text in
// Liberation Sans. Texts are escaped, so it cannot occur within one.
var svgFontStyle = []byte(`style="font-family:Liberation Sans;`)

// writeSVG writes c to w as an SVG document whose texts fall back to the
// generic sans-serif family (see svgFamily).
func writeSVG(w io.Writer, c *vgsvg.Canvas) error {
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return err
	}
	_, err := w.Write(bytes.ReplaceAll(b.Bytes(), svgFontStyle, []byte(`style="`+svgFamily)))
	return err
}

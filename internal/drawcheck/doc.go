// Package drawcheck checks what a figure draws. It renders a figure on
// Canvas, a vg.CanvasSizer that draws nothing but records, in canvas
// coordinates, the box of every text (measured with the font's own
// metrics: font.Face's Extents and Width) and of every stroke and fill,
// and Check reports what a reader would see as broken:
//
//   - texts whose boxes overlap (Overlap);
//   - tick labels of one axis that overprint each other (Overprint);
//   - a text or mark outside the canvas (Outside);
//   - a numeric axis with fewer than MinTicks labelled ticks (FewTicks);
//   - a legend entry whose series has no visible mark in the figure, in
//     the colour of its swatch (Unmarked).
//
// What a drawn thing is — a tick label of which axis, the legend entry
// or a mark of which series — is told by the drawing code itself: it
// brackets what it draws with Begin and End, which do nothing on any
// canvas but this package's (they cost a type assertion). A text or mark
// drawn outside any bracket is plain text or a plain mark.
package drawcheck

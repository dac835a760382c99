package plots

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScalingSeries is one reference workload's simulation speed at several
// run sizes.
type ScalingSeries struct {
	Name string
	// Tasks and TasksPerSecond are parallel: the run sizes and the speed
	// measured at each.
	Tasks          []float64
	TasksPerSecond []float64
}

// Scaling draws simulated tasks per second of wall time against the number
// of tasks in the run, one line per reference workload, on a logarithmic
// size axis, and writes it in format ("png", "svg" or "pdf").
func Scaling(w io.Writer, title string, series []ScalingSeries, format string) error {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(16)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "tasks simulated in one run"
	p.Y.Label.Text = "simulation speed (million tasks per second of wall time)"
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(13)
		a.Tick.Label.Font.Size = vg.Points(11)
	}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = decadeTicks{}
	p.Y.Min = 0
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.TextStyle.Font.Size = vg.Points(12)
	p.Legend.Padding = vg.Points(4)
	p.Legend.XOffs = -vg.Points(10)
	p.Legend.YOffs = vg.Points(10)
	p.Add(plotter.NewGrid())
	for i, s := range series {
		xys := make(plotter.XYs, len(s.Tasks))
		for j := range s.Tasks {
			xys[j] = plotter.XY{X: s.Tasks[j], Y: s.TasksPerSecond[j] / 1e6}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("plots: %s: %w", s.Name, err)
		}
		line.Color = StrategyColor(i)
		line.Width = vg.Points(2)
		points.Color = StrategyColor(i)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(3.5)
		p.Add(line, points)
		p.Legend.Add(s.Name, line, points)
	}
	wt, err := p.WriterTo(vg.Length(WidthPx)*vg.Inch/96, vg.Length(HeightPx)*vg.Inch/96, format)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// decadeTicks marks each power of ten of a logarithmic axis with a short
// label ("10k", "1M") and the values between with unlabelled minor ticks.
type decadeTicks struct{}

// Ticks returns the ticks between min and max.
func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for decade := math.Pow(10, math.Floor(math.Log10(min))); decade <= max; decade *= 10 {
		for m := 1.0; m < 10; m++ {
			v := m * decade
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 {
				t.Label = shortCount(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// shortCount writes a power of ten briefly: 1, 10, 100, 1k, 10k, 1M, 1G.
func shortCount(v float64) string {
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', -1, 64) + "G"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

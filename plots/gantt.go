package plots

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"asyncsim/internal/drawcheck"
	"asyncsim/sim"
	"asyncsim/timeline"
)

// Rows of a timeline figure.
const (
	// MaxContextRows is the most contexts a timeline figure shows, the
	// first by id.
	MaxContextRows = 24
	// MaxTaskRows is the most tasks it shows, the first by arrival.
	MaxTaskRows = 40
)

// Colours of the task spans in timeline figures: neutral greys, apart
// from every state colour and strategy colour, and warning colours for
// attempts that failed: amber hatched with the service grey for the
// service of an attempt its client had given up on (wasted work), crimson
// marks where one was rejected or abandoned.
var (
	queuedColor  = color.NRGBA{0xd4, 0xd4, 0xd4, 0xff}
	serviceColor = color.NRGBA{0x5a, 0x64, 0x72, 0xff}
	lateColor    = color.NRGBA{0xf2, 0xb0, 0x1e, 0xff}
	failColor    = color.NRGBA{0xb2, 0x18, 0x2b, 0xff}
)

// Marks of the attempts that were never served.
var (
	rejectedGlyph  = boldGlyph{cross: true}
	abandonedGlyph = boldGlyph{}
)

// boldGlyph is a cross (×) or a ring drawn in strokes a quarter of its
// radius wide, to stand out on a thin task row; gonum's are hairlines.
type boldGlyph struct{ cross bool }

// DrawGlyph implements draw.GlyphDrawer.
func (g boldGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	line := draw.LineStyle{Color: sty.Color, Width: max(r/4, 0.8)}
	if g.cross {
		d := r * 0.8
		c.StrokeLine2(line, pt.X-d, pt.Y-d, pt.X+d, pt.Y+d)
		c.StrokeLine2(line, pt.X-d, pt.Y+d, pt.X+d, pt.Y-d)
		return
	}
	var p vg.Path
	p.Move(vg.Point{X: pt.X + r*0.8, Y: pt.Y})
	p.Arc(pt, r*0.8, 0, 2*math.Pi)
	p.Close()
	c.SetLineStyle(line)
	c.Stroke(p)
}

// stateLabels describe the states in the legend of timeline figures.
var stateLabels = map[sim.State]string{
	sim.Running:   "running (CPU)",
	sim.Waiting:   "waiting for the GIL",
	sim.Acquiring: "acquiring (waiting for a resource unit)",
	sim.InIO:      "in an IO call",
	sim.Blocked:   "blocked (loop thread in a blocking call)",
	sim.Idle:      "idle",
}

// timelineFigure returns the timeline figure of strategy i, a Gantt chart
// of its timeline window: above, one row per context (the first
// MaxContextRows), bars coloured by state and idle time left blank;
// below, one row per task attempt (the first MaxTaskRows by arrival),
// light while queued, dark while in service, hatched amber while in
// service after its client gave up (late), and a crimson mark where it
// was rejected (×) or abandoned (○).
func timelineFigure(r *Run, i int, name string) Figure {
	return Figure{Name: name, Draw: func(c draw.Canvas) { drawTimeline(c, r, i) }}
}

// RunFigures returns every figure of a run: makespan (latency
// percentiles for a run of open arrivals), latency, latency by class (for
// a run of several classes), the pages of utilization and one timeline
// per strategy, named by TimelineNames.
func RunFigures(r *Run) []Figure {
	first := MakespanFigure(r)
	if r.Open {
		first = PercentilesFigure(r)
	}
	figs := []Figure{first, LatencyFigure(r)}
	if byClass(r) {
		figs = append(figs, LatencyByClassFigure(r))
	}
	figs = append(figs, UtilizationFigures(r)...)
	for i, name := range TimelineNames(strategyNames(r)) {
		figs = append(figs, timelineFigure(r, i, name))
	}
	return figs
}

func strategyNames(r *Run) []string {
	names := make([]string, len(r.Strategies))
	for i, s := range r.Strategies {
		names[i] = s.Name
	}
	return names
}

func itoa(n int) string { return strconv.Itoa(n) }

// gspan is a bar of a Gantt row, in axis units, or an instant (start =
// end) of a kind with a glyph.
type gspan struct {
	start, end float64
	kind       int // index in the gantt's kinds
}

// kindStyle is how a Gantt chart draws the spans of one kind.
type kindStyle struct {
	color color.Color
	// hatch, if not nil, strikes the bars with diagonal stripes.
	hatch color.Color
	// glyph, if not nil, makes the kind's spans instants, marked with it.
	glyph draw.GlyphDrawer
	// key is the kind's legend label (see series).
	key string
}

type grow struct {
	name  string
	spans []gspan
}

// gantt draws rows of bars, the first row on top, on light stripes.
type gantt struct {
	rows  []grow
	kinds []kindStyle
	// fill is the share of a row's height its bars take.
	fill float64
	// minWidth is the narrowest a bar is drawn, so that short bursts
	// stay visible.
	minWidth vg.Length
}

// Plot implements plot.Plotter.
func (g *gantt) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(g.rows)
	if c.Max.X <= c.Min.X || c.Max.Y <= c.Min.Y {
		return // no room left by the labels
	}
	rowH := trY(1) - trY(0)
	half := rowH * vg.Length(g.fill) / 2
	stripe := color.Gray{0xf4}
	for i, row := range g.rows {
		y := trY(float64(n - 1 - i))
		if i%2 == 0 {
			c.FillPolygon(stripe, rectPoints(vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - rowH/2}, Max: vg.Point{X: c.Max.X, Y: y + rowH/2}}))
		}
		cols := int((c.Max.X-c.Min.X)/0.5) + 1
		if len(row.spans) > 2*cols {
			g.plotDense(c, trX, row.spans, y, half, cols)
			continue
		}
		// Wide bars first, then the short bursts, widened to minWidth,
		// on top of them.
		for _, narrow := range []bool{false, true} {
			for _, s := range row.spans {
				k := g.kinds[s.kind]
				x0, x1 := trX(s.start), trX(s.end)
				if k.glyph != nil || (x1-x0 < g.minWidth) != narrow {
					continue
				}
				if narrow {
					x1 = x0 + g.minWidth
				}
				r := vg.Rectangle{Min: vg.Point{X: max(x0, c.Min.X), Y: y - half}, Max: vg.Point{X: min(x1, c.Max.X), Y: y + half}}
				if r.Max.X > r.Min.X {
					drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.Series, Key: k.key})
					c.FillPolygon(k.color, rectPoints(r))
					if k.hatch != nil {
						hatch(c, r, k.hatch)
					}
					drawcheck.End(c.Canvas)
				}
			}
		}
		g.plotInstants(c, trX, row.spans, y, half)
	}
}

// plotInstants marks a row's instants, over its bars.
func (g *gantt) plotInstants(c draw.Canvas, trX func(float64) vg.Length, spans []gspan, y, half vg.Length) {
	r := min(max(half, 2), 6)
	for _, s := range spans {
		k := g.kinds[s.kind]
		if k.glyph == nil {
			continue
		}
		if x := trX(s.start); x >= c.Min.X && x <= c.Max.X {
			drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.Series, Key: k.key})
			c.DrawGlyphNoClip(draw.GlyphStyle{Color: k.color, Radius: r, Shape: k.glyph}, vg.Point{X: x, Y: y})
			drawcheck.End(c.Canvas)
		}
	}
}

// plotDense draws a row with more bars than the plot has columns of
// half a point: each column in the colour that fills most of it.
func (g *gantt) plotDense(c draw.Canvas, trX func(float64) vg.Length, spans []gspan, y, half vg.Length, cols int) {
	k := len(g.kinds)
	share := make([]float64, cols*k)
	colOf := func(x vg.Length) float64 { return float64((x - c.Min.X) / 0.5) }
	for _, s := range spans {
		a, b := colOf(trX(s.start)), colOf(trX(s.end))
		for col := max(int(a), 0); col < cols && float64(col) < b; col++ {
			lo, hi := math.Max(a, float64(col)), math.Min(b, float64(col+1))
			if hi > lo {
				share[col*k+s.kind] += hi - lo
			}
		}
	}
	start, cur := 0, -1
	flush := func(end int) {
		if cur >= 0 && end > start {
			x0 := c.Min.X + vg.Length(start)*0.5
			x1 := min(c.Min.X+vg.Length(end)*0.5, c.Max.X)
			drawcheck.Begin(c.Canvas, drawcheck.Note{Role: drawcheck.Series, Key: g.kinds[cur].key})
			c.FillPolygon(g.kinds[cur].color, rectPoints(vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}))
			drawcheck.End(c.Canvas)
		}
	}
	for col := range cols {
		best, bestShare := -1, 0.25 // mostly idle columns stay blank
		for j := range k {
			if v := share[col*k+j]; v > bestShare {
				best, bestShare = j, v
			}
		}
		if best != cur {
			flush(col)
			start, cur = col, best
		}
	}
	flush(cols)
	g.plotInstants(c, trX, spans, y, half)
}

// DataRange implements plot.DataRanger.
func (g *gantt) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, r := range g.rows {
		for _, s := range r.spans {
			xmin, xmax = math.Min(xmin, s.start), math.Max(xmax, s.end)
		}
	}
	return xmin, xmax, -0.5, float64(len(g.rows)) - 0.5
}

// endLine marks the end of the run inside a window that outlasts it.
type endLine struct {
	x     float64
	label bool
}

// Plot implements plot.Plotter.
func (e *endLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(e.x)
	c.StrokeLine2(draw.LineStyle{Color: textColor, Width: 0.8, Dashes: []vg.Length{4, 3}}, x, c.Min.Y, x, c.Max.Y)
	if e.label {
		sty := textStyle(sansFont, noteSize, textColor)
		sty.YAlign = draw.YTop
		c.FillText(sty, vg.Point{X: x + 3, Y: c.Max.Y - 2}, "end of run")
	}
}

// Kinds of the spans of a timeline figure: the states (sim.State), then
// those of tasks.
const (
	kindQueued    = int(sim.Acquiring) + 1 // after the last state
	kindService   = kindQueued + 1
	kindLate      = kindService + 1
	kindRejected  = kindLate + 1
	kindAbandoned = kindRejected + 1
	numKinds      = kindAbandoned + 1
)

// taskKinds are the kinds of the task spans of timeline.TaskSpans.
var taskKinds = map[string]int{timeline.TaskQueued: kindQueued, timeline.TaskService: kindService,
	timeline.TaskLate: kindLate, timeline.TaskRejected: kindRejected, timeline.TaskAbandoned: kindAbandoned}

// timelineKinds returns how a timeline figure draws each kind of span.
func timelineKinds() []kindStyle {
	kinds := make([]kindStyle, numKinds)
	for _, st := range sim.States() {
		kinds[st] = kindStyle{color: StateColor(st), key: stateLabels[st]}
	}
	kinds[kindQueued].color = queuedColor
	kinds[kindService].color = serviceColor
	kinds[kindLate] = kindStyle{color: lateColor, hatch: serviceColor}
	kinds[kindRejected] = kindStyle{color: failColor, glyph: rejectedGlyph}
	kinds[kindAbandoned] = kindStyle{color: failColor, glyph: abandonedGlyph}
	for _, l := range taskLegend {
		kinds[l.kind].key = l.label
	}
	return kinds
}

// taskLegend labels the kinds of task spans in the legend of timeline
// figures, in order.
var taskLegend = []struct {
	kind  int
	label string
}{
	{kindQueued, "task queued"},
	{kindService, "task in service"},
	{kindLate, "late (its client gave up)"},
	{kindRejected, "rejected (queue full)"},
	{kindAbandoned, "abandoned (SYN retransmission)"},
}

func drawTimeline(c draw.Canvas, r *Run, i int) {
	s := r.Strategies[i]
	tl := s.Timeline
	if tl == nil {
		tl = &timeline.Timeline{}
	}
	title := elide(r.Workload, c) + " · " + elide(s.Name, c) + " (" + s.Kind + "): what each context and task does over time"

	span := tl.To - tl.From
	factor, unit := timeUnit(max(tl.To, 1).Seconds())
	x := func(t sim.Time) float64 { return t.Seconds() * factor }

	kinds := timelineKinds()
	var ctxRows []grow
	for _, ctx := range tl.Contexts {
		if len(ctxRows) == MaxContextRows {
			break
		}
		if len(ctx.Intervals) == 0 {
			continue
		}
		row := grow{name: elide(ctx.Name, c)}
		for _, iv := range ctx.Intervals {
			if iv.State == sim.Idle || int(iv.State) >= kindQueued {
				continue
			}
			row.spans = append(row.spans, gspan{x(iv.Start), x(iv.End), int(iv.State)})
		}
		ctxRows = append(ctxRows, row)
	}
	taskRows := groupTaskSpans(tl)
	taskRows = taskRows[:min(len(taskRows), MaxTaskRows)]
	for i := range taskRows {
		taskRows[i].name = elide(taskRows[i].name, c)
		for j := range taskRows[i].spans {
			b := &taskRows[i].spans[j]
			b.start, b.end = b.start*factor, b.end*factor
		}
	}
	lo, hi := x(tl.From), x(tl.To)
	var panels []*ganttPanel
	addPanel := func(rows []grow, label string, fill float64) {
		p := newPlot()
		g := &gantt{rows: rows, kinds: kinds, fill: fill, minWidth: 1}
		p.Add(grid(true, false), g)
		if tl.End < tl.To {
			p.Add(&endLine{x: x(tl.End), label: len(panels) == 0})
		}
		p.X.Min, p.X.Max = lo, hi
		p.Y.Min, p.Y.Max = -0.5, float64(len(rows))-0.5
		p.Y.Label.Text = label
		p.Y.Tick.Length = 0
		p.Y.Width = 0
		panels = append(panels, &ganttPanel{rows: rows, p: p, g: g})
	}
	if len(ctxRows) > 0 {
		addPanel(ctxRows, "contexts", 0.78)
	}
	if len(taskRows) > 0 {
		addPanel(taskRows, "tasks (by arrival)", 0.7)
		panels[len(panels)-1].tasks = true
	}
	xLabel := "virtual time (" + unit + ")"
	// Every row is labelled: as many rows as there is room for labels,
	// under the header and legend of every row.
	below := legendSpace(headerSpace(c, title, windowText(tl)+"\n"+rowsText(tl, len(ctxRows), len(taskRows))),
		timelineLegend(kinds, ctxRows, taskRows))
	if len(panels) > 0 {
		nCtx, nTask := fitRows(below, panels, xLabel)
		ctxRows, taskRows = ctxRows[:nCtx], taskRows[:nTask]
		var kept []*ganttPanel
		for _, pn := range panels {
			if len(pn.rows) > 0 {
				pn.g.rows = pn.rows
				pn.p.Y.Max = float64(len(pn.rows)) - 0.5
				kept = append(kept, pn)
			}
		}
		panels = kept
	}

	c = header(c, title, windowText(tl)+"\n"+rowsText(tl, len(ctxRows), len(taskRows)))
	c = legendRow(c, timelineLegend(kinds, ctxRows, taskRows))
	if len(panels) == 0 || span <= 0 {
		note(c, "nothing ran in this window")
		return
	}
	cs, ok := layoutGantt(c, panels, xLabel)
	if !ok {
		note(c, tooSmall)
		return
	}
	for k, pn := range panels {
		pn.p.Draw(cs[k])
	}
}

// timelineLegend returns the legend of a timeline figure of the given
// rows: the states and task spans they show, and idle.
func timelineLegend(kinds []kindStyle, ctxRows, taskRows []grow) []legendItem {
	present := map[int]bool{}
	for _, rows := range [][]grow{ctxRows, taskRows} {
		for _, row := range rows {
			for _, b := range row.spans {
				present[b.kind] = true
			}
		}
	}
	var items []legendItem
	for _, st := range sim.States() {
		if st != sim.Idle && present[int(st)] {
			items = append(items, legendItem{label: stateLabels[st], color: StateColor(st), kind: swatchBox, key: stateLabels[st]})
		}
	}
	items = append(items, legendItem{label: stateLabels[sim.Idle], kind: swatchOutline})
	for _, l := range taskLegend {
		if !present[l.kind] {
			continue
		}
		k := kinds[l.kind]
		it := legendItem{label: l.label, color: k.color, kind: swatchBox, key: l.label}
		switch {
		case k.glyph != nil:
			it.kind, it.glyph = swatchGlyph, k.glyph
		case k.hatch != nil:
			it.kind, it.hatch = swatchHatch, k.hatch
		}
		items = append(items, it)
	}
	return items
}

// ganttGap is the gap between the panels of a timeline figure.
const ganttGap = 10

// rowHeight is the thinnest row of a Gantt panel: the height of its
// label, so that every row is labelled and no two labels overlap (40 task
// rows below the contexts at 900×600 were 0.3 points each, every third
// one labelled).
var rowHeight = textStyle(sansFont, tickSize, textColor).Rectangle("Mg").Size().Y + 0.6

// fitRows cuts the rows of the panels stacked in c to those there is room
// for at rowHeight or more, and returns how many of each panel's rows
// (the contexts', then the tasks') are left: all if they fit, else the
// task rows get half the room, or more when there are few contexts. A
// panel keeps room for its axis label.
func fitRows(c draw.Canvas, panels []*ganttPanel, xLabel string) (ctx, tasks int) {
	stackAxes(c, panels, xLabel)
	avail := c.Max.Y - c.Min.Y - ganttGap*vg.Length(len(panels)-1)
	var nCtx, nTask int
	var ctxMin, taskMin vg.Length
	for _, pn := range panels {
		avail -= pn.extra
		if pn.tasks {
			nTask, taskMin = len(pn.rows), pn.minH
		} else {
			nCtx, ctxMin = len(pn.rows), pn.minH
		}
	}
	cut := func(room int) (int, int) {
		if nCtx+nTask <= room {
			return nCtx, nTask
		}
		tasks := min(nTask, max(room/2, room-nCtx))
		return min(nCtx, room-tasks), tasks
	}
	// Rows too few for a panel's axis label leave it room: fewer rows.
	room := max(0, int(avail/rowHeight))
	ctx, tasks = cut(room)
	short := max(0, ctxMin-rowHeight*vg.Length(ctx)) + max(0, taskMin-rowHeight*vg.Length(tasks))
	if ctx == 0 {
		short -= ctxMin
	}
	if tasks == 0 {
		short -= taskMin
	}
	if short > 0 {
		ctx, tasks = cut(max(0, room-int(math.Ceil(float64(short/rowHeight)))))
	}
	for _, pn := range panels {
		if pn.tasks {
			pn.rows = pn.rows[:tasks]
		} else {
			pn.rows = pn.rows[:ctx]
		}
	}
	return ctx, tasks
}

// ganttPanel is one panel of a timeline figure: its rows and plot.
type ganttPanel struct {
	rows []grow
	p    *plot.Plot
	g    *gantt
	// tasks marks the panel of task rows.
	tasks bool
	rowH  vg.Length
	// extra is the height of the panel's axes, and minH the least
	// height of its rows: that of its axis label.
	extra, minH vg.Length
}

// stackAxes sets the axes of panels stacked in c: every panel's rows
// labelled, the time axis labelled xLabel under the last one only; and
// measures the height each panel's axes take.
func stackAxes(c draw.Canvas, panels []*ganttPanel, xLabel string) {
	for k, pn := range panels {
		pn.p.X.Tick.Marker = unlabeled{niceTicks{}}
		pn.p.X.Label.Text = ""
		if k == len(panels)-1 {
			pn.p.X.Tick.Marker = niceTicks{}
			pn.p.X.Label.Text = xLabel
		}
		pn.p.Y.Tick.Marker = rowTicks(pn.rows)
		categorical(&pn.p.Y)
		dc := pn.p.DataCanvas(c)
		pn.extra = (c.Max.Y - c.Min.Y) - (dc.Max.Y - dc.Min.Y)
		pn.minH = pn.p.Y.Label.TextStyle.Width(pn.p.Y.Label.Text) + 4
	}
}

// layoutGantt sizes the panels of a timeline figure, stacked in c, the
// last with the time axis labelled xLabel, and returns their canvases,
// or false when a panel has no room left for its rows (rowHeight).
func layoutGantt(c draw.Canvas, panels []*ganttPanel, xLabel string) ([]draw.Canvas, bool) {
	stackAxes(c, panels, xLabel)
	// Row heights: a context row is 1.5 task rows, and at least 12 points
	// when there is room, so that its label fits; the panel at least its
	// axis label's length.
	avail := c.Max.Y - c.Min.Y - ganttGap*vg.Length(len(panels)-1)
	for _, pn := range panels {
		avail -= pn.extra
	}
	switch {
	case len(panels) == 1:
		panels[0].rowH = avail / vg.Length(len(panels[0].rows))
	default:
		nCtx, nTask := vg.Length(len(panels[0].rows)), vg.Length(len(panels[1].rows))
		ctxH := avail * 1.5 / (1.5*nCtx + nTask)
		ctxH = max(ctxH, min(12, avail*0.7/nCtx), min(48/nCtx, avail*0.4/nCtx), panels[0].minH/nCtx)
		// The task rows keep room for their labels.
		ctxH = max(min(ctxH, (avail-rowHeight*nTask)/nCtx), rowHeight)
		panels[0].rowH, panels[1].rowH = ctxH, (avail-ctxH*nCtx)/nTask
	}
	top := c.Max.Y
	cs := make([]draw.Canvas, len(panels))
	ps := make([]*plot.Plot, len(panels))
	for k, pn := range panels {
		h := pn.rowH*vg.Length(len(pn.rows)) + pn.extra
		cs[k] = c
		cs[k].Max.Y, cs[k].Min.Y = top, top-h
		top -= h + ganttGap
		ps[k] = pn.p
	}
	alignX(ps, cs)
	for k, p := range ps {
		if panels[k].rowH < rowHeight-1e-9 || !finiteRect(p.DataCanvas(cs[k]).Rectangle) {
			return nil, false
		}
	}
	return cs, true
}

// rowTicks labels every row of a Gantt panel, the first at the top.
func rowTicks(rows []grow) plot.ConstantTicks {
	n := len(rows)
	var ticks plot.ConstantTicks
	for i, r := range rows {
		ticks = append(ticks, plot.Tick{Value: float64(n - 1 - i), Label: r.name})
	}
	return ticks
}

// groupTaskSpans returns one row per task attempt with its spans and
// instants inside the window (timeline.Timeline.TaskSpans), in seconds,
// leaving out attempts with none.
func groupTaskSpans(tl *timeline.Timeline) []grow {
	var rows []grow
	var last *timeline.Task
	for _, sp := range tl.TaskSpans() {
		if sp.Task != last {
			rows = append(rows, grow{name: sp.Task.Name})
			last = sp.Task
		}
		r := &rows[len(rows)-1]
		r.spans = append(r.spans, gspan{sp.Start.Seconds(), sp.End.Seconds(), taskKinds[sp.State]})
	}
	return rows
}

// windowText says which part of the run a timeline figure shows.
func windowText(tl *timeline.Timeline) string {
	run := formatDuration(tl.End.Seconds())
	// The window's ends in one unit: "From 1.5 to 2 s".
	factor, unit := timeUnit(max(tl.To, tl.From).Seconds())
	in := func(t sim.Time) string { return trimNumber(t.Seconds()*factor) + " " + unit }
	from, to := in(tl.From), in(tl.To)
	switch {
	case tl.From == 0 && tl.To == tl.End:
		return "The whole run, 0 to " + run
	case tl.Cut == timeline.CutTasks:
		return "The first " + to + " of the " + run + " run, until " + itoa(timeline.DefaultAutoTasks) + " tasks had completed"
	case tl.Cut == timeline.CutChanges:
		return "The first " + to + " of the " + run + " run, until one context had changed state " +
			itoa(timeline.DefaultAutoChanges) + " times"
	case tl.Cut == timeline.CutSize:
		return "From " + from + " to " + to + " of the " + run + " run, cut short to keep the timeline small"
	case tl.To > tl.End:
		return "From " + from + " to " + to + "; the run ends at " + run
	}
	return "From " + from + " to " + to + " of the " + run + " run"
}

// rowsText says which contexts and tasks a timeline figure shows: the
// first ctx contexts and the first tasks task attempts.
func rowsText(tl *timeline.Timeline, ctx, tasks int) string {
	var c string
	switch {
	case ctx == 0:
		c = "No context in the window"
	case ctx == tl.AllContexts:
		c = "One row per context (" + itoa(ctx) + ")"
	default:
		c = "The first " + itoa(ctx) + " of " + groupThousands(itoa(tl.AllContexts)) + " contexts"
	}
	var t string
	switch {
	case tl.AllTasks == 0:
		t = "no task in the window"
	case int64(tasks) == tl.AllTasks:
		t = "one row per task (" + plural(int64(tasks), "task") + ")"
	default:
		t = "the first " + itoa(tasks) + " of the " + groupThousands(strconv.FormatInt(tl.AllTasks, 10)) + " tasks in the window"
	}
	return c + " and " + t + "; idle time is blank"
}

package plots

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"asyncsim/sim"
	"asyncsim/timeline"
)

func TestLatencyCDF(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := []float64{0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1}
	for _, n := range []int{1, 2, 3, 10, 99, 100, 101, 999, 1000, 1001, 4321, 20000} {
		for _, ties := range []bool{false, true} {
			var reps [][]sim.Time
			total := 0
			for total < n {
				k := min(n-total, 1+rng.IntN(n))
				rep := make([]sim.Time, k)
				for i := range rep {
					if ties {
						rep[i] = sim.Time(rng.IntN(7)) * sim.Millisecond
					} else {
						rep[i] = sim.Time(rng.Int64N(int64(sim.Second)))
					}
				}
				reps = append(reps, rep)
				total += k
			}
			cdf := LatencyCDF(reps, CDFPoints)
			all := slices.Concat(reps...)
			sorted := make([]float64, len(all))
			for i, x := range all {
				sorted[i] = float64(x)
			}
			slices.Sort(sorted)
			want := make([]sim.Time, len(ps))
			for i, p := range ps { // nearest rank, as the engine's percentiles
				want[i] = sim.Time(stat.Quantile(p, stat.Empirical, sorted, nil))
			}
			for i, p := range ps {
				if got, _ := Quantile(cdf, p); got != want[i] {
					t.Errorf("n %d ties %v: Quantile(%g) = %v; want %v", n, ties, p, got, want[i])
				}
			}
			if len(cdf) > CDFPoints+1 {
				t.Errorf("n %d: %d points; want at most %d", n, len(cdf), CDFPoints+1)
			}
			slices.Sort(all)
			for i, pt := range cdf {
				at := 0
				for at < len(all) && all[at] <= pt.Latency {
					at++
				}
				if pt.Count != int64(at) || pt.Fraction != float64(at)/float64(len(all)) {
					t.Errorf("n %d: point %d (%v) has fraction %g; want %g", n, i, pt.Latency, pt.Fraction, float64(at)/float64(len(all)))
				}
				if i > 0 && (pt.Latency <= cdf[i-1].Latency || pt.Fraction <= cdf[i-1].Fraction) {
					t.Errorf("n %d: points %d and %d not increasing", n, i-1, i)
				}
			}
			if last := cdf[len(cdf)-1]; last.Fraction != 1 || last.Latency != all[len(all)-1] {
				t.Errorf("n %d: last point %+v; want the maximum at 1", n, last)
			}
		}
	}
	if LatencyCDF(nil, CDFPoints) != nil {
		t.Error("LatencyCDF(nil) is not empty")
	}
}

func TestSketchCDF(t *testing.T) {
	var s sim.QuantileSketch
	for i := 1; i <= 100000; i++ {
		s.Add(sim.Time(i) * sim.Microsecond)
	}
	cdf := SketchCDF(&s, CDFPoints)
	for _, p := range []float64{0.5, 0.99} {
		got, _ := Quantile(cdf, p)
		want := p * 100000 * float64(sim.Microsecond)
		if d := float64(got)/want - 1; d > sim.SketchAccuracy || d < -sim.SketchAccuracy {
			t.Errorf("p%g = %v; want %v within %g", 100*p, got, sim.Time(want), sim.SketchAccuracy)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		x := sim.Time(rng.Int64N(1 << 50)) // FormatSeconds is exact up to 2⁵³ ns
		if got, err := parseSeconds(x.FormatSeconds()); got != x || err != nil {
			t.Fatalf("parseSeconds(%q) = %v, %v; want %v", x.FormatSeconds(), got, err, x)
		}
	}
	for _, bad := range []string{"", "-1", "1.2.3", "1e3", ".5", "1.0000000001", "+1", "1.-5", "x"} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("parseSeconds(%q) succeeded", bad)
		}
	}
}

func TestGroupThousands(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "9999": "9999", "10000": "10,000", "1000000": "1,000,000",
		"-25000.5": "-25,000.5", "123456789": "123,456,789"} {
		if got := groupThousands(in); got != want {
			t.Errorf("groupThousands(%q) = %q; want %q", in, got, want)
		}
	}
}

func iv(a, b sim.Time, s sim.State) timeline.Interval {
	return timeline.Interval{Start: a, End: b, State: s}
}

func bin(a, b sim.Time, busy, flight float64) timeline.Bin {
	return timeline.Bin{Start: a, End: b, Busy: busy, InFlight: flight}
}

// sample returns a small run with every kind of figure data.
func sample() *Run {
	ms := sim.Millisecond
	tl := &timeline.Timeline{From: 0, To: 30 * ms, End: 30 * ms, Cut: timeline.CutEnd, AllContexts: 2, AllTasks: 2,
		Contexts: []timeline.Context{
			{Name: "loop-0", Intervals: []timeline.Interval{iv(0, 1*ms, sim.Running), iv(1*ms, 20*ms, sim.Blocked), iv(20*ms, 30*ms, sim.Idle)}},
			{Name: "executor-0.0", Created: 0, Intervals: []timeline.Interval{iv(0, 5*ms, sim.Idle), iv(5*ms, 25*ms, sim.InIO), iv(25*ms, 26*ms, sim.Waiting), iv(26*ms, 30*ms, sim.Idle)}},
		},
		Tasks: []timeline.Task{
			{Name: "request#0", Arrival: 0, Start: 0, Completion: 21 * ms},
			{Name: "request#1", Arrival: 0, Start: 20 * ms, Completion: 30 * ms},
		},
	}
	series := &timeline.Series{Cores: 2, Width: 8 * ms, Bins: []timeline.Bin{
		bin(0, 8*ms, 0.5, 2), bin(8*ms, 16*ms, 1, 2), bin(16*ms, 24*ms, 1.25, 1.5), bin(24*ms, 30*ms, 0, 1)}}
	return &Run{Workload: "sample", Description: "A sample.", Cores: 2, Replications: 3, Strategies: []Strategy{
		{Name: "first", Kind: "event_loop", Color: 0, Tasks: 2, Makespan: 0.03, MakespanCI95: 0.004, Latencies: 6,
			CDF: LatencyCDF([][]sim.Time{{21 * ms, 30 * ms}, {20 * ms, 31 * ms}, {19 * ms, 30 * ms}}, CDFPoints), Timeline: tl, Series: series},
		{Name: "second/odd name", Kind: "blocking", Color: 3, Tasks: 2, Makespan: 0.5, MakespanCI95: 0, Latencies: 6,
			CDF: LatencyCDF([][]sim.Time{{1 * ms, 500 * ms}, {2 * ms, 400 * ms}, {3 * ms, 450 * ms}}, CDFPoints), Timeline: tl, Series: series},
		{Name: "pool", Kind: "threaded", Color: 1, Tasks: 2, Makespan: 0.05, MakespanCI95: 0.001, Latencies: 3,
			CDF: LatencyCDF([][]sim.Time{{21 * ms}, {22 * ms}, {45 * ms}}, CDFPoints), Timeline: services(), Series: series},
	}}
}

// services returns a timeline with issue 13's features: a thread waiting
// for a pool's unit (acquiring), and attempts of every outcome, a retry
// among them.
// openSample is the sample as a workload of open arrivals, with latency
// percentiles.
func openSample() *Run {
	r := sample()
	r.Open = true
	for i := range r.Strategies {
		s := &r.Strategies[i]
		s.P50, s.P50CI95, s.P99, s.P99CI95 = 0.021*float64(i+1), 0.002, 0.03*float64(i+1), 0.004
	}
	return r
}

func services() *timeline.Timeline {
	ms := sim.Millisecond
	task := func(index int64, attempt int, o sim.Outcome, arrival, start, completion sim.Time) timeline.Task {
		return timeline.Task{Name: timeline.AttemptName("request", index, attempt), Index: index, Attempt: attempt,
			Outcome: o, Arrival: arrival, Start: start, Completion: completion}
	}
	return &timeline.Timeline{From: 0, To: 40 * ms, End: 50 * ms, Cut: timeline.CutWindow, AllContexts: 2, AllTasks: 6,
		Contexts: []timeline.Context{
			{Name: "thread-0", Intervals: []timeline.Interval{iv(0, 1*ms, sim.Running), iv(1*ms, 20*ms, sim.InIO), iv(20*ms, 21*ms, sim.Running), iv(21*ms, 40*ms, sim.Idle)}},
			{Name: "thread-1", Intervals: []timeline.Interval{iv(0, 1*ms, sim.Waiting), iv(1*ms, 2*ms, sim.Running), iv(2*ms, 20*ms, sim.Acquiring), iv(20*ms, 35*ms, sim.InIO), iv(35*ms, 40*ms, sim.Idle)}},
		},
		Tasks: []timeline.Task{
			task(0, 0, sim.OutcomeDone, 0, 0, 21*ms),
			task(1, 0, sim.OutcomeLate, 0, 0, 36*ms),
			task(2, 0, sim.OutcomeRejected, 0, 0, 0),
			task(3, 0, sim.OutcomeAbandoned, 1*ms, 11*ms, 11*ms),
			task(1, 1, sim.OutcomeDone, 15*ms, 36*ms, 45*ms),
			task(4, 0, sim.OutcomeRejected, 39*ms, 41*ms, 41*ms),
		},
	}
}

// classes returns a run of three classes (a fast health check, an API
// call, a slow report) under n strategies, each a little slower than the
// one before, with two replications.
func classes(n int) *Run {
	ms := sim.Millisecond
	r := &Run{Workload: "endpoints", Cores: 4, Replications: 2, Classes: []string{"health", "api", "report"}}
	base := []sim.Time{1 * ms, 20 * ms, 400 * ms}
	for i := range n {
		s := Strategy{Name: "strategy-" + strconv.Itoa(i), Kind: "threaded", Color: i, Tasks: 30, Makespan: 2 + float64(i)/4}
		var all [][]sim.Time
		for _, b := range base {
			var reps [][]sim.Time
			for rep := range 2 {
				var l []sim.Time
				for j := range 5 {
					l = append(l, b*sim.Time(10+j+5*rep)/10*sim.Time(10+3*i)/10)
				}
				reps = append(reps, l)
				all = append(all, l)
			}
			s.Classes = append(s.Classes, ClassLatencies{Latencies: 10, CDF: LatencyCDF(reps, CDFPoints)})
		}
		s.Latencies, s.CDF = 30, LatencyCDF(all, CDFPoints)
		r.Strategies = append(r.Strategies, s)
	}
	return r
}

// files writes the run's data files and a summary.json into a file
// system.
func files(t testing.TB, r *Run) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range DataFiles() {
		if f.For != nil && !f.For(r) {
			continue
		}
		var b bytes.Buffer
		if err := f.Write(&b, r); err != nil {
			t.Fatal(err)
		}
		fsys[f.Name] = &fstest.MapFile{Data: b.Bytes()}
	}
	var sum strings.Builder
	fmt.Fprintf(&sum, `{"workload": %q, "seed": 1, "replications": %d, "results": [`, r.Workload, r.Replications)
	for i, s := range r.Strategies {
		if i > 0 {
			sum.WriteString(",")
		}
		fmt.Fprintf(&sum, `{"strategy": %q, "makespan_s": %v, "makespan_s_ci95": %v, "latency_p50_s": %v, "latency_p50_s_ci95": %v, `+
			`"latency_p99_s": %v, "latency_p99_s_ci95": %v}`, s.Name, s.Makespan, s.MakespanCI95, s.P50, s.P50CI95, s.P99, s.P99CI95)
	}
	sum.WriteString("]}")
	fsys[SummaryJSON] = &fstest.MapFile{Data: []byte(sum.String())}
	return fsys
}

// TestRender renders every figure in every format: a PNG of the asked
// size, well-formed SVG, and the same bytes on every rendering.
func TestRender(t *testing.T) {
	r := sample()
	figs := RunFigures(r)
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	want := []string{"makespan", "latency", "utilization", "timeline-first", "timeline-second%2Fodd%20name", "timeline-pool"}
	if !slices.Equal(names, want) {
		t.Fatalf("figures %v; want %v", names, want)
	}
	for _, f := range figs {
		for _, size := range [][2]int{{WidthPx, HeightPx}, {640, 480}} {
			data, err := f.Render(PNG, size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if b := img.Bounds(); b.Dx() != size[0] || b.Dy() != size[1] {
				t.Errorf("%s: %dx%d image; want %dx%d", f.Name, b.Dx(), b.Dy(), size[0], size[1])
			}
		}
		svg, err := f.Render(SVG, WidthPx, HeightPx)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(svg))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s.svg is not XML: %v", f.Name, err)
			}
		}
		pdf, err := f.Render(PDF, WidthPx, HeightPx)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := f.Render(PDF, WidthPx, HeightPx)
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Equal(pdf, again) {
			t.Errorf("%s.pdf: not a PDF, or differs between renderings", f.Name)
		}
	}
	if _, err := figs[0].Render("gif", WidthPx, HeightPx); err == nil {
		t.Error("Render(gif) succeeded")
	}
	if _, err := figs[0].Render(PNG, 10, 10); err == nil {
		t.Error("Render at 10x10 succeeded")
	}
}

// TestReadRun checks that the data files read back into the same
// figures, byte for byte.
func TestReadRun(t *testing.T) {
	for _, r := range []*Run{sample(), openSample()} {
		back, err := ReadRun(files(t, r))
		if err != nil {
			t.Fatal(err)
		}
		a, b := RunFigures(r), RunFigures(back)
		if len(a) != len(b) {
			t.Fatalf("%d figures read back; want %d", len(b), len(a))
		}
		for i := range a {
			x, _ := a[i].Render(PNG, WidthPx, HeightPx)
			y, _ := b[i].Render(PNG, WidthPx, HeightPx)
			if a[i].Name != b[i].Name || !bytes.Equal(x, y) {
				t.Errorf("open %v: %s: the figure drawn from the files differs", r.Open, a[i].Name)
			}
		}
		if r.Open && a[0].Name != PercentilesName {
			t.Errorf("open run: first figure %s; want %s", a[0].Name, PercentilesName)
		}
	}
	r := sample()
	// Broken files are errors that name the file.
	for name, data := range map[string]string{
		LatencyCSV:     "strategy,latency_s,count,fraction\nfirst,abc,1,1\n",
		UtilizationCSV: "strategy,start_s\n",
		TimelineCSV:    "strategy,kind,row,state,start_s,end_s\nnobody,context,x,running,0,1\n",
		FiguresJSON:    "{",
		SummaryJSON:    `{"workload": "other", "results": []}`,
	} {
		fsys := files(t, r)
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
		if _, err := ReadRun(fsys); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("ReadRun with a broken %s: error %v; want one naming the file", name, err)
		}
	}
}

// TestEmptyRun draws figures of a run without data.
func TestEmptyRun(t *testing.T) {
	runs := []*Run{
		{Workload: "empty"},
		{Workload: "bare", Cores: 1, Replications: 1, Strategies: []Strategy{{Name: "s", Kind: "blocking"}}},
	}
	for _, r := range runs {
		for _, f := range RunFigures(r) {
			if _, err := f.Render(PNG, MinWidth, MinHeight); err != nil {
				t.Errorf("%s %s: %v", r.Workload, f.Name, err)
			}
		}
	}
}

// TestTimelineKinds checks that every state of a context has its own
// colour and legend label, apart from the kinds of task spans (issue 13
// numbered Acquiring after Blocked, where the task kinds began).
func TestTimelineKinds(t *testing.T) {
	kinds := timelineKinds()
	seen := map[color.Color]string{}
	for _, st := range sim.States() {
		if int(st) >= kindQueued {
			t.Fatalf("state %v has kind %d, among the task kinds (from %d)", st, st, kindQueued)
		}
		if stateLabels[st] == "" {
			t.Errorf("state %v has no legend label", st)
		}
		if st == sim.Idle {
			continue
		}
		c := kinds[st].color
		if _, _, _, a := c.RGBA(); a == 0 {
			t.Errorf("state %v is transparent", st)
		}
		if other, ok := seen[c]; ok {
			t.Errorf("states %v and %s share a colour", st, other)
		}
		seen[c] = st.String()
	}
	for _, l := range taskLegend {
		if other, ok := seen[kinds[l.kind].color]; ok && kinds[l.kind].glyph == nil {
			t.Errorf("%q shares its colour with %s", l.label, other)
		}
	}
}

// TestLatencyByClass checks that a run of several classes gets the
// latency figure by class, which its data files give back byte for
// byte, and that one without latencies per class (an engine before issue
// 13) or of one class does not.
func TestLatencyByClass(t *testing.T) {
	r := classes(8)
	var names []string
	for _, f := range RunFigures(r) {
		names = append(names, f.Name)
	}
	if want := []string{MakespanName, LatencyName, LatencyByClassName, UtilizationName}; !slices.Equal(names[:4], want) {
		t.Errorf("figures %v; want %v first", names, want)
	}
	for _, tt := range []struct {
		name string
		edit func(r *Run)
	}{
		{"no latencies per class", func(r *Run) { r.Strategies[1].Classes = nil }},
		{"one class", func(r *Run) { r.Classes = r.Classes[:1] }},
		{"sample", func(r *Run) { *r = *sample() }},
	} {
		r := classes(2)
		tt.edit(r)
		for _, f := range RunFigures(r) {
			if f.Name == LatencyByClassName {
				t.Errorf("%s: a latency figure by class", tt.name)
			}
		}
		if _, ok := files(t, r)[LatencyByClassCSV]; ok {
			t.Errorf("%s: %s written", tt.name, LatencyByClassCSV)
		}
	}

	fsys := files(t, r)
	back, err := ReadRun(fsys)
	if err != nil {
		t.Fatal(err)
	}
	a, b := LatencyByClassFigure(r), LatencyByClassFigure(back)
	for _, size := range [][2]int{{WidthPx, HeightPx}, {640, 480}, {MinWidth, MinHeight}} {
		x, err := a.Render(PNG, size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		if y, _ := b.Render(PNG, size[0], size[1]); !bytes.Equal(x, y) {
			t.Errorf("%dx%d: the figure drawn from the files differs", size[0], size[1])
		}
	}

	for _, tt := range []struct {
		name, data, want string
	}{
		{LatencyByClassCSV, "", "figures.json:"}, // removed: figures.json lists classes
		{LatencyByClassCSV, "strategy,class,latency_s,count,fraction\nstrategy-0,db,0.001,1,1\n", "latency_by_class.csv:2:12: class \"db\" is not in figures.json"},
		{LatencyByClassCSV, "strategy,class,latency_s,count,fraction\nstrategy-0,api,0.002,1,0.5\nstrategy-0,api,0.001,2,1\n", "latency_by_class.csv:3:16: strategy \"strategy-0\", class \"api\": the points are not in increasing order"},
		{FiguresJSON, strings.Replace(string(fsys[FiguresJSON].Data), `"api"`, `"health"`, 1), "figures.json:138:5: class \"health\" listed twice"}, // 6 lines before the strategies, 16 for each of 8, 2 to close them and open the classes: health on line 137, api on 138
	} {
		broken := files(t, r)
		if tt.data == "" {
			delete(broken, tt.name)
		} else {
			broken[tt.name] = &fstest.MapFile{Data: []byte(tt.data)}
		}
		if _, err := ReadRun(broken); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ReadRun with a broken %s: %v; want %q", tt.name, err, tt.want)
		}
	}
}

// TestNiceTicks checks the labels of round ticks: the decimals their step
// needs after scaling (20%, not 20.0%, for a step of 0.2 shown ×100),
// exponents where plain decimals would not fit (the FuzzFigures failure
// of issue 13: a 1e99 error bar labelled with 100-digit numbers), and a
// few ticks at most for a span too large to cut.
func TestNiceTicks(t *testing.T) {
	tests := []struct {
		t      niceTicks
		lo, hi float64
		want   []string
	}{
		{niceTicks{}, 0, 10, []string{"0", "2", "4", "6", "8", "10"}},
		{niceTicks{}, 0, 0.5, []string{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5"}},
		{niceTicks{suffix: "%", scale: 100}, 0, 1, []string{"0%", "20%", "40%", "60%", "80%", "100%"}},
		// An axis reaching 10,000 groups every label's thousands.
		{niceTicks{}, 0, 25000, []string{"0", "5,000", "10,000", "15,000", "20,000", "25,000"}},
		{niceTicks{}, 0, 5000, []string{"0", "1000", "2000", "3000", "4000", "5000"}},
		// No range at 1e19: a step of 1 is below the values' precision
		// (k+1 = k there), so the end alone, in an exponent with the four
		// digits a thousandth of it needs (FuzzFigures hung on this).
		{niceTicks{}, 1e19, 1e19, []string{"1e+19"}},
		{niceTicks{}, -1e99, 1e99, []string{"-1e+99", "-5e+98", "0", "5e+98", "1e+99"}},
		{niceTicks{}, 0, 3e-10, []string{"0", "5e-11", "1e-10", "1.5e-10", "2e-10", "2.5e-10", "3e-10"}},
		// The step is the largest number (1.8e308, one digit: "2e+308"):
		// its multiples -1, 0 and 1, where the loop used to run forever.
		{niceTicks{}, -math.MaxFloat64, math.MaxFloat64, []string{"-2e+308", "0", "2e+308"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range tt.t.Ticks(tt.lo, tt.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%+v.Ticks(%g, %g) = %q; want %q", tt.t, tt.lo, tt.hi, got, tt.want)
		}
	}
}

// TestNiceTicksAtLeastThree checks that an axis asked for two parts still
// gets three labelled ticks, from which a reader can tell its step, when
// the round step for two parts overshoots its range: 0 to 4,113 (tasks in
// flight in retry-storm without retries) was labelled 0 alone, with a step
// of 5,000; two parts of 0 to 99 are a step of 50, two ticks, and four
// parts the same step, so eight parts give 0, 20, … 80.
func TestNiceTicksAtLeastThree(t *testing.T) {
	for _, hi := range []float64{4113.13, 1, 99, 0.0042, 7_400_000} {
		ticks := niceTicks{parts: 2}.Ticks(0, hi)
		if len(ticks) < 3 {
			t.Errorf("0 to %v in two parts: ticks %v; want at least three", hi, ticks)
		}
		for _, tk := range ticks {
			if tk.Value < 0 || tk.Value > hi {
				t.Errorf("0 to %v: tick %v outside the range", hi, tk.Value)
			}
		}
	}
}

// rows returns n Gantt rows named row-0 to row-(n-1), without spans.
func rows(n int) []grow {
	out := make([]grow, n)
	for i := range out {
		out[i] = grow{name: fmt.Sprint("row-", i)}
	}
	return out
}

// TestGanttRowsTooThin checks that layoutGantt refuses a panel whose rows
// would be thinner than rowHeight rather than drawing them as
// hairlines under overlapping labels: 8 context rows and 40 task rows in
// a 140-point stack left the task rows 0.3 points each (the retry-storm
// timeline at 900×600). The 48 rows need 48 × rowHeight (11.2) = 538
// points and the axes 50: 560 points are too few, 600 enough.
func TestGanttRowsTooThin(t *testing.T) {
	for _, tt := range []struct {
		height vg.Length
		fits   bool
	}{{140, false}, {560, false}, {600, true}} {
		panels := []*ganttPanel{{rows: rows(8), p: newPlot()}, {rows: rows(40), p: newPlot()}}
		c := draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: 600, Y: tt.height}}}
		_, ok := layoutGantt(c, panels, "virtual time (s)")
		if ok != tt.fits {
			t.Errorf("%v points: fits %v; want %v (task rows %.2f points)", tt.height, ok, tt.fits, panels[1].rowH)
		}
		if ok && panels[1].rowH < rowHeight {
			t.Errorf("%v points: task rows %v points, thinner than %v", tt.height, panels[1].rowH, rowHeight)
		}
	}
}

// TestFitRows checks how the rows of a timeline figure share a height
// too small for all of them at rowHeight: under the panels' axes and the
// gap between them, the task rows get half the rows that fit, or all the
// rows the contexts leave.
func TestFitRows(t *testing.T) {
	panels := func(nCtx, nTask int) []*ganttPanel {
		var ps []*ganttPanel
		if nCtx > 0 {
			ps = append(ps, &ganttPanel{rows: rows(nCtx), p: newPlot()})
			ps[len(ps)-1].p.Y.Label.Text = "contexts"
		}
		ps = append(ps, &ganttPanel{rows: rows(nTask), p: newPlot(), tasks: true})
		ps[len(ps)-1].p.Y.Label.Text = "tasks (by arrival)"
		return ps
	}
	// axes returns the height of the panels' axes and the gap between them.
	axes := func(nCtx, nTask int) vg.Length {
		ps := panels(nCtx, nTask)
		c := draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: 600, Y: 1000}}}
		stackAxes(c, ps, "virtual time (s)")
		h := vg.Length(ganttGap * (len(ps) - 1))
		for _, pn := range ps {
			h += pn.extra
		}
		return h
	}
	for _, tt := range []struct {
		rows             float64
		nCtx, nTask      int
		wantCtx, wantTsk int
	}{
		{48.5, 8, 40, 8, 40},   // room for every row
		{20.5, 8, 40, 8, 12},   // 20 rows: 12 left by the 8 contexts, more than 10
		{20.5, 24, 40, 10, 10}, // 20 rows: half each
		{20.5, 0, 40, 0, 20},   // no contexts: the tasks take all 20
		// 3 tasks: the contexts take the other rows, less those that make
		// the task panel as tall as its label (see below).
		{20.5, 24, 3, 17, 3},
	} {
		if tt.nTask == 3 {
			label := newPlot().Y.Label.TextStyle.Width("tasks (by arrival)") + 4
			tt.wantCtx -= int(math.Ceil(float64((label - 3*rowHeight) / rowHeight)))
		}
		h := axes(tt.nCtx, tt.nTask) + vg.Length(tt.rows)*rowHeight
		c := draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: 600, Y: h}}}
		ctx, tasks := fitRows(c, panels(tt.nCtx, tt.nTask), "virtual time (s)")
		if ctx != tt.wantCtx || tasks != tt.wantTsk {
			t.Errorf("room for %.1f rows, %d contexts, %d tasks: rows %d and %d; want %d and %d",
				tt.rows, tt.nCtx, tt.nTask, ctx, tasks, tt.wantCtx, tt.wantTsk)
		}
	}
}

// TestScale checks the resolution and layout canvas of figure sizes: 150
// dpi times the smaller of width/1200 and height/800, rounded, and the
// pixels at that resolution in points (72 an inch).
func TestScale(t *testing.T) {
	for _, tt := range []struct {
		w, h, dpi int
		lw, lh    vg.Length
	}{
		{1200, 800, 150, 576, 384},
		{2400, 1600, 300, 576, 384},
		{600, 400, 75, 576, 384},
		{2400, 800, 150, 1152, 384},  // twice as wide: a wider canvas
		{600, 8000, 75, 576, 7680},   // tall: 8000 × 72 / 75
		{1000, 700, 125, 576, 403.2}, // 150 × 1000/1200 = 125; 700 × 72 / 125
	} {
		if dpi := Scale(tt.w, tt.h); dpi != tt.dpi {
			t.Errorf("Scale(%d, %d) = %d; want %d", tt.w, tt.h, dpi, tt.dpi)
		}
		if lw, lh := LayoutSize(tt.w, tt.h); math.Abs(float64(lw-tt.lw)) > 1e-9 || math.Abs(float64(lh-tt.lh)) > 1e-9 {
			t.Errorf("LayoutSize(%d, %d) = %v×%v; want %v×%v", tt.w, tt.h, lw, lh, tt.lw, tt.lh)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	tests := []struct {
		xs   []float64
		want []string // the xs formatted
	}{
		// The smallest in ms (17.26) has two digits, the largest
		// (13078.99 ms) five: 4 − 2 = 2 decimals, at most 6 − 5 = 1.
		{[]float64{0.01726, 13.07899}, []string{"17.3 ms", "13079.0 ms"}},
		// In seconds: 4 − 1 = 3 decimals, at most 6 − 2 = 4.
		{[]float64{1.011, 10.02}, []string{"1.011 s", "10.020 s"}},
		// 100 s is 10⁸ µs, nine digits in the smallest's unit: the unit is
		// the largest's, s; 4 − (−3) = 7 decimals for 0.0006 s, at most
		// 6 − 3 = 3.
		{[]float64{0.0006, 100}, []string{"0.001 s", "100.000 s"}},
		// Nothing but zeros.
		{[]float64{0, 0}, []string{"0 ns", "0 ns"}},
	}
	for _, tt := range tests {
		f := newTimeFormat(tt.xs)
		for i, x := range tt.xs {
			if got := f.format(x); got != tt.want[i] {
				t.Errorf("newTimeFormat(%v).format(%v) = %q; want %q", tt.xs, x, got, tt.want[i])
			}
		}
	}
}

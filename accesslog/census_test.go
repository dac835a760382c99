package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// load reads log with both passes and returns the summary and each
// class's trace.
func load(t *testing.T, log []byte, opt Options) (*Summary, []string) {
	t.Helper()
	c, err := Count(bytes.NewReader(log), opt)
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	bufs := make([]bytes.Buffer, len(c.Classes))
	ws := make([]io.Writer, len(bufs))
	for i := range bufs {
		ws[i] = &bufs[i]
	}
	s, err := c.Replay(bytes.NewReader(log), ws)
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	traces := make([]string, len(bufs))
	for i := range bufs {
		traces[i] = bufs[i].String()
	}
	return s, traces
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func opts(top int) Options {
	return Options{Top: top, SampleCap: DefaultSampleCap, Seed: 1}
}

// classLine words a class and its trace for comparison.
func classLine(s *Summary, i int, trace string) string {
	c, d := s.Classes[i], s.Durations[i]
	return fmt.Sprintf("%s %q n=%d e=%d mean=%.6g p50=%g p99=%g max=%g trace=%q",
		c.Name, c.Endpoint, c.Count, c.Endpoints, d.Mean, d.P50, d.P99, d.Max, trace)
}

func TestImportNginx(t *testing.T) {
	s, traces := load(t, readTestdata(t, "small-nginx.log"), opts(2))
	// Lines 1-2 were logged at 10:00:00, so they are spread to .25 and .75
	// and arrived their request time earlier: 0.15 and 0.45; line 3 at
	// 1.5-0.05 = 1.45; lines 5-6 at 2.25-0.2 = 2.05 and 2.75-0.5 = 2.25.
	// Line 4 has no request and line 7 a "-" request time. The first
	// arrival, 0.15, is the traces' zero; the span is 2.25-0.15 = 2.1. The
	// top 2 are GET /items/:id (3) and GET / (1, before POST /cart by
	// name); POST /cart is "other".
	if s.Format != Nginx || s.Lines != 7 || s.Parsed != 5 || s.Skipped != 2 || s.Whole != 5 || !s.Completion {
		t.Errorf("census = format %v, %d lines, %d parsed, %d skipped, %d whole, completion %v; want nginx, 7, 5, 2, 5, true",
			s.Format, s.Lines, s.Parsed, s.Skipped, s.Whole, s.Completion)
	}
	wantReasons := []Skip{{4, errNoRequest.Error()}, {7, errDash.Error()}}
	if !slices.Equal(s.Reasons, wantReasons) {
		t.Errorf("reasons = %v; want %v", s.Reasons, wantReasons)
	}
	if math.Abs(s.Span-2.1) > 1e-6 || s.PeakPerSecond != 2 || s.Reordered != 0 {
		t.Errorf("span %g, peak %d, reordered %d; want 2.1, 2 (at 0 and 0.3 s), 0", s.Span, s.PeakPerSecond, s.Reordered)
	}
	want := []string{
		// durations 0.1, 0.3, 0.5: mean 0.3, p50 the 2nd, p99 the 3rd.
		`get-items-id "GET /items/:id" n=3 e=1 mean=0.3 p50=0.3 p99=0.5 max=0.5 trace="0\n0.3\n2.1\n"`,
		`get-root "GET /" n=1 e=1 mean=0.05 p50=0.05 p99=0.05 max=0.05 trace="1.3\n"`,
		`other "" n=1 e=1 mean=0.2 p50=0.2 p99=0.2 max=0.2 trace="1.9\n"`,
	}
	for i := range want {
		if got := classLine(s, i, traces[i]); got != want[i] {
			t.Errorf("class %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestImportGunicorn(t *testing.T) {
	s, traces := load(t, readTestdata(t, "small-gunicorn.log"), opts(8))
	// Three lines at 10:00:00 spread to 1/6, 3/6, 5/6 minus 10, 12 and
	// 50 ms (%(D)s is microseconds): 0.156667, 0.488, 0.783333; the fourth
	// at 1.5-0.02 = 1.48. Relative to the first: 0, 0.331333, 0.626667,
	// 1.323333.
	if s.Format != Gunicorn || s.Parsed != 4 || s.Skipped != 0 {
		t.Errorf("format %v, %d parsed, %d skipped; want gunicorn, 4, 0", s.Format, s.Parsed, s.Skipped)
	}
	want := []string{
		`get-fast "GET /fast" n=2 e=1 mean=0.011 p50=0.01 p99=0.012 max=0.012 trace="0\n0.331333\n"`,
		`get-items-id "GET /items/:id" n=1 e=1 mean=0.02 p50=0.02 p99=0.02 max=0.02 trace="1.323333\n"`,
		`get-slow "GET /slow" n=1 e=1 mean=0.05 p50=0.05 p99=0.05 max=0.05 trace="0.626667\n"`,
	}
	if len(s.Classes) != len(want) {
		t.Fatalf("%d classes; want %d (no other: 3 endpoints, top 8)", len(s.Classes), len(want))
	}
	for i := range want {
		if got := classLine(s, i, traces[i]); got != want[i] {
			t.Errorf("class %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestImportCSV(t *testing.T) {
	s, traces := load(t, readTestdata(t, "small.csv"), opts(8))
	// A csv timestamp is the arrival: 10.5 and 11.25 as given, 11 (whole)
	// spread to 11.5; relative to 10.5: 0, 0.75, 1.
	if s.Format != CSV || s.Lines != 4 || s.Header != 1 || s.Parsed != 3 || s.Skipped != 0 || s.Whole != 1 || s.Completion {
		t.Errorf("census = %v, %d lines, %d header, %d parsed, %d skipped, %d whole, completion %v; want csv, 4, 1, 3, 0, 1, false",
			s.Format, s.Lines, s.Header, s.Parsed, s.Skipped, s.Whole, s.Completion)
	}
	want := []string{
		`b "/b" n=1 e=1 mean=1 p50=1 p99=1 max=1 trace="1\n"`,
		`get-a "GET /a" n=1 e=1 mean=0.1 p50=0.1 p99=0.1 max=0.1 trace="0\n"`,
		`get-a-id "GET /a/:id" n=1 e=1 mean=0.05 p50=0.05 p99=0.05 max=0.05 trace="0.75\n"`,
	}
	for i := range want {
		if got := classLine(s, i, traces[i]); got != want[i] {
			t.Errorf("class %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestImportForcedFormat(t *testing.T) {
	// Read as nginx's, gunicorn's %(D)s integers are seconds.
	s, _ := load(t, readTestdata(t, "small-gunicorn.log"), Options{Format: Nginx, Top: 8, SampleCap: 10, Seed: 1})
	if s.Format != Nginx || s.Durations[0].Max != 12000 {
		t.Errorf("format %v, max %g; want nginx, 12000 (seconds)", s.Format, s.Durations[0].Max)
	}
	// A combined log read as csv parses no line.
	_, err := Count(bytes.NewReader(readTestdata(t, "small-nginx.log")), Options{Format: CSV, Top: 8, SampleCap: 10})
	if !errors.Is(err, ErrNoLines) || !strings.Contains(err.Error(), "line 1: not timestamp,path,duration") {
		t.Errorf("Count(nginx as csv) error = %v", err)
	}
}

func TestImportNoLines(t *testing.T) {
	tests := []struct{ name, log, want string }{
		{"garbage", "hello\nworld 1 2\n", ErrNoLines.Error() + `; line 1: ` + errNoRequest.Error() + `; line 2: ` + errNoRequest.Error()},
		{"empty", "", ErrNoLines.Error() + "; the log is empty"},
		{"header only", "timestamp,path,duration\n", ErrNoLines.Error() + "; the log is empty"},
		{"no request times", `1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "-"` + "\n",
			ErrNoLines.Error() + "; line 1: " + errNoDuration.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Count(strings.NewReader(tt.log), opts(8))
			if !errors.Is(err, ErrNoLines) || err.Error() != tt.want {
				t.Errorf("Count error = %v; want %s", err, tt.want)
			}
		})
	}
}

func TestImportKeepsFirstReasons(t *testing.T) {
	log := strings.Repeat("junk\n", 9) + "1,/a,1\n"
	s, _ := load(t, []byte(log), opts(8))
	if s.Skipped != 9 || len(s.Reasons) != maxReasons || s.Reasons[maxReasons-1].Line != maxReasons {
		t.Errorf("skipped %d, reasons %v; want 9 skipped, the first %d kept", s.Skipped, s.Reasons, maxReasons)
	}
}

func TestImportLongLine(t *testing.T) {
	log := "1,/a,1\n2," + strings.Repeat("x", maxLineBytes+10) + ",1\n3,/a,1\n"
	s, traces := load(t, []byte(log), opts(8))
	if s.Lines != 3 || s.Parsed != 2 || s.Skipped != 1 || s.Reasons[0].Line != 2 || !strings.Contains(s.Reasons[0].Reason, "longer than") {
		t.Errorf("lines %d, parsed %d, skipped %d, reasons %v; want 3, 2, 1, line 2 too long", s.Lines, s.Parsed, s.Skipped, s.Reasons)
	}
	// Whole seconds 1 and 3 spread to 1.5 and 3.5: relative 0 and 2.
	if traces[0] != "0\n2\n" {
		t.Errorf("trace = %q; want 0 and 2", traces[0])
	}
}

func TestImportTopN(t *testing.T) {
	// Endpoint k (1..5) has k requests; the top 2 are /e5 and /e4, and
	// "other" folds /e1, /e2 and /e3: 6 requests, 3 endpoints.
	var b strings.Builder
	for k := 1; k <= 5; k++ {
		for i := 0; i < k; i++ {
			fmt.Fprintf(&b, "%d.5,/e%d,0.01\n", 100+10*k+i, k)
		}
	}
	s, _ := load(t, []byte(b.String()), opts(2))
	var got []string
	for _, c := range s.Classes {
		got = append(got, fmt.Sprintf("%s:%d/%d", c.Name, c.Count, c.Endpoints))
	}
	if want := "e5:5/1 e4:4/1 other:6/3"; strings.Join(got, " ") != want {
		t.Errorf("classes = %s; want %s", strings.Join(got, " "), want)
	}
	// With as many classes as endpoints there is no "other".
	s, _ = load(t, []byte(b.String()), opts(5))
	if n := len(s.Classes); n != 5 || s.Classes[4].Name != "e1" {
		t.Errorf("top 5: %d classes, last %q; want 5, e1", n, s.Classes[n-1].Name)
	}
}

func TestImportReorders(t *testing.T) {
	base := 1700000000.0
	line := func(done, d float64, path string) string {
		return fmt.Sprintf(`1.2.3.4 - - %.3f "GET %s HTTP/1.1" 200 1 "-" "-" %.3f`+"\n", base+done, path, d)
	}
	// Logged at completion: /b arrives at 2 (logged at 10, 8 s long),
	// before /a (logged at 5): reordered within the window. /c arrives at
	// 100; /d at 200 writes /a, /b and /c (at least 30 s older); /e,
	// logged at 200.5 after 150 s, arrived at 50.5, before /c was written:
	// moved forward to 100.
	log := line(5, 0, "/a") + line(10, 8, "/b") + line(100, 0, "/c") + line(200, 0, "/d") + line(200.5, 150, "/e")
	s, traces := load(t, []byte(log), opts(8))
	got := map[string]string{}
	for i, c := range s.Classes {
		got[c.Name] = strings.TrimSpace(traces[i])
	}
	// Relative to the first arrival, 2: /a 3, /b 0, /c 98, /d 198, /e 98.
	want := map[string]string{"get-a": "3", "get-b": "0", "get-c": "98", "get-d": "198", "get-e": "98"}
	if fmt.Sprint(got) != fmt.Sprint(want) || s.Reordered != 1 || s.Whole != 0 {
		t.Errorf("traces %v, reordered %d, whole %d; want %v, 1, 0", got, s.Reordered, s.Whole, want)
	}
}

func TestImportDeterministic(t *testing.T) {
	// Sampling 100 of 1000 durations depends on the seed only.
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "%d,/a,%d\n", i, i)
	}
	log := []byte(b.String())
	small := Options{Top: 8, SampleCap: 100, Seed: 7}
	s1, t1 := load(t, log, small)
	s2, t2 := load(t, log, small)
	if !slices.Equal(s1.Durations[0].Sample, s2.Durations[0].Sample) || t1[0] != t2[0] {
		t.Error("two readings with one seed differ")
	}
	small.Seed = 8
	s3, _ := load(t, log, small)
	if slices.Equal(s1.Durations[0].Sample, s3.Durations[0].Sample) {
		t.Error("seeds 7 and 8 sampled the same durations")
	}
	if len(s1.Durations[0].Sample) != 100 || s1.Durations[0].Max != 999 || s1.Durations[0].Mean != 499.5 {
		t.Errorf("sample of %d, max %g, mean %g; want 100, 999, 499.5 (max and mean over all)",
			len(s1.Durations[0].Sample), s1.Durations[0].Max, s1.Durations[0].Mean)
	}
}

func TestReservoirUniform(t *testing.T) {
	// k = 1000 of the values 0..N-1, N = 10000, uniformly without
	// replacement: the sample mean has mean (N-1)/2 = 4999.5 and standard
	// deviation sqrt((N²-1)/12 / k · (N-k)/(N-1)) ≈ 86.6; the share below
	// N/2 has mean 1/2 and standard deviation about sqrt(1/4/k) ≈ 0.0158.
	// Tolerance: 4 standard deviations.
	const n, k = 10000, 1000
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,/a,%d\n", i, i)
	}
	s, _ := load(t, []byte(b.String()), Options{Top: 1, SampleCap: k, Seed: 3})
	sample := s.Durations[0].Sample
	var sum float64
	below := 0
	for i, v := range sample {
		sum += v
		if v < n/2 {
			below++
		}
		if i > 0 && v == sample[i-1] {
			t.Fatalf("value %g sampled twice", v)
		}
	}
	sd := math.Sqrt((n*n - 1) / 12.0 / k * (n - k) / (n - 1))
	if mean := sum / k; math.Abs(mean-4999.5) > 4*sd {
		t.Errorf("sample mean %g; want 4999.5 ± %.0f", mean, 4*sd)
	}
	if share := float64(below) / k; math.Abs(share-0.5) > 4*math.Sqrt(0.25/k) {
		t.Errorf("share below %d = %g; want 0.5 ± %.3f", n/2, share, 4*math.Sqrt(0.25/k))
	}
}

func TestImportSample(t *testing.T) {
	r, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	log, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	s, traces := load(t, log, opts(DefaultTop))
	// The generator writes a day of nginx lines, five of them garbage and
	// one cut short (internal/samplegen).
	if s.Format != Nginx || s.Skipped != 5 || len(s.Classes) != DefaultTop+1 || s.Span < 23*3600 {
		t.Errorf("sample: %v, %d skipped, %d classes, span %gs; want nginx, 5, %d, about a day", s.Format, s.Skipped, len(s.Classes), s.Span, DefaultTop+1)
	}
	for i, tr := range traces {
		if int64(strings.Count(tr, "\n")) != s.Classes[i].Count {
			t.Errorf("class %s: %d trace lines for %d requests", s.Classes[i].Name, strings.Count(tr, "\n"), s.Classes[i].Count)
		}
	}
}

func TestCountOptions(t *testing.T) {
	for _, o := range []Options{{Top: 0, SampleCap: 1}, {Top: MaxTop + 1, SampleCap: 1}, {Top: 1, SampleCap: 0}, {Top: 1, SampleCap: MaxSampleCap + 1}} {
		if _, err := Count(strings.NewReader("1,/a,1\n"), o); err == nil {
			t.Errorf("Count(%+v) accepted", o)
		}
	}
}

func TestReplayWriters(t *testing.T) {
	log := []byte("1,/a,1\n")
	c, err := Count(bytes.NewReader(log), opts(8))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Replay(bytes.NewReader(log), nil); err == nil {
		t.Error("Replay with no writers accepted")
	}
	boom := errors.New("boom")
	if _, err := c.Replay(bytes.NewReader(log), []io.Writer{failWriter{boom}}); !errors.Is(err, boom) {
		t.Errorf("Replay error = %v; want boom", err)
	}
	if _, err := c.Replay(strings.NewReader("1,/a,1\n2,/a,1\n"), []io.Writer{io.Discard}); err == nil || !strings.Contains(err.Error(), "changed between") {
		t.Errorf("Replay of a changed log error = %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

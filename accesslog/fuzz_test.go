package accesslog

import (
	"bytes"
	"io"
	"math"
	"testing"
)

// FuzzLogLine checks the line parsers on any bytes: a line parses, with a
// finite time, a duration from 0 to MaxDuration and a target, or gets a
// reason; and a log of such lines reads in both passes, its traces
// non-decreasing.
func FuzzLogLine(f *testing.F) {
	for _, s := range []string{
		`203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /items/42?x=1 HTTP/1.1" 200 512 "-" "curl/8.5.0" 0.012 0.010`,
		`2001:db8::1 - - [10/Oct/2026:13:55:36 +0000] "GET /my files/\"x\" HTTP/1.1" 404 0 "-" "-" 0.250 -`,
		`1700000000.123 198.51.100.2 - - "GET /x HTTP/1.1" 200 1 "-" "-" 0.250`,
		`127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /fast HTTP/1.1" 200 2 "-" "python-urllib/3.11" 10234`,
		`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "-" 400 0 "-" "-" 0.000 -`,
		"2026-10-10T15:55:36.25+02:00,\"/a,\"\"b\"\"\",1.5",
		"1700000000.5,GET /items/7,250ms",
		"timestamp,path,duration",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, format := range []Format{Nginx, Gunicorn, CSV} {
			r, err := ParseLine(format, line)
			if err != nil {
				if err.Error() == "" {
					t.Fatalf("%v: empty reason", format)
				}
				continue
			}
			if math.IsNaN(r.Time) || math.IsInf(r.Time, 0) || math.IsNaN(r.Duration) || math.IsInf(r.Duration, 0) || r.Duration < 0 || r.Duration > MaxDuration {
				t.Fatalf("%v: ParseLine(%q) = time %v, duration %v", format, line, r.Time, r.Duration)
			}
			if len(r.Target) == 0 {
				t.Fatalf("%v: ParseLine(%q) has an empty target", format, line)
			}
		}
		if _, err := Detect(line); err != nil && err.Error() == "" {
			t.Fatal("Detect: empty reason")
		}
		log := bytes.Repeat(append(append([]byte{}, line...), '\n'), 3)
		c, err := Count(bytes.NewReader(log), Options{Top: 2, SampleCap: 2, Seed: 1})
		if err != nil {
			return
		}
		traces := make([]bytes.Buffer, len(c.Classes))
		ws := make([]io.Writer, len(traces))
		for i := range traces {
			ws[i] = &traces[i]
		}
		if _, err := c.Replay(bytes.NewReader(log), ws); err != nil {
			t.Fatalf("Replay: %v", err)
		}
		for _, tr := range traces {
			prev := -1.0
			for _, l := range bytes.Split(bytes.TrimSuffix(tr.Bytes(), []byte("\n")), []byte("\n")) {
				v, _, ok := decimal(l)
				if !ok || v < prev {
					t.Fatalf("trace line %q after %v", l, prev)
				}
				prev = v
			}
		}
	})
}

// BenchmarkParseLine measures the nginx line parser and the endpoint
// folding on a typical combined line.
func BenchmarkParseLine(b *testing.B) {
	line := []byte(`203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /products/3678?ref=mail HTTP/1.1" 200 14457 "https://shop.example/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15" 0.042 0.041`)
	var key []byte
	b.SetBytes(int64(len(line) + 1))
	b.ReportAllocs()
	for b.Loop() {
		r, err := ParseLine(Nginx, line)
		if err != nil {
			b.Fatal(err)
		}
		key = AppendEndpoint(key[:0], r.Method, r.Target)
	}
}

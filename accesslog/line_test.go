package accesslog

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// at is the Unix time of a UTC instant, as a CLF timestamp names it.
func at(year int, month time.Month, day, h, m, s int) float64 {
	return float64(time.Date(year, month, day, h, m, s, 0, time.UTC).Unix())
}

func TestParseLine(t *testing.T) {
	t0 := at(2026, time.October, 10, 13, 55, 36)
	tests := []struct {
		name   string
		format Format
		line   string
		want   Record // Method and Target compared as strings
		err    string // a substring of the error, or "" for none
	}{
		{"nginx combined with request and upstream time", Nginx,
			`203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /items/42?x=1 HTTP/1.1" 200 512 "-" "curl/8.5.0" 0.012 0.010`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/items/42?x=1"), Duration: 0.012}, ""},
		{"time zone east of UTC", Nginx,
			`203.0.113.7 - - [10/Oct/2026:15:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "-" 0.001`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/"), Duration: 0.001}, ""},
		{"IPv6 client, no upstream, CRLF", Nginx,
			"2001:db8::1 - alice [10/Oct/2026:13:55:36 +0000] \"POST /cart HTTP/2.0\" 201 0 \"https://x.example/\" \"Mozilla/5.0 (X11; Linux)\" 0.250 -\r",
			Record{Time: t0, Whole: true, End: true, Method: []byte("POST"), Target: []byte("/cart"), Duration: 0.25}, ""},
		{"quoted path with spaces and an escaped quote", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /my files/\"x\".txt HTTP/1.1" 404 0 "-" "a \"quoted\" agent" 0.003 0.002`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte(`/my files/\"x\".txt`), Duration: 0.003}, ""},
		{"upstream list of two tries", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 502 0 "-" "-" 0.120 0.050, 0.070`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/a"), Duration: 0.12}, ""},
		{"common format without referer and agent", Nginx,
			`198.51.100.2 - frank [10/Oct/2026:13:55:36 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326 0.005`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/apache_pb.gif"), Duration: 0.005}, ""},
		{"extra quoted field before the times", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-" "203.0.113.9" 0.030 0.029`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/a"), Duration: 0.03}, ""},
		{"$msec instead of $time_local", Nginx,
			`198.51.100.2 - - 1700000000.123 "GET /x HTTP/1.1" 200 1 "-" "-" 0.250 0.249`,
			Record{Time: 1700000000.123, End: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"$time_iso8601 in brackets", Nginx,
			`198.51.100.2 - - [2026-10-10T15:55:36+02:00] "GET /x HTTP/1.1" 200 1 "-" "-" 0.250`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"RFC 3339 with a fraction in brackets", Nginx,
			`198.51.100.2 - - [2026-10-10T13:55:36.125Z] "GET /x HTTP/1.1" 200 1 "-" "-" 0.250`,
			Record{Time: t0 + 0.125, End: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"$time_iso8601 bare", Nginx,
			`198.51.100.2 - - 2026-10-10T13:55:36+00:00 "GET /x HTTP/1.1" 200 1 "-" "-" 0.250`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"$msec leading the line", Nginx,
			`1700000000.123 198.51.100.2 - - "GET /x HTTP/1.1" 200 1 "-" "-" 0.250`,
			Record{Time: 1700000000.123, End: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"absolute-form target", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET http://shop.example/a?b HTTP/1.1" 200 1 "-" "-" 0.010`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("http://shop.example/a?b"), Duration: 0.01}, ""},
		{"no request time", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "curl/8"`, Record{}, "no request time"},
		{"request time dash", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "curl/8" -`, Record{}, `request time is "-"`},
		{"request time not a number", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-" 1e3`, Record{}, `request time "1e3" is not a number`},
		{"empty request line nginx logs for a 400", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "-" 400 0 "-" "-" 0.000 -`, Record{}, "request line is not"},
		{"TLS handshake on the HTTP port", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "\x16\x03\x01\x02\x00" 400 157 "-" "-" 0.001 -`, Record{}, "request line is not"},
		{"bad timestamp", Nginx,
			`198.51.100.2 - - [10/Okt/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-" 0.001`, Record{}, "timestamp [10/Okt/2026:13:55:36 +0000] is neither day/Mon/year:hh:mm:ss zone nor RFC 3339"},
		{"no timestamp", Nginx,
			`198.51.100.2 - - "GET /a HTTP/1.1" 200 1 "-" "-" 0.001`, Record{}, "no timestamp"},
		{"no status", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" ok 1 "-" "-" 0.001`, Record{}, "no status code"},
		{"no size", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 "-" "-" 0.001`, Record{}, "no response size"},
		{"cut short inside a quote", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0 (X1`, Record{}, "unclosed quote"},
		{"cut short inside the timestamp", Nginx, `198.51.100.2 - - [10/Oct/2026:13:5`, Record{}, "unclosed quote or bracket"},
		{"blank", Nginx, "   \r", Record{}, "blank line"},
		{"gunicorn %(D)s, microseconds", Gunicorn,
			`127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /fast HTTP/1.1" 200 2 "-" "python-urllib/3.11" 10234`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/fast"), Duration: 0.010234}, ""},
		{"gunicorn %(L)s, seconds", Gunicorn,
			`::1 - - [10/Oct/2026:13:55:36 +0000] "GET /slow?n=1 HTTP/1.1" 200 2 "-" "-" 0.050123`,
			Record{Time: t0, Whole: true, End: true, Method: []byte("GET"), Target: []byte("/slow?n=1"), Duration: 0.050123}, ""},
		{"gunicorn without its time", Gunicorn,
			`127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /fast HTTP/1.1" 200 2 "-" "python-urllib/3.11"`, Record{}, "no request time"},
		{"csv epoch with milliseconds", CSV, "1700000000.5,/items/7,0.02",
			Record{Time: 1700000000.5, Target: []byte("/items/7"), Duration: 0.02}, ""},
		{"csv RFC 3339, method, Go duration", CSV, "2026-10-10T13:55:36Z, GET /x ,250ms",
			Record{Time: t0, Whole: true, Method: []byte("GET"), Target: []byte("/x"), Duration: 0.25}, ""},
		{"csv RFC 3339 with fraction and zone, quoted path with a comma", CSV, `2026-10-10T15:55:36.25+02:00,"/a,""b""",1.5`,
			Record{Time: t0 + 0.25, Target: []byte(`/a,"b"`), Duration: 1.5}, ""},
		{"csv lowercase word before the path is the path", CSV, "1700000000,get /x,1",
			Record{Time: 1700000000, Whole: true, Target: []byte("get /x"), Duration: 1}, ""},
		{"csv bad timestamp", CSV, "yesterday,/a,1", Record{}, `timestamp "yesterday" is neither`},
		{"csv negative duration", CSV, "1,/a,-1s", Record{}, `duration "-1s" is negative`},
		{"csv bad duration", CSV, "1,/a,fast", Record{}, `duration "fast" is neither`},
		{"csv duration of 24 hours", CSV, "1,/a,24h", Record{Time: 1, Whole: true, Target: []byte("/a"), Duration: 86400}, ""},
		{"csv duration over 24 hours", CSV, "1,/a,24h0m0.001s", Record{}, "request time 86400.001s is over 24 hours"},
		{"nginx request time over 24 hours", Nginx,
			`198.51.100.2 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-" 90000.000`, Record{}, "request time 90000s is over 24 hours"},
		{"csv two fields", CSV, "1,/a", Record{}, "not timestamp,path,duration"},
		{"csv empty path", CSV, "1,,1", Record{}, "empty path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLine(tt.format, []byte(tt.line))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseLine error = %v; want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLine: %v", err)
			}
			if math.Abs(got.Time-tt.want.Time) > 1e-6 || got.Whole != tt.want.Whole || got.End != tt.want.End ||
				string(got.Method) != string(tt.want.Method) || string(got.Target) != string(tt.want.Target) ||
				math.Abs(got.Duration-tt.want.Duration) > 1e-12 {
				t.Errorf("ParseLine = {%.6f %v %v %q %q %g}; want {%.6f %v %v %q %q %g}",
					got.Time, got.Whole, got.End, got.Method, got.Target, got.Duration,
					tt.want.Time, tt.want.Whole, tt.want.End, tt.want.Method, tt.want.Target, tt.want.Duration)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		line string
		want Format
	}{
		// $request_time has three digits after the point.
		{`1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "-" 0.012 0.011`, Nginx},
		// %(D)s is an integer, %(L)s has six digits.
		{`1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "-" 12034`, Gunicorn},
		{`1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "-" 0.012034`, Gunicorn},
		{"1700000000.25,/a,0.1", CSV},
		{"2026-10-10T13:55:36Z,/a,10ms", CSV},
	}
	for _, tt := range tests {
		if got, err := Detect([]byte(tt.line)); err != nil || got != tt.want {
			t.Errorf("Detect(%q) = %v, %v; want %v", tt.line, got, err, tt.want)
		}
	}
	if f, err := Detect([]byte("hello world")); err == nil {
		t.Errorf("Detect(garbage) = %v, nil; want an error", f)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{Auto, Nginx, Gunicorn, CSV} {
		if got, err := ParseFormat(f.String()); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", f.String(), got, err, f)
		}
	}
	if _, err := ParseFormat("apache"); err == nil || !strings.Contains(err.Error(), "want auto, nginx, gunicorn or csv") {
		t.Errorf("ParseFormat(apache) error = %v", err)
	}
}

func TestParseLineNeedsFormat(t *testing.T) {
	if _, err := ParseLine(Auto, []byte("1,/a,1")); err == nil || errors.Is(err, errCSV) {
		t.Errorf("ParseLine(Auto) error = %v; want one asking for a format", err)
	}
}

func TestAppendEndpoint(t *testing.T) {
	tests := []struct{ method, target, want string }{
		{"GET", "/items/42", "GET /items/:id"},
		{"GET", "/items/42/", "GET /items/:id/"},
		{"GET", "/users/550e8400-e29b-41d4-a716-446655440000/orders", "GET /users/:id/orders"},
		{"GET", "/users/550E8400-E29B-41D4-A716-446655440000", "GET /users/:id"},
		{"GET", "/blobs/0123456789abcdef0123", "GET /blobs/:id"}, // 20 hex digits
		{"GET", "/blobs/0123456789abcdef", "GET /blobs/:id"},     // 16
		{"GET", "/blobs/0123456789abcde", "GET /blobs/0123456789abcde"},
		{"GET", "/commits/deadbeef", "GET /commits/deadbeef"}, // 8 hex digits: a word
		{"GET", "/v2/items", "GET /v2/items"},
		{"GET", "/items/42abc", "GET /items/42abc"},
		{"GET", "/users/550e8400-e29b-41d4-a716-44665544000g", "GET /users/550e8400-e29b-41d4-a716-44665544000g"},
		{"GET", "/search?q=1/2#top", "GET /search"},
		{"GET", "/a#frag", "GET /a"},
		{"GET", "http://shop.example/a/1?x", "GET /a/:id"},
		{"GET", "https://shop.example", "GET /"},
		{"GET", "?x=1", "GET /"},
		{"OPTIONS", "*", "OPTIONS *"},
		{"", "/orders/7", "/orders/:id"},
		{"GET", "//double//7", "GET //double//:id"},
	}
	for _, tt := range tests {
		if got := string(AppendEndpoint(nil, []byte(tt.method), []byte(tt.target))); got != tt.want {
			t.Errorf("AppendEndpoint(%q, %q) = %q; want %q", tt.method, tt.target, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ endpoint, want string }{
		{"GET /items/:id", "get-items-id"},
		{"GET /", "get-root"},
		{"POST /api/cart/items", "post-api-cart-items"},
		{"/static/app.js", "static-app.js"},
		{"/", "root"},
		{"GET /~user/\u00fc", "get-user"},
		{"GET /" + strings.Repeat("ab/", 30), "get-" + strings.TrimSuffix(strings.Repeat("ab-", 19), "-")},
	}
	for _, tt := range tests {
		if got := Slug(tt.endpoint); got != tt.want {
			t.Errorf("Slug(%q) = %q; want %q", tt.endpoint, got, tt.want)
		}
	}
	got := uniqueSlugs([]string{"GET /a-b", "GET /a/b", "other", "other"}, true)
	want := []string{"get-a-b", "get-a-b-2", "other-2", "other"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("uniqueSlugs = %q; want %q", got, want)
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	// Nearest rank: the ceil(q·n)-th smallest.
	for _, tt := range []struct{ q, want float64 }{{0.5, 5}, {0.99, 10}, {0.1, 1}, {0, 1}, {1, 10}, {0.51, 6}} {
		if got := Quantile(s, tt.q); got != tt.want {
			t.Errorf("Quantile(1..10, %g) = %g; want %g", tt.q, got, tt.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile(empty) is not NaN")
	}
}

func TestAppendSeconds(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0, "0"}, {0.30000000000000004, "0.3"}, {12, "12"}, {1.0000004, "1"}, {1.0000005, "1.000001"}, {86399.25, "86399.25"}} {
		if got := string(AppendSeconds(nil, tt.v)); got != tt.want {
			t.Errorf("AppendSeconds(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	if got := string(AppendScaled(nil, 0.2*0.0123)); got != "0.00246" {
		t.Errorf("AppendScaled(0.2×0.0123) = %q; want 0.00246", got)
	}
}

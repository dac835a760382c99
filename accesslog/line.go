package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Format is an access log format.
type Format int

// The formats; Auto detects one from the log.
const (
	Auto Format = iota
	Nginx
	Gunicorn
	CSV
)

var formatNames = [...]string{Auto: "auto", Nginx: "nginx", Gunicorn: "gunicorn", CSV: "csv"}

// String returns the format's name as ParseFormat reads it.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}

// ParseFormat returns the format named s: auto, nginx, gunicorn or csv.
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if s == name {
			return Format(f), nil
		}
	}
	return Auto, fmt.Errorf("unknown log format %q (want auto, nginx, gunicorn or csv)", s)
}

// Record is one parsed log line. Method and Target alias the line.
type Record struct {
	// Time is the logged instant in seconds since the Unix epoch.
	Time float64
	// Whole reports that Time is a whole second, to be spread within it.
	Whole bool
	// End reports that Time is when the request completed (nginx and
	// gunicorn log then), not when it arrived (csv).
	End bool
	// Method is the request's method, empty for a csv path without one.
	Method []byte
	// Target is the request target as logged, query string included.
	Target []byte
	// Duration is the request's duration in seconds: finite, at least 0.
	Duration float64
}

// Errors of ParseLine that need no detail.
var (
	errBlank      = errors.New("blank line")
	errNoRequest  = errors.New(`no quoted request line ("GET /path HTTP/1.1")`)
	errRequest    = errors.New(`request line is not "METHOD TARGET [PROTOCOL]"`)
	errNoTime     = errors.New("no timestamp ([day/Mon/year:hh:mm:ss zone] or epoch seconds) before the request")
	errStatus     = errors.New("no status code after the request")
	errBytes      = errors.New("no response size after the status")
	errNoDuration = errors.New("no request time at the end of the line")
	errDash       = errors.New(`request time is "-"`)
	errCSV        = errors.New("not timestamp,path,duration")
	errUnclosed   = errors.New("unclosed quote or bracket")
)

// ParseLine parses one line (without its newline) in format f, which must
// not be Auto. A line it cannot use gets an error saying why.
func ParseLine(f Format, line []byte) (Record, error) {
	line = bytes.TrimRight(line, "\r")
	if len(bytes.TrimSpace(line)) == 0 {
		return Record{}, errBlank
	}
	var r Record
	var err error
	switch f {
	case Nginx, Gunicorn:
		r, err = parseCombined(f, line)
	case CSV:
		r, err = parseCSV(line)
	default:
		return Record{}, fmt.Errorf("accesslog: ParseLine needs a format, got %v", f)
	}
	if err == nil && r.Duration > MaxDuration {
		return Record{}, fmt.Errorf("request time %gs is over 24 hours", r.Duration)
	}
	return r, err
}

// MaxDuration is the longest request time ParseLine accepts, in seconds:
// 24 hours, the longest duration of a workload.
const MaxDuration = 86400

// token kinds.
const (
	bare    = ' '
	quoted  = '"'
	bracket = '['
)

// nextToken returns the token starting at or after line[i] and the index
// after it; kind 0 means the line ended.
func nextToken(line []byte, i int) (kind byte, text []byte, next int, err error) {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i == len(line) {
		return 0, nil, i, nil
	}
	switch line[i] {
	case '"':
		for j := i + 1; j < len(line); j++ {
			switch line[j] {
			case '\\':
				j++
			case '"':
				return quoted, line[i+1 : j], j + 1, nil
			}
		}
		return 0, nil, 0, errUnclosed
	case '[':
		j := bytes.IndexByte(line[i:], ']')
		if j < 0 {
			return 0, nil, 0, errUnclosed
		}
		return bracket, line[i+1 : i+j], i + j + 1, nil
	}
	j := i
	for j < len(line) && line[j] != ' ' && line[j] != '\t' {
		j++
	}
	return bare, line[i:j], j, nil
}

// clfLayout is the Common Log Format's time, as $time_local and %(t)s write it.
const clfLayout = "02/Jan/2006:15:04:05 -0700"

// maxPrefix bounds the tokens before the request line.
const maxPrefix = 8

// parseCombined parses the combined (or common) log format with timing
// fields appended: nginx's $request_time [$upstream_response_time], or
// gunicorn's %(D)s or %(L)s.
func parseCombined(f Format, line []byte) (Record, error) {
	r, frac, err := combined(line)
	if err == nil && f == Gunicorn && frac == 0 {
		r.Duration /= 1e6 // %(D)s: microseconds
	}
	return r, err
}

// combined parses a line of the combined family, leaving the request time
// as logged, with its number of digits after the point.
func combined(line []byte) (r Record, timingFrac int, err error) {
	r.End = true
	i, haveTime, others := 0, false, 0
	for n := 0; ; n++ {
		kind, text, next, err := nextToken(line, i)
		if err != nil {
			return r, 0, err
		}
		if kind == 0 || n == maxPrefix {
			return r, 0, errNoRequest
		}
		i = next
		if kind == quoted {
			if err := r.request(text); err != nil {
				return r, 0, err
			}
			break
		}
		switch {
		case haveTime:
			others++
		case kind == bracket:
			t, err := time.Parse(clfLayout, string(text))
			if err != nil {
				if t, err = time.Parse(time.RFC3339, string(text)); err != nil {
					return r, 0, fmt.Errorf("timestamp [%s] is neither day/Mon/year:hh:mm:ss zone nor RFC 3339", clip(text))
				}
			}
			r.Time, r.Whole, haveTime = seconds(t), t.Nanosecond() == 0, true
		default:
			if v, frac, ok := decimal(text); ok && v >= 1e8 && frac > 0 {
				r.Time, haveTime = v, true // $msec
			} else if t, err := isoTime(text); err == nil {
				r.Time, r.Whole, haveTime = float64(t.Unix()), true, true // $time_iso8601
			} else {
				others++
			}
		}
	}
	if !haveTime || others == 0 {
		return r, 0, errNoTime
	}
	kind, text, i, err := nextToken(line, i)
	if err != nil {
		return r, 0, err
	}
	if _, frac, ok := decimal(text); kind != bare || !ok || frac != 0 || len(text) != 3 {
		return r, 0, errStatus
	}
	kind, text, i, err = nextToken(line, i)
	if err != nil {
		return r, 0, err
	}
	if _, frac, ok := decimal(text); kind != bare || !(ok && frac == 0 || string(text) == "-") {
		return r, 0, errBytes
	}
	for {
		kind, text, i, err = nextToken(line, i)
		if err != nil {
			return r, 0, err
		}
		if kind != quoted {
			break
		}
	}
	if kind != bare {
		return r, 0, errNoDuration
	}
	if string(text) == "-" {
		return r, 0, errDash
	}
	v, frac, ok := decimal(text)
	if !ok {
		return r, 0, fmt.Errorf("request time %q is not a number", clip(text))
	}
	r.Duration = v
	return r, frac, nil
}

// seconds returns t in seconds since the Unix epoch.
func seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// isoTime parses an RFC 3339 time in whole seconds ($time_iso8601); it
// rejects at once what cannot be one, without allocating.
func isoTime(text []byte) (time.Time, error) {
	if len(text) < 20 || text[4] != '-' || text[10] != 'T' {
		return time.Time{}, errNoTime
	}
	t, err := time.Parse(time.RFC3339, string(text))
	if err == nil && t.Nanosecond() != 0 {
		return t, errNoTime
	}
	return t, err
}

// request parses a request line: METHOD TARGET [PROTOCOL], where the target
// may contain spaces.
func (r *Record) request(text []byte) error {
	sp := bytes.IndexByte(text, ' ')
	if sp < 0 || !isUpper(text[:sp]) {
		return errRequest
	}
	target := bytes.TrimSpace(text[sp+1:])
	if last := bytes.LastIndexByte(target, ' '); last >= 0 && bytes.HasPrefix(target[last+1:], []byte("HTTP/")) {
		target = bytes.TrimSpace(target[:last])
	}
	if len(target) == 0 {
		return errRequest
	}
	r.Method, r.Target = text[:sp], target
	return nil
}

// csvHeader is the optional header line of the csv format.
const csvHeader = "timestamp,path,duration"

// parseCSV parses timestamp,path,duration; the path is everything between
// the first comma and the last, optionally quoted as RFC 4180 quotes.
func parseCSV(line []byte) (Record, error) {
	r := Record{}
	first, last := bytes.IndexByte(line, ','), bytes.LastIndexByte(line, ',')
	if first < 0 || first == last {
		return r, errCSV
	}
	ts := bytes.TrimSpace(line[:first])
	path := bytes.TrimSpace(line[first+1 : last])
	dur := bytes.TrimSpace(line[last+1:])
	if v, frac, ok := decimal(ts); ok {
		r.Time, r.Whole = v, frac == 0
	} else {
		t, err := time.Parse(time.RFC3339Nano, string(ts))
		if err != nil {
			return r, fmt.Errorf("timestamp %q is neither epoch seconds nor RFC 3339", clip(ts))
		}
		r.Time, r.Whole = seconds(t), t.Nanosecond() == 0
	}
	if len(path) >= 2 && path[0] == '"' && path[len(path)-1] == '"' {
		path = bytes.ReplaceAll(path[1:len(path)-1], []byte(`""`), []byte(`"`))
	}
	if sp := bytes.IndexByte(path, ' '); sp > 0 {
		method := path[:sp]
		if isUpper(method) {
			r.Method, path = method, bytes.TrimSpace(path[sp+1:])
		}
	}
	if len(path) == 0 {
		return r, errors.New("empty path")
	}
	r.Target = path
	if v, _, ok := decimal(dur); ok {
		r.Duration = v
	} else {
		d, err := time.ParseDuration(string(dur))
		if err != nil {
			return r, fmt.Errorf("duration %q is neither seconds nor a Go duration (250ms)", clip(dur))
		}
		if d < 0 {
			return r, fmt.Errorf("duration %q is negative", clip(dur))
		}
		r.Duration = d.Seconds()
	}
	return r, nil
}

// isUpper reports whether b is 1 to 20 letters A to Z.
func isUpper(b []byte) bool {
	if len(b) == 0 || len(b) > 20 {
		return false
	}
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// decimal parses digits with at most one '.' and at most 18 digits in all,
// returning the value and the number of digits after the point.
func decimal(b []byte) (v float64, frac int, ok bool) {
	var n uint64
	digits, point := 0, -1
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + uint64(c-'0')
			digits++
		case c == '.' && point < 0:
			point = i
		default:
			return 0, 0, false
		}
	}
	if digits == 0 || digits > 18 {
		return 0, 0, false
	}
	if point >= 0 {
		frac = len(b) - point - 1
	}
	return float64(n) / math.Pow10(frac), frac, true
}

// clip shortens text for an error message.
func clip(text []byte) string {
	const most = 40
	if len(text) > most {
		return strings.ToValidUTF8(string(text[:most]), "?") + "…"
	}
	return strings.ToValidUTF8(string(text), "?")
}

// Detect returns the format of line, or an error if it parses in none. A
// line of the combined family is gunicorn's when its request time is an
// integer (%(D)s, microseconds) or has six digits after the point (%(L)s),
// nginx's otherwise ($request_time has three).
func Detect(line []byte) (Format, error) {
	line = bytes.TrimRight(line, "\r")
	if len(bytes.TrimSpace(line)) == 0 {
		return Auto, errBlank
	}
	_, frac, err := combined(line)
	if err == nil {
		if frac == 0 || frac == 6 {
			return Gunicorn, nil
		}
		return Nginx, nil
	}
	if _, csvErr := parseCSV(line); csvErr == nil {
		return CSV, nil
	}
	return Auto, err
}

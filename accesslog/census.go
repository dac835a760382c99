package accesslog

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Defaults and bounds of Options and of the reading's memory.
const (
	DefaultTop       = 8      // endpoints kept as classes
	DefaultSampleCap = 10000  // durations kept per class
	MaxTop           = 100    // most endpoints kept as classes
	MaxSampleCap     = 100000 // largest sample cap

	// Window is how far out of order, in seconds, arrivals may come and
	// still be put in order: an arrival is written once one at least Window
	// later has been read. One earlier still than an arrival already
	// written is moved forward to it (Summary.Reordered counts those).
	Window = 30.0

	maxPending   = 1 << 18 // arrivals held for reordering, at most
	maxBucket    = 1 << 20 // lines of one logged second spread together, at most
	maxEndpoints = 100000  // distinct endpoints counted; later new ones go to "other"
	maxLineBytes = 1 << 16 // longer lines are skipped
	maxReasons   = 5       // skipped lines whose reasons are kept
)

// Options control the reading.
type Options struct {
	// Format is the log's format; Auto detects it from the first line that
	// parses.
	Format Format
	// Top is how many endpoints, the most requested, become classes of
	// their own; the others are folded into one class named "other".
	Top int
	// SampleCap is how many durations each class keeps.
	SampleCap int
	// Seed seeds the sampling of durations.
	Seed uint64
}

// Skip is a line that was skipped and why.
type Skip struct {
	Line   int64
	Reason string
}

// Class is one class of requests: an endpoint, or the endpoints folded
// into "other".
type Class struct {
	// Name is the class's task name ([a-z0-9._-]+, unique), from Slug.
	Name string
	// Endpoint is the endpoint ("GET /items/:id"), empty for "other".
	Endpoint string
	// Other reports that the class is "other": the endpoints not kept.
	Other bool
	// Endpoints is how many distinct endpoints the class holds: 1 but for
	// "other", where it is a lower bound if the log had more than 100 000.
	Endpoints int64
	// Count is the class's number of requests.
	Count int64
}

// Census is what a first reading of a log found: its format, its lines,
// its classes and its first arrival.
type Census struct {
	// Format is the log's format (detected, or as given).
	Format Format
	// Lines is the number of lines read, Parsed of those that parsed and
	// Skipped of those that did not; Header is 1 for a csv header line.
	Lines, Parsed, Skipped, Header int64
	// Reasons are the first skipped lines and why.
	Reasons []Skip
	// Whole is the number of requests whose timestamp had whole seconds
	// only, spread evenly within their second.
	Whole int64
	// Completion reports that the log's times are completions (nginx,
	// gunicorn): arrivals were taken as logged time minus duration.
	Completion bool
	// Classes are the classes, most requested first, "other" last.
	Classes []Class

	opt    Options
	first  float64        // the first arrival, seconds since the epoch
	last   float64        // the last arrival
	index  map[string]int // endpoint → class, for the kept endpoints
	nOther int            // index of "other", or -1
}

// ErrNoLines is the error of a log in which no line parses.
var ErrNoLines = errors.New("no line parses as an access log (nginx, gunicorn or csv)")

// scanner reads a log line by line and hands on each request's endpoint,
// arrival and duration, spreading whole-second timestamps within their
// second.
type scanner struct {
	format Format
	lines  int64
	header int64
	parsed int64
	whole  int64
	ends   bool
	skip   func(line int64, err error)
	emit   func(endpoint []byte, arrival, duration float64)

	key       []byte
	bucket    []held // requests of the current whole second
	bucketSec float64
	keys      []byte // the bucket's endpoints, end to end
}

// held is a request waiting for the end of its logged second.
type held struct {
	keyEnd   int
	duration float64
	end      bool
}

func (s *scanner) read(r io.Reader) error {
	br := bufio.NewReaderSize(r, maxLineBytes)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			s.lines++
			long := int64(len(line))
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long += int64(len(line))
			}
			s.skip(s.lines, fmt.Errorf("line of %d bytes is longer than %d", long, maxLineBytes))
			line = nil
		} else if len(line) > 0 {
			s.lines++
			s.line(bytes.TrimSuffix(line, []byte("\n")))
		}
		if err == io.EOF {
			s.flush()
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (s *scanner) line(line []byte) {
	if s.format == Auto || s.format == CSV {
		if t := bytes.TrimSpace(line); len(t) == len(csvHeader) && strings.EqualFold(string(t), csvHeader) {
			s.format, s.header = CSV, s.header+1
			return
		}
	}
	if s.format == Auto {
		f, err := Detect(line)
		if err != nil {
			s.skip(s.lines, err)
			return
		}
		s.format = f
	}
	rec, err := ParseLine(s.format, line)
	if err != nil {
		s.skip(s.lines, err)
		return
	}
	s.parsed++
	s.ends = rec.End
	s.key = AppendEndpoint(s.key[:0], rec.Method, rec.Target)
	if !rec.Whole {
		arrival := rec.Time
		if rec.End {
			arrival -= rec.Duration
		}
		s.emit(s.key, arrival, rec.Duration)
		return
	}
	s.whole++
	if len(s.bucket) > 0 && (rec.Time != s.bucketSec || len(s.bucket) == maxBucket) {
		s.flush()
	}
	s.bucketSec = rec.Time
	s.keys = append(s.keys, s.key...)
	s.bucket = append(s.bucket, held{len(s.keys), rec.Duration, rec.End})
}

// flush hands on the requests of the current second, the k of them at
// offsets (i+½)/k.
func (s *scanner) flush() {
	k := float64(len(s.bucket))
	start := 0
	for i, h := range s.bucket {
		arrival := s.bucketSec + (float64(i)+0.5)/k
		if h.end {
			arrival -= h.duration
		}
		s.emit(s.keys[start:h.keyEnd], arrival, h.duration)
		start = h.keyEnd
	}
	s.bucket, s.keys = s.bucket[:0], s.keys[:0]
}

// Count reads a log a first time and returns its census, or ErrNoLines
// (wrapped, with the first reasons) when no line parses.
func Count(r io.Reader, opt Options) (*Census, error) {
	if opt.Top < 1 || opt.Top > MaxTop {
		return nil, fmt.Errorf("top %d is not between 1 and %d", opt.Top, MaxTop)
	}
	if opt.SampleCap < 1 || opt.SampleCap > MaxSampleCap {
		return nil, fmt.Errorf("sample cap %d is not between 1 and %d", opt.SampleCap, MaxSampleCap)
	}
	c := &Census{opt: opt, first: math.Inf(1), last: math.Inf(-1)}
	counts := make(map[string]int64)
	var untracked int64
	s := &scanner{format: opt.Format}
	s.skip = func(line int64, err error) {
		c.Skipped++
		if len(c.Reasons) < maxReasons {
			c.Reasons = append(c.Reasons, Skip{line, err.Error()})
		}
	}
	s.emit = func(key []byte, arrival, _ float64) {
		c.first, c.last = min(c.first, arrival), max(c.last, arrival)
		if n, ok := counts[string(key)]; ok || len(counts) < maxEndpoints {
			counts[string(key)] = n + 1
		} else {
			untracked++
		}
	}
	if err := s.read(r); err != nil {
		return nil, err
	}
	c.Format, c.Lines, c.Parsed, c.Header, c.Whole, c.Completion = s.format, s.lines, s.parsed, s.header, s.whole, s.ends
	if c.Parsed == 0 {
		var b strings.Builder
		for _, sk := range c.Reasons {
			fmt.Fprintf(&b, "; line %d: %s", sk.Line, sk.Reason)
		}
		if c.Lines == c.Header {
			b.WriteString("; the log is empty")
		}
		return nil, fmt.Errorf("%w%s", ErrNoLines, b.String())
	}
	type endpoint struct {
		key   string
		count int64
	}
	all := make([]endpoint, 0, len(counts))
	for k, n := range counts {
		all = append(all, endpoint{k, n})
	}
	slices.SortFunc(all, func(a, b endpoint) int {
		return cmp.Or(cmp.Compare(b.count, a.count), strings.Compare(a.key, b.key))
	})
	kept := all
	if len(all) > opt.Top || untracked > 0 {
		kept = all[:min(opt.Top, len(all))]
	}
	c.index = make(map[string]int, len(kept))
	names := make([]string, 0, len(kept)+1)
	for i, e := range kept {
		c.index[e.key] = i
		names = append(names, e.key)
		c.Classes = append(c.Classes, Class{Endpoint: e.key, Endpoints: 1, Count: e.count})
	}
	c.nOther = -1
	if rest := all[len(kept):]; len(rest) > 0 || untracked > 0 {
		o := Class{Other: true, Endpoints: int64(len(rest)), Count: untracked}
		if untracked > 0 {
			o.Endpoints++ // at least one more
		}
		for _, e := range rest {
			o.Count += e.count
		}
		c.nOther = len(c.Classes)
		names = append(names, "other")
		c.Classes = append(c.Classes, o)
	}
	for i, name := range uniqueSlugs(names, c.nOther >= 0) {
		c.Classes[i].Name = name
	}
	return c, nil
}

package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/sim"
)

// This file reads the data files a workload names: the arrival instants of
// arrival.trace and the durations of {empirical: FILE}. Both have one
// value a line, seconds as a decimal ("1.5") or a Go duration ("250ms"),
// with blank lines and # comments allowed.

const (
	// traceChunk is how much of a data file one read takes: a trace is
	// read a chunk at a time, never whole.
	traceChunk = 64 << 10
	// maxLineBytes bounds a line of a data file.
	maxLineBytes = 4096
	// maxEmpirical bounds the values of an empirical distribution.
	maxEmpirical = 1_000_000
)

// readerAtCloser is an open data file.
type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

// opener opens a data file anew for each read, so that no file stays open
// between reads: a run that stops early leaves nothing to close. It is
// safe for concurrent use, and a value (not a closure), so that two parses
// of one workload give equal Specs.
type opener interface {
	open() (readerAtCloser, error)
}

// diskFile is the path of a data file on disk.
type diskFile string

func (f diskFile) open() (readerAtCloser, error) {
	file, _, err := schema.OpenFile(string(f))
	if err != nil {
		return nil, err
	}
	return file, nil
}

// embeddedFile is the path of a data file in exampleFiles.
type embeddedFile string

func (f embeddedFile) open() (readerAtCloser, error) {
	file, err := exampleFiles.Open(string(f))
	if err != nil {
		return nil, err
	}
	return file.(readerAtCloser), nil
}

// Trace is a class's arrival.trace: arrival instants replayed from a file,
// each divided by Speed and then offset by the class's start. The file is
// read a chunk at a time whenever a replication is simulated.
type Trace struct {
	// File names the trace in messages: its path, or "example:PATH" for
	// a file embedded beside the examples.
	File string
	// Speed is arrival.speed: every instant is divided by it (default 1).
	Speed float64
	// Arrivals is the number of instants the file lists, and First and
	// Last the first and the last of them, as written (before Speed).
	Arrivals    int64
	First, Last sim.Time
	// Burst is the most instants of the file equal to one another:
	// arrivals at once.
	Burst int64

	open opener
}

// at returns the instant t of the file replayed at the trace's speed.
func (tr *Trace) at(t sim.Time) sim.Time {
	if tr.Speed == 1 {
		return t
	}
	return sim.Time(min(math.Round(float64(t)/tr.Speed), float64(maxArrival)))
}

// lineReader reads the lines of a data file a chunk at a time, opening it
// for each chunk.
type lineReader struct {
	open       opener
	buf        []byte
	start, end int   // the unread bytes are buf[start:end]
	off        int64 // the file's offset of buf[end]
	eof        bool
	line       int // the number of the last line returned
}

func newLineReader(open opener) *lineReader {
	return &lineReader{open: open, buf: make([]byte, traceChunk)}
}

// errLineTooLong is the problem of a line longer than maxLineBytes.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLineBytes)

// next returns the next line, without its newline, or false at the end of
// the file. A read failure or a line longer than maxLineBytes is an error.
func (r *lineReader) next() ([]byte, bool, error) {
	for {
		rest := r.buf[r.start:r.end]
		i := bytes.IndexByte(rest, '\n')
		switch {
		case i > maxLineBytes, i < 0 && len(rest) > maxLineBytes:
			r.line++
			return nil, false, errLineTooLong
		case i >= 0:
			r.start += i + 1
			r.line++
			return rest[:i], true, nil
		case r.eof && len(rest) == 0:
			return nil, false, nil
		case r.eof:
			r.start = r.end
			r.line++
			return rest, true, nil
		}
		if err := r.fill(); err != nil {
			return nil, false, err
		}
	}
}

// fill moves the unread bytes to the front of the buffer and reads the
// file's next chunk after them.
func (r *lineReader) fill() error {
	r.end = copy(r.buf, r.buf[r.start:r.end])
	r.start = 0
	f, err := r.open.open()
	if err != nil {
		return err
	}
	n, err := f.ReadAt(r.buf[r.end:], r.off)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	r.end += n
	r.off += int64(n)
	if errors.Is(err, io.EOF) || err == nil && n == 0 {
		r.eof, err = true, nil
	}
	return err
}

// value reads the next value of the file: it returns the value, the
// column (1-based, in bytes) where it is written, and false at the end of
// the file. A line it cannot read is an error message; r.line is then the
// line's number.
func (r *lineReader) value(limit sim.Time, what string) (v sim.Time, col int, ok bool, msg string) {
	for {
		line, more, err := r.next()
		switch {
		case err != nil:
			return 0, 1, false, err.Error()
		case !more:
			return 0, 0, false, ""
		}
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		text := bytes.TrimLeft(line, " \t")
		col = len(line) - len(text) + 1
		if text = bytes.TrimRight(text, " \t\r"); len(text) == 0 {
			continue
		}
		v, msg := parseValue(text, limit, what)
		return v, col, msg == "", msg
	}
}

// parseValue parses the value of a line of a data file: seconds as a
// decimal ("1.5", ".25", "3") or a Go duration ("250ms"), at most limit.
// It returns the value, or a message saying what is wrong; what names the
// value in it ("arrival", "duration"). A decimal allocates nothing.
func parseValue(b []byte, limit sim.Time, what string) (sim.Time, string) {
	v, ok, exact := decimalSeconds(b)
	if !ok {
		s := string(b)
		d, err := time.ParseDuration(s)
		switch {
		case err != nil && strings.HasPrefix(s, "-"):
			return 0, fmt.Sprintf("%s %s must not be negative", what, schema.Quote(s))
		case err != nil:
			return 0, fmt.Sprintf("invalid %s %s: expected seconds like 1.5 or a Go duration like 250ms", what, schema.Quote(s))
		case d < 0:
			return 0, fmt.Sprintf("%s %s must not be negative", what, schema.Quote(s))
		}
		v, exact = sim.Time(d), true
	}
	if !exact || v > limit {
		return 0, fmt.Sprintf("%s %s is more than the maximum of %s", what, schema.Quote(string(b)), fmtTime(limit))
	}
	return v, ""
}

// decimalSeconds parses b, a decimal number of seconds without sign or
// exponent, rounded to the nearest nanosecond (halves up). ok reports
// whether b is such a number; exact whether it fits below maxArrival.
func decimalSeconds(b []byte) (v sim.Time, ok, exact bool) {
	const maxSecs = int64(maxArrival / sim.Second)
	var secs, ns int64
	whole, frac := 0, -1 // digits before the dot, and after it (-1: no dot)
	roundUp := false
	for _, c := range b {
		switch {
		case c == '.' && frac < 0:
			frac = 0
			continue
		case c < '0' || c > '9':
			return 0, false, false
		case frac < 0:
			secs = min(secs*10+int64(c-'0'), maxSecs+1) // saturating
			whole++
		case frac < 9:
			ns = ns*10 + int64(c-'0')
		case frac == 9:
			roundUp = c >= '5'
		}
		if frac >= 0 {
			frac++
		}
	}
	if whole == 0 && frac <= 0 {
		return 0, false, false
	}
	for i := max(frac, 0); i < 9; i++ {
		ns *= 10
	}
	if roundUp {
		ns++
	}
	if secs > maxSecs {
		return 0, true, false
	}
	t := secs*int64(sim.Second) + ns
	if t > int64(maxArrival) {
		return 0, true, false
	}
	return sim.Time(t), true, true
}

// traceReader replays a trace in a source: the class's arrivals, sped up
// and offset by its start.
type traceReader struct {
	trace *Trace
	start sim.Time
	lines *lineReader
	read  int64    // instants read
	prev  sim.Time // the last instant read, as written
	// err is what went wrong reading the file, which was fine when the
	// workload was parsed: it changed since, or cannot be read any more.
	err error
}

func newTraceReader(tr *Trace, start sim.Time) *traceReader {
	return &traceReader{trace: tr, start: start, lines: newLineReader(tr.open)}
}

// next returns the class's next arrival, or false when the trace has no
// more or cannot be read (then r.err says why).
func (r *traceReader) next() (sim.Time, bool) {
	if r.err != nil {
		return 0, false
	}
	v, _, ok, msg := r.lines.value(maxHorizon, "arrival")
	switch {
	case msg == "" && ok && v < r.prev:
		msg = "an arrival before the previous one"
	case msg == "" && !ok && r.read != r.trace.Arrivals:
		r.err = fmt.Errorf("trace %s changed since the workload was read: it lists %d arrivals where it had %d", r.trace.File, r.read, r.trace.Arrivals)
		return 0, false
	}
	if msg != "" {
		r.err = fmt.Errorf("trace %s changed since the workload was read: line %d: %s", r.trace.File, r.lines.line, msg)
		return 0, false
	}
	if !ok {
		return 0, false
	}
	r.read++
	r.prev = v
	return addTime(r.start, r.trace.at(v)), true
}

// scanTrace reads the whole trace file through open, checking every line,
// and returns its summary, or the first problem positioned in file.
func scanTrace(file string, open opener) (*Trace, *Error) {
	tr := &Trace{File: file, Speed: 1, open: open}
	lines := newLineReader(open)
	prevLine := 0
	var run int64 // the instants equal to the last one
	for {
		v, col, ok, msg := lines.value(maxHorizon, "arrival")
		switch {
		case msg != "":
			return nil, &Error{File: file, Line: lines.line, Col: col, Msg: msg}
		case !ok && tr.Arrivals == 0:
			return nil, &Error{File: file, Line: max(lines.line, 1), Col: 1, Msg: "the trace lists no arrival: expected one instant a line, like 1.5 or 250ms"}
		case !ok:
			return tr, nil
		case tr.Arrivals > 0 && v < tr.Last:
			return nil, &Error{File: file, Line: lines.line, Col: col, Msg: fmt.Sprintf(
				"arrival %s is before the previous one, %s on line %d: a trace lists its arrivals in order", fmtTime(v), fmtTime(tr.Last), prevLine)}
		case tr.Arrivals >= maxTasks:
			return nil, &Error{File: file, Line: lines.line, Col: col, Msg: fmt.Sprintf("the trace lists more than %d arrivals", maxTasks)}
		}
		if tr.Arrivals == 0 {
			tr.First = v
		}
		if tr.Arrivals > 0 && v == tr.Last {
			run++
		} else {
			run = 1
		}
		tr.Burst = max(tr.Burst, run)
		tr.Arrivals++
		tr.Last, prevLine = v, lines.line
	}
}

// scanEmpirical reads the durations of an empirical distribution's file
// through open, each at most sim.MaxDuration, at most maxEmpirical of them,
// or returns the first problem positioned in file.
func scanEmpirical(file string, open opener) ([]sim.Time, *Error) {
	lines := newLineReader(open)
	var out []sim.Time
	for {
		v, col, ok, msg := lines.value(sim.MaxDuration, "duration")
		switch {
		case msg != "":
			return nil, &Error{File: file, Line: lines.line, Col: col, Msg: msg}
		case !ok && len(out) == 0:
			return nil, &Error{File: file, Line: max(lines.line, 1), Col: 1, Msg: "the file lists no duration: expected one a line, like 0.012 or 12ms"}
		case !ok:
			return out, nil
		case len(out) >= maxEmpirical:
			return nil, &Error{File: file, Line: lines.line, Col: col, Msg: fmt.Sprintf("more than %d durations: an empirical distribution takes at most %d", maxEmpirical, maxEmpirical)}
		}
		out = append(out, v)
	}
}

// dataFile resolves name, a data file written at v, relative to the
// workload's file, and returns the name to give it in messages and its
// opener; what names the file in messages ("trace"). The data files of an
// embedded example are embedded beside it.
func (p *parser) dataFile(v *yaml.Node, name, what string) (string, opener, bool) {
	if name == "" {
		p.Errorf(v, "%s must name a file, got an empty string", what)
		return "", nil, false
	}
	if strings.HasPrefix(p.File(), exampleFile) {
		embedded := path.Join(path.Dir("examples/"+strings.TrimPrefix(p.File(), exampleFile)), name)
		f, err := exampleFiles.Open(embedded)
		if err == nil {
			var info fs.FileInfo
			if info, err = f.Stat(); err == nil && !info.Mode().IsRegular() {
				err = errors.New("not a regular file")
			}
			f.Close()
		}
		if err != nil {
			p.Errorf(v, "%s %s: no such file embedded beside the examples", what, schema.Quote(name))
			return "", nil, false
		}
		return exampleFile + strings.TrimPrefix(embedded, "examples/"), embeddedFile(embedded), true
	}
	file := name
	if !filepath.IsAbs(file) {
		file = filepath.Join(filepath.Dir(p.File()), file)
	}
	f, _, err := schema.OpenFile(file)
	if err != nil {
		p.Errorf(v, "%s: %v", what, err)
		return "", nil, false
	}
	f.Close()
	return file, diskFile(file), true
}

// trace parses arrival.trace, the value n, with the arrival.speed speed.
func (p *parser) trace(n *yaml.Node, speed float64) (*Trace, bool) {
	name, ok := p.Str(n)
	if !ok {
		return nil, false
	}
	file, open, ok := p.dataFile(p.Deref(n), name, "trace")
	if !ok {
		return nil, false
	}
	tr, err := scanTrace(file, open)
	if err != nil {
		p.Add(ErrorList{err})
		return nil, false
	}
	tr.Speed = speed
	return tr, true
}

// empirical parses the value n of {empirical: ...}: a file of durations
// or a list of them.
func (p *parser) empirical(n *yaml.Node) (*Dist, bool) {
	n = p.Deref(n)
	switch {
	case n.Kind == yaml.SequenceNode && len(n.Content) == 0:
		p.Errorf(n, "empirical takes a non-empty list of durations like [1ms, 3ms, 20ms], or a file of them")
		return nil, false
	case n.Kind == yaml.SequenceNode && len(n.Content) > maxEmpirical:
		p.Errorf(n, "empirical lists %d durations, more than %d", len(n.Content), maxEmpirical)
		return nil, false
	case n.Kind == yaml.SequenceNode:
		values := make([]sim.Time, 0, len(n.Content))
		ok := true
		for _, item := range n.Content {
			d, good := p.Duration(item)
			values, ok = append(values, d), ok && good
		}
		return empiricalDist(values, ""), ok
	case n.Kind != yaml.ScalarNode || schema.IsNull(n):
		p.Errorf(n, "empirical takes a file of durations, one a line, or a list like [1ms, 3ms, 20ms], got %s", schema.Describe(n))
		return nil, false
	}
	file, open, ok := p.dataFile(n, n.Value, "empirical")
	if !ok {
		return nil, false
	}
	values, err := scanEmpirical(file, open)
	if err != nil {
		p.Add(ErrorList{err})
		return nil, false
	}
	return empiricalDist(values, file), true
}

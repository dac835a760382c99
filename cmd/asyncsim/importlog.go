package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"asyncsim/accesslog"
	"asyncsim/report"
	"asyncsim/workloads"
)

const importLogUsage = `
Usage: asyncsim import-log FILE --out DIR [flags]

Reads an access log and writes a workload that replays it into DIR:
workload.yaml, one class per endpoint (the --top most requested, the rest
folded into "other"), each with its arrivals in traces/CLASS.txt and its
durations in durations/CLASS.cpu.txt and durations/CLASS.io.txt, and three
strategies to start from (blocking, threaded, event_loop). Run it with
'asyncsim run DIR/workload.yaml'.

Formats (detected, or given with --format): nginx's combined format with
$request_time appended (and $upstream_response_time, which is not used),
$time_local, $time_iso8601 or $msec; gunicorn's default access_log_format with %(D)s or
%(L)s appended; csv lines timestamp,path,duration. FILE may be gzipped
(.gz). FILE "sample" is the embedded sample log, a day of a small web
shop behind nginx (a file of that name is ./sample).

An endpoint is the method and path without the query string, with
segments of digits, UUIDs and 16 or more hex digits folded into ":id".
A log cannot tell CPU time from waiting: each duration d is split into
cpu = F×d and io = (1-F)×d with --cpu-share F.

Every class gets arrival.speed: K from --speed K, which replays the log K
times faster (1.5: 50% more requests per second); edit it per class.

DIR must be empty or new unless --force, which replaces its workload.yaml,
traces/ and durations/. Nothing is written if the log cannot be read.
`

// defaultCPUShare is --cpu-share's default.
const defaultCPUShare = 0.2

// sampleLog is the FILE that names the embedded sample log.
const sampleLog = "sample"

func importLogCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import-log", importLogUsage, stdout)
	out := fs.String("out", "", "write the workload into `DIR`")
	top := fs.Int("top", accesslog.DefaultTop, "keep the `N` most requested endpoints as classes, fold the rest into \"other\"")
	share := fs.Float64("cpu-share", defaultCPUShare, "the share `F` of each request's duration that is CPU time, the rest io")
	format := fs.String("format", "auto", "the log's `format`: auto, nginx, gunicorn or csv")
	name := fs.String("name", "", "the workload's `NAME` (default: from FILE's name)")
	samples := fs.Int("samples", accesslog.DefaultSampleCap, "keep at most `N` durations of each class (a uniform sample)")
	seed := fs.Uint64("seed", 1, "seed of the sampling of durations and of the workload")
	speed := fs.Float64("speed", 1, "replay the log `K` times faster (every class's arrival.speed)")
	force := fs.Bool("force", false, "replace the workload in a DIR that is not empty")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import-log: want one FILE (or %q), got %d (see 'asyncsim import-log --help')", sampleLog, len(pos))
	}
	file := pos[0]
	if *out == "" {
		return usagef("import-log: --out DIR is required")
	}
	if err := checkOutDir("import-log", *out); err != nil {
		return err
	}
	if !*force {
		if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
			return usagef("import-log: --out %s is not empty (--force replaces its workload.yaml, traces/ and durations/)", *out)
		}
	}
	if !(*speed > 0 && *speed <= 1e6) {
		return usagef("import-log: --speed %v is not a number above 0 (and at most 1e6)", *speed)
	}
	if !(*share >= 0 && *share <= 1) {
		return usagef("import-log: --cpu-share %v is not between 0 and 1", *share)
	}
	f, err := accesslog.ParseFormat(*format)
	if err != nil {
		return usagef("import-log: --format: %v", err)
	}
	if *name == "" {
		*name = defaultName(file)
	} else if !workloadName.MatchString(*name) {
		return usagef("import-log: --name %q must match [a-z0-9._-]+", *name)
	}
	opt := accesslog.Options{Format: f, Top: *top, SampleCap: *samples, Seed: *seed}
	if opt.Top < 1 || opt.Top > accesslog.MaxTop {
		return usagef("import-log: --top %d is not between 1 and %d", opt.Top, accesslog.MaxTop)
	}
	if opt.SampleCap < 1 || opt.SampleCap > accesslog.MaxSampleCap {
		return usagef("import-log: --samples %d is not between 1 and %d", opt.SampleCap, accesslog.MaxSampleCap)
	}
	open := func() (io.ReadCloser, error) { return openLog(file) }
	census, err := readLog(open, func(r io.Reader) (*accesslog.Census, error) { return accesslog.Count(r, opt) })
	if errors.Is(err, accesslog.ErrNoLines) {
		return usagef("import-log: %s: %v", file, err)
	}
	if err != nil {
		return usagef("import-log: %v", err)
	}
	imp := &importing{file: file, name: *name, share: *share, speed: *speed, seed: *seed, census: census}
	in := watchSignals("import-log", stderr)
	defer in.release()
	if err := imp.write(*out, open, in); err != nil {
		return fmt.Errorf("import-log: %w", err)
	}
	imp.printSummary(stdout, *out)
	return nil
}

// workloadName is the syntax of a workload's name.
var workloadName = regexp.MustCompile(`^[a-z0-9._-]+$`)

// defaultName derives a workload name from a log's file name: its base
// name without extensions, as a slug.
func defaultName(file string) string {
	base := filepath.Base(file)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "imported"
	}
	return b.String()
}

// openLog opens a log file, decompressing a .gz one, or the embedded
// sample log.
func openLog(file string) (io.ReadCloser, error) {
	if file == sampleLog {
		return accesslog.Sample()
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory, not a log file", file)
	}
	if !strings.HasSuffix(file, ".gz") {
		return f, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return gzipFile{z, f}, nil
}

// gzipFile closes a gzip reader and its file.
type gzipFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzipFile) Close() error { return errors.Join(g.Reader.Close(), g.f.Close()) }

// readLog opens the log, reads it with read and closes it.
func readLog[T any](open func() (io.ReadCloser, error), read func(io.Reader) (T, error)) (T, error) {
	var zero T
	rc, err := open()
	if err != nil {
		return zero, err
	}
	v, err := read(rc)
	if cerr := rc.Close(); err == nil && cerr != nil {
		return zero, cerr
	}
	return v, err
}

// importing is one import-log run.
type importing struct {
	file, name string
	share      float64
	speed      float64
	seed       uint64
	census     *accesslog.Census
	sum        *accesslog.Summary
}

// outputs are what import-log writes into DIR.
var outputs = []string{"workload.yaml", "traces", "durations"}

// write writes the workload into dir: everything into a staging folder
// beside it first, moved into place only when all of it was written; a
// signal meanwhile removes the staging folder, and waits for the moves.
func (imp *importing) write(dir string, open func() (io.ReadCloser, error), in *interrupter) (err error) {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, ".import-log-*")
	if err != nil {
		return err
	}
	in.onInterrupt(func() { os.RemoveAll(stage) })
	defer func() {
		if rmErr := os.RemoveAll(stage); err == nil && rmErr != nil {
			err = rmErr
		}
	}()
	for _, sub := range outputs[1:] {
		if err := os.Mkdir(filepath.Join(stage, sub), 0o755); err != nil {
			return err
		}
	}
	if err := imp.writeTraces(stage, open); err != nil {
		return err
	}
	if err := imp.writeDurations(stage); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stage, "workload.yaml"), []byte(imp.workloadYAML()), 0o644); err != nil {
		return err
	}
	// The workload must load as it is written: a failure here is a bug of
	// import-log, reported before anything is moved into place.
	if _, err := workloads.Load(filepath.Join(stage, "workload.yaml")); err != nil {
		return fmt.Errorf("the workload written does not load: %w", err)
	}
	return in.write(func() error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, name := range outputs {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return err
			}
			if err := os.Rename(filepath.Join(stage, name), filepath.Join(dir, name)); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeTraces reads the log a second time, writing the classes' traces.
func (imp *importing) writeTraces(stage string, open func() (io.ReadCloser, error)) error {
	classes := imp.census.Classes
	files := make([]*os.File, 0, len(classes))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	bufs := make([]*bufio.Writer, len(classes))
	writers := make([]io.Writer, len(classes))
	for i, c := range classes {
		f, err := os.Create(filepath.Join(stage, "traces", c.Name+".txt"))
		if err != nil {
			return err
		}
		files = append(files, f)
		bufs[i] = bufio.NewWriterSize(f, 1<<14)
		writers[i] = bufs[i]
	}
	sum, err := readLog(open, func(r io.Reader) (*accesslog.Summary, error) { return imp.census.Replay(r, writers) })
	if err != nil {
		return err
	}
	for i, b := range bufs {
		if err := b.Flush(); err != nil {
			return err
		}
		if err := files[i].Close(); err != nil {
			return err
		}
	}
	files = nil
	imp.sum = sum
	return nil
}

// writeDurations writes each class's sampled durations, scaled by the CPU
// share into its cpu file and by the rest into its io file.
func (imp *importing) writeDurations(stage string) error {
	for i, c := range imp.census.Classes {
		for _, part := range imp.parts() {
			var b []byte
			for _, d := range imp.sum.Durations[i].Sample {
				b = append(accesslog.AppendScaled(b, part.share*d), '\n')
			}
			if err := os.WriteFile(filepath.Join(stage, "durations", c.Name+"."+part.step+".txt"), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// part is one of a class's steps: cpu or io, and its share of a duration.
type part struct {
	step  string
	share float64
}

// parts returns the steps a duration is split into: a share of 0 or 1
// leaves one of them out.
func (imp *importing) parts() []part {
	var ps []part
	if imp.share > 0 {
		ps = append(ps, part{"cpu", imp.share})
	}
	if imp.share < 1 {
		ps = append(ps, part{"io", 1 - imp.share})
	}
	return ps
}

// workloadYAML returns the workload file.
func (imp *importing) workloadYAML() string {
	c, s := imp.census, imp.sum
	var b strings.Builder
	source := imp.file
	if source == sampleLog {
		source = "asyncsim's sample access log"
	}
	fmt.Fprintf(&b, "# Imported by asyncsim import-log from %s (%s format):\n", printable(source), c.Format)
	fmt.Fprintf(&b, "# %d requests over %s; %s.\n", c.Parsed, fmtSpan(s.Span), strings.Join(imp.resolution(), ";\n# "))
	share := strconv.FormatFloat(imp.share, 'f', -1, 64)
	fmt.Fprintf(&b, `#
# A log tells how long each request took, not how much of that was CPU:
# each logged duration d is split into cpu = %[1]s × d and io = (1 - %[1]s) × d
# (import-log --cpu-share %[1]s). Each step draws uniformly among its class's
# sampled durations (durations/CLASS.cpu.txt and .io.txt hold the same
# requests, scaled), but the two draws are independent: the means add up
# to the logged mean, the spread of their sum is not the log's exactly.
# Change the share to what you know of your handlers (a profile, a CPU
# graph), or edit the steps.
#
# Each class replays its log at arrival.speed times the logged rate (1.5:
# 50%% more requests per second; import-log --speed sets every class's).
name: %[2]s
description: %[3]s
seed: %[4]d
replications: 1

machine:
  cores: 4                # the server's cores: set them to yours

tasks:
`, share, imp.name, strconv.Quote(fmt.Sprintf("Replay of %d requests from %s.", c.Parsed, printable(source))), imp.seed)
	for i, cl := range c.Classes {
		d := s.Durations[i]
		what := printable(cl.Endpoint)
		if cl.Other {
			what = plural(int(cl.Endpoints), "other endpoint", "other endpoints")
		}
		fmt.Fprintf(&b, "  # %s: %s (%.1f%%), logged p50 %s, p99 %s, max %s\n", what, plural(int(cl.Count), "request", "requests"),
			100*float64(cl.Count)/float64(c.Parsed), fmtDur(d.P50), fmtDur(d.P99), fmtDur(d.Max))
		fmt.Fprintf(&b, "  - name: %s\n    count: %d\n    arrival:\n      trace: %s\n      speed: %s\n    steps:\n",
			strconv.Quote(cl.Name), cl.Count, strconv.Quote("traces/"+cl.Name+".txt"), strconv.FormatFloat(imp.speed, 'f', -1, 64))
		for _, p := range imp.parts() {
			fmt.Fprintf(&b, "      - %s: {empirical: %s}\n", p.step, strconv.Quote("durations/"+cl.Name+"."+p.step+".txt"))
		}
	}
	b.WriteString(`
# Three servers to start from; edit their sizes to match yours.
strategies:
  # Pre-forked synchronous workers, one request at a time each (gunicorn's
  # sync workers, uWSGI processes).
  - name: blocking
    kind: blocking
    workers: 4

  # One process with a thread pool under CPython's GIL (gunicorn --threads,
  # a Flask or Django app served by threads).
  - name: threaded
    kind: threaded
    threads: 16
    gil: true

  # One event loop: io is awaited, CPU runs on the loop's thread (uvicorn,
  # aiohttp, Tornado).
  - name: event_loop
    kind: event_loop
`)
	return b.String()
}

// resolution words how the log's timestamps became arrivals, in parts.
func (imp *importing) resolution() []string {
	c := imp.census
	var parts []string
	switch {
	case c.Whole == c.Parsed:
		parts = append(parts, "timestamps in whole seconds, the requests of a second spread evenly within it")
	case c.Whole == 0:
		parts = append(parts, "timestamps as logged (sub-second)")
	default:
		parts = append(parts, fmt.Sprintf("timestamps as logged, but %d in whole seconds spread evenly within them", c.Whole))
	}
	if c.Completion {
		parts = append(parts, "arrival = logged time - duration (logged at completion)")
	}
	if imp.sum.Reordered > 0 {
		parts = append(parts, fmt.Sprintf("%s more than %gs out of order moved forward",
			plural(int(imp.sum.Reordered), "arrival", "arrivals"), accesslog.Window))
	}
	return parts
}

// printSummary prints what the import read and wrote.
func (imp *importing) printSummary(w io.Writer, dir string) {
	c, s := imp.census, imp.sum
	source := imp.file
	if source == sampleLog {
		source = "the sample log"
	}
	fmt.Fprintf(w, "Read %d lines of %s (%s format): %d requests, %d lines skipped", c.Lines, printable(source), c.Format, c.Parsed, c.Skipped)
	if c.Header > 0 {
		fmt.Fprintf(w, ", %d header", c.Header)
	}
	fmt.Fprintln(w, ".")
	for _, sk := range c.Reasons {
		fmt.Fprintf(w, "  line %d: %s\n", sk.Line, printable(sk.Reason))
	}
	if more := c.Skipped - int64(len(c.Reasons)); more > 0 {
		fmt.Fprintf(w, "  and %d more\n", more)
	}
	fmt.Fprintf(w, "Time span %s, mean rate %s/s, peak %d requests in one second.\n", fmtSpan(s.Span), rate(c.Parsed, s.Span), s.PeakPerSecond)
	fmt.Fprintf(w, "Arrivals: %s.\n\n", strings.Join(imp.resolution(), "; "))
	rows := [][]string{{"class", "endpoint", "requests", "share", "rate/s", "mean", "p50", "p99"}}
	for i, cl := range c.Classes {
		d := s.Durations[i]
		what := printable(cl.Endpoint)
		if cl.Other {
			what = "(" + plural(int(cl.Endpoints), "endpoint", "endpoints") + ")"
		}
		rows = append(rows, []string{cl.Name, what, strconv.FormatInt(cl.Count, 10),
			fmt.Sprintf("%.1f%%", 100*float64(cl.Count)/float64(c.Parsed)), rate(cl.Count, s.Span),
			fmtDur(d.Mean), fmtDur(d.P50), fmtDur(d.P99)})
	}
	report.WriteAligned(w, rows, 2)
	files := 0
	for range c.Classes {
		files += len(imp.parts())
	}
	fmt.Fprintf(w, "\nWrote %s, %d traces and %d duration files (cpu share %s, speed %s).\nRun it with: asyncsim run %s\n",
		filepath.Join(dir, "workload.yaml"), len(c.Classes), files, strconv.FormatFloat(imp.share, 'f', -1, 64),
		strconv.FormatFloat(imp.speed, 'f', -1, 64), filepath.Join(dir, "workload.yaml"))
}

// rate words n per span seconds, "-" for an empty span.
func rate(n int64, span float64) string {
	if span <= 0 {
		return "-"
	}
	return sig3(float64(n) / span)
}

// sig3 words v ≥ 0 with three significant digits, without an exponent.
func sig3(v float64) string {
	switch { // the thresholds round up to the next power of ten
	case v >= 99.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 9.995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v >= 0.9995:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// fmtDur words seconds as a duration of three significant digits.
func fmtDur(sec float64) string {
	if sec == 0 {
		return "0s"
	}
	d := time.Duration(sec * 1e9)
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return sig3(sec*1e6) + "µs"
	case d < time.Second:
		return sig3(sec*1e3) + "ms"
	}
	return sig3(sec) + "s"
}

// fmtSpan words a time span in seconds, to the second for long ones.
func fmtSpan(sec float64) string {
	if sec < 60 {
		return fmtDur(sec)
	}
	return time.Duration(sec * 1e9).Round(time.Second).String()
}

// printable replaces control characters and invalid UTF-8 by '?', for a
// log's text in a terminal or a YAML comment.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

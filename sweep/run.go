package sweep

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"asyncsim/experiment"
	"asyncsim/internal/atomicfile"
	"asyncsim/plots"
	"asyncsim/report"
)

// ErrInterrupted is returned, wrapped, by Run when its context is
// cancelled: the points that finished are kept in the journal, and Run
// with Options.Resume completes the sweep.
var ErrInterrupted = errors.New("sweep interrupted")

// DirError is a problem with an output folder or the files already in
// it: a folder another sweep or merge is using, the journal or outputs of
// another sweep, a journal that would be lost, a bad line of a journal or
// shard file, or shards that are missing, duplicated, incomplete or from
// different sweeps.
type DirError struct {
	// Path is the folder or file at fault.
	Path string
	// Line, if not 0, is the line of Path at fault.
	Line int
	// Msg says what is wrong and what to do.
	Msg string
}

// Error formats e as "path: msg" or "path:line: msg".
func (e *DirError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// GCPercent is the garbage collector setting (see runtime/debug.SetGCPercent)
// that asyncsim sweep runs with unless GOGC is set: a sweep's live heap is
// small (the tasks of the points running), so collecting a quarter as
// often costs little memory and, on two cores, brings the time of two jobs
// from about 0.6 to about 0.5 of one job's.
const GCPercent = 400

// Options tune a Run.
type Options struct {
	// Dir is the output folder, created if need be.
	Dir string
	// Jobs is how many points run at once; 0 means one per CPU. Each
	// point runs its strategies and replications one after the other
	// (unless there are fewer points left than jobs).
	Jobs int
	// Shard and Shards select the points whose index mod Shards is Shard;
	// Shards 0 runs the whole sweep. A sharded run (Shards >= 1) keeps its
	// rows in sweep.shard-K-of-N.csv for Merge instead of writing
	// sweep.csv.
	Shard, Shards int
	// Resume keeps the points already complete in Dir's journal (or, for
	// an unsharded sweep already merged, in sweep.json) and runs only the
	// others.
	Resume bool
	// Restart discards what Dir holds of an earlier run: the journal (of
	// this sweep or another), and another sweep's sweep.csv, sweep.json
	// and shard files. Without Resume or Restart a run refuses a journal
	// holding finished points and any other sweep's files.
	Restart bool
	// NoFigures skips drawing the figures of a finished sweep; PlotDir
	// (asyncsim plot DIR) draws them later.
	NoFigures bool
	// FigureFormat is the format of the figures; "" means PNG.
	FigureFormat plots.Format
	// Progress, if set, is called with (0, todo) before the first point
	// runs and then after each point is written, one call at a time.
	Progress func(done, todo int)
}

// Result says what a Run did.
type Result struct {
	// Points is how many points this run (or shard) is responsible for.
	Points int
	// Resumed is how many of them were already complete in Dir.
	Resumed int
	// Ran is how many were simulated and written now.
	Ran int
	// Complete reports that every point is done and the final files
	// written.
	Complete bool
	// Files are the files written at the end, when Complete: sweep.csv,
	// sweep.json and the figures, or the shard's file.
	Files []string
}

// Run runs the sweep's points (those of one shard, if Options.Shards > 0),
// appending each finished point's rows to the journal in Options.Dir at
// once. When every point is done it writes sweep.csv, sweep.json and the
// figures (or the finished shard file).
//
// Run holds Dir's lock (see LockName) while it works, and refuses, with a
// *DirError, a folder another sweep or merge is using, the files of
// another sweep (unless Options.Restart), a journal of finished points
// without Options.Resume or Restart, and a journal with a bad line.
//
// When ctx is cancelled it starts no more points, stops those running
// before their next replication (their rows are not kept), and returns
// an error wrapping ErrInterrupted.
func Run(ctx context.Context, s *Sweep, opts Options) (*Result, error) {
	sharded := opts.Shards > 0
	shards := max(opts.Shards, 1)
	switch {
	case opts.Shards < 0 || opts.Shard < 0 || opts.Shard >= shards:
		return nil, fmt.Errorf("sweep: shard %d of %d: want 0 <= K < N", opts.Shard, shards)
	case opts.Dir == "":
		return nil, errors.New("sweep: no output folder")
	case opts.Resume && opts.Restart:
		return nil, errors.New("sweep: resume and restart exclude each other")
	}
	var mine []int
	for i := opts.Shard; i < len(s.Points); i += shards {
		mine = append(mine, i)
	}
	res := &Result{Points: len(mine)}
	hdr := s.header(opts.Shard, shards)
	for _, pt := range mine {
		hdr.Rows += len(s.Points[pt].Spec.Strategies)
	}
	cols := append(s.paths(), summaryColumns(hdr)...)
	name := JournalName
	if sharded {
		name = ShardName(opts.Shard, shards)
	}
	path := filepath.Join(opts.Dir, name)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
			return nil, &DirError{Path: opts.Dir, Msg: "not a folder"}
		}
		return nil, fmt.Errorf("sweep: %w", err)
	}
	lock, err := lockDir(opts.Dir, opts.Shard, opts.Shards)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	if err := s.checkDir(opts.Dir, name, opts.Restart); err != nil {
		return nil, err
	}

	done := make(map[int]group) // point -> its rows
	var order []int             // points of done, in journal order
	kept, err := s.readJournal(path, hdr, cols, opts)
	if err != nil {
		return nil, err
	}
	for _, g := range kept {
		done[g.point] = g
		order = append(order, g.point)
	}
	if opts.Resume && len(kept) == 0 && !sharded && s.merged(opts.Dir) {
		res.Resumed, res.Complete = len(mine), true
		res.Files = []string{filepath.Join(opts.Dir, CSVName), filepath.Join(opts.Dir, JSONName)}
		if opts.NoFigures {
			return res, nil
		}
		files, err := PlotDir(opts.Dir, string(opts.figureFormat()))
		res.Files = append(res.Files, files...)
		return res, err
	}
	res.Resumed = len(done)

	// Start the journal afresh with the rows kept, then append. A journal
	// that keeps rows replaces the old one whole or not at all; a new one
	// needs no such care (runPoints syncs it as rows arrive).
	write := atomicfile.Write
	if len(order) == 0 {
		write = createFile
	}
	err = write(path, func(w io.Writer) error {
		if _, err := w.Write(encodeHeader(hdr, cols)); err != nil {
			return err
		}
		for _, pt := range order {
			if _, err := w.Write(encodeGroup(done[pt])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	var todo []int
	for _, pt := range mine {
		if _, ok := done[pt]; !ok {
			todo = append(todo, pt)
		}
	}
	if err := s.runPoints(ctx, path, hdr, todo, done, opts); err != nil {
		res.Ran = len(done) - res.Resumed
		return res, err
	}
	res.Ran = len(todo)

	groups := make([]group, 0, len(mine))
	for _, pt := range mine {
		groups = append(groups, done[pt])
	}
	if sharded {
		err := atomicfile.Write(path, func(w io.Writer) error {
			if _, err := w.Write(encodeHeader(hdr, cols)); err != nil {
				return err
			}
			for _, g := range groups {
				if _, err := w.Write(encodeGroup(g)); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, journalComplete+"\n")
			return err
		})
		if err != nil {
			return res, fmt.Errorf("sweep: %w", err)
		}
		res.Complete, res.Files = true, []string{path}
		return res, nil
	}
	t := &table{hdr: hdr, paths: s.paths(), cols: cols, groups: groups}
	files, err := t.write(opts.Dir, opts.Jobs, opts.figureFormat())
	res.Files = files
	if err != nil {
		return res, err
	}
	res.Complete = true
	if err := os.Remove(path); err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	return res, nil
}

// readJournal reads the journal at path, if there is one, and returns
// the groups of this sweep's points it holds, in file order, to keep: all
// of them with opts.Resume, none otherwise. The last group may lack rows
// (a kill cut it short) and is then left out. It refuses a journal with a
// bad line or of another sweep (unless opts.Restart), and one holding
// finished points without opts.Resume or opts.Restart.
func (s *Sweep) readJournal(path string, want header, cols []string, opts Options) ([]group, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && len(data) == 0:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("sweep: %w", err)
	case opts.Restart:
		return nil, nil
	}
	what := ""
	if opts.Resume {
		what = "cannot resume: "
	}
	j, err := parseJournal(path, data)
	if err != nil {
		var de *DirError
		if errors.As(err, &de) {
			de.Msg = what + de.Msg + "; restart the sweep (--restart) to discard the journal"
		}
		return nil, err
	}
	if err := s.checkHeader(j, want, cols); err != nil {
		return nil, &DirError{Path: path, Msg: fmt.Sprintf("not this sweep's journal (%v; %s): use another output folder, or --restart to discard it",
			err, pointCount(len(j.groups)))}
	}
	groups, bad := s.checkGroups(path, j)
	if bad != nil {
		bad.Msg = what + bad.Msg + "; restart the sweep (--restart) to discard the journal"
		return nil, bad
	}
	switch {
	case opts.Resume:
		return groups, nil
	case len(groups) > 0:
		them := "them"
		if len(groups) == 1 {
			them = "it"
		}
		return nil, &DirError{Path: path, Msg: fmt.Sprintf("holds %s of this sweep: --resume keeps %s and runs the others, --restart discards %[2]s", pointCount(len(groups)), them)}
	}
	return nil, nil
}

// checkDir refuses, with a *DirError, a folder holding files of another
// sweep: its sweep.json, a sweep.csv without the sweep.json that says
// whose it is, or a journal or shard file other than own (which
// readJournal checks). With restart it removes them instead.
func (s *Sweep) checkDir(dir, own string, restart bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var foreign []string // files to remove on restart
	refuse := func(name, msg string) error {
		if restart {
			foreign = append(foreign, name)
			return nil
		}
		return &DirError{Path: filepath.Join(dir, name), Msg: msg + "; use another output folder, or --restart to replace them"}
	}
	if slices.Contains(names, JSONName) {
		t, err := readTable(os.DirFS(dir))
		switch {
		case err != nil:
			err = refuse(JSONName, fmt.Sprintf("not a sweep's output (%s)", strings.TrimPrefix(err.Error(), JSONName+": ")))
		case t.hdr.Hash != s.Hash:
			err = refuse(JSONName, fmt.Sprintf("the results of another sweep (workload %s, %d points, hash %s; this sweep's is %s)",
				t.hdr.Workload, t.hdr.Points, short(t.hdr.Hash), short(s.Hash)))
		}
		if err != nil {
			return err
		}
	} else if slices.Contains(names, CSVName) {
		if err := refuse(CSVName, "the results of a sweep, without the "+JSONName+" that says which"); err != nil {
			return err
		}
	}
	for _, name := range names {
		if name == own || name != JournalName && !shardFile.MatchString(name) {
			continue
		}
		h, err := readHeader(filepath.Join(dir, name))
		switch {
		case errors.Is(err, errNoHeaderYet):
			err = nil // another shard creating its file at this moment
		case err != nil:
			err = refuse(name, fmt.Sprintf("not a sweep journal (%v)", err))
		case h.Hash != s.Hash:
			err = refuse(name, fmt.Sprintf("the rows of another sweep (workload %s, hash %s; this sweep's is %s)", h.Workload, short(h.Hash), short(s.Hash)))
		}
		if err != nil {
			return err
		}
	}
	if restart && slices.Contains(foreign, JSONName) && !slices.Contains(foreign, CSVName) && slices.Contains(names, CSVName) {
		foreign = append(foreign, CSVName) // the other sweep's, beside its sweep.json
	}
	for _, name := range foreign {
		if err := removeIdle(dir, name); err != nil {
			return err
		}
	}
	return nil
}

// removeIdle removes the file name of dir, unless it is the file of a
// shard running at the moment (of another sweep: the shards of different
// sweeps share a folder's lock), which is refused with its pid.
func removeIdle(dir, name string) error {
	var k, n int
	if m := shardFile.FindStringSubmatch(name); m != nil {
		k, _ = strconv.Atoi(m[1])
		n, _ = strconv.Atoi(m[2])
		lock := filepath.Join(dir, ShardLockName(k, n))
		f, err := lockFile(lock, syscall.LOCK_EX)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return &DirError{Path: filepath.Join(dir, name), Msg: fmt.Sprintf("the rows of another sweep, whose shard %d of %d is running (%s); wait for it to end, or use another output folder", k, n, owner(lock))}
		}
		if err != nil {
			return fmt.Errorf("sweep: lock: %w", err)
		}
		defer (&dirLock{shard: f}).unlock()
	}
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

// errNoHeaderYet is readHeader's error for a file whose first line is a
// part of a journal's header, or empty: a file a shard is creating.
var errNoHeaderYet = errors.New("no header yet")

// readHeader reads the header line of the journal or shard file at path.
func readHeader(path string) (header, error) {
	var h header
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 1<<16)).ReadString('\n')
	switch {
	case err == io.EOF && strings.HasPrefix(journalMagic+"{", line) || err == io.EOF && strings.HasPrefix(line, journalMagic+"{"):
		return h, errNoHeaderYet
	case err != nil || !strings.HasPrefix(line, journalMagic):
		return h, fmt.Errorf("it does not start with %q", strings.TrimSpace(journalMagic))
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, journalMagic)), &h); err != nil || h.Hash == "" {
		return h, fmt.Errorf("its header is not a journal's")
	}
	return h, nil
}

// pointCount returns "1 finished point", "3 finished points".
func pointCount(n int) string {
	if n == 1 {
		return "1 finished point"
	}
	return fmt.Sprintf("%d finished points", n)
}

// createFile creates or truncates path and writes it with write.
func createFile(path string, write func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runPoints simulates the points todo in parallel, appending each one's
// rows, with the columns of hdr, to the journal at path (already holding
// the header) and adding them to done.
func (s *Sweep) runPoints(ctx context.Context, path string, hdr header, todo []int, done map[int]group, opts Options) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	inner := 1
	if n := len(todo); n > 0 && n < jobs {
		inner = jobs / n
	}
	var (
		mu       sync.Mutex
		ndone    int
		firstErr error
		errPoint = -1
		lastSync = time.Now()
	)
	if opts.Progress != nil {
		opts.Progress(0, len(todo))
	}
	experiment.ForEach(len(todo), jobs, func(k int) {
		pt := todo[k]
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			return
		}
		point := &s.Points[pt]
		r, err := experiment.Run(point.Spec, experiment.Options{Jobs: inner, Context: ctx})
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return // stopped by the interruption: run again on resume
		}
		var g group
		if err == nil {
			g = group{point: pt}
			for i := range r.Strategies {
				var cells []string
				if cells, err = rowCells(hdr, point, &r.Strategies[i]); err != nil {
					break
				}
				g.rows = append(g.rows, append(slices.Clone(point.Values), cells...))
			}
		}
		if err != nil {
			err = fmt.Errorf("point %d (%s): %w", pt, point.describe(s), err)
		}
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			if _, werr := f.Write(encodeGroup(g)); werr != nil {
				err = fmt.Errorf("sweep: %w", werr)
			} else if time.Since(lastSync) > time.Second {
				lastSync = time.Now()
				if serr := f.Sync(); serr != nil {
					err = fmt.Errorf("sweep: %w", serr)
				}
			}
		}
		if err != nil {
			if firstErr == nil || pt < errPoint {
				firstErr, errPoint = err, pt
			}
			return
		}
		done[pt] = g
		ndone++
		if opts.Progress != nil {
			opts.Progress(ndone, len(todo))
		}
	})
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	switch {
	case firstErr != nil:
		return firstErr
	case serr != nil:
		return fmt.Errorf("sweep: %w", serr)
	case ctx.Err() != nil && ndone < len(todo):
		return fmt.Errorf("%w: %d of %d points left to run", ErrInterrupted, len(todo)-ndone, len(todo))
	}
	return nil
}

// describe names a point's values: "threads=4, count=10".
func (pt *Point) describe(s *Sweep) string {
	parts := make([]string, len(pt.Values))
	for i, v := range pt.Values {
		parts[i] = s.Vary[i].Path + "=" + v
	}
	return strings.Join(parts, ", ")
}

// paths returns the varied paths.
func (s *Sweep) paths() []string {
	out := make([]string, len(s.Vary))
	for i, v := range s.Vary {
		out[i] = v.Path
	}
	return out
}

// Columns returns the header of sweep.csv: the varied paths, then the
// columns of a run's summary (strategy, kind, tasks, the statistics, the
// figures of each resource and, with replications, their _ci95
// half-widths).
func (s *Sweep) Columns() []string {
	resources, _ := s.names()
	return append(s.paths(), report.Columns(s.Replications, resources)...)
}

// header returns the journal header of shard k of n.
func (s *Sweep) header(k, n int) header {
	resources, classes := s.names()
	return header{Hash: s.Hash, Points: len(s.Points), Shard: k, Shards: n,
		Workload: s.Workload, Replications: s.Replications, Plot: s.Plot, Resources: resources, Classes: classes}
}

// checkHeader checks that a journal belongs to this sweep and shard.
func (s *Sweep) checkHeader(j *journal, want header, cols []string) error {
	h := j.hdr
	switch {
	case h.Hash != want.Hash:
		return fmt.Errorf("hash %s, this sweep's is %s", short(h.Hash), short(want.Hash))
	case h.Points != want.Points:
		return fmt.Errorf("a sweep of %d points, this one has %d", h.Points, want.Points)
	case h.Shard != want.Shard || h.Shards != want.Shards:
		return fmt.Errorf("shard %d of %d, not %d of %d", h.Shard, h.Shards, want.Shard, want.Shards)
	case !slices.Equal(j.cols[1:], cols):
		return fmt.Errorf("its columns differ from this sweep's")
	}
	return nil
}

// checkGroups checks that each group of j holds the rows of its point:
// one per strategy, in order, with the point's values, names and kinds.
// It returns the groups, less the last one if a kill cut it short.
func (s *Sweep) checkGroups(path string, j *journal) ([]group, *DirError) {
	groups := j.groups
	for gi, g := range groups {
		pt := &s.Points[g.point]
		nv := len(pt.Values)
		cfgs := pt.Spec.Strategies
		for i, r := range g.rows {
			line := g.line + i
			switch {
			case !slices.Equal(r[:nv], pt.Values):
				return nil, &DirError{Path: path, Line: line, Msg: fmt.Sprintf("point %d: varied values %s, not this sweep's %s",
					g.point, strings.Join(r[:nv], ", "), strings.Join(pt.Values, ", "))}
			case i >= len(cfgs):
				return nil, &DirError{Path: path, Line: line, Msg: fmt.Sprintf("point %d: a row beyond its %d strategies", g.point, len(cfgs))}
			case r[nv] != cfgs[i].Name || r[nv+1] != string(cfgs[i].Kind):
				return nil, &DirError{Path: path, Line: line, Msg: fmt.Sprintf("point %d: strategy %q (%s) where this sweep has %q (%s)",
					g.point, r[nv], r[nv+1], cfgs[i].Name, cfgs[i].Kind)}
			}
		}
		if len(g.rows) < len(cfgs) {
			if gi == len(groups)-1 && !j.complete {
				return groups[:gi], nil // the last write, cut short
			}
			return nil, &DirError{Path: path, Line: g.line, Msg: fmt.Sprintf("point %d: %d rows for its %d strategies", g.point, len(g.rows), len(cfgs))}
		}
	}
	return groups, nil
}

// merged reports whether dir holds this sweep's final sweep.json and
// sweep.csv.
func (s *Sweep) merged(dir string) bool {
	t, err := readTable(os.DirFS(dir))
	if err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, CSVName)); err != nil {
		return false
	}
	return t.hdr.Hash == s.Hash && t.hdr.Points == len(s.Points)
}

// short abbreviates a hash for messages.
func short(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}

package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
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

// DirError is a problem with the files already in an output folder: a
// journal of another sweep, or shards that are missing, duplicated,
// incomplete or from different sweeps.
type DirError struct {
	// Path is the folder or file at fault.
	Path string
	// Msg says what is wrong and what to do.
	Msg string
}

// Error formats e as "path: msg".
func (e *DirError) Error() string { return e.Path + ": " + e.Msg }

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
	// others. Without it a run starts over.
	Resume bool
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
// figures (or the finished shard file). When ctx is cancelled it stops
// starting points, waits for those running, and returns an error wrapping
// ErrInterrupted.
func Run(ctx context.Context, s *Sweep, opts Options) (*Result, error) {
	sharded := opts.Shards > 0
	shards := max(opts.Shards, 1)
	if opts.Shards < 0 || opts.Shard < 0 || opts.Shard >= shards {
		return nil, fmt.Errorf("sweep: shard %d of %d: want 0 <= K < N", opts.Shard, shards)
	}
	if opts.Dir == "" {
		return nil, errors.New("sweep: no output folder")
	}
	var mine []int
	for i := opts.Shard; i < len(s.Points); i += shards {
		mine = append(mine, i)
	}
	res := &Result{Points: len(mine)}
	hdr := header{Hash: s.Hash, Points: len(s.Points), Shard: opts.Shard, Shards: shards,
		Workload: s.Workload, Replications: s.Replications, Plot: s.Plot}
	cols := s.Columns()
	name := JournalName
	if sharded {
		name = ShardName(opts.Shard, shards)
	}
	path := filepath.Join(opts.Dir, name)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}

	done := make(map[int]group) // point -> its rows
	var order []int             // points of done, in journal order
	if opts.Resume {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			j, err := parseJournal(data)
			if err != nil {
				return nil, &DirError{path, fmt.Sprintf("cannot resume: %v; remove it, or run without --resume to start over", err)}
			}
			if err := s.checkHeader(j, hdr, cols); err != nil {
				return nil, &DirError{path, "cannot resume: " + err.Error() + "; use another output folder, or run without --resume to start over"}
			}
			for _, g := range j.groups {
				if _, dup := done[g.point]; !dup && g.point%shards == opts.Shard && s.groupOK(g) {
					done[g.point] = g
					order = append(order, g.point)
				}
			}
		case errors.Is(err, fs.ErrNotExist):
			if !sharded && s.merged(opts.Dir) {
				res.Resumed, res.Complete = len(mine), true
				res.Files = []string{filepath.Join(opts.Dir, CSVName), filepath.Join(opts.Dir, JSONName)}
				if opts.NoFigures {
					return res, nil
				}
				files, err := PlotDir(opts.Dir, string(opts.figureFormat()))
				res.Files = append(res.Files, files...)
				return res, err
			}
		default:
			return nil, fmt.Errorf("sweep: %w", err)
		}
	}
	res.Resumed = len(done)

	// Start the journal afresh with the rows kept, then append. A journal
	// that keeps rows replaces the old one whole or not at all; a new one
	// needs no such care (runPoints syncs it as rows arrive).
	write := atomicfile.Write
	if len(order) == 0 {
		write = createFile
	}
	err := write(path, func(w io.Writer) error {
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
	if err := s.runPoints(ctx, path, todo, done, opts); err != nil {
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
// rows to the journal at path (already holding the header) and adding them
// to done.
func (s *Sweep) runPoints(ctx context.Context, path string, todo []int, done map[int]group, opts Options) error {
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
		r, err := experiment.Run(point.Spec, experiment.Options{Jobs: inner})
		var g group
		if err == nil {
			g = group{point: pt}
			for i := range r.Strategies {
				g.rows = append(g.rows, append(slices.Clone(point.Values), report.Values(&r.Strategies[i])...))
			}
		} else {
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
// columns of a run's summary (strategy, kind, tasks, the statistics and,
// with replications, their _ci95 half-widths).
func (s *Sweep) Columns() []string {
	return append(s.paths(), report.Columns(s.Replications)...)
}

// checkHeader checks that a journal belongs to this sweep and shard.
func (s *Sweep) checkHeader(j *journal, want header, cols []string) error {
	h := j.hdr
	switch {
	case h.Hash != want.Hash:
		return fmt.Errorf("it holds rows of another sweep (hash %s, this sweep's is %s)", short(h.Hash), short(want.Hash))
	case h.Points != want.Points:
		return fmt.Errorf("it holds a sweep of %d points, this one has %d", h.Points, want.Points)
	case h.Shard != want.Shard || h.Shards != want.Shards:
		return fmt.Errorf("it holds shard %d of %d, not %d of %d", h.Shard, h.Shards, want.Shard, want.Shards)
	case !slices.Equal(j.cols[1:], cols):
		return fmt.Errorf("its columns differ from this sweep's")
	}
	return nil
}

// groupOK reports whether g holds exactly the rows of its point: one per
// strategy, in order, with the point's values.
func (s *Sweep) groupOK(g group) bool {
	if g.point < 0 || g.point >= len(s.Points) {
		return false
	}
	pt := &s.Points[g.point]
	names := pt.Strategies()
	if len(g.rows) != len(names) {
		return false
	}
	nv := len(pt.Values)
	for i, r := range g.rows {
		if len(r) <= nv || !slices.Equal(r[:nv], pt.Values) || r[nv] != names[i] {
			return false
		}
	}
	return true
}

// merged reports whether dir holds this sweep's final sweep.json and
// sweep.csv.
func (s *Sweep) merged(dir string) bool {
	t, err := readTable(os.DirFS(dir))
	if err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep.csv")); err != nil {
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

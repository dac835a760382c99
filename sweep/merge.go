package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// shardFile matches shard file names, capturing K and N.
var shardFile = regexp.MustCompile(`^sweep\.shard-([0-9]+)-of-([0-9]+)\.csv$`)

// Merge joins the shard files sweep.shard-K-of-N.csv in dir into sweep.csv,
// sweep.json and (if figures) the figures, exactly as an unsharded run of
// the same sweep writes them, and returns the files written. It holds
// dir's lock (see LockName) while it works, and refuses, with a *DirError,
// a folder another sweep or merge is using, shards that are missing,
// unfinished, duplicated, of different splits or of different sweeps, a
// bad line in a shard (naming it), and a sweep.json of another sweep.
func Merge(dir string, figures bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &DirError{Path: dir, Msg: "no such folder"}
	case errors.Is(err, syscall.ENOTDIR):
		return nil, &DirError{Path: dir, Msg: "not a folder"}
	case err != nil:
		return nil, fmt.Errorf("merge: %w", err)
	}
	lock, err := lockDir(dir, 0, 0)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	type shard struct {
		k, n int
		name string
	}
	var shards []shard
	splits := map[int][]string{}
	for _, e := range entries {
		m := shardFile.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		k, err1 := strconv.Atoi(m[1])
		n, err2 := strconv.Atoi(m[2])
		if err1 != nil || err2 != nil || n < 1 || k >= n {
			return nil, &DirError{Path: filepath.Join(dir, e.Name()), Msg: "not a valid shard name: want sweep.shard-K-of-N.csv with 0 <= K < N"}
		}
		shards = append(shards, shard{k, n, e.Name()})
		splits[n] = append(splits[n], e.Name())
	}
	if len(shards) == 0 {
		return nil, &DirError{Path: dir, Msg: "no shard files (sweep.shard-K-of-N.csv) to merge"}
	}
	if len(splits) > 1 {
		var parts []string
		for _, n := range slices.Sorted(maps.Keys(splits)) {
			parts = append(parts, fmt.Sprintf("%d of %d (%s)", len(splits[n]), n, strings.Join(splits[n], ", ")))
		}
		return nil, &DirError{Path: dir, Msg: "shards of different splits: " + strings.Join(parts, "; ") + "; remove the stale ones"}
	}
	n := shards[0].n
	have := make([]string, n)
	for _, s := range shards {
		have[s.k] = s.name
	}
	var missing []string
	for k, name := range have {
		if name == "" {
			missing = append(missing, ShardName(k, n))
		}
	}
	if len(missing) > 0 {
		return nil, &DirError{Path: dir, Msg: fmt.Sprintf("missing %d of %d shards: %s", len(missing), n, strings.Join(missing, ", "))}
	}

	var (
		first     *journal
		firstName string
		all       []group
	)
	for k, name := range have {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		j, err := parseJournal(path, data)
		if err != nil {
			return nil, err
		}
		h := j.hdr
		switch {
		case h.Shards != n || h.Shard != k:
			return nil, &DirError{Path: path, Msg: fmt.Sprintf("holds shard %d of %d, not %d of %d: a copy of another shard?", h.Shard, h.Shards, k, n)}
		case !j.complete:
			return nil, &DirError{Path: path, Msg: "unfinished: run that shard again with --resume"}
		}
		if first == nil {
			first, firstName = j, name
		} else {
			switch {
			case h.Hash != first.hdr.Hash:
				return nil, &DirError{Path: dir, Msg: fmt.Sprintf("shards of different sweeps: %s has hash %s, %s has %s", firstName, short(first.hdr.Hash), name, short(h.Hash))}
			case h.Points != first.hdr.Points || !slices.Equal(j.cols, first.cols):
				return nil, &DirError{Path: dir, Msg: fmt.Sprintf("shards of different sweeps: %s and %s differ in their points or columns", firstName, name)}
			}
		}
		// parseJournal has checked that every point is one of the shard's,
		// and once: all of them must be there, with all their rows.
		if want := (h.Points - k + n - 1) / n; len(j.groups) != want {
			return nil, &DirError{Path: path, Msg: fmt.Sprintf("holds %d of its %d points: run that shard again with --resume", len(j.groups), want)}
		}
		rows := 0
		for _, g := range j.groups {
			rows += len(g.rows)
		}
		if h.Rows > 0 && rows != h.Rows {
			return nil, &DirError{Path: path, Line: 1, Msg: fmt.Sprintf("its header says %[2]d rows, it holds %[1]d: a row removed or added?", rows, h.Rows)}
		}
		all = append(all, j.groups...)
	}
	slices.SortFunc(all, func(a, b group) int { return a.point - b.point })
	h := first.hdr
	h.Shard, h.Shards = 0, 1
	if t, err := readTable(os.DirFS(dir)); err == nil && t.hdr.Hash != h.Hash {
		return nil, &DirError{Path: filepath.Join(dir, JSONName), Msg: fmt.Sprintf("the results of another sweep (hash %s; the shards' is %s); remove it or merge elsewhere", short(t.hdr.Hash), short(h.Hash))}
	}
	cols := first.cols[1:]
	nv := len(cols) - len(summaryColumns(h))
	t := &table{hdr: h, paths: cols[:nv], cols: cols, groups: all}
	return t.write(dir, 0, (&Options{NoFigures: !figures}).figureFormat())
}

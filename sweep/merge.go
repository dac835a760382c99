package sweep

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"asyncsim/report"
)

// shardFile matches shard file names, capturing K and N.
var shardFile = regexp.MustCompile(`^sweep\.shard-([0-9]+)-of-([0-9]+)\.csv$`)

// Merge joins the shard files sweep.shard-K-of-N.csv in dir into sweep.csv,
// sweep.json and (if figures) the figures, exactly as an unsharded run of
// the same sweep writes them, and returns the files written. It refuses, with a
// *DirError, shards that are missing, unfinished, duplicated, of different
// splits or of different sweeps.
func Merge(dir string, figures bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
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
			return nil, &DirError{filepath.Join(dir, e.Name()), "not a valid shard name: want sweep.shard-K-of-N.csv with 0 <= K < N"}
		}
		shards = append(shards, shard{k, n, e.Name()})
		splits[n] = append(splits[n], e.Name())
	}
	if len(shards) == 0 {
		return nil, &DirError{dir, "no shard files (sweep.shard-K-of-N.csv) to merge"}
	}
	if len(splits) > 1 {
		var parts []string
		for _, n := range slices.Sorted(maps.Keys(splits)) {
			parts = append(parts, fmt.Sprintf("%d of %d (%s)", len(splits[n]), n, strings.Join(splits[n], ", ")))
		}
		return nil, &DirError{dir, "shards of different splits: " + strings.Join(parts, "; ") + "; remove the stale ones"}
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
		return nil, &DirError{dir, fmt.Sprintf("missing %d of %d shards: %s", len(missing), n, strings.Join(missing, ", "))}
	}

	var (
		first     *journal
		firstName string
		owner     = map[int]string{} // point -> shard file
		all       []group
	)
	for k, name := range have {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		j, err := parseJournal(data)
		if err != nil {
			return nil, &DirError{path, err.Error()}
		}
		h := j.hdr
		switch {
		case h.Shards != n || h.Shard != k:
			return nil, &DirError{path, fmt.Sprintf("holds shard %d of %d, not %d of %d: a copy of another shard?", h.Shard, h.Shards, k, n)}
		case j.bad != "":
			return nil, &DirError{path, j.bad}
		case !j.complete:
			return nil, &DirError{path, "unfinished: run that shard again with --resume"}
		}
		if first == nil {
			first, firstName = j, name
		} else {
			switch {
			case h.Hash != first.hdr.Hash:
				return nil, &DirError{dir, fmt.Sprintf("shards of different sweeps: %s has hash %s, %s has %s", firstName, short(first.hdr.Hash), name, short(h.Hash))}
			case h.Points != first.hdr.Points || !slices.Equal(j.cols, first.cols):
				return nil, &DirError{dir, fmt.Sprintf("shards of different sweeps: %s and %s differ in their points or columns", firstName, name)}
			}
		}
		var want []int
		for i := k; i < h.Points; i += n {
			want = append(want, i)
		}
		var got []int
		for _, g := range j.groups {
			if g.point%n != k || g.point >= h.Points {
				return nil, &DirError{path, fmt.Sprintf("holds point %d, which is not one of shard %d of %d", g.point, k, n)}
			}
			if other, dup := owner[g.point]; dup {
				if other == name {
					return nil, &DirError{path, fmt.Sprintf("holds point %d twice", g.point)}
				}
				return nil, &DirError{dir, fmt.Sprintf("point %d is in both %s and %s", g.point, other, name)}
			}
			owner[g.point] = name
			got = append(got, g.point)
		}
		if !slices.Equal(got, want) {
			return nil, &DirError{path, fmt.Sprintf("holds %d of its %d points: run that shard again with --resume", len(got), len(want))}
		}
		all = append(all, j.groups...)
	}
	slices.SortFunc(all, func(a, b group) int { return a.point - b.point })
	h := first.hdr
	h.Shard, h.Shards = 0, 1
	cols := first.cols[1:]
	nv := len(cols) - len(report.Columns(h.Replications))
	if nv < 1 {
		return nil, &DirError{dir, "the shards' columns hold no varied path"}
	}
	t := &table{hdr: h, paths: cols[:nv], cols: cols, groups: all}
	return t.write(dir, 0, (&Options{NoFigures: !figures}).figureFormat())
}

package sweep

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// LockName is an output folder's lock file, which exists while a sweep or
// a merge runs there: an unsharded sweep or a merge holds it alone, the
// shards of a sweep share it (each holding its own ShardLockName too), so
// that no two of them write the same files. The locks are flock(2) locks,
// which the kernel releases when their holder exits, even by kill -9; a
// lone holder removes the file when it ends (the shards leave it for the
// merge), and a file left behind is simply taken over.
const LockName = "sweep.lock"

// ShardLockName returns the lock file of shard k of n, which holds the pid
// of the shard's run: "sweep.shard-K-of-N.lock".
func ShardLockName(k, n int) string { return fmt.Sprintf("sweep.shard-%d-of-%d.lock", k, n) }

// dirLock is the locks a Run or Merge holds on its output folder.
type dirLock struct {
	dir   *os.File // LockName
	alone bool     // dir is locked exclusively, not shared with shards
	shard *os.File // ShardLockName, for a shard
}

// lockDir takes dir's locks: LockName alone when shards is 0 (an unsharded
// sweep or a merge), shared with the other shards and ShardLockName(shard,
// shards) alone otherwise. A lock another process holds is refused with a
// *DirError naming its pid.
func lockDir(dir string, shard, shards int) (*dirLock, error) {
	path := filepath.Join(dir, LockName)
	if shards == 0 {
		f, err := lockFile(path, syscall.LOCK_EX)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &DirError{Path: dir, Msg: "in use by " + holders(dir) + "; wait for it to end, or use another output folder"}
		}
		if err != nil {
			return nil, fmt.Errorf("sweep: lock: %w", err)
		}
		l := &dirLock{dir: f, alone: true}
		if err := writeOwner(f); err != nil {
			l.unlock()
			return nil, err
		}
		return l, nil
	}
	f, err := lockFile(path, syscall.LOCK_SH)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, &DirError{Path: dir, Msg: "in use by " + holders(dir) + "; wait for it to end, or use another output folder"}
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: lock: %w", err)
	}
	l := &dirLock{dir: f}
	if err := f.Truncate(0); err != nil { // no exclusive holder's pid
		l.unlock()
		return nil, fmt.Errorf("sweep: lock: %w", err)
	}
	spath := filepath.Join(dir, ShardLockName(shard, shards))
	l.shard, err = lockFile(spath, syscall.LOCK_EX)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		l.unlock()
		return nil, &DirError{Path: dir, Msg: fmt.Sprintf("shard %d of %d is already running into it (%s); wait for it to end", shard, shards, owner(spath))}
	}
	if err != nil {
		l.unlock()
		return nil, fmt.Errorf("sweep: lock: %w", err)
	}
	if err := writeOwner(l.shard); err != nil {
		l.unlock()
		return nil, err
	}
	return l, nil
}

// lockFile opens (creating it if need be) and flocks the file at path
// without waiting, how being LOCK_EX or LOCK_SH. The lock is refused with
// an error wrapping syscall.EWOULDBLOCK.
func lockFile(path string, how int) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
			f.Close()
			return nil, &fs.PathError{Op: "flock", Path: path, Err: err}
		}
		// The holder before this one may have removed the file between
		// its opening and its locking: then the lock is on a file nobody
		// else will find, and it is taken again on the file at path.
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		pi, err := os.Stat(path)
		if err == nil && os.SameFile(fi, pi) {
			return f, nil
		}
		f.Close()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
}

// writeOwner writes the lock holder's pid and host into f.
func writeOwner(f *os.File) error {
	host, _ := os.Hostname()
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("sweep: lock: %w", err)
	}
	if _, err := f.WriteAt(fmt.Appendf(nil, "pid %d on %s\n", os.Getpid(), host), 0); err != nil {
		return fmt.Errorf("sweep: lock: %w", err)
	}
	return nil
}

// owner returns what the lock file at path says of its holder: "pid N on
// HOST", or "a process whose pid it has not written yet".
func owner(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "a process that has just left"
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	if s := strings.TrimSpace(string(b)); strings.HasPrefix(s, "pid ") && !strings.Contains(s, "\n") {
		return s
	}
	return "a process whose pid it has not written yet"
}

// holders describes who holds dir's LockName: the pid of an unsharded
// sweep or merge, or the shards whose lock files are there.
func holders(dir string) string {
	path := filepath.Join(dir, LockName)
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return "another asyncsim sweep or merge (" + owner(path) + ")"
	}
	entries, _ := os.ReadDir(dir)
	var shards []string
	for _, e := range entries {
		var k, n int
		if _, err := fmt.Sscanf(e.Name(), "sweep.shard-%d-of-%d.lock", &k, &n); err == nil && e.Name() == ShardLockName(k, n) {
			shards = append(shards, fmt.Sprintf("shard %d of %d (%s)", k, n, owner(filepath.Join(dir, e.Name()))))
		}
	}
	if len(shards) == 0 {
		return "another asyncsim sweep, merge or shard (" + owner(path) + ")"
	}
	slices.Sort(shards)
	return "the shards of a sweep: " + strings.Join(shards, ", ")
}

// unlock releases l's locks and removes the lock files it holds alone:
// those of an unsharded sweep or a merge, and a shard's own. A lock file
// is removed while it is held alone, so a process that opened it before
// then finds on locking that it is gone and takes the new one (see
// lockFile). The folder's lock file shared by shards stays until the
// merge (or any lone holder) removes it: a shard cannot tell whether it
// is the last without making a shard starting at that moment fail.
func (l *dirLock) unlock() {
	if l == nil {
		return
	}
	if l.shard != nil {
		os.Remove(l.shard.Name())
		l.shard.Close()
	}
	if l.dir != nil {
		if l.alone {
			os.Remove(l.dir.Name())
		}
		l.dir.Close()
	}
}

package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records whether the check failed.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true; panic(r) }
func (r *recorder) Helper()               {}

// check runs Check with a recorder and reports whether it failed.
func check(t *testing.T, name string, got []byte) (failed bool) {
	r := &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != r {
			panic(v)
		}
		failed = r.failed
	}()
	Check(r, name, got)
	return r.failed
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "a.txt"), []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if check(t, "a.txt", []byte("same\n")) {
		t.Errorf("Check of equal bytes failed")
	}
	if !check(t, "a.txt", []byte("other\n")) {
		t.Errorf("Check of different bytes passed")
	}
	if !check(t, "missing.txt", []byte("x")) {
		t.Errorf("Check of a missing golden file passed")
	}
	*Update = true
	defer func() { *Update = false }()
	if check(t, "sub/new.txt", []byte("new\n")) {
		t.Errorf("Check with -update failed")
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "sub", "new.txt")); err != nil || string(data) != "new\n" {
		t.Errorf("-update wrote %q, %v; want \"new\\n\"", data, err)
	}
}

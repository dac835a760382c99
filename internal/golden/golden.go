package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// Update is the -update flag of every test binary that imports this
// package: when set, Check rewrites the golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Check compares got with the file testdata/name of the package under
// test, or with -update writes got there (creating testdata/). A
// difference is reported with both texts, and the command that rewrites
// the file.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	CheckFile(t, filepath.Join("testdata", name), got)
}

// CheckFile is Check for a golden file at any path, such as a figure of
// the documentation. A difference in bytes that are not UTF-8 text (an
// image) is reported without them.
func CheckFile(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	switch {
	case bytes.Equal(got, want):
	case !utf8.Valid(got) || !utf8.Valid(want):
		t.Errorf("output differs from %s (go test -update rewrites it; look at both)", path)
	default:
		t.Errorf("output differs from %s (go test -update rewrites it; review the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

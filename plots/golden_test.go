package plots

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestDataFilesGolden compares the data files written for the sample run
// with testdata/sample-data.txt (go test -update rewrites it).
func TestDataFilesGolden(t *testing.T) {
	var got bytes.Buffer
	for _, f := range DataFiles() {
		got.WriteString("==> " + f.Name + " <==\n")
		if err := f.Write(&got, sample()); err != nil {
			t.Fatal(err)
		}
	}
	golden := filepath.Join("testdata", "sample-data.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the data files differ from %s (go test -update rewrites it; review the diff):\n%s", golden, got.Bytes())
	}
}

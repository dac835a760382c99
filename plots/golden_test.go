package plots

import (
	"bytes"
	"testing"

	"asyncsim/internal/golden"
)

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
	golden.Check(t, "sample-data.txt", got.Bytes())
}

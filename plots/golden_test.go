package plots

import (
	"bytes"
	"testing"

	"asyncsim/internal/golden"
)

// TestDataFilesGolden compares the data files written for the sample run
// with testdata/sample-data.txt (go test -update rewrites it).
func TestDataFilesGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		run    *Run
	}{{"sample-data.txt", sample()}, {"classes-data.txt", classes(3)}} {
		var got bytes.Buffer
		for _, f := range DataFiles() {
			if f.For != nil && !f.For(tt.run) {
				continue
			}
			got.WriteString("==> " + f.Name + " <==\n")
			if err := f.Write(&got, tt.run); err != nil {
				t.Fatal(err)
			}
		}
		golden.Check(t, tt.golden, got.Bytes())
	}
}

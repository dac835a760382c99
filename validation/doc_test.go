package validation

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/validation.md from the full form")

// docPath is the committed validation report, which asyncsim selfcheck
// --markdown writes.
var docPath = filepath.Join("..", "docs", "validation.md")

// TestValidationDocIsCurrent runs the full form (about ten seconds on two
// cores) and compares its Markdown with docs/validation.md, which
// go test ./validation -update rewrites. asyncsim selfcheck writes the same
// Markdown through Report.WriteMarkdown (TestSelfcheckQuick checks that
// path in cmd/asyncsim with the quick form).
//
// It is in a file of its own, named to come first, so that it is the first
// test to start in parallel with the others (those that read the quick
// form): the longest test starts first.
func TestValidationDocIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("the full form takes about ten seconds")
	}
	t.Parallel()
	rep, err := Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Quick {
		t.Error("Report.Quick = true for the full form")
	}
	for _, c := range rep.Failed() {
		t.Errorf("%s %s %s: simulated %v ± %v, theory %v (%s)", c.Scenario, c.Strategy, c.Figure, c.Mean, c.CI95, c.Theory, c.Tolerance)
	}
	var got bytes.Buffer
	if err := rep.WriteMarkdown(&got); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(docPath, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v (go test ./validation -update, or asyncsim selfcheck --markdown docs/validation.md, writes it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("%s is not what asyncsim selfcheck --markdown writes now (%s); review and rewrite it with go test ./validation -update",
			docPath, firstDifference(got.String(), string(want)))
	}
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d is %q, the file has %q", i+1, gl, wl)
		}
	}
	return "they are equal"
}

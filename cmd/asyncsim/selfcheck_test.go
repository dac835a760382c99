package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSelfcheckQuick(t *testing.T) {
	md := filepath.Join(t.TempDir(), "docs", "validation.md")
	code, out, errOut := asyncsim(t, "selfcheck", "--quick", "--markdown", md)
	if code != 0 {
		t.Fatalf("selfcheck --quick: exit %d, stderr %s\n%s", code, errOut, out)
	}
	if errOut != "" {
		t.Errorf("selfcheck --quick printed on stderr: %s", errOut)
	}
	for _, want := range []string{"(quick form)", "SCENARIO", "mm1-rho0.9", "gil-convoy-k4", "executor-n100", "erlang-b-exp", "pool-littles-law", "All 97 checks passed."} {
		if !strings.Contains(out, want) {
			t.Errorf("selfcheck --quick output lacks %q", want)
		}
	}
	doc, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), "# Validation against queueing theory\n") || !strings.Contains(string(doc), "quick form") {
		t.Errorf("--markdown wrote %.80q...", doc)
	}
}

func TestSelfcheckUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"selfcheck", "extra"}, `selfcheck: takes no arguments, got ["extra"]`},
		{[]string{"selfcheck", "--jobs", "-1"}, `invalid value "-1" for flag --jobs: want a number of jobs, at least 1`},
		{[]string{"selfcheck", "--quik"}, "unknown flag --quik; did you mean --quick?"},
	} {
		code, stdout, stderr := asyncsim(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	code, out, _ := asyncsim(t, "selfcheck", "--help")
	if code != 0 || !strings.Contains(out, "Usage: asyncsim selfcheck") || !strings.Contains(out, "-markdown FILE") {
		t.Errorf("selfcheck --help: exit %d, output %q", code, out)
	}
}

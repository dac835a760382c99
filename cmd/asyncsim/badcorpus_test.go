package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The bad-input corpus: every testdata/bad/NAME.yaml is a broken workload,
// every testdata/bad-sweeps/NAME.yaml a broken sweep file (the valid and
// broken workloads they refer to are in testdata/bad-sweeps/workloads),
// and NAME.want beside each the exact message asyncsim prints for it on
// stderr. go test -update rewrites the .want files; review the diff.
const (
	badDir      = "testdata/bad"
	badSweepDir = "testdata/bad-sweeps"
)

// positioned matches a message that names a file of the corpus, a line
// and a column.
var positioned = regexp.MustCompile(`^asyncsim: testdata/bad(-sweeps)?/[a-z/-]+\.(yaml|txt):[1-9][0-9]*:[1-9][0-9]*: `)

// TestBadWorkloadCorpus runs every broken workload through the command
// line, as run (with --out) and as validate, and checks exit code 2, the
// exact message, nothing on stdout, and nothing written.
func TestBadWorkloadCorpus(t *testing.T) {
	badCorpus(t, badDir, 40, func(t *testing.T, file, stderr string) {
		code, vout, verr := asyncsim(t, "validate", file)
		if code != 2 || vout != "" || verr != stderr {
			t.Errorf("validate: exit %d, stdout %q, stderr %q; want exit 2 and run's message", code, vout, verr)
		}
	}, "run")
}

// TestBadSweepCorpus runs every broken sweep file through asyncsim sweep
// (with --out), and --dry-run, with the same checks.
func TestBadSweepCorpus(t *testing.T) {
	badCorpus(t, badSweepDir, 15, func(t *testing.T, file, stderr string) {
		code, out, errOut := asyncsim(t, "sweep", file, "--dry-run")
		if code != 2 || out != "" || errOut != stderr {
			t.Errorf("sweep --dry-run: exit %d, stdout %q, stderr %q; want exit 2 and the same message", code, out, errOut)
		}
	}, "sweep")
}

// badCorpus runs "asyncsim COMMAND FILE --out DIR" on every *.yaml file of
// dir (at least min of them) and checks exit code 2, stderr against the
// golden FILE.want, nothing on stdout and nothing written; more runs
// further checks with the message.
func badCorpus(t *testing.T, dir string, min int, more func(t *testing.T, file, stderr string), command string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < min {
		t.Fatalf("%d broken files in %s; want at least %d", len(files), dir, min)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := asyncsim(t, command, file, "--out", out)
			if code != 2 {
				t.Errorf("%s: exit %d; want 2", command, code)
			}
			if stdout != "" {
				t.Errorf("%s printed %q on stdout; want nothing", command, stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s created %s", command, out)
			}
			if !positioned.MatchString(stderr) {
				t.Errorf("%s: stderr %q does not start with a file, line and column", command, stderr)
			}
			wantFile := filepath.Join(dir, name+".want")
			if *update {
				if err := os.WriteFile(wantFile, []byte(stderr), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(wantFile); err != nil {
				t.Errorf("%v (go test -update writes it)", err)
			} else if stderr != string(want) {
				t.Errorf("%s: stderr\n%s\nwant (%s)\n%s", command, stderr, wantFile, want)
			}
			more(t, file, stderr)
		})
	}
	// Every golden message belongs to a file of the corpus.
	wants, _ := filepath.Glob(filepath.Join(dir, "*.want"))
	for _, w := range wants {
		if _, err := os.Stat(strings.TrimSuffix(w, ".want") + ".yaml"); err != nil {
			t.Errorf("%s has no input beside it", w)
		}
	}
}

// TestFileNameIsNotAnExample: a workload named like a file (an extension
// or a path separator) is a file, never the embedded example of a similar
// name (issue 12, point 8), in run and in a sweep's workload.
func TestFileNameIsNotAnExample(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "gil.yaml"}, "asyncsim: gil.yaml: no such file or directory (the example of that name is gil, without .yaml)\n"},
		{[]string{"run", "./gil"}, "asyncsim: ./gil: no such file or directory\n"},
		{[]string{"validate", "gil.yml"}, "asyncsim: gil.yml: no such file or directory\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := asyncsim(t, tt.args...)
		if code != 2 || stdout != "" || stderr != tt.want {
			t.Errorf("asyncsim %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	// The bare name is still the example.
	if code, stdout, stderr := asyncsim(t, "validate", "gil"); code != 0 || !strings.HasPrefix(stdout, "gil: ok: workload gil,") {
		t.Errorf("validate gil: exit %d, stdout %q, stderr %q; want the example", code, stdout, stderr)
	}
}

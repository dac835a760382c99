package main

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tree returns the files under dir with their contents, for a golden.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			names = append(names, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, name)
		b.WriteString("==> " + filepath.ToSlash(rel) + " <==\n" + string(data))
	}
	return b.String()
}

func TestImportLogGolden(t *testing.T) {
	// testdata/import/small-nginx.log: see accesslog's TestImportNginx for
	// the derivation of its arrivals and durations. --top 2 keeps
	// GET /items/:id and GET /, POST /cart is "other"; --cpu-share 0.25
	// splits the durations 0.1, 0.3, 0.5 into 0.025, 0.075, 0.125 of cpu
	// and 0.075, 0.225, 0.375 of io.
	out := filepath.Join(t.TempDir(), "shop")
	code, stdout, stderr := asyncsim(t, "import-log", "testdata/import/small-nginx.log", "--out", out, "--top", "2", "--cpu-share", "0.25", "--name", "shop")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "import/small-nginx.summary.txt", strings.ReplaceAll(stdout, out, "OUT"))
	golden(t, "import/small-nginx.tree.txt", tree(t, out))
	// The workload runs.
	if code, _, stderr := asyncsim(t, "run", filepath.Join(out, "workload.yaml")); code != exitOK {
		t.Fatalf("run of the imported workload: exit %d: %s", code, stderr)
	}
}

func TestImportLogSample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shop")
	code, stdout, stderr := asyncsim(t, "import-log", "sample", "--out", out, "--speed", "1.5")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Read 73344 lines of the sample log (nginx format): 73339 requests, 5 lines skipped.", "(940 endpoints)", "speed 1.5"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = asyncsim(t, "run", filepath.Join(out, "workload.yaml"))
	if code != exitOK || !strings.Contains(stdout, "73339") {
		t.Fatalf("run: exit %d: %s%s", code, stdout, stderr)
	}
}

func TestImportLogShares(t *testing.T) {
	tests := []struct {
		share string
		files []string
	}{
		{"0", []string{"get-a.io.txt"}},
		{"1", []string{"get-a.cpu.txt"}},
		{"0.5", []string{"get-a.cpu.txt", "get-a.io.txt"}},
	}
	log := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(log, []byte("1,GET /a,0.1\n2,GET /a,0.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		out := filepath.Join(t.TempDir(), "w")
		if code, _, stderr := asyncsim(t, "import-log", log, "--out", out, "--cpu-share", tt.share); code != exitOK {
			t.Fatalf("share %s: exit %d: %s", tt.share, code, stderr)
		}
		entries, _ := os.ReadDir(filepath.Join(out, "durations"))
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if strings.Join(got, " ") != strings.Join(tt.files, " ") {
			t.Errorf("share %s: durations %v; want %v", tt.share, got, tt.files)
		}
	}
}

func TestImportLogGzip(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log.1.gz")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	z := gzip.NewWriter(f)
	z.Write([]byte("1,GET /a,0.1\n2,GET /b,0.3\n"))
	z.Close()
	f.Close()
	out := filepath.Join(dir, "w")
	code, stdout, stderr := asyncsim(t, "import-log", log, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "Read 2 lines of "+log+" (csv format): 2 requests") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	// The workload's name comes from the file's name.
	if yaml, _ := os.ReadFile(filepath.Join(out, "workload.yaml")); !strings.Contains(string(yaml), "\nname: access\n") {
		t.Errorf("workload.yaml lacks name: access:\n%s", yaml)
	}
}

func TestImportLogErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.log")
	if err := os.WriteFile(garbage, []byte("hello\n\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := "testdata/import/small-nginx.log"
	full := filepath.Join(dir, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o644)
	out := filepath.Join(dir, "out")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{garbage, "--out", out}, "asyncsim: import-log: " + garbage + `: no line parses as an access log (nginx, gunicorn or csv); line 1: no quoted request line ("GET /path HTTP/1.1"); line 2: blank line; line 3: no quoted request line ("GET /path HTTP/1.1")` + "\n"},
		{[]string{good, "--out", out, "--format", "csv"}, "asyncsim: import-log: " + good + ": no line parses as an access log (nginx, gunicorn or csv); line 1: not timestamp,path,duration"},
		{[]string{filepath.Join(dir, "missing.log"), "--out", out}, "no such file or directory"},
		{[]string{dir, "--out", out}, "is a directory, not a log file"},
		{[]string{good}, "asyncsim: import-log: --out DIR is required\n"},
		{[]string{"--out", out}, `asyncsim: import-log: want one FILE (or "sample"), got 0`},
		{[]string{good, good, "--out", out}, `want one FILE (or "sample"), got 2`},
		{[]string{good, "--out", full}, "asyncsim: import-log: --out " + full + " is not empty (--force replaces its workload.yaml, traces/ and durations/)\n"},
		{[]string{good, "--out", notDir}, "exists and is not a directory"},
		{[]string{good, "--out", out, "--cpu-share", "1.5"}, "--cpu-share 1.5 is not between 0 and 1"},
		{[]string{good, "--out", out, "--cpu-share", "NaN"}, "--cpu-share NaN is not between 0 and 1"},
		{[]string{good, "--out", out, "--speed", "0"}, "--speed 0 is not a number above 0"},
		{[]string{good, "--out", out, "--top", "0"}, "--top 0 is not between 1 and 100"},
		{[]string{good, "--out", out, "--samples", "0"}, "--samples 0 is not between 1 and 100000"},
		{[]string{good, "--out", out, "--format", "apache"}, `--format: unknown log format "apache" (want auto, nginx, gunicorn or csv)`},
		{[]string{good, "--out", out, "--name", "My Shop"}, `--name "My Shop" must match [a-z0-9._-]+`},
		{[]string{good, "--out", out, "--cpu-shar", "0.1"}, "unknown flag --cpu-shar; did you mean --cpu-share?"},
	}
	for _, tt := range tests {
		code, stdout, stderr := asyncsim(t, append([]string{"import-log"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("import-log %q: exit %d, stdout %q, stderr %q; want exit 2, %q", tt.args, code, stdout, stderr, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("import-log %q wrote %s", tt.args, out)
		}
	}
	// Nothing was written beside out either (no staging folder left).
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%s holds %d entries; want garbage.log, full and file", dir, len(entries))
	}
}

func TestImportLogForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	log := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(log, []byte("1,GET /a,0.1\n2,GET /b,0.3\n"), 0o644)
	if code, _, stderr := asyncsim(t, "import-log", log, "--out", dir); code != exitOK {
		t.Fatal(stderr)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(log, []byte("1,GET /c,0.1\n"), 0o644)
	if code, _, stderr := asyncsim(t, "import-log", log, "--out", dir, "--force"); code != exitOK {
		t.Fatal(stderr)
	}
	// The old classes' files are gone, the user's notes kept.
	traces, _ := os.ReadDir(filepath.Join(dir, "traces"))
	if len(traces) != 1 || traces[0].Name() != "get-c.txt" {
		t.Errorf("traces after --force: %v; want get-c.txt only", traces)
	}
	if notes, err := os.ReadFile(filepath.Join(dir, "notes.txt")); err != nil || string(notes) != "mine" {
		t.Errorf("notes.txt after --force: %q, %v", notes, err)
	}
}

func TestSig3(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{99.97, "100"}, {100, "100"}, {1234.5, "1234"}, {9.996, "10.0"}, {12.34, "12.3"}, {0.99951, "1.00"}, {1.5, "1.50"}, {0.0123, "0.0123"}} {
		if got := sig3(tt.v); got != tt.want {
			t.Errorf("sig3(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
}

func TestImportLogResolution(t *testing.T) {
	nginx := func(done, d float64) string {
		return fmt.Sprintf(`1.2.3.4 - - %.3f "GET /a HTTP/1.1" 200 1 "-" "-" %.3f`+"\n", 1700000000+done, d)
	}
	tests := []struct{ name, log, want string }{
		{"sub-second csv", "1.5,/a,1\n2.25,/a,1\n", "Arrivals: timestamps as logged (sub-second).\n"},
		{"mixed csv", "1.5,/a,1\n2,/a,1\n", "Arrivals: timestamps as logged, but 1 in whole seconds spread evenly within them.\n"},
		{"whole-second csv", "1,/a,1\n2,/a,1\n", "Arrivals: timestamps in whole seconds, the requests of a second spread evenly within it.\n"},
		// Arrivals at 0, 100 and 200; reading 200 writes 0 and 100, so the
		// one logged at 200.5 after 150 s, which arrived at 50.5, is moved
		// forward to 100 (see accesslog's TestImportReorders).
		{"$msec, reordered", nginx(0, 0) + nginx(100, 0) + nginx(200, 0) + nginx(200.5, 150),
			"Arrivals: timestamps as logged (sub-second); arrival = logged time - duration (logged at completion); 1 arrival more than 30s out of order moved forward.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "x.log")
			os.WriteFile(log, []byte(tt.log), 0o644)
			code, stdout, stderr := asyncsim(t, "import-log", log, "--out", filepath.Join(dir, "w"))
			if code != exitOK || !strings.Contains(stdout, tt.want) {
				t.Errorf("exit %d, stdout:\n%s\nstderr %s\nwant a line %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

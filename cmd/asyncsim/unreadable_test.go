//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"asyncsim/internal/schema"
)

// TestUnreadableInputs: inputs that are not regular files, or too large,
// are refused before they are read, with exit 2 and a message naming the
// path and the problem (issue 12, points 9, 10 and 17). /dev/zero would
// otherwise be read until memory runs out, and a FIFO without a writer
// would block forever.
func TestUnreadableInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, schema.MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	sweepOf := func(name, workload string) string {
		path := filepath.Join(dir, name)
		src := "workload: " + workload + "\nvary: [{path: seed, values: [1, 2]}]\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"validate", "/dev/zero"}, "asyncsim: /dev/zero: is a device, not a regular file\n"},
		{[]string{"run", "/dev/urandom"}, "asyncsim: /dev/urandom: is a device, not a regular file\n"},
		{[]string{"validate", fifo}, "asyncsim: " + fifo + ": is a named pipe, not a regular file\n"},
		{[]string{"validate", dir}, "asyncsim: " + dir + ": is a directory, not a regular file\n"},
		{[]string{"validate", big}, "asyncsim: " + big + ": file too large: more than the limit of 16 MiB\n"},
		{[]string{"validate", "missing.yaml"}, "asyncsim: missing.yaml: no such file or directory\n"},
		{[]string{"sweep", "/dev/zero", "--dry-run"}, "asyncsim: /dev/zero: is a device, not a regular file\n"},
		{[]string{"sweep", sweepOf("zero.yaml", "/dev/zero"), "--dry-run"},
			"asyncsim: " + dir + "/zero.yaml:1:11: workload \"/dev/zero\": is a device, not a regular file\n"},
		{[]string{"sweep", sweepOf("fifo-sweep.yaml", "fifo.yaml"), "--dry-run"},
			"asyncsim: " + dir + "/fifo-sweep.yaml:1:11: workload \"fifo.yaml\": is a named pipe, not a regular file\n"},
	}
	for _, tt := range tests {
		start := time.Now()
		code, stdout, stderr := asyncsim(t, tt.args...)
		if code != 2 || stdout != "" || stderr != tt.want {
			t.Errorf("asyncsim %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("asyncsim %v took %v; want it refused at once", tt.args, d)
		}
	}
}

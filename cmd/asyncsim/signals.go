package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// errInterrupted stops the writing of an output file when a signal has
// come: the file is then not written at all.
var errInterrupted = errors.New("interrupted")

// interrupter stops a command cleanly on SIGINT or SIGTERM: it runs the
// command's clean-ups (removing its spools), says so on stderr, and exits
// with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
// Simulations cannot be interrupted midway, so it exits at once while they
// run; output files are each written whole or not at all, so it waits for
// the one being written (whose writer may give up early, see interrupted).
type interrupter struct {
	cmd     string
	stderr  io.Writer
	signals chan os.Signal
	stopped chan struct{} // closed by release
	got     atomic.Bool   // a signal has come

	mu       sync.Mutex // held while an output file is written
	cleanups []func()
}

// watchSignals starts catching SIGINT and SIGTERM for the command cmd
// until release.
func watchSignals(cmd string, stderr io.Writer) *interrupter {
	in := &interrupter{cmd: cmd, stderr: stderr, signals: make(chan os.Signal, 1), stopped: make(chan struct{})}
	signal.Notify(in.signals, syscall.SIGINT, syscall.SIGTERM)
	go in.wait()
	return in
}

func (in *interrupter) wait() {
	select {
	case <-in.stopped:
		return
	case sig := <-in.signals:
		in.got.Store(true)
		in.mu.Lock() // the file being written is finished or given up
		for i := len(in.cleanups) - 1; i >= 0; i-- {
			in.cleanups[i]()
		}
		fmt.Fprintf(in.stderr, "asyncsim: %s: interrupted by %s: stopped, temporary files removed\n", in.cmd, sigName(sig))
		code := 128
		if s, ok := sig.(syscall.Signal); ok {
			code += int(s)
		}
		os.Exit(code)
	}
}

// sigName names a signal as kill -l does: SIGINT, SIGTERM.
func sigName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// onInterrupt adds a clean-up to run, latest first, if a signal stops the
// command.
func (in *interrupter) onInterrupt(f func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cleanups = append(in.cleanups, f)
}

// write runs an output file's write: a signal that comes meanwhile waits
// for it.
func (in *interrupter) write(f func() error) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return f()
}

// interrupted reports whether a signal has come; a long write checks it
// and returns errInterrupted, so as not to keep the signal waiting.
func (in *interrupter) interrupted() bool { return in.got.Load() }

// release stops catching the signals.
func (in *interrupter) release() {
	signal.Stop(in.signals)
	close(in.stopped)
}

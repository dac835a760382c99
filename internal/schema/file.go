package schema

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MaxFileSize is the largest input file ReadFile reads, in bytes: 16 MiB,
// far more than any hand-written workload or sweep. A command may raise
// it before reading its inputs.
var MaxFileSize int64 = 16 << 20

// FileError is a problem with an input file as a whole: it does not
// exist, is not a regular file, or is too large. It reads
// "PATH: PROBLEM", without the operation of an *fs.PathError.
type FileError struct {
	Path string
	Err  error
}

// Error formats e as "path: problem".
func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying problem, so that errors.Is(err,
// fs.ErrNotExist) holds for a missing file.
func (e *FileError) Unwrap() error { return e.Err }

// ErrTooLarge is the problem of a file larger than MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads the input file at path, which must be a regular file of
// at most MaxFileSize bytes. A device, a named pipe, a socket or a
// directory is refused before anything is read, so that neither
// /dev/zero nor a FIFO without a writer can exhaust memory or block.
// Every error is a *FileError.
func ReadFile(path string) ([]byte, error) {
	f, info, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > MaxFileSize {
		return nil, &FileError{Path: path, Err: tooLarge()}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if int64(len(data)) > MaxFileSize {
		return nil, &FileError{Path: path, Err: tooLarge()}
	}
	return data, nil
}

// OpenFile opens the input file at path, which must be a regular file (of
// any size: its reader bounds what it reads), refusing a device, a named
// pipe, a socket or a directory as ReadFile does. It returns the open
// file and what it was when opened. Every error is a *FileError.
func OpenFile(path string) (*os.File, fs.FileInfo, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fileError(path, err)
	}
	if err := regular(info); err != nil {
		return nil, nil, fileError(path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fileError(path, err)
	}
	// The file may have been replaced since Stat.
	if info, err = f.Stat(); err == nil {
		err = regular(info)
	}
	if err != nil {
		f.Close()
		return nil, nil, fileError(path, err)
	}
	return f, info, nil
}

// fileError is err, a problem with the file at path, as a *FileError
// without the operation of an *fs.PathError.
func fileError(path string, err error) *FileError {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &FileError{Path: path, Err: err}
}

// regular returns nil for a regular file, and else says what it is.
func regular(info fs.FileInfo) error {
	m := info.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		return errors.New("is not a regular file")
	}
	return fmt.Errorf("is %s, not a regular file", what)
}

// tooLarge describes a file over the limit.
func tooLarge() error {
	return fmt.Errorf("%w: more than the limit of %s", ErrTooLarge, formatSize(MaxFileSize))
}

// formatSize formats a number of bytes in binary units: "16 MiB",
// "1.5 KiB", "300 bytes".
func formatSize(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	x := float64(n) / 1024
	u := 0
	for x >= 1024 && u < len(units)-1 {
		x /= 1024
		u++
	}
	return strings.TrimSuffix(strconv.FormatFloat(x, 'f', 1, 64), ".0") + " " + units[u]
}

// IsFileName reports whether name, given where a file or an embedded
// example may be named, can only mean a file: it has an extension or a
// path separator. Such a name never falls back to an example.
func IsFileName(name string) bool {
	return strings.ContainsAny(name, "/"+string(filepath.Separator)) || filepath.Ext(name) != ""
}

// Examples are the embedded examples of one kind of input, for
// ReadFileOrExample.
type Examples struct {
	// What names one of them in messages: "example", "example sweep".
	What string
	// Lookup returns the example of a name, its canonical name and its
	// text.
	Lookup func(name string) (canonical string, data []byte, ok bool)
	// Names returns every example's name, sorted.
	Names func() []string
}

// ReadFileOrExample reads the file at path as ReadFile does. When no
// file of that name exists and path is not a file name (see IsFileName),
// it is the name of one of examples. It returns the name to give the
// input in messages, path or "example:NAME", and its text. The error for
// a missing file says which example was meant, if one nearly was.
func ReadFileOrExample(path string, examples Examples) (name string, data []byte, err error) {
	data, err = ReadFile(path)
	if err == nil {
		return path, data, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err
	}
	if IsFileName(path) {
		if ex, _, ok := examples.Lookup(strings.TrimSuffix(path, ".yaml")); ok && !strings.ContainsAny(path, "/"+string(filepath.Separator)) {
			return "", nil, fmt.Errorf("%w (the %s of that name is %s, without .yaml)", err, examples.What, ex)
		}
		return "", nil, err
	}
	if ex, data, ok := examples.Lookup(path); ok {
		return "example:" + ex, data, nil
	}
	return "", nil, fmt.Errorf("%w (nor is it an %s: %s)", err, examples.What, strings.Join(examples.Names(), ", "))
}

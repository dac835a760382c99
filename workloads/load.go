package workloads

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"asyncsim/internal/schema"
)

// IsFileName reports whether name, given where a workload or an example
// may be named, can only mean a file: it has an extension or a path
// separator. Such a name never falls back to an embedded example.
func IsFileName(name string) bool {
	return strings.ContainsAny(name, "/"+string(filepath.Separator)) || filepath.Ext(name) != ""
}

// Load reads and parses the workload file at path, through
// schema.ReadFile (a regular file within its size limit). A name that
// cannot only mean a file (see IsFileName) is an embedded example when no
// file of that name exists, named "example:NAME" in errors.
func Load(path string) (*Spec, error) {
	data, err := schema.ReadFile(path)
	if err == nil {
		return Parse(path, data)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if IsFileName(path) {
		if ex, ok := LookupExample(strings.TrimSuffix(path, ".yaml")); ok && !strings.ContainsAny(path, "/"+string(filepath.Separator)) {
			return nil, fmt.Errorf("%w (the example of that name is %s, without .yaml)", err, ex.Name)
		}
		return nil, err
	}
	if ex, ok := LookupExample(path); ok {
		return Parse("example:"+ex.Name, ex.YAML)
	}
	return nil, fmt.Errorf("%w (nor is it an example: %s)", err, strings.Join(ExampleNames(), ", "))
}

// ExampleNames returns the names of the embedded examples, sorted.
func ExampleNames() []string {
	var names []string
	for _, ex := range examples() {
		names = append(names, ex.Name)
	}
	return names
}

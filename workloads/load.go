package workloads

import "asyncsim/internal/schema"

// Load reads and parses the workload file at path, through
// schema.ReadFile (a regular file within its size limit). A name that
// cannot only mean a file (see schema.IsFileName) is an embedded example
// when no file of that name exists, named "example:NAME" in errors.
func Load(path string) (*Spec, error) {
	name, data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// ReadFile reads the workload file at path as Load does, without parsing
// it: its name in messages (path, or "example:NAME") and its bytes.
func ReadFile(path string) (name string, data []byte, err error) {
	return schema.ReadFileOrExample(path, exampleSet)
}

// exampleSet is the embedded examples, for schema.ReadFileOrExample.
var exampleSet = schema.Examples{
	What: "example",
	Lookup: func(name string) (string, []byte, bool) {
		ex, ok := LookupExample(name)
		return ex.Name, ex.YAML, ok
	},
	Names: ExampleNames,
}

// ExampleNames returns the names of the embedded examples, sorted.
func ExampleNames() []string {
	var names []string
	for _, ex := range examples() {
		names = append(names, ex.Name)
	}
	return names
}

package sweep

import (
	"embed"
	"slices"
	"sync"

	"asyncsim/workloads"
)

// Example is an embedded example sweep: its name, its description field
// and the file itself, comments included.
type Example = workloads.Example

//go:embed examples/*.yaml
var exampleFiles embed.FS

// examples reads the embedded example sweeps once, sorted by name.
var examples = sync.OnceValue(func() []Example { return workloads.ReadEmbedded(exampleFiles, "examples") })

// Examples returns the embedded example sweeps, sorted by name. The
// caller may modify the result.
func Examples() []Example {
	ex := slices.Clone(examples())
	for i := range ex {
		ex[i].YAML = slices.Clone(ex[i].YAML)
	}
	return ex
}

// LookupExample returns the embedded example sweep called name.
func LookupExample(name string) (Example, bool) {
	for _, ex := range examples() {
		if ex.Name == name {
			ex.YAML = slices.Clone(ex.YAML)
			return ex, true
		}
	}
	return Example{}, false
}

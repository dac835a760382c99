package sweep

import (
	"embed"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Example is an embedded example sweep.
type Example struct {
	// Name is the example's name, as given to Load or LookupExample.
	Name string
	// Description is the sweep's description field.
	Description string
	// YAML is the sweep file, comments included.
	YAML []byte
}

//go:embed examples/*.yaml
var exampleFiles embed.FS

// examples reads the embedded example sweeps once, sorted by name.
var examples = sync.OnceValue(func() []Example {
	entries, err := exampleFiles.ReadDir("examples")
	if err != nil {
		panic("sweep: embedded examples: " + err.Error())
	}
	var out []Example
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, err := exampleFiles.ReadFile(path.Join("examples", e.Name()))
		if err != nil {
			panic("sweep: embedded examples: " + err.Error())
		}
		var head struct {
			Description string `yaml:"description"`
		}
		_ = yaml.Unmarshal(data, &head)
		out = append(out, Example{Name: name, Description: strings.Join(strings.Fields(head.Description), " "), YAML: data})
	}
	slices.SortFunc(out, func(a, b Example) int { return strings.Compare(a.Name, b.Name) })
	return out
})

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

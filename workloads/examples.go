package workloads

import (
	"embed"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// DefaultExample is the example a command runs when given no workload:
// the Tornado time.sleep story.
const DefaultExample = "tornado"

// Example is an embedded example workload.
type Example struct {
	// Name is the example's name, as given to Load or LookupExample.
	Name string
	// Description is the workload's description field.
	Description string
	// YAML is the workload file, comments included.
	YAML []byte
}

// exampleFiles are the examples and the data files (traces, samples)
// they name.
//
//go:embed examples
var exampleFiles embed.FS

//go:embed bench/*.yaml
var benchFiles embed.FS

// examples and benchmarks read the embedded workloads once.
var (
	examples   = sync.OnceValue(func() []Example { return ReadEmbedded(exampleFiles, "examples") })
	benchmarks = sync.OnceValue(func() []Example { return ReadEmbedded(benchFiles, "bench") })
)

// ReadEmbedded reads the YAML files in dir of an embedded file system —
// workloads, or other files with a top-level description such as sweeps —
// as Examples named after their files, sorted by name. It panics if the
// files cannot be read, which only a broken build can cause.
func ReadEmbedded(fsys embed.FS, dir string) []Example {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		panic("workloads: embedded workloads: " + err.Error())
	}
	var out []Example
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, err := fsys.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			panic("workloads: embedded workloads: " + err.Error())
		}
		var head struct {
			Description string `yaml:"description"`
		}
		_ = yaml.Unmarshal(data, &head)
		out = append(out, Example{Name: name, Description: strings.Join(strings.Fields(head.Description), " "), YAML: data})
	}
	slices.SortFunc(out, func(a, b Example) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Benchmarks returns the reference workloads of 'asyncsim bench', sorted
// by name: a million Poisson-arriving tasks of cpu · io · cpu steps under
// each strategy kind. The caller may modify the result.
func Benchmarks() []Example { return cloneExamples(benchmarks()) }

// Examples returns the embedded example workloads, sorted by name. The
// caller may modify the result.
func Examples() []Example { return cloneExamples(examples()) }

func cloneExamples(exs []Example) []Example {
	out := slices.Clone(exs)
	for i := range out {
		out[i].YAML = slices.Clone(out[i].YAML)
	}
	return out
}

// LookupExample returns the embedded example, or reference benchmark,
// called name.
func LookupExample(name string) (Example, bool) {
	for _, ex := range slices.Concat(examples(), benchmarks()) {
		if ex.Name == name {
			ex.YAML = slices.Clone(ex.YAML)
			return ex, true
		}
	}
	return Example{}, false
}

package main

import (
	"fmt"
	"io"
	"strings"

	"asyncsim/workloads"
)

const examplesUsage = `
Usage: asyncsim examples [NAME]

Without NAME, lists the embedded example workloads with their
descriptions. With NAME, prints that example's YAML, to copy and edit:

  asyncsim examples tornado > my-workload.yaml
`

func examplesCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("examples", examplesUsage, stdout)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		all := workloads.Examples()
		width := 0
		for _, ex := range all {
			width = max(width, len(ex.Name))
		}
		for _, ex := range all {
			def := ""
			if ex.Name == workloads.DefaultExample {
				def = " (default)"
			}
			fmt.Fprintf(stdout, "%-*s  %s%s\n", width, ex.Name, strings.Join(strings.Fields(ex.Description), " "), def)
		}
		fmt.Fprint(stdout, "\nRun one with 'asyncsim run NAME'; print its YAML with 'asyncsim examples NAME'.\n")
		return nil
	case 1:
		ex, ok := workloads.LookupExample(pos[0])
		if !ok {
			var names []string
			for _, e := range workloads.Examples() {
				names = append(names, e.Name)
			}
			return usagef("examples: no example named %q%s (see 'asyncsim examples')", pos[0], suggestion(pos[0], names))
		}
		_, err := stdout.Write(ex.YAML)
		return err
	}
	return usagef("examples: at most one NAME, got %d", len(pos))
}

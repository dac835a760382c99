package schema

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Decode parses data, read from file, as exactly one YAML document and
// returns its document node. want says what the document should hold
// ("a workload with name, tasks and strategies"), for the message about
// an empty one; what names the kind of file ("a workload file"), for the
// message about a second document. Every error is an ErrorList of one
// positioned Error.
func Decode(file string, data []byte, want, what string) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("invalid YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var d yaml.Node
	if err := dec.Decode(&d); err != nil {
		if err == io.EOF {
			return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "empty document: expected " + want}}
		}
		return nil, yamlError(file, data, err)
	}
	var d2 yaml.Node
	switch err := dec.Decode(&d2); {
	case err == io.EOF:
	case err != nil:
		return nil, yamlError(file, data, err)
	default:
		line, col := d2.Line, d2.Column
		if len(d2.Content) > 0 && d2.Content[0].Line > 0 {
			line, col = d2.Content[0].Line, d2.Content[0].Column
		}
		return nil, ErrorList{{File: file, Line: line, Col: col, Msg: "a second YAML document: " + what + " holds exactly one"}}
	}
	return &d, nil
}

var (
	// yamlLineErr matches a YAML library message with a line.
	yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	// unknownAnchor matches the YAML parser's message about an alias
	// whose anchor is not defined.
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of the YAML parser (as opposed to its
// scanner). The parser reports the 0-based line of the token it could not
// place, the scanner a 1-based line.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError converts an error of the YAML library on data to an ErrorList.
func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	line, col := 1, 1
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			line = n
		}
		msg = m[2]
		if slices.Contains(parserProblems, msg) {
			line = max(1, min(line+1, countLines(data)))
		}
		if msg == "did not find expected '-' indicator" {
			// The library names where the list began: the problem is the
			// first line at the list's indentation that is not an item.
			line, col = dedented(data, line)
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		// The parser names no position for an alias to an unknown anchor:
		// find the alias's first use.
		line, col = findAlias(data, m[1])
	}
	switch {
	case msg == "found character that cannot start any token" && hasTabIndent(data, line):
		msg += " (a tab: YAML indentation must use spaces)"
	case msg == "found a tab character that violates indentation":
		// The scanner names the line where the scalar it was reading
		// began: the tab is on that line or a later one.
		for i, l := range bytes.Split(data, []byte("\n"))[line-1:] {
			if tabIndented(l) {
				line += i
				break
			}
		}
		msg += " (YAML indentation must use spaces)"
	}
	return ErrorList{{File: file, Line: line, Col: col, Msg: "invalid YAML: " + msg}}
}

// dedented returns the line of the first non-item at the indentation of
// the block list whose first '-' is on line start of data: a key or value
// dedented to the level of the list's dashes, which ends the list without
// closing it, and its column. It returns start, 1 when there is no such
// line.
func dedented(data []byte, start int) (line, col int) {
	first := lineOf(data, start)
	indent := len(first) - len(bytes.TrimLeft(first, " "))
	if indent == len(first) || first[indent] != '-' {
		return start, 1
	}
	lines := bytes.Split(data, []byte("\n"))
	for i := start; i < len(lines); i++ {
		l := bytes.TrimRight(lines[i], " \t\r")
		body := bytes.TrimLeft(l, " ")
		switch in := len(l) - len(body); {
		case len(body) == 0 || body[0] == '#' || in > indent:
		case in == indent && body[0] == '-':
		case in == indent:
			return i + 1, in + 1
		default:
			return start, 1
		}
	}
	return start, 1
}

// countLines is the number of lines of data, a last one without a newline
// included.
func countLines(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// lineOf returns line n (1-based) of data, without its newline.
func lineOf(data []byte, n int) []byte {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return nil
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return data
}

// hasTabIndent reports whether line n of data has a tab in its leading
// white space.
func hasTabIndent(data []byte, n int) bool { return tabIndented(lineOf(data, n)) }

// tabIndented reports whether line has a tab in its leading white space.
func tabIndented(line []byte) bool {
	return bytes.IndexByte(line[:len(line)-len(bytes.TrimLeft(line, " \t"))], '\t') >= 0
}

// findAlias returns the line and column of the first alias *name in data
// (a "*name" not followed by another character of an anchor name), or 1, 1.
func findAlias(data []byte, name string) (line, col int) {
	alias := []byte("*" + name)
	for i := 0; ; {
		j := bytes.Index(data[i:], alias)
		if j < 0 {
			return 1, 1
		}
		at, end := i+j, i+j+len(alias)
		if end == len(data) || bytes.IndexByte([]byte(" \t\r\n,]}"), data[end]) >= 0 {
			before := data[:at]
			start := bytes.LastIndexByte(before, '\n') + 1
			return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
		}
		i = at + 1
	}
}

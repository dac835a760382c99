package schema

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// TestQuoteCutsAtCharacters: a long value is cut after 40 characters,
// never inside a UTF-8 sequence (the sweep parser cut bytes, and showed
// "\xe2..." for a value of €).
func TestQuoteCutsAtCharacters(t *testing.T) {
	for _, s := range []string{strings.Repeat("€", 50), strings.Repeat("a", 39) + "中文", "short"} {
		q := Quote(s)
		inner := strings.TrimSuffix(strings.Trim(q, `"`), "...")
		if !utf8.ValidString(inner) || strings.Contains(q, `\x`) {
			t.Errorf("Quote(%q) = %s: cuts a character", s, q)
		}
		want := s
		if utf8.RuneCountInString(s) > 40 {
			want = string([]rune(s)[:40])
		}
		if inner != want {
			t.Errorf("Quote(%q) = %s; want the first 40 characters %q", s, q, want)
		}
	}
}

// TestDescribe: the same words for the same kinds of node everywhere.
func TestDescribe(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"[]", "an empty list"}, {"[1]", "a list"}, {"{}", "an empty mapping"}, {"{a: 1}", "a mapping"},
		{"~", "nothing"}, {"true", "the boolean true"}, {"5", "the number 5"}, {"1.5", "the number 1.5"}, {"x", `"x"`},
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tt.yaml), &doc); err != nil {
			t.Fatal(err)
		}
		if got := Describe(Root(&doc)); got != tt.want {
			t.Errorf("Describe(%s) = %q; want %q", tt.yaml, got, tt.want)
		}
	}
	if got := Describe(nil); got != "nothing" {
		t.Errorf("Describe(nil) = %q", got)
	}
}

// TestDecodeMessages: the YAML library's messages, positioned where the
// problem is.
func TestDecodeMessages(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		// A key dedented to the level of the list's dashes: the library
		// names the line where the list began (issue 12, point 17).
		{"a:\n  - x: 1\n    y: 2\n  z: 3\n", "f:4:3: invalid YAML: did not find expected '-' indicator"},
		{"a:\n  - 1\n  # a comment\n\n  - 2\n  z: 3\n", "f:6:3: invalid YAML: did not find expected '-' indicator"},
		{"a:\n\t- 1\n", "f:2:1: invalid YAML: found character that cannot start any token (a tab: YAML indentation must use spaces)"},
		{"a: [1\n", "f:1:1: invalid YAML: did not find expected ',' or ']'"},
		{"a: *x\n", "f:1:4: invalid YAML: unknown anchor 'x' referenced"},
		{"a: 1\n---\nb: 2\n", "f:3:1: a second YAML document: a test file holds exactly one"},
		{"# only a comment\n", "f:1:1: empty document: expected a test"},
	} {
		_, err := Decode("f", []byte(tt.yaml), "a test", "a test file")
		if err == nil || err.Error() != tt.want {
			t.Errorf("Decode(%q) error = %v; want %s", tt.yaml, err, tt.want)
		}
	}
}

// TestErrorsSortedAndCapped: errors come sorted by position, at most
// MaxErrors of them and then "too many errors".
func TestErrorsSortedAndCapped(t *testing.T) {
	p := NewParser("f", nil)
	err := p.Run(func() {
		for i := 2 * MaxErrors; i > 0; i-- {
			p.Errorf(&yaml.Node{Line: i, Column: 1}, "e%d", i)
		}
		t.Error("the walk went on past MaxErrors")
	})
	var list ErrorList
	if !errors.As(err, &list) || len(list) != MaxErrors+1 {
		t.Fatalf("Run = %v; want %d errors", err, MaxErrors+1)
	}
	for i := 1; i < MaxErrors; i++ {
		if list[i].Line < list[i-1].Line {
			t.Errorf("errors not sorted: %v", err)
		}
	}
	if last := list[MaxErrors]; last.Msg != "too many errors" {
		t.Errorf("last error %v; want too many errors", last)
	}
}

// TestMergeKeys: a mapping's own key wins over a merged one, and an
// earlier merged mapping over a later one.
func TestMergeKeys(t *testing.T) {
	var doc yaml.Node
	src := "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc: {<<: [*a, *b], x: 3}\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	p := NewParser("f", &doc)
	c := Root(&doc).Content[5]
	f := p.Mapping(c, "c", []string{"x", "y", "z"})
	got := map[string]string{}
	for _, pr := range f.Pairs {
		got[pr.Name] = p.Deref(pr.Val).Value
	}
	if got["x"] != "3" || got["y"] != "1" || got["z"] != "2" || f.Bad || p.Failed() {
		t.Errorf("merged %v (bad %t, errors %v); want x 3, y 1, z 2", got, f.Bad, p.Result())
	}
}

// TestReadFile: regular files only, within MaxFileSize, and errors that
// name the path and the problem without an operation.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(small); err != nil || string(data) != "0123456789" {
		t.Errorf("ReadFile(small) = %q, %v", data, err)
	}
	defer func(old int64) { MaxFileSize = old }(MaxFileSize)
	MaxFileSize = 9
	if _, err := ReadFile(small); !errors.Is(err, ErrTooLarge) || err.Error() != small+": file too large: more than the limit of 9 bytes" {
		t.Errorf("ReadFile(over the limit) error = %v", err)
	}
	MaxFileSize = 10
	if _, err := ReadFile(small); err != nil {
		t.Errorf("ReadFile(at the limit) error = %v", err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := ReadFile(missing); !errors.Is(err, fs.ErrNotExist) || err.Error() != missing+": no such file or directory" {
		t.Errorf("ReadFile(missing) error = %v", err)
	}
	if _, err := ReadFile(dir); err == nil || err.Error() != dir+": is a directory, not a regular file" {
		t.Errorf("ReadFile(dir) error = %v", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 16 << 20: "16 MiB", 3 << 30: "3 GiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q; want %q", n, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	valid := []string{"steps", "threads", "threaded", "event_loop", "blocking_io"}
	for word, want := range map[string]string{"stpes": "steps", "Steps": "steps", "event-loop": "event_loop", "xyz": "", "": "", strings.Repeat("a", 100): ""} {
		if got := Suggest(word, valid); got != want {
			t.Errorf("Suggest(%q) = %q; want %q", word, got, want)
		}
	}
	if got := Suggestion("stpes", valid); got != `; did you mean "steps"?` {
		t.Errorf("Suggestion = %q", got)
	}
}

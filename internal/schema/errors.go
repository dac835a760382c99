package schema

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxErrors is how many errors a Parser collects before it gives up with
// a last "too many errors".
const MaxErrors = 10

// Error is one problem in an input file, at a line and column (both
// 1-based).
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

// Error formats e as "file:line:col: msg".
func (e *Error) Error() string {
	return e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// ErrorList is every problem found in an input file, in order of
// position, modelled on go/scanner.ErrorList. A Parser returns at most
// MaxErrors of them, and then a "too many errors".
type ErrorList []*Error

// Error joins the errors' messages with newlines.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sort orders l by line and column, keeping the order of errors at the
// same place (a parser's errors are in one file, or in the files it
// visited one after the other).
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Col, b.Col)
	})
}

// Err returns l as an error, or nil if l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// maxQuoted is how many characters of a value Quote shows.
const maxQuoted = 40

// Quote returns s as a Go-quoted string for a message, cut after 40
// characters (never inside a UTF-8 sequence) with "..." marking the cut.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}

// Suggest returns the candidate closest to word in edit distance, if it is
// close enough to be a likely misspelling, or "".
func Suggest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(lw, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || len(lw) == 0 {
		return ""
	}
	// Allow about one edit in three characters of the longer word.
	if 3*bestD <= max(len(lw), len(best))+2 {
		return best
	}
	return ""
}

// Suggestion returns `; did you mean "X"?` where X is Suggest(word,
// candidates), or "" when there is none; it is meant to be appended to a
// message about word.
func Suggestion(word string, candidates []string) string {
	if s := Suggest(word, candidates); s != "" {
		return `; did you mean "` + s + `"?`
	}
	return ""
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// bytes each cost one.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Long strings are never misspellings of our short keys.
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range cur {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

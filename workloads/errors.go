package workloads

import "asyncsim/internal/schema"

// Error is one problem in a workload file, at a line and column (both
// 1-based), formatted "file:line:col: message".
type Error = schema.Error

// ErrorList is every problem found in a workload file, in order of
// position; Parse returns at most about ten of them.
type ErrorList = schema.ErrorList

// Suggestion returns `; did you mean "X"?` where X is the candidate
// closest to word, if word is likely a misspelling of it, and "" otherwise;
// it is meant to be appended to an error message about word.
func Suggestion(word string, candidates []string) string {
	return schema.Suggestion(word, candidates)
}

package workloads

// MaxReplications is the largest number of replications a workload (or a
// command-line override) may ask for.
const MaxReplications = maxReplications

// Suggestion returns `; did you mean "X"?` where X is the candidate
// closest to word, if word is likely a misspelling of it, and "" otherwise;
// it is meant to be appended to an error message about word.
func Suggestion(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return `; did you mean "` + s + `"?`
	}
	return ""
}

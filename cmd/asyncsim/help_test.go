package main

import (
	"strings"
	"testing"

	"asyncsim/strategies"
)

// TestHelpStrategies: 'asyncsim help strategies' prints the reference
// generated from the strategies' schema (which the README's table must
// match, see strategies.TestReadmeTableIsGenerated).
func TestHelpStrategies(t *testing.T) {
	code, stdout, stderr := asyncsim(t, "help", "strategies")
	if code != 0 || stderr != "" || !strings.HasSuffix(stdout, "\n\n"+strategies.Reference()) {
		t.Errorf("help strategies: exit %d, stderr %q, stdout\n%s\nwant the strategies' reference", code, stderr, stdout)
	}
	for _, key := range strategies.AllKeys() {
		if key != "kind" && !strings.Contains(stdout, "`"+key+"`") {
			t.Errorf("help strategies does not document %s", key)
		}
	}
}

package workloads

import "testing"

// TestUnknownAnchorPosition: the YAML parser reports an alias to an
// undefined anchor without a position; the error points at the alias.
func TestUnknownAnchorPosition(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"name: w\ntasks:\n  - name: a\n    count: 1\n    steps: *handler\n" + okStrategies,
			"w.yaml:5:12: invalid YAML: unknown anchor 'handler' referenced"},
		// *hand is a prefix of another alias, which is not the one meant.
		{"name: w\ndescription: &handlers x\ntasks: [{name: a, count: 1, steps: *handlers}, *hand]\n" + okStrategies,
			"w.yaml:3:48: invalid YAML: unknown anchor 'hand' referenced"},
	}
	for _, tt := range tests {
		_, err := Parse("w.yaml", []byte(tt.yaml))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v; want %s", tt.yaml, err, tt.want)
		}
	}
}

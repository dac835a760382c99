package plots

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTimelineNames(t *testing.T) {
	long := strings.Repeat("中", 100) // 300 bytes
	tests := []struct {
		strategies []string
		want       []string
	}{
		{[]string{"sync-handler", "coroutine+time.sleep", "asyncio.sleep", "run_on_executor", "中文"},
			[]string{"timeline-sync-handler", "timeline-coroutine+time.sleep", "timeline-asyncio.sleep", "timeline-run_on_executor", "timeline-中文"}},
		// The numbering of clashing names clashed with real names (issue
		// 12, point 5): five strategies gave three files.
		{[]string{"x,y", "x_y", "x_y-2", "x;y", "x_y-3"},
			[]string{"timeline-x%2Cy", "timeline-x_y", "timeline-x_y-2", "timeline-x%3By", "timeline-x_y-3"}},
		{[]string{"a%b", "a/b", "a b", "~", "\xff"},
			[]string{"timeline-a%25b", "timeline-a%2Fb", "timeline-a%20b", "timeline-%7E", "timeline-%FF"}},
		// Names that a case-insensitive file system takes for one.
		{[]string{"Sync", "sync", "other"},
			[]string{"timeline-Sync~" + hash16("Sync"), "timeline-sync~" + hash16("sync"), "timeline-other"}},
		// Too long: cut on a character boundary, then the hash.
		{[]string{long, long + "x"},
			[]string{"timeline-" + strings.Repeat("中", 58) + "~" + hash16(long), "timeline-" + strings.Repeat("中", 58) + "~" + hash16(long+"x")}},
		{[]string{strings.Repeat(",", 100)},
			[]string{"timeline-" + strings.Repeat("%2C", 58) + "~" + hash16(strings.Repeat(",", 100))}},
	}
	for _, tt := range tests {
		got := TimelineNames(tt.strategies)
		seen := map[string]bool{}
		for i, name := range got {
			if name != tt.want[i] {
				t.Errorf("TimelineNames(%q)[%d] = %q; want %q", tt.strategies, i, name, tt.want[i])
			}
			if len(name) > MaxNameBytes || !utf8.ValidString(name) {
				t.Errorf("%q: %d bytes (at most %d), valid UTF-8 %v", name, len(name), MaxNameBytes, utf8.ValidString(name))
			}
			if seen[strings.ToLower(name)] {
				t.Errorf("TimelineNames(%q): %q twice", tt.strategies, name)
			}
			seen[strings.ToLower(name)] = true
		}
	}
}

// hash16 is the hash TimelineNames adds, computed apart: the SHA-256 of
// s, its first 16 hex digits.
func hash16(s string) string {
	h := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", h[:8])
}

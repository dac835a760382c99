package plots

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names of figures (their file names without the extension).
const (
	// MakespanName is the makespan figure's (MakespanFigure).
	MakespanName = "makespan"
	// LatencyName is the latency figure's (LatencyFigure).
	LatencyName = "latency"
	// LatencyByClassName is the latency figure by class's
	// (LatencyByClassFigure).
	LatencyByClassName = "latency_by_class"
	// UtilizationName is the first utilization figure's
	// (UtilizationFigures); the further pages add "-2", "-3", ….
	UtilizationName = "utilization"
	// PercentilesName is the latency percentiles figure's
	// (PercentilesFigure).
	PercentilesName = "latency_percentiles"
	// TimelinePrefix begins the name of every timeline figure
	// (TimelineNames).
	TimelinePrefix = "timeline-"
	// SweepPrefix begins the name of every sweep figure, followed by the
	// metric plotted.
	SweepPrefix = "sweep-"
)

// UtilizationNames returns the names of the pages of the utilization
// figure: "utilization", then "utilization-2" to "utilization-N".
func UtilizationNames(pages int) []string {
	names := []string{UtilizationName}
	for k := 2; k <= pages; k++ {
		names = append(names, UtilizationName+"-"+strconv.Itoa(k))
	}
	return names
}

// IsRunFigure reports whether a figure name is that of a run figure:
// makespan, latency_percentiles, latency, latency_by_class, utilization,
// utilization-N (N from 2) or timeline-STRATEGY.
func IsRunFigure(name string) bool {
	switch name {
	case MakespanName, PercentilesName, LatencyName, LatencyByClassName, UtilizationName:
		return true
	}
	if page, ok := strings.CutPrefix(name, UtilizationName+"-"); ok {
		n, err := strconv.Atoi(page)
		return err == nil && n >= 2 && strconv.Itoa(n) == page
	}
	return strings.HasPrefix(name, TimelinePrefix)
}

// MaxNameBytes bounds a figure's name (its file name without the
// extension), in bytes, so that the file name and the temporary name it
// is first written under (about 16 bytes longer) stay within the 255
// bytes file systems allow.
const MaxNameBytes = 200

// hashLen is the length of the hash TimelineNames adds, in hex digits.
const hashLen = 16

// TimelineNames returns the names of the timeline figures of strategies
// with the given names, in order; different strategy names get different
// figure names. The name of strategy NAME is "timeline-" followed by
// NAME with every letter, digit, '.', '_', '+' and '-' kept and every other
// byte written as %XX (its hexadecimal value, as in URLs): "x,y" gives
// "timeline-x%2Cy" and "x_y" gives "timeline-x_y". Two cases add '~' (which
// the encoding never leaves) and the first 16 hex digits of the SHA-256
// of NAME: a name longer than MaxNameBytes, which is first cut after the
// last character that fits; and names that differ only in letter case
// (each of them gets the hash), which a case-insensitive file system
// would take for one file.
func TimelineNames(strategies []string) []string {
	names := make([]string, len(strategies))
	folded := make(map[string]int, len(strategies))
	for i, s := range strategies {
		names[i] = TimelinePrefix + escapeName(s)
		folded[strings.ToLower(names[i])]++
	}
	for i, s := range strategies {
		if len(names[i]) <= MaxNameBytes && folded[strings.ToLower(names[i])] == 1 {
			continue
		}
		sum := sha256.Sum256([]byte(s))
		suffix := "~" + hex.EncodeToString(sum[:])[:hashLen]
		names[i] = cutName(names[i], MaxNameBytes-len(suffix)) + suffix
	}
	return names
}

// escapeName keeps the letters, digits and "._+-" of s and writes every
// other byte (invalid UTF-8 included) as %XX.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._+-", r)) {
			b.WriteString(s[i : i+size])
		} else {
			for _, c := range []byte(s[i : i+size]) {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
			}
		}
		i += size
	}
	return b.String()
}

// cutName cuts an escaped name to at most n bytes, at the end of a
// character or of a %XX escape.
func cutName(name string, n int) string {
	end := 0
	for i := 0; i < len(name); {
		size := 3 // a %XX escape
		if name[i] != '%' {
			_, size = utf8.DecodeRuneInString(name[i:])
		}
		if i+size > n {
			break
		}
		i += size
		end = i
	}
	return name[:end]
}

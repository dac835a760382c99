package sim

import (
	"strconv"
	"time"
)

// Time is a virtual instant or duration, in integer nanoseconds.
type Time int64

// Common durations.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
)

// MaxDuration is the longest duration a step, an interarrival or a think
// time may have. Given durations beyond it are rejected; sampled ones are
// truncated to it. It keeps processor-sharing arithmetic exact and far from
// overflow.
const MaxDuration = 24 * Hour

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// String formats t like a Go duration ("1.5s", "250µs").
func (t Time) String() string { return time.Duration(t).String() }

// FormatSeconds formats t as decimal seconds with nanosecond precision and
// no trailing zeros ("1.011", "0.0025"), for CSV and JSON output.
func (t Time) FormatSeconds() string {
	return strconv.FormatFloat(t.Seconds(), 'f', -1, 64)
}

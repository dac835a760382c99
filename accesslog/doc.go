// Package accesslog reads web servers' access logs and summarises them per
// endpoint, for turning a log into a workload: each endpoint's arrival
// times and a bounded sample of its request durations.
//
// It reads three formats, detected from the first line that parses or
// forced by the caller:
//
//   - nginx: the combined format (or the common one) with $request_time
//     appended, optionally followed by $upstream_response_time; the
//     bracketed $time_local may be replaced by $time_iso8601 (bracketed or
//     not) or by $msec (epoch seconds with milliseconds), which may also
//     lead the line.
//   - gunicorn: its default access_log_format with %(D)s (microseconds) or
//     %(L)s (seconds as a decimal) appended.
//   - csv: timestamp,path,duration, with an optional header line; the
//     timestamp is epoch seconds or RFC 3339, the duration seconds or a Go
//     duration; the path may start with a method and a space.
//
// nginx and gunicorn log a request when it completes, so a request's arrival
// is its logged time minus its duration; a CSV timestamp is the arrival
// itself. Whole-second timestamps are spread evenly within their second:
// the k lines logged in one second get offsets (i+½)/k.
//
// An endpoint is the method and the path without its query string, with
// path segments that are all digits, UUIDs, or runs of 16 or more
// hexadecimal digits folded into ":id".
//
// A log is read as a stream, twice: the first pass (Count) counts the
// endpoints and finds the first arrival, the second (Census.Replay) writes
// each kept endpoint's arrivals in time order and samples its durations.
// Memory is bounded by the number of endpoints and the sample cap, not by
// the log's length: durations are kept by reservoir sampling from a seeded
// stream (deterministic), and the arrivals, which completion-time logging
// leaves slightly out of order, go through a reordering window of bounded
// time span and size.
package accesslog

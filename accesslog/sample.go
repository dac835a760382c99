package accesslog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
)

//go:generate go run ./internal/samplegen -o sample/access.log.gz

// sampleLog is the sample access log, gzipped: a day of a small web shop
// behind nginx (see internal/samplegen).
//
//go:embed sample/access.log.gz
var sampleLog []byte

// Sample returns the sample access log: one day of a small web shop
// behind nginx, in the combined format with $request_time and
// $upstream_response_time, with a morning ramp, a burst at noon and a few
// malformed lines.
func Sample() (io.ReadCloser, error) {
	return gzip.NewReader(bytes.NewReader(sampleLog))
}

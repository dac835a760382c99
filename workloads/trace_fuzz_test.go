package workloads

import (
	"bytes"
	"testing"

	"asyncsim/sim"
)

// FuzzTrace: the reader of trace and empirical files either positions
// its error in the file, or yields values that are non-negative and within
// their limit, a trace's in order, and replays the trace exactly as it
// scanned it.
func FuzzTrace(f *testing.F) {
	for _, s := range []string{
		"", "0\n", "# c\n\n1.5\n1.5\n2s # tie\r\n", "0.1\n0.05\n", "-1\n", "1e3\n", ".5\n3.\n", "87600h\n87600h1ns\n",
		"0.0000000015\n", "\t 250ms\n", "9999999999.9999999999\n", "1\n\n\n", "\xff\n", "1h2m3s4ms5us6ns\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		open := memFile(data)
		tr, err := scanTrace("fuzz.txt", open)
		if err != nil {
			if tr != nil || err.File != "fuzz.txt" || err.Line < 1 || err.Col < 1 || err.Msg == "" || err.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("scanTrace = %+v, %#v", tr, err)
			}
		} else {
			if tr.Arrivals < 1 || tr.First < 0 || tr.Last < tr.First || tr.Last > maxHorizon {
				t.Fatalf("trace %+v", tr)
			}
			r := newTraceReader(tr, 0)
			prev := sim.Time(-1)
			var n int64
			for {
				at, ok := r.next()
				if !ok {
					break
				}
				if at < prev || at < 0 || n == 0 && at != tr.First {
					t.Fatalf("arrival %d at %v after %v (first %v)", n, at, prev, tr.First)
				}
				prev = at
				n++
			}
			if r.err != nil || n != tr.Arrivals || prev != tr.Last {
				t.Fatalf("replayed %d arrivals to %v, error %v; scanned %+v", n, prev, r.err, tr)
			}
		}
		values, err := scanEmpirical("fuzz.txt", open)
		if err != nil {
			if values != nil || err.File != "fuzz.txt" || err.Line < 1 || err.Col < 1 || err.Msg == "" {
				t.Fatalf("scanEmpirical = %v, %#v", values, err)
			}
			return
		}
		for _, v := range values {
			if v < 0 || v > sim.MaxDuration {
				t.Fatalf("empirical value %v", v)
			}
		}
		if d := empiricalDist(values, "fuzz.txt"); !(d.Mean() >= 0) || d.Mean() > float64(sim.MaxDuration) {
			t.Fatalf("empirical mean %v", d.Mean())
		}
	})
}

// nopCloser is a reader of a file that needs no closing.
type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// memFile is a data file in memory.
type memFile []byte

func (m memFile) open() (readerAtCloser, error) { return nopCloser{bytes.NewReader(m)}, nil }

package accesslog

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"asyncsim/internal/stream"
)

// Summary is what the second reading of a log found, per class and in all.
type Summary struct {
	*Census
	// Span is the time from the first arrival to the last, in seconds.
	Span float64
	// PeakPerSecond is the most arrivals in one second of the trace
	// (counted from the first arrival, in whole seconds).
	PeakPerSecond int64
	// Reordered is the number of arrivals that came more than Window out
	// of order and were moved forward to the latest arrival written.
	Reordered int64
	// Durations are the classes' duration statistics, as Census.Classes.
	Durations []Durations
}

// Durations is a class's request durations: a sample of at most the sample
// cap, sorted, and statistics of all of them (the quantiles from the
// sample, nearest rank).
type Durations struct {
	Sample        []float64
	Mean          float64
	P50, P99, Max float64
}

// Quantile returns the q-quantile of a sorted sample by nearest rank: the
// smallest value with at least q of the sample at or below it.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// reservoir samples a class's durations uniformly (Algorithm R).
type reservoir struct {
	rng    *rand.Rand
	sample []float64
	n      int64
	sum    float64
	max    float64
}

func (r *reservoir) add(d float64, capacity int) {
	r.n++
	r.sum += d
	r.max = max(r.max, d)
	if len(r.sample) < capacity {
		r.sample = append(r.sample, d)
		return
	}
	if j := r.rng.Int64N(r.n); j < int64(capacity) {
		r.sample[j] = d
	}
}

// arrival is an arrival waiting to be written in order.
type arrival struct {
	t     float64
	class int
}

// pending is a binary min-heap of arrivals by time.
type pending []arrival

func (h *pending) push(a arrival) {
	*h = append(*h, a)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p].t <= s[i].t {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *pending) pop() arrival {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < n && s[l].t < s[small].t {
			small = l
		}
		if r := l + 1; r < n && s[r].t < s[small].t {
			small = r
		}
		if small == i {
			break
		}
		s[i], s[small] = s[small], s[i]
		i = small
	}
	*h = s
	return top
}

// Replay reads the log a second time (the same bytes Count read) and
// writes each class's arrivals to traces[i], one per line in seconds from
// the log's first arrival, non-decreasing; it samples the durations.
func (c *Census) Replay(r io.Reader, traces []io.Writer) (*Summary, error) {
	if len(traces) != len(c.Classes) {
		return nil, fmt.Errorf("accesslog: %d trace writers for %d classes", len(traces), len(c.Classes))
	}
	sum := &Summary{Census: c}
	res := make([]reservoir, len(c.Classes))
	for i, cl := range c.Classes {
		pcg := stream.New(c.opt.Seed, 0, cl.Name, "import-log", stream.NoClient)
		res[i].rng = rand.New(&pcg)
	}
	var (
		heap    pending
		front   = math.Inf(-1) // the latest arrival read
		last    = math.Inf(-1) // the latest arrival written
		second  = int64(-1)    // the second of the trace being counted
		inSec   int64
		buf     []byte
		werr    error
		counted = make([]int64, len(c.Classes))
	)
	write := func(a arrival) {
		if a.t < last {
			a.t = last
			sum.Reordered++
		}
		last = a.t
		rel := max(a.t-c.first, 0)
		if s := int64(rel); s != second {
			second, inSec = s, 0
		}
		inSec++
		sum.PeakPerSecond = max(sum.PeakPerSecond, inSec)
		counted[a.class]++
		if werr != nil {
			return
		}
		buf = AppendSeconds(buf[:0], rel)
		buf = append(buf, '\n')
		_, werr = traces[a.class].Write(buf)
	}
	s := &scanner{format: c.Format, skip: func(int64, error) {}}
	s.emit = func(key []byte, t, d float64) {
		class, ok := c.index[string(key)]
		if !ok {
			class = c.nOther
		}
		res[class].add(d, c.opt.SampleCap)
		heap.push(arrival{t, class})
		front = max(front, t)
		for len(heap) > 0 && (heap[0].t <= front-Window || len(heap) > maxPending) {
			write(heap.pop())
		}
	}
	if err := s.read(r); err != nil {
		return nil, err
	}
	for len(heap) > 0 {
		write(heap.pop())
	}
	if werr != nil {
		return nil, werr
	}
	for i, cl := range c.Classes {
		if counted[i] != cl.Count || res[i].n != cl.Count {
			return nil, fmt.Errorf("the log changed between its two readings: class %s had %d requests, now %d", cl.Name, cl.Count, counted[i])
		}
		sample := res[i].sample
		slices.Sort(sample)
		sum.Durations = append(sum.Durations, Durations{
			Sample: sample,
			Mean:   res[i].sum / float64(res[i].n),
			P50:    Quantile(sample, 0.5),
			P99:    Quantile(sample, 0.99),
			Max:    res[i].max,
		})
	}
	sum.Span = c.last - c.first
	return sum, nil
}

// AppendSeconds appends v in seconds with at most six digits after the
// point (microseconds), without trailing zeros.
func AppendSeconds(dst []byte, v float64) []byte {
	return appendTrimmed(dst, v, 6)
}

// AppendScaled appends v with at most nine digits after the point
// (nanoseconds), without trailing zeros.
func AppendScaled(dst []byte, v float64) []byte {
	return appendTrimmed(dst, v, 9)
}

func appendTrimmed(dst []byte, v float64, digits int) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, v, 'f', digits, 64)
	for len(dst) > start && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if len(dst) > start && dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

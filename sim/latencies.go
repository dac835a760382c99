package sim

import "slices"

// latencyStore keeps latencies: exactly, until there are more than
// ExactLatencies, then in a sketch and their greatest (the exact
// maximum).
type latencyStore struct {
	exact    []Time
	sketch   *QuantileSketch
	greatest Time // of the sketched ones
	// sum is the latencies' sum in nanoseconds, kept by the caller (apart
	// from add, which must stay small enough to be inlined).
	sum float64
}

// count returns the number of latencies kept.
func (s *latencyStore) count() int64 {
	if s.sketch != nil {
		return s.sketch.n
	}
	return int64(len(s.exact))
}

func newLatencyStore(capacity int64) latencyStore {
	return latencyStore{exact: make([]Time, 0, capacity)}
}

// add keeps lat. Its common case, small enough to be inlined where a run
// completes a task, only appends.
func (s *latencyStore) add(lat Time) {
	if s.sketch == nil && len(s.exact) < ExactLatencies {
		s.exact = append(s.exact, lat)
		return
	}
	s.addSketched(lat)
}

// addSketched is add beyond the exact latencies' capacity.
func (s *latencyStore) addSketched(lat Time) {
	if s.sketch == nil {
		s.greatest = slices.Max(s.exact)
		s.sketch = &QuantileSketch{}
		for _, l := range s.exact {
			s.sketch.Add(l)
		}
		s.exact = nil
	}
	s.sketch.Add(lat)
	s.greatest = max(s.greatest, lat)
}

// quantiles returns the latencies' p-quantiles for each p of ps
// (ascending, the last 1), exactly or within SketchAccuracy; the maximum
// is always exact. It reorders the exact latencies.
func (s *latencyStore) quantiles(ps []float64) []Time {
	if s.sketch == nil {
		// In place: a copy would cost more than the selection. Finding the
		// least and greatest here, once, costs less than keeping them at
		// every completion.
		if len(s.exact) == 0 {
			return make([]Time, len(ps))
		}
		least, greatest := s.exact[0], s.exact[0]
		for _, l := range s.exact {
			least, greatest = min(least, l), max(greatest, l)
		}
		return selectQuantiles(s.exact, ps, least, greatest)
	}
	q := make([]Time, 0, len(ps))
	for _, p := range ps[:len(ps)-1] {
		q = append(q, s.sketch.Quantile(p))
	}
	return append(q, s.greatest)
}

// latencies returns the store as a Latencies.
func (s *latencyStore) latencies() Latencies { return Latencies{Exact: s.exact, Sketch: s.sketch} }

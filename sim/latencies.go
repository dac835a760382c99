package sim

// latencyStore keeps latencies: exactly, until there are more than
// ExactLatencies, then in a sketch; and the least and greatest, which the
// selection of quantiles uses.
type latencyStore struct {
	exact           []Time
	sketch          *QuantileSketch
	least, greatest Time
	// sum is the latencies' sum in nanoseconds, kept (by the caller) for
	// the stores of classes.
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
	return latencyStore{exact: make([]Time, 0, capacity), least: never}
}

func (s *latencyStore) add(lat Time) {
	s.least, s.greatest = min(s.least, lat), max(s.greatest, lat)
	if s.sketch == nil && len(s.exact) < ExactLatencies {
		s.exact = append(s.exact, lat)
		return
	}
	s.addSketched(lat)
}

// addSketched is add beyond the exact latencies' capacity.
func (s *latencyStore) addSketched(lat Time) {
	if s.sketch == nil {
		s.sketch = &QuantileSketch{}
		for _, l := range s.exact {
			s.sketch.Add(l)
		}
		s.exact = nil
	}
	s.sketch.Add(lat)
}

// quantiles returns the latencies' p-quantiles for each p of ps
// (ascending, the last 1), exactly or within SketchAccuracy; the maximum
// is always exact. It reorders the exact latencies.
func (s *latencyStore) quantiles(ps []float64) []Time {
	if s.sketch == nil {
		// In place: a copy would cost more than the selection.
		return selectQuantiles(s.exact, ps, s.least, s.greatest)
	}
	q := make([]Time, 0, len(ps))
	for _, p := range ps[:len(ps)-1] {
		q = append(q, s.sketch.Quantile(p))
	}
	return append(q, s.greatest)
}

// latencies returns the store as a Latencies.
func (s *latencyStore) latencies() Latencies { return Latencies{Exact: s.exact, Sketch: s.sketch} }

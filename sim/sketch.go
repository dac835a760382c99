package sim

import "math"

// ExactLatencies is how many counted latencies a run keeps exactly, for
// exact percentiles (8 bytes each). Past it, a run folds them into a
// QuantileSketch so that memory stays flat however many tasks it
// simulates.
const ExactLatencies = 10_000_000

// SketchAccuracy is the relative accuracy of a QuantileSketch's quantiles.
const SketchAccuracy = 0.01

// QuantileSketch summarises a stream of positive durations in logarithmic
// buckets (DDSketch, Masson et al., VLDB 2019): every quantile it returns
// is within SketchAccuracy of the true nearest-rank quantile, relatively,
// in O(log(max/min)) memory. Sketches of the same accuracy merge exactly.
type QuantileSketch struct {
	zeros  int64   // values of 0 ns
	counts []int64 // counts[i]: values in (γ^(offset+i-1), γ^(offset+i)]
	offset int
	n      int64
}

var (
	sketchGamma    = (1 + SketchAccuracy) / (1 - SketchAccuracy)
	sketchLogGamma = math.Log(sketchGamma)
)

func sketchIndex(t Time) int { return int(math.Ceil(math.Log(float64(t)) / sketchLogGamma)) }

// Add counts one value.
func (s *QuantileSketch) Add(t Time) {
	s.n++
	if t <= 0 {
		s.zeros++
		return
	}
	s.addAt(sketchIndex(t), 1)
}

func (s *QuantileSketch) addAt(i int, c int64) {
	if len(s.counts) == 0 {
		s.offset = i
	}
	if i < s.offset {
		grown := make([]int64, len(s.counts)+s.offset-i)
		copy(grown[s.offset-i:], s.counts)
		s.counts, s.offset = grown, i
	}
	for i-s.offset >= len(s.counts) {
		s.counts = append(s.counts, 0)
	}
	s.counts[i-s.offset] += c
}

// Merge adds every value counted by o.
func (s *QuantileSketch) Merge(o *QuantileSketch) {
	s.n += o.n
	s.zeros += o.zeros
	for j, c := range o.counts {
		if c != 0 {
			s.addAt(o.offset+j, c)
		}
	}
}

// Count returns how many values were added.
func (s *QuantileSketch) Count() int64 { return s.n }

// Quantile returns the nearest-rank p-quantile, within SketchAccuracy:
// the representative of the bucket holding the value of that rank.
func (s *QuantileSketch) Quantile(p float64) Time {
	if s.n == 0 {
		return 0
	}
	rank := int64(nearestRank(p, int(min(s.n, math.MaxInt)))) + 1
	seen := s.zeros
	if seen >= rank {
		return 0
	}
	for j, c := range s.counts {
		if seen += c; seen >= rank {
			// The bucket (γ^(i-1), γ^i] is represented by 2γ^i/(γ+1),
			// within SketchAccuracy of every value in it.
			return Time(math.Round(2 * math.Pow(sketchGamma, float64(s.offset+j)) / (sketchGamma + 1)))
		}
	}
	return 0
}

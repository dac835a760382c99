package timeline

import "asyncsim/sim"

// MaxBins is the most bins a Series has: the bin width doubles whenever
// the run outgrows MaxBins bins, so a Series has between MaxBins/2 and
// MaxBins bins once the run lasts MaxBins/2 ns or more.
const MaxBins = 512

// Channels of a stepSeries.
const (
	chBusy = iota
	chFlight
	numChannels
)

// stepSeries integrates step functions over equal time bins in O(bins)
// memory: each bin keeps the net change of the level inside it and the sum
// of each change times its offset from the bin's start, which is all the
// bin's integral needs. Changes may come in any time order.
type stepSeries struct {
	width  sim.Time
	delta  [numChannels][]int64   // net change of the level inside each bin
	moment [numChannels][]float64 // Σ change × (instant − bin start)
}

func newStepSeries() stepSeries { return stepSeries{width: 1} }

// add changes channel ch's level by d at instant t ≥ 0.
func (s *stepSeries) add(ch int, t sim.Time, d int64) {
	i := s.grow(t)
	s.delta[ch][i] += d
	s.moment[ch][i] += float64(d) * float64(t-sim.Time(i)*s.width)
}

// grow makes the bins reach instant t, widening them if need be, and
// returns the index of t's bin.
func (s *stepSeries) grow(t sim.Time) int {
	for t/s.width >= MaxBins {
		s.merge()
	}
	i := int(t / s.width)
	for len(s.delta[0]) <= i {
		for ch := range numChannels {
			s.delta[ch] = append(s.delta[ch], 0)
			s.moment[ch] = append(s.moment[ch], 0)
		}
	}
	return i
}

// merge doubles the bin width, merging bins pairwise: the changes of a
// pair's second bin lie one old width further from the merged bin's start.
func (s *stepSeries) merge() {
	w := float64(s.width)
	for ch := range numChannels {
		d, m := s.delta[ch], s.moment[ch]
		n := (len(d) + 1) / 2
		for k := range n {
			a := 2 * k
			d0, m0 := d[a], m[a]
			if a+1 < len(d) {
				d0 += d[a+1]
				m0 += m[a+1] + float64(float64(d[a+1])*w)
			}
			d[k], m[k] = d0, m0
		}
		s.delta[ch], s.moment[ch] = d[:n], m[:n]
	}
	s.width *= 2
}

// bins returns the mean level of each channel in each bin from 0 to end.
func (s *stepSeries) bins(end sim.Time) []Bin {
	if end <= 0 {
		return nil
	}
	s.grow(end - 1)
	n := int((end + s.width - 1) / s.width)
	out := make([]Bin, n)
	var level [numChannels]int64
	for k := range out {
		b := &out[k]
		b.Start = sim.Time(k) * s.width
		b.End = min(b.Start+s.width, end)
		l := float64(b.End - b.Start)
		var mean [numChannels]float64
		for ch := range numChannels {
			// The integral over the bin: the level at its start for its
			// whole length, plus each change for the rest of the bin.
			d := s.delta[ch][k]
			integral := float64(float64(level[ch]+d)*l) - s.moment[ch][k]
			mean[ch] = integral / l
			level[ch] += d
		}
		b.Busy, b.InFlight = mean[chBusy], mean[chFlight]
	}
	return out
}

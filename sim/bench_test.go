package sim

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkEventQueue measures one push and one pop on a queue holding
// about 1000 events, the steady state of a busy run.
func BenchmarkEventQueue(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	var q eventQueue
	var seq uint64
	for range 1000 {
		seq++
		q.push(newEvent(Time(r.Int64N(1e9)), seq, 0, 0, 0))
	}
	b.ReportAllocs()
	for b.Loop() {
		e := q.pop()
		seq++
		q.push(newEvent(e.at+Time(r.Int64N(1e6)), seq, 0, 0, 0))
	}
}

// BenchmarkProcessorSharing measures one CPU completion followed by one
// start with n contexts running, which must cost O(log n).
func BenchmarkProcessorSharing(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		b.Run("running="+strconv.Itoa(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(2, 2))
			ps := processorSharing{cores: 4}
			for i := range n {
				ps.addContext()
				ps.start(int32(i), (1+r.Int64N(1000))*int64(Microsecond)*workScale)
			}
			b.ReportAllocs()
			for b.Loop() {
				at, _, _ := ps.next()
				ps.advance(at)
				ctx := ps.finish()
				ps.start(ctx, (1+r.Int64N(1000))*int64(Microsecond)*workScale)
			}
		})
	}
}

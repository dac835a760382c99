package sim

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestEventQueueOrdersByTimeThenSequence(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var q eventQueue
	var want []event
	for i := range 5000 {
		e := newEvent(Time(r.IntN(50)), uint64(i), uint8(r.IntN(256)), int32(i), -int32(i))
		want = append(want, e)
		q.push(e)
		if i%7 == 0 { // interleave pops with pushes
			got := q.pop()
			slices.SortStableFunc(want, func(a, b event) int { return cmpEvent(&a, &b) })
			if got != want[0] {
				t.Fatalf("pop = %+v; want %+v", got, want[0])
			}
			want = want[1:]
		}
	}
	slices.SortStableFunc(want, func(a, b event) int { return cmpEvent(&a, &b) })
	for i, w := range want {
		if got := q.pop(); got != w {
			t.Fatalf("pop %d = %+v; want %+v", i, got, w)
		}
	}
	if q.len() != 0 {
		t.Fatalf("len = %d after draining; want 0", q.len())
	}
}

// cmpEvent orders events by time, then sequence number, whatever their
// kinds.
func cmpEvent(a, b *event) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return cmp.Compare(a.seq(), b.seq())
}

func TestEventKeepsItsFields(t *testing.T) {
	const seq = 1<<56 - 1 // the largest sequence number an event holds
	ev := newEvent(7, seq, 255, -3, 9)
	if ev.at != 7 || ev.seq() != seq || ev.kind() != 255 || ev.ctx() != -3 || ev.arg() != 9 {
		t.Errorf("newEvent(7, %d, 255, -3, 9) holds at %v, seq %d, kind %d, ctx %d, arg %d", uint64(seq), ev.at, ev.seq(), ev.kind(), ev.ctx(), ev.arg())
	}
}

// TestProcessorSharingMatchesFluidModel compares the finishing-tag
// implementation with a direct fluid simulation that, between events,
// gives each running job min(1, cores/n) of a core.
func TestProcessorSharingMatchesFluidModel(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 7))
		cores := 1 + r.IntN(4)
		type job struct {
			start Time
			work  Time
		}
		jobs := make([]job, 2+r.IntN(30))
		for i := range jobs {
			jobs[i] = job{start: Time(r.IntN(20)) * Millisecond, work: Time(1+r.IntN(10)) * Millisecond}
		}
		slices.SortStableFunc(jobs, func(a, b job) int { return int(a.start - b.start) })

		// Finishing tags.
		ps := processorSharing{cores: int64(cores)}
		for range jobs {
			ps.addContext()
		}
		got := make([]Time, len(jobs))
		next := 0
		for done := 0; done < len(jobs); {
			at, ctx, ok := ps.next()
			if next < len(jobs) && (!ok || jobs[next].start <= at) {
				ps.advance(jobs[next].start)
				ps.start(int32(next), int64(jobs[next].work)*workScale)
				next++
				continue
			}
			ps.advance(at)
			if c := ps.finish(); c != ctx {
				t.Fatalf("finish = %d; want %d", c, ctx)
			}
			got[ctx] = at
			done++
		}

		// Fluid model, in float64.
		remaining := make([]float64, len(jobs))
		want := make([]float64, len(jobs))
		active := map[int]bool{}
		now, next := 0.0, 0
		for len(active) > 0 || next < len(jobs) {
			rate := 1.0
			if n := len(active); n > cores {
				rate = float64(cores) / float64(n)
			}
			tNext := -1.0
			for i := range active {
				if f := now + remaining[i]/rate; tNext < 0 || f < tNext {
					tNext = f
				}
			}
			if next < len(jobs) && (tNext < 0 || float64(jobs[next].start) <= tNext) {
				tNext = float64(jobs[next].start)
			}
			for i := range active {
				remaining[i] -= (tNext - now) * rate
				if remaining[i] < 1e-6 {
					want[i] = tNext
					delete(active, i)
				}
			}
			now = tNext
			for next < len(jobs) && float64(jobs[next].start) <= now {
				active[next] = true
				remaining[next] = float64(jobs[next].work)
				next++
			}
		}
		for i := range jobs {
			// Each completion is rounded up to a whole nanosecond, which
			// can delay each later one by under a nanosecond more.
			if d := float64(got[i]) - want[i]; d < -1e-6 || d > float64(len(jobs)) {
				t.Errorf("seed %d, %d cores: job %d finished at %d; fluid model says %.3f", seed, cores, i, got[i], want[i])
			}
		}
	}
}

package sim

import "math/bits"

// workScale is the number of virtual-work units in one nanosecond of CPU
// work. Under processor sharing each of n running contexts advances at
// cores/n, so one nanosecond of real time is cores·workScale/n units: with
// workScale = 2⁶·3²·5·7 that is a whole number for every n up to 10, for
// 12, 14, 15, 16, 18, 20, 21, 24, ... and for powers of two up to 64 per
// core, so common cases are exact. Otherwise the fraction is dropped (a
// lag of under one unit per event) and made good at the next completion.
const workScale = 20160

// rebaseAt is the virtual time beyond which tags are rebased to keep every
// sum far from overflow (MaxDuration·workScale ≈ 1.7e18 fits beside it).
const rebaseAt = 1 << 61

// psJob is a context running a CPU burst, finishing when the virtual work
// clock reaches tag.
type psJob struct {
	tag int64
	seq uint64
	ctx int32
}

func (a *psJob) before(b *psJob) bool {
	return a.tag < b.tag || a.tag == b.tag && a.seq < b.seq
}

// processorSharing shares cores among the running contexts exactly, with
// virtual finishing tags: the virtual clock v advances at the rate every
// running context receives, min(1, cores/n) of a core, so a context
// started at v with w units of work finishes when v reaches v+w, whatever
// happens meanwhile. Each change costs O(log n), however many run.
type processorSharing struct {
	cores int64
	v     int64 // virtual work clock, in work units
	last  Time  // instant v was last advanced to
	jobs  []psJob
	pos   []int32 // pos[ctx] is ctx's index in jobs, or -1
	seq   uint64

	busy Time // core-nanoseconds of CPU work done
}

// advance brings the virtual clock to now, which must not be before it.
// It is small enough to be inlined where it is called, and adds zeros
// where the clock is already there. With no context running, v moves at
// the full rate too, which is harmless: nothing reads it until start
// sets it anew.
func (ps *processorSharing) advance(now Time) {
	dt := int64(now - ps.last)
	ps.last = now
	n := int64(len(ps.jobs))
	if n <= ps.cores {
		ps.v += dt * workScale
		ps.busy += Time(dt * n)
		return
	}
	hi, lo := bits.Mul64(uint64(dt), uint64(ps.cores*workScale))
	q, _ := bits.Div64(hi, lo, uint64(n))
	ps.v += int64(q)
	ps.busy += Time(dt * ps.cores)
}

// next returns when the first running context finishes, rounded up to the
// next whole nanosecond; ok is false when none runs.
func (ps *processorSharing) next() (at Time, ctx int32, ok bool) {
	if len(ps.jobs) == 0 {
		return 0, 0, false
	}
	j := &ps.jobs[0]
	return ps.last + ps.realTime(j.tag-ps.v), j.ctx, true
}

// realTime converts work units still to be done by one context into the
// real time they take at the current sharing rate, rounded up.
func (ps *processorSharing) realTime(work int64) Time {
	if work <= 0 {
		return 0
	}
	n := int64(len(ps.jobs))
	if n <= ps.cores {
		return Time((work + workScale - 1) / workScale)
	}
	den := uint64(ps.cores * workScale)
	hi, lo := bits.Mul64(uint64(work), uint64(n))
	q, r := bits.Div64(hi, lo, den)
	if r != 0 {
		q++
	}
	return Time(q)
}

// addContext makes room for one more context, numbered from 0 in order.
func (ps *processorSharing) addContext() { ps.pos = append(ps.pos, -1) }

// start begins a burst of work units for ctx at the current instant.
func (ps *processorSharing) start(ctx int32, work int64) {
	if len(ps.jobs) == 0 {
		ps.v = 0
	} else if ps.v > rebaseAt {
		for i := range ps.jobs {
			ps.jobs[i].tag -= ps.v
		}
		ps.v = 0
	}
	ps.seq++
	ps.jobs = append(ps.jobs, psJob{tag: ps.v + work, seq: ps.seq, ctx: ctx})
	i := len(ps.jobs) - 1
	ps.pos[ctx] = int32(i)
	if i > 0 { // the call is worth saving: one context on the CPU is common
		ps.up(i)
	}
}

// stop takes ctx off the CPU and returns the work units it has left.
func (ps *processorSharing) stop(ctx int32) int64 {
	i := int(ps.pos[ctx])
	left := max(ps.jobs[i].tag-ps.v, 0)
	ps.remove(i)
	return left
}

// finish takes the first finishing context off the CPU. Its completion
// instant was rounded up, so the virtual clock has reached its tag: where
// dropped fractions left it short, it is set to the tag.
func (ps *processorSharing) finish() int32 {
	jobs := ps.jobs
	j := jobs[0]
	ps.v = max(ps.v, j.tag)
	ps.pos[j.ctx] = -1
	last := len(jobs) - 1
	ps.jobs = jobs[:last]
	if last > 0 { // the root's place goes to the last job, sifted down
		jobs[0] = jobs[last]
		ps.pos[jobs[0].ctx] = 0
		ps.down(0)
	}
	return j.ctx
}

func (ps *processorSharing) remove(i int) {
	ps.pos[ps.jobs[i].ctx] = -1
	last := len(ps.jobs) - 1
	if i != last {
		ps.jobs[i] = ps.jobs[last]
		ps.pos[ps.jobs[i].ctx] = int32(i)
	}
	ps.jobs = ps.jobs[:last]
	if i < last {
		ps.down(i)
		ps.up(i)
	}
}

func (ps *processorSharing) up(i int) {
	jobs := ps.jobs
	for i > 0 {
		p := (i - 1) / 4
		if !jobs[i].before(&jobs[p]) {
			break
		}
		ps.swap(i, p)
		i = p
	}
}

func (ps *processorSharing) down(i int) {
	jobs := ps.jobs
	n := len(jobs)
	for {
		first := 4*i + 1
		if first >= n {
			return
		}
		best := first
		for c := first + 1; c < min(first+4, n); c++ {
			if jobs[c].before(&jobs[best]) {
				best = c
			}
		}
		if !jobs[best].before(&jobs[i]) {
			return
		}
		ps.swap(i, best)
		i = best
	}
}

func (ps *processorSharing) swap(i, j int) {
	ps.jobs[i], ps.jobs[j] = ps.jobs[j], ps.jobs[i]
	ps.pos[ps.jobs[i].ctx] = int32(i)
	ps.pos[ps.jobs[j].ctx] = int32(j)
}

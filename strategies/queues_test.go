package strategies

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFIFOKeepsOrderAcrossGrowth(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	var q fifo[int]
	var want []int
	next := 0
	for range 10000 {
		if r.IntN(3) > 0 || q.len() == 0 {
			q.push(next)
			want = append(want, next)
			next++
			continue
		}
		if got := q.pop(); got != want[0] {
			t.Fatalf("pop = %d; want %d", got, want[0])
		}
		want = want[1:]
	}
	for len(want) > 0 {
		if q.peek() != want[0] || q.pop() != want[0] {
			t.Fatalf("drain: want %d", want[0])
		}
		want = want[1:]
	}
}

func TestLowestFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	var s lowestFirst
	var want []int32
	for range 5000 {
		if r.IntN(2) == 0 || s.len() == 0 {
			v := int32(r.IntN(100))
			s.push(v)
			want = append(want, v)
			continue
		}
		slices.Sort(want)
		if got := s.pop(); got != want[0] {
			t.Fatalf("pop = %d; want %d", got, want[0])
		}
		want = want[1:]
	}
}

// TestFIFORemoveAt: removing from anywhere keeps the others in order,
// across the ring's wrap-around and growth, against a slice.
func TestFIFORemoveAt(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	var q fifo[int]
	var want []int
	for next := range 5000 {
		switch {
		case q.len() == 0 || r.IntN(2) == 0:
			q.push(next)
			want = append(want, next)
		case r.IntN(2) == 0:
			if got := q.pop(); got != want[0] {
				t.Fatalf("pop = %d; want %d", got, want[0])
			}
			want = want[1:]
		default:
			i := r.IntN(q.len())
			if got := q.removeAt(i); got != want[i] {
				t.Fatalf("removeAt(%d) = %d; want %d", i, got, want[i])
			}
			want = slices.Delete(want, i, i+1)
		}
		for i, w := range want {
			if q.at(i) != w {
				t.Fatalf("at(%d) = %d; want %d", i, q.at(i), w)
			}
		}
	}
}

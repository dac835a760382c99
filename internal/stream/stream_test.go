package stream

import "testing"

// TestStreamsDiffer: the same identity gives the same stream, and a change
// in any part of it (seed, replication, name, purpose, client) another;
// the length prefixes keep ("ab", "c") and ("a", "bc") apart.
func TestStreamsDiffer(t *testing.T) {
	type id struct {
		seed          uint64
		rep           int
		name, purpose string
		client        int
	}
	base := id{1, 0, "ab", "c", NoClient}
	first := func(i id) uint64 {
		g := New(i.seed, i.rep, i.name, i.purpose, i.client)
		return g.Uint64()
	}
	if first(base) != first(base) {
		t.Fatal("the same identity gave two streams")
	}
	seen := map[uint64]id{first(base): base}
	for _, i := range []id{
		{2, 0, "ab", "c", NoClient}, {1, 1, "ab", "c", NoClient}, {1, 0, "a", "bc", NoClient},
		{1, 0, "ab", "d", NoClient}, {1, 0, "ab", "c", 0}, {1, 0, "ba", "c", NoClient},
	} {
		v := first(i)
		if other, dup := seen[v]; dup {
			t.Errorf("%+v and %+v start alike", i, other)
		}
		seen[v] = i
	}
}

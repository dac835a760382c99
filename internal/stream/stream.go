package stream

import (
	"encoding/binary"
	"math/rand/v2"
)

// NoClient stands for the client of a stream that belongs to a whole task
// class or strategy.
const NoClient = -1

// New returns the generator of the random stream identified by (seed,
// replication, name, purpose, client): FNV-1a 64 of those bytes, spread by
// SplitMix64 into the two words of a PCG.
func New(seed uint64, replication int, name, purpose string, client int) rand.PCG {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	add := func(b []byte) {
		for _, c := range b {
			h ^= uint64(c)
			h *= prime
		}
	}
	var w [8]byte
	word := func(v uint64) {
		binary.LittleEndian.PutUint64(w[:], v)
		add(w[:])
	}
	word(seed)
	word(uint64(int64(replication)))
	word(uint64(len(name)))
	add([]byte(name))
	word(uint64(len(purpose)))
	add([]byte(purpose))
	word(uint64(int64(client)))
	a := splitMix64(&h)
	b := splitMix64(&h)
	return *rand.NewPCG(a, b)
}

// splitMix64 advances *s and returns its next SplitMix64 output.
func splitMix64(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

package fuzzcheck

import (
	"testing"
)

// serviceSeeds are FuzzServices' seed corpus: the other targets' seeds,
// and handwritten ones that reach each feature of the services model.
func serviceSeeds() [][]byte {
	return append(seeds(), [][]byte{}...)
}

// FuzzServices checks every invariant of CheckServices on small lists of
// tasks that hold units of resources and are sent by clients that give up
// and retry, under strategies with and without full queues.
func FuzzServices(f *testing.F) {
	for _, s := range serviceSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Services(data)
		if err := CheckServices(c); err != nil {
			t.Fatalf("%v\ncase: %s", err, c)
		}
	})
}

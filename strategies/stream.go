package strategies

import (
	"math/rand/v2"

	"asyncsim/internal/stream"
)

// streamGIL is the purpose of the stream that draws GIL hand-overs.
const streamGIL = "gil"

// newStream returns the generator of a strategy's random stream for one
// run, identified by (seed, replication, strategy name, purpose): it is
// derived as a task class's streams are, with the strategy's name in the
// place of the class's, so that a strategy's draws depend on nothing else.
func newStream(seed uint64, replication int, name, purpose string) *rand.PCG {
	g := stream.New(seed, replication, name, purpose, stream.NoClient)
	return &g
}

package workloads

import (
	"math/rand/v2"

	"asyncsim/internal/stream"
	"asyncsim/sim"
)

// purposeRetry names the stream of a class's backoff draws.
const purposeRetry = "retry"

// Clients returns how the clients of each class give up and retry, for
// sim.Config.Clients, in one replication: nil when no class has a
// timeout or retries, so that a workload without them costs the engine
// nothing. A class's backoff draws come from a stream of their own,
// (seed, replication, class, "retry"), so that the first attempts are
// identical whatever the strategy and whether it retries.
func (s *Spec) Clients(replication int) []sim.Client {
	var clients []sim.Client
	for i := range s.Classes {
		c := &s.Classes[i]
		if c.Timeout == 0 && c.Retries == 0 {
			continue
		}
		if clients == nil {
			clients = make([]sim.Client, len(s.Classes))
		}
		clients[i] = sim.Client{Timeout: c.Timeout, Retries: c.Retries}
		if c.Backoff != nil {
			p := stream.New(s.Seed, replication, c.Name, purposeRetry, stream.NoClient)
			r := rand.New(&p)
			d := c.Backoff
			clients[i].Backoff = func() sim.Time { return d.sample(&p, r) }
		}
	}
	return clients
}

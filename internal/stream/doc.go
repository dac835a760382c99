// Package stream derives asyncsim's independent random streams: each is a
// PCG seeded from the bytes of what identifies it (the workload's seed,
// the replication, the name of a task class or strategy, a purpose, a
// client), so that adding a class or a strategy never changes another's
// samples.
package stream

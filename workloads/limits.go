package workloads

import "asyncsim/sim"

// Limits on what a workload may ask for, so that every accepted workload
// can be simulated exactly, in bounded memory and without overflow. The
// strategies' own limits are in package strategies.
const (
	maxCores        = 4096
	maxReplications = 10000
	maxTasks        = 1_000_000_000 // tasks per replication
	maxClients      = 1_000_000     // clients per class
	maxTaskSteps    = 1_000_000     // steps of one task, repeats expanded
	maxRepeatDepth  = 64            // nesting of repeat and hold blocks
	maxResources    = 1000          // resources of a workload
	maxCapacity     = 1_000_000_000 // units of a resource's pool
	maxRetries      = 100           // retries of a request
	maxRateSegments = 100_000       // segments of an arrival.rate
	// maxSpeed bounds arrival.speed, and its inverse the slowest replay.
	maxSpeed = 1e9
	// maxPerSecond is the highest arrival rate, a mean gap of 1ns.
	maxPerSecond = 1e9
	// MaxNameBytes bounds workload, class and strategy names, in bytes
	// (not characters), so that a file name made of one (as
	// timeline-STRATEGY.png) stays far within the 255 bytes file systems
	// allow.
	MaxNameBytes = 100
	// maxEvents bounds the steps of a replication (tasks × expanded steps)
	// and, under a GIL, the forced hand-overs (CPU time / switch_interval):
	// each is at least one event, and more would take hours to simulate.
	maxEvents = 10_000_000_000
	// maxHorizon bounds the virtual time a replication may span, estimated
	// from mean durations, far below the 292 years an int64 of
	// nanoseconds holds.
	maxHorizon = 10 * 365 * 24 * sim.Hour
)

// MaxReplications is the largest number of replications a workload (or a
// command-line override) may ask for.
const MaxReplications = maxReplications

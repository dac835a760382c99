// Package timeline records what happens during one simulation run, in
// bounded memory, for figures and traces: the state intervals of each
// context and the spans of the first task attempts inside a window of
// virtual time, with how each ended (for Gantt charts and Chrome traces), and time-binned series of
// busy cores and tasks in flight over the whole run (for utilization
// plots), whose bins widen as the run grows so that they never number
// more than MaxBins.
//
// A Recorder is a sim.Recorder and also takes every completed task's
// record; it only observes, so recording never changes a run's results.
package timeline

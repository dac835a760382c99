// Package handwritten is the yardstick of 'asyncsim bench': a minimal
// simulator written by hand for the one model of the bench-loop reference
// workload, with none of asyncsim's generality. It shows how fast this
// machine can simulate that model at all, so that asyncsim's speed can be
// judged against it on the same machine at the same moment, whatever the
// machine and its load.
//
// The model: Poisson arrivals, every Interarrival on average; each task is
// cpu exp(CPU) · io exp(IO) · cpu exp(CPU); one event-loop thread on one
// core runs the ready coroutines' CPU steps first come, first served, and
// io steps are awaited without holding it. The simulator keeps a typed
// 4-ary heap of events and draws from one PCG, and computes only the mean
// latency, by which it is checked against asyncsim.
package handwritten

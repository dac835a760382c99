// Package plots draws asyncsim's report figures with gonum/plot: makespan
// bars, latency CDFs, utilization over time, per-context Gantt timelines
// and sweep curves, in one consistent style — one colour per strategy and
// one per context state in every figure.
package plots

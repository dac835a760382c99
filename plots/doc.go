// Package plots draws asyncsim's report figures with gonum/plot: makespan
// bars, latency CDFs (per strategy, and per class for a workload of
// several), utilization over time, per-context and per-attempt Gantt
// timelines and sweep curves, in one consistent style — one colour per strategy and
// one per context state in every figure.
package plots

// Package fuzzcheck checks the invariants that every simulation run must
// satisfy, whatever the workload and the strategy: every task completes
// exactly once and no sooner than its own steps allow, the statistics agree
// with the tasks' records and with the contexts' recorded states, CPU work
// is conserved, Little's law holds exactly, and a run does not depend on
// the runs before it. Its fuzz targets build small random workloads from
// the fuzzer's bytes, both as workload YAML (Workload) and as raw task
// lists (Tasks), and run Check on them.
//
// CheckServices checks the invariants of the services model (limited
// resources, full queues, clients that give up and retry): the pools'
// units, every attempt's outcome, the counts of requests and attempts, the
// figures per class and per resource, horizons and determinism. FuzzServices
// runs it on cases that Services builds from the fuzzer's bytes as raw task
// lists, FuzzServicesWorkload on workloads ServicesWorkload writes in the
// workload format.
package fuzzcheck

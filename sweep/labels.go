package sweep

import (
	"regexp"
	"strings"
)

// metricLabels name the statistics in figures.
var metricLabels = map[string]string{
	"makespan_s":       "makespan",
	"throughput_per_s": "throughput (per second)",
	"latency_mean_s":   "mean latency",
	"latency_max_s":    "max latency",
	"wait_mean_s":      "mean wait for a context",
	"cpu_utilization":  "CPU utilization",
	"in_flight_mean":   "mean tasks in flight",
	"loop_blocked_s":   "time the loop was blocked",
	"gil_wait_s":       "time waiting for the GIL",
	"context_switches": "context switches",
	"requests":         "requests sent",
	"retries_sent":     "retries sent",
	"syn_retries":      "SYN retries",
	"goodput_per_s":    "goodput (per second)",
	"wasted_cpu_s":     "CPU time wasted on abandoned requests",
}

// latencyPercentile matches latency_pNN_s.
var latencyPercentile = regexp.MustCompile(`^latency_(p[0-9]+)_s$`)

// metricLabel returns the name of a metric (or a resource's figure) in
// figures: "p99 latency", "mean latency", "db utilization".
func metricLabel(metric string) string {
	if l, ok := metricLabels[metric]; ok {
		return l
	}
	if m := latencyPercentile.FindStringSubmatch(metric); m != nil {
		return m[1] + " latency"
	}
	if rest, ok := strings.CutPrefix(metric, "resource."); ok {
		if i := strings.LastIndexByte(rest, '.'); i > 0 {
			return rest[:i] + " " + humanize(strings.TrimSuffix(rest[i+1:], "_s"))
		}
	}
	return humanize(strings.TrimSuffix(metric, "_s"))
}

// humanize writes a key as words: "switch_interval" is "switch
// interval", "gil" is "GIL".
func humanize(key string) string {
	words := strings.Split(key, "_")
	for i, w := range words {
		switch w {
		case "gil", "cpu", "io", "syn":
			words[i] = strings.ToUpper(w)
		}
	}
	return strings.Join(words, " ")
}

// The parts of a task class's paths that pathLabel names in words.
var (
	taskStep    = regexp.MustCompile(`^tasks\.(.+)\.steps\.([0-9]+)\.([a-z_]+)$`)
	taskArrival = regexp.MustCompile(`^tasks\.(.+)\.arrival\.(interarrival|per_second|rate\.([0-9]+)\.per_second)$`)
	namedField  = regexp.MustCompile(`^(tasks|strategies|resources)\.(.+)\.([a-z_]+)$`)
)

// pathLabel returns the name of a varied path in figures: "api
// interarrival" for tasks.api.arrival.interarrival, "request step 2
// blocking IO" for tasks.request.steps.1.blocking_io, "gil: switch
// interval" for strategies.gil.switch_interval, "cores" for
// machine.cores.
func pathLabel(path string) string {
	if m := taskArrival.FindStringSubmatch(path); m != nil {
		switch {
		case m[2] == "interarrival":
			return m[1] + " interarrival"
		case m[3] != "":
			return m[1] + " arrivals per second (rate segment " + m[3] + ")"
		}
		return m[1] + " arrivals per second"
	}
	if m := taskStep.FindStringSubmatch(path); m != nil {
		// Steps are indexed from 0 and shown from 1.
		return m[1] + " step " + increment(m[2]) + " " + humanize(m[3])
	}
	if m := namedField.FindStringSubmatch(path); m != nil {
		name, field := m[2], humanize(m[3])
		switch {
		case m[1] == "tasks" && m[3] == "count":
			return name + " tasks"
		case name == m[3]:
			return field
		}
		return name + ": " + field
	}
	segs := strings.Split(path, ".")
	return humanize(segs[len(segs)-1])
}

// increment adds one to a decimal number's text.
func increment(digits string) string {
	b := []byte(digits)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// valueLabel returns a varied value as figures show it: booleans as
// "on" and "off", anything else as written.
func valueLabel(v string) string {
	switch v {
	case "true":
		return "on"
	case "false":
		return "off"
	}
	return v
}

// rateLabel returns the name of the arrival rate an arrival path sets:
// "api arrival rate (per second)".
func rateLabel(path string) string {
	if m := taskArrival.FindStringSubmatch(path); m != nil {
		return m[1] + " arrival rate (per second)"
	}
	return "arrival rate (per second)"
}

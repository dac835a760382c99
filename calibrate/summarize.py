"""Summarises the kit's raw measurements and writes a runtime profile.

Reads the JSON files that gil.py, loop.py and server.py wrote into
DIR/raw/, and writes DIR/summary.md (every scenario's figures: medians
over the repetitions with their spread) and DIR/profile.yaml (the costs
fitted for the event-loop models and the GIL's requester bias, and the
memory costs of DIR/memory.json where memory.py wrote it). With --check
it also checks that the figures are plausible for the scenario (wide
bounds, for a noisy machine) and exits 1 when one is not.
"""

import argparse
import glob
import json
import math
import os
import statistics
import sys


def quantile(sorted_xs, p):
    """Nearest-rank quantile, as asyncsim's percentiles are."""
    if not sorted_xs:
        return float("nan")
    # The smallest value with at least a share p at or below it; the
    # tolerance keeps p * n = 9.000000000000002 from counting as 10.
    k = math.ceil(p * len(sorted_xs) - 1e-9) - 1
    return sorted_xs[max(0, min(len(sorted_xs) - 1, k))]


def figures(xs):
    s = sorted(xs)
    return {
        "n": len(s),
        "mean": sum(s) / len(s) if s else float("nan"),
        "p50": quantile(s, 0.50),
        "p90": quantile(s, 0.90),
        "p99": quantile(s, 0.99),
    }


def spread(values):
    """Median, least and largest of one figure over repetitions."""
    return statistics.median(values), min(values), max(values)


def ms(x):
    return "%.3g" % (x * 1e3)


def us(x):
    return "%.3g" % (x * 1e6)


def cell(values, unit=ms):
    med, lo, hi = spread(values)
    if len(values) == 1:
        return unit(med)
    return "%s [%s–%s]" % (unit(med), unit(lo), unit(hi))


def load(raw):
    runs = []
    for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        d["file"] = os.path.basename(path)
        runs.append(d)
    if not runs:
        sys.exit("summarize.py: no measurements in %s" % raw)
    return runs


def bias_fits(groups):
    """Fits gil_requester_bias to each repetition with two or more hogs.

    Under asyncsim's cpython hand-over an IO thread that sleeps s beside
    h >= 2 hogs wakes `first` = ceil(s/SI)*SI - s before the next forced
    switch, and wins each forced switch from then on with probability q:
    the requester, the hog forced out one switch earlier, has odds
    w = bias/(1 - bias) against each of the other h - 1 candidates (the
    holder is excluded), so q = 1/(w + h - 1). Its mean wait is
    first + SI*(1/q - 1), so q = SI/(wait - first + SI),
    w = 1/q - (h - 1) (at least 0) and bias = w/(1 + w). The wait is the
    mean delay less the mean delay without hogs (the operating system's
    wake-up).
    """
    fits = []
    for (interval, hogs), rs in sorted(groups.items()):
        if hogs < 2:
            continue
        base = [figures(r["delays_s"])["mean"] for r in groups.get((interval, 0), []) if r["delays_s"]]
        wake = statistics.median(base) if base else 0.0
        for r in rs:
            if not r["delays_s"]:
                continue
            s = r["sleep_s"]
            first = math.ceil(s / interval - 1e-9) * interval - s
            wait = max(figures(r["delays_s"])["mean"] - wake, first)
            q = interval / (wait - first + interval)
            w = max(0.0, 1 / q - (hogs - 1))
            fits.append((interval, hogs, w / (1 + w)))
    return fits


def profile_bias(fits):
    """The profile's gil_requester_bias, and which fits it is the median of.

    The fits beside two CPU-bound threads at switch intervals of 5 ms or
    more: they have the most waits per repetition, and at 1 ms the model's
    sleep ends exactly at a switch, so the formula of bias_fits does not
    hold there. Those beside three threads are then an out-of-sample check
    (docs/fidelity.md). Without such fits, the median of them all.
    """
    chosen = [b for interval, hogs, b in fits if hogs == 2 and interval >= 0.005 - 1e-12]
    if chosen:
        return statistics.median(chosen), "the %d fits beside two CPU-bound threads at 5 ms or more" % len(chosen)
    return statistics.median(b for _, _, b in fits), "all %d fits" % len(fits)


def gil_section(runs, out, profile, problems):
    groups = {}
    for r in runs:
        groups.setdefault((r["switch_interval_s"], r["hogs"]), []).append(r)
    out.append("## GIL re-acquisition delay of an IO-bound thread")
    out.append("")
    out.append("The IO thread sleeps %s ms in a loop; the delay is how much longer each sleep took "
               "than asked (OS wake-up plus the wait for the GIL). Milliseconds: the median over "
               "repetitions, [least–largest] in brackets." % ms(runs[0]["sleep_s"]))
    out.append("")
    out.append("| switch interval | CPU-bound threads | repetitions | samples | mean | p50 | p90 | p99 |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (interval, hogs), rs in sorted(groups.items()):
        fs = [figures(r["delays_s"]) for r in rs]
        out.append("| %s ms | %d | %d | %d | %s | %s | %s | %s |" % (
            ms(interval), hogs, len(rs), sum(f["n"] for f in fs),
            cell([f["mean"] for f in fs]), cell([f["p50"] for f in fs]),
            cell([f["p90"] for f in fs]), cell([f["p99"] for f in fs])))
        mean = statistics.median(f["mean"] for f in fs)
        if any(f["n"] == 0 for f in fs):
            problems.append("gil: no samples with %d hogs at %s ms" % (hogs, ms(interval)))
        elif hogs == 0 and mean > 0.005:
            problems.append("gil: without hogs the mean delay is %s ms, over 5 ms" % ms(mean))
        elif hogs >= 1 and not (0.1 * interval <= mean <= 50 * interval):
            problems.append("gil: with %d hogs at %s ms the mean delay %s ms is outside [0.1, 50] intervals"
                            % (hogs, ms(interval), ms(mean)))
    out.append("")
    out.append("Distribution of the delay in whole switch intervals (pooled over repetitions; "
               "share of samples):")
    out.append("")
    out.append("| switch interval | CPU-bound threads | <1 | 1–2 | 2–3 | 3–5 | 5–10 | ≥10 |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    edges = [1, 2, 3, 5, 10]
    for (interval, hogs), rs in sorted(groups.items()):
        xs = [d / interval for r in rs for d in r["delays_s"]]
        counts = [0] * (len(edges) + 1)
        for x in xs:
            i = 0
            while i < len(edges) and x >= edges[i]:
                i += 1
            counts[i] += 1
        n = max(1, len(xs))
        out.append("| %s ms | %d | %s |" % (ms(interval), hogs, " | ".join("%.1f%%" % (100 * c / n) for c in counts)))
    out.append("")
    fits = bias_fits(groups)
    if fits:
        out.append("gil_requester_bias fitted to each repetition with two or more CPU-bound threads "
                   "(see bias_fits): median over repetitions, [least–largest].")
        out.append("")
        out.append("| switch interval | CPU-bound threads | repetitions | gil_requester_bias |")
        out.append("| --- | --- | --- | --- |")
        keys = sorted({(i, h) for i, h, _ in fits})
        for i, h in keys:
            bs = [b for fi, fh, b in fits if (fi, fh) == (i, h)]
            out.append("| %s ms | %d | %d | %s |" % (ms(i), h, len(bs), cell(bs, lambda x: "%.3f" % x)))
        bias, which = profile_bias(fits)
        profile["gil"] = {"requester_bias": bias}
        out.append("")
        out.append("Profile: the median of %s, %.3f." % (which, bias))
        out.append("")


def loop_section(runs, out, profile, problems):
    out.append("## Event-loop costs")
    out.append("")
    out.append("Wall time of one loop iteration resuming K coroutines, fitted as "
               "poll_cost + K × resume_cost (microseconds; median over repetitions, [least–largest] "
               "of the per-repetition fits).")
    out.append("")
    out.append("| model | repetitions | poll_cost | resume_cost |")
    out.append("| --- | --- | --- | --- |")
    for r in sorted(runs, key=lambda r: r["model"]):
        out.append("| %s | %d | %s | %s |" % (r["model"], r["repeats"],
                                             cell(r["poll_cost_each_s"], us), cell(r["resume_cost_each_s"], us)))
        poll, resume = r["poll_cost_s"], r["resume_cost_s"]
        profile[r["model"]] = {"poll_cost": max(poll, 0.0), "resume_cost": resume}
        if not (1e-7 <= resume <= 1e-3):
            problems.append("loop: %s's resume cost %s us is outside [0.1, 1000] us" % (r["model"], us(resume)))
        if not (-1e-4 <= poll <= 1e-3):
            problems.append("loop: %s's poll cost %s us is outside [-100, 1000] us" % (r["model"], us(poll)))
    out.append("")


def server_section(runs, out, problems):
    out.append("## An asyncio server under open Poisson load")
    out.append("")
    r0 = runs[0]
    out.append("Handler: %s ms of CPU, then asyncio.sleep(%s ms); one event loop, loopback. Latency in "
               "milliseconds, median over repetitions [least–largest]." % (ms(r0["cpu_s"]), ms(r0["io_s"])))
    out.append("")
    caps = [r["capacity_per_s"] for r in runs]
    out.append("Capacity (a burst's requests / the time to its last answer): %s requests/s." %
               cell(caps, lambda x: "%.0f" % x))
    out.append("")
    out.append("| load | repetitions | requests | mean | p50 | p90 | p99 |")
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    loads = sorted({run["load"] for r in runs for run in r["runs"]})
    for load in loads:
        fs = [figures(run["latencies_s"]) for r in runs for run in r["runs"] if run["load"] == load]
        out.append("| %.0f%% | %d | %d | %s | %s | %s | %s |" % (
            100 * load, len(fs), sum(f["n"] for f in fs), cell([f["mean"] for f in fs]),
            cell([f["p50"] for f in fs]), cell([f["p90"] for f in fs]), cell([f["p99"] for f in fs])))
        if any(f["n"] == 0 for f in fs):
            problems.append("server: no requests at load %.0f%%" % (100 * load))
    for c in caps:
        if not (10 <= c <= 1.5 / r0["cpu_s"]):
            problems.append("server: capacity %.0f/s is outside [10, 1.5/cpu]" % c)
    out.append("")


def duration(seconds):
    return "%.4gus" % (seconds * 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="the kit's output folder (with raw/)")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every figure is plausible")
    a = ap.parse_args()
    runs = load(os.path.join(a.dir, "raw"))
    by = {}
    for r in runs:
        by.setdefault(r["scenario"], []).append(r)
    python = runs[0]["python"]
    out = ["# Calibration of %s (Python %s)" % (os.path.basename(os.path.abspath(a.dir)), python), ""]
    profile, problems = {}, []
    if "gil" in by:
        gil_section(by["gil"], out, profile, problems)
    if "loop" in by:
        loop_section(by["loop"], out, profile, problems)
    if "server" in by:
        server_section(by["server"], out, problems)
    with open(os.path.join(a.dir, "summary.md"), "w") as f:
        f.write("\n".join(out))
    lines = ["# asyncsim runtime profile: written by calibrate/summarize.py from the",
             "# measurements in raw/ beside it (Python %s)." % python,
             "python: \"%s\"" % python]
    for model in sorted(m for m in profile if m != "gil"):
        p = profile[model]
        lines.append("%s: {poll_cost: %s, resume_cost: %s}" % (model, duration(p["poll_cost"]), duration(p["resume_cost"])))
    if "gil" in profile:
        lines.append("gil: {requester_bias: %.3f}" % profile["gil"]["requester_bias"])
    memory = os.path.join(a.dir, "memory.json")
    if os.path.exists(memory):  # memory.py's costs, in bytes
        with open(memory) as f:
            c = json.load(f)["costs"]
        lines.append("memory: {shared: %d, process: %d, thread: %d, task: %d}  # bytes, from memory.json"
                     % (c["shared_bytes"], c["process_bytes"], c["thread_bytes"], c["task_bytes"]))
    with open(os.path.join(a.dir, "profile.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for p in problems:
        print("summarize.py: implausible:", p, file=sys.stderr)
    if a.check and problems:
        sys.exit(1)


if __name__ == "__main__":
    main()

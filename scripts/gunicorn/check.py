"""Checks the workload import-log wrote against what client.py sent.

Usage: check.py SENT.json DIR SUMMARY.txt

- counts: exact, per class (get-fast, get-slow, get-items-id: the item ids
  folded into :id, the query strings dropped), from the trace files;
- rates: count / span per class, the client's span from its first send
  to its last, the trace's from its first arrival to its last, within
  5%, and the spans within 0.3 s: gunicorn's %(t)s has whole seconds,
  and import-log spreads a second's requests evenly within it; the client
  sends at a steady pace from 0.05 s after a whole second to 0.15 s
  before another, so spreading moves the first arrival back by less than
  0.05 s and the last forward by less than 0.15 s plus a gap between
  sends (20 ms): less than 0.25 s in all, 3% of the 7.8 s span (the
  check allows 0.3 s);
- durations: the p50 of each class's logged durations (import-log ran
  with --cpu-share 0, so durations/CLASS.io.txt holds them all) within
  20% + 5 ms of the app's sleep, and never below the sleep itself (gunicorn
  times the whole handler, sleep included);
- the summary names the gunicorn format and skipped no line.
"""

import json
import math
import os
import sys

SLEEP = {"get-fast": 0.010, "get-slow": 0.050, "get-items-id": 0.020}
CLIENT = {"get-fast": "fast", "get-slow": "slow", "get-items-id": "items"}


def read_values(path):
    with open(path) as f:
        return [float(line) for line in f if line.strip()]


def main():
    sent_path, out, summary_path = sys.argv[1:4]
    with open(sent_path) as f:
        sent = json.load(f)
    with open(summary_path) as f:
        summary = f.read()
    failures = []
    if "(gunicorn format)" not in summary or ", 0 lines skipped" not in summary:
        failures.append("summary: want the gunicorn format and no line skipped:\n" + summary)
    traces = {}
    for name in SLEEP:
        path = os.path.join(out, "traces", name + ".txt")
        if not os.path.exists(path):
            failures.append("no trace for class %s" % name)
            continue
        traces[name] = read_values(path)
    extra = sorted(set(n[:-4] for n in os.listdir(os.path.join(out, "traces"))) - set(SLEEP))
    if extra:
        failures.append("classes beyond the three sent: %s" % extra)
    if traces:
        t_first = min(min(v) for v in traces.values())
        t_last = max(max(v) for v in traces.values())
        span_log, span_sent = t_last - t_first, sent["last"] - sent["first"]
        print("span: client %.3f s, trace %.3f s" % (span_sent, span_log))
        if abs(span_log - span_sent) > 0.3:
            failures.append("span %.3f s; the client's was %.3f s (tolerance 0.3 s)" % (span_log, span_sent))
    for name, sleep in SLEEP.items():
        if name not in traces:
            continue
        want = sent["classes"][CLIENT[name]]["count"]
        got = len(traces[name])
        rate_sent = want / (sent["last"] - sent["first"])
        rate_log = got / span_log if span_log > 0 else math.inf
        durations = sorted(read_values(os.path.join(out, "durations", name + ".io.txt")))
        p50 = durations[math.ceil(0.5 * len(durations)) - 1]
        print("%-13s count %3d (sent %3d)  rate %.2f/s (sent %.2f/s)  p50 %.2f ms (sleep %.0f ms)" % (
            name, got, want, rate_log, rate_sent, p50 * 1e3, sleep * 1e3))
        if got != want:
            failures.append("%s: %d requests in the trace; the client sent %d" % (name, got, want))
        if abs(rate_log - rate_sent) > 0.05 * rate_sent:
            failures.append("%s: rate %.2f/s; the client sent %.2f/s (tolerance 5%%)" % (name, rate_log, rate_sent))
        if not (sleep <= p50 <= sleep * 1.2 + 0.005):
            failures.append("%s: p50 %.4f s; want between the sleep %.3f s and 20%% + 5 ms more" % (name, p50, sleep))
        if len(durations) != got:
            failures.append("%s: %d durations for %d requests (the sample cap is not reached)" % (name, len(durations), got))
    if failures:
        sys.exit("gunicorn-e2e: FAIL:\n  " + "\n  ".join(failures))
    print("gunicorn-e2e: ok")


if __name__ == "__main__":
    main()

"""Drives the e2e app on loopback with known request counts per path.

Usage: client.py PORT OUT.json

Sends a fixed, shuffled list of requests (deterministic: seeded) at a
steady open-loop pace from a few threads, starting on a whole second, each request at its scheduled
instant or as soon as a thread is free, and writes what it sent: per
path class the count, the first and last send times, and the wall time
of the whole run.
"""

import http.client
import json
import random
import sys
import threading
import time

COUNTS = {"fast": 200, "slow": 60, "items": 140}
# Requests per second: the 400 sends span 7.8 s, from 0.05 s after a whole
# second of the wall clock to 0.15 s before the eighth one after it, so
# that the last requests complete within that second.
RATE = 399 / 7.8
THREADS = 6


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(14)
    plan = [c for c, n in COUNTS.items() for _ in range(n)]
    rng.shuffle(plan)
    paths = []
    for c in plan:
        paths.append("/items/%d?v=%d" % (rng.randrange(1, 10000), rng.randrange(9)) if c == "items" else "/" + c)
    lock = threading.Lock()
    next_i = [0]
    sent = {c: [] for c in COUNTS}
    errors = []
    # Start just after a whole second of the wall clock, which gunicorn's
    # %(t)s counts in: the run's seconds are then full, and import-log's
    # spreading of each second's requests evenly within it puts them back
    # close to where they were sent.
    time.sleep(1.05 - time.time() % 1.0)
    start = time.monotonic()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= len(plan):
                break
            delay = start + i / RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            t = time.monotonic() - start
            try:
                conn.request("GET", paths[i])
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors.append("%s: %d" % (paths[i], resp.status))
            except OSError as e:
                errors.append("%s: %s" % (paths[i], e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                sent[plan[i]].append(t)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("client: %d requests failed, first: %s" % (len(errors), errors[0]))
    report = {
        "classes": {c: {"count": len(ts), "first": min(ts), "last": max(ts)} for c, ts in sent.items()},
        "first": min(min(ts) for ts in sent.values()),
        "last": max(max(ts) for ts in sent.values()),
    }
    with open(out, "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()

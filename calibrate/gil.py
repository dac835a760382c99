"""GIL re-acquisition delay of an IO-bound thread beside CPU-bound threads.

One thread sleeps SLEEP in a loop (time.sleep releases the GIL and must
take it back when the sleep ends); HOGS other threads run pure-Python
bytecode without pause. Each loop of the IO thread records how long its
sleep took beyond the time asked for: with no hogs that is the operating
system's wake-up latency; with hogs, that plus the wait for the GIL.

Prints one JSON object: the parameters and every delay in seconds.
"""

import argparse
import json
import sys
import threading
import time


def hog(stop):
    x = 0
    while not stop.is_set():
        # A few bytecodes between checks of the flag, so a hog is
        # almost pure computation, as a CPU-bound handler is.
        for _ in range(1000):
            x += 1


def measure(hogs, interval, sleep, duration, warmup):
    sys.setswitchinterval(interval)
    stop = threading.Event()
    threads = [threading.Thread(target=hog, args=(stop,), daemon=True) for _ in range(hogs)]
    for t in threads:
        t.start()
    delays = []
    clock = time.perf_counter
    start = clock()
    end = start + warmup + duration
    counting = start + warmup
    while True:
        before = clock()
        if before >= end:
            break
        time.sleep(sleep)
        after = clock()
        if before >= counting:
            delays.append(after - before - sleep)
    stop.set()
    for t in threads:
        t.join()
    return delays


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hogs", type=int, default=1, help="CPU-bound threads (default 1)")
    ap.add_argument("--interval", type=float, default=0.005, help="sys.setswitchinterval in seconds (default 0.005)")
    ap.add_argument("--sleep", type=float, default=0.001, help="the IO thread's sleep in seconds (default 0.001)")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds measured (default 5)")
    ap.add_argument("--warmup", type=float, default=0.5, help="seconds left out first (default 0.5)")
    a = ap.parse_args()
    if a.hogs < 0 or a.interval <= 0 or a.sleep <= 0 or a.duration <= 0 or a.warmup < 0:
        ap.error("--hogs must be >= 0 and the times positive")
    delays = measure(a.hogs, a.interval, a.sleep, a.duration, a.warmup)
    json.dump({
        "scenario": "gil",
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "hogs": a.hogs,
        "switch_interval_s": a.interval,
        "sleep_s": a.sleep,
        "duration_s": a.duration,
        "delays_s": delays,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Per-iteration and per-resume CPU cost of an event loop (asyncio or uvloop).

K coroutines each await asyncio.sleep(0) ROUNDS times. asyncio.sleep(0)
yields to the loop, which puts the coroutine's next step among the
callbacks ready for the next iteration, so every iteration of the loop
(_run_once: poll, then run the callbacks ready when it began) resumes
each of the K coroutines once. The wall time of a round is then
poll_cost + K * resume_cost; a least-squares line through the rounds'
times for several K gives both, the intercept and the slope.

Prints one JSON object: the parameters, the median time per round for
each K over the repetitions, and the fitted costs in seconds.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time


async def worker(rounds):
    for _ in range(rounds):
        await asyncio.sleep(0)


async def one_run(k, rounds):
    clock = time.perf_counter
    start = clock()
    await asyncio.gather(*(worker(rounds) for _ in range(k)))
    return (clock() - start) / rounds


def fit(points):
    """Least-squares line y = a + b x through (x, y) points."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    b = sxy / sxx
    return my - b * mx, b


def measure(model, ks, rounds, repeats):
    if model == "uvloop":
        import uvloop  # noqa: imported only when asked for
        new_loop = uvloop.new_event_loop
    else:
        new_loop = asyncio.new_event_loop
    per_k = {}
    for _ in range(repeats):
        # Interleave the K values within each repetition, so a burst of
        # machine noise spreads over all of them instead of one.
        for k in ks:
            loop = new_loop()
            try:
                loop.run_until_complete(one_run(k, rounds // 10))  # warm up
                per_k.setdefault(k, []).append(loop.run_until_complete(one_run(k, rounds)))
            finally:
                loop.close()
    medians = {k: statistics.median(v) for k, v in per_k.items()}
    poll, resume = fit(sorted(medians.items()))
    # The spread of the fit: the same fit through each repetition alone.
    fits = [fit([(k, per_k[k][i]) for k in ks]) for i in range(repeats)]
    return medians, per_k, poll, resume, fits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["asyncio", "uvloop"], default="asyncio")
    ap.add_argument("--rounds", type=int, default=20000, help="iterations per run (default 20000)")
    ap.add_argument("--repeats", type=int, default=5, help="repetitions of every K (default 5)")
    ap.add_argument("--ks", default="1,2,4,8,16,32,64", help="numbers of coroutines (default 1,2,4,8,16,32,64)")
    a = ap.parse_args()
    ks = [int(k) for k in a.ks.split(",")]
    if len(ks) < 2 or min(ks) < 1 or a.rounds < 10 or a.repeats < 1:
        ap.error("need two or more K >= 1, --rounds >= 10 and --repeats >= 1")
    medians, per_k, poll, resume, fits = measure(a.model, ks, a.rounds, a.repeats)
    json.dump({
        "scenario": "loop",
        "model": a.model,
        "python": sys.version.split()[0],
        "rounds": a.rounds,
        "repeats": a.repeats,
        "round_s": {str(k): per_k[k] for k in ks},
        "round_median_s": {str(k): medians[k] for k in ks},
        "poll_cost_s": poll,
        "resume_cost_s": resume,
        "poll_cost_each_s": [f[0] for f in fits],
        "resume_cost_each_s": [f[1] for f in fits],
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

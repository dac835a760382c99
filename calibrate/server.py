"""An asyncio server's latency under open Poisson load, on the loopback interface.

The server (a child process, 'server.py serve') runs one event loop. Each
request is a line carrying its number; the handler computes for CPU
seconds (a busy loop on the loop thread), awaits asyncio.sleep(IO), and
answers with the number. Requests share one connection, as multiplexed
requests do, so the figures are the loop's and not the kernel's accept
queue's.

The client (this process) first measures the server's capacity: it sends
a burst of requests at once and divides their number by the time until
the last answer. Then, for each load in LOADS (shares of that capacity),
it sends requests at the times of a Poisson stream at that rate and
records each one's latency: from the instant it was due to be sent to the
arrival of its answer.

Prints one JSON object: the parameters, the capacity, and per load the
latencies in seconds. Everything it starts it stops by process id, and it
gives up after --timeout seconds.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time


def spin(seconds):
    # Thread CPU time, not wall time: a handler's computation takes the same
    # CPU however often the operating system preempts it.
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def serve(cpu, io):
    async def handle(reader, writer):
        async def request(line):
            spin(cpu)
            await asyncio.sleep(io)
            writer.write(line)

        tasks = set()
        while True:
            line = await reader.readline()
            if not line:
                break
            t = asyncio.ensure_future(request(line))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


class Client:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.due = {}
        self.latencies = {}
        self.next_id = 0

    async def receive(self):
        clock = time.perf_counter
        while True:
            line = await self.reader.readline()
            if not line:
                return
            n = int(line)
            self.latencies[n] = clock() - self.due.pop(n)

    def send(self, due):
        n = self.next_id
        self.next_id += 1
        self.due[n] = due
        self.writer.write(b"%d\n" % n)
        return n

    async def drain(self, timeout):
        end = time.perf_counter() + timeout
        while self.due and time.perf_counter() < end:
            await asyncio.sleep(0.01)
        if self.due:
            raise TimeoutError("%d requests unanswered" % len(self.due))


async def capacity(client, burst):
    first = client.next_id
    start = time.perf_counter()
    for _ in range(burst):
        client.send(start)
    await client.writer.drain()
    await client.drain(60)
    ids = range(first, first + burst)
    return burst / max(client.latencies[n] for n in ids)


async def open_load(client, rate, duration, rng):
    """Sends a Poisson stream at rate for duration; returns its latencies."""
    loop = asyncio.get_running_loop()
    clock = time.perf_counter
    first = client.next_id
    t = clock()
    end = t + duration
    while True:
        t += rng.expovariate(rate)
        if t >= end:
            break
        delay = t - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        client.send(t)
    await client.drain(60)
    return [client.latencies[n] for n in range(first, client.next_id)]


async def drive(port, args):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = Client(reader, writer)
    receiver = asyncio.ensure_future(client.receive())
    rng = random.Random(args.seed)
    cap = await capacity(client, args.burst)
    runs = []
    for load in args.loads:
        lat = await open_load(client, load * cap, args.duration, rng)
        runs.append({"load": load, "rate_per_s": load * cap, "latencies_s": lat})
    writer.close()
    receiver.cancel()
    return cap, runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", nargs="?", default="measure", choices=["measure", "serve"])
    ap.add_argument("--cpu", type=float, default=0.001, help="handler CPU in seconds (default 0.001)")
    ap.add_argument("--io", type=float, default=0.005, help="handler asyncio.sleep in seconds (default 0.005)")
    ap.add_argument("--loads", default="0.5,0.7,0.9", help="shares of capacity (default 0.5,0.7,0.9)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per load (default 10)")
    ap.add_argument("--burst", type=int, default=2000, help="requests of the capacity burst (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300, help="give up after this many seconds (default 300)")
    args = ap.parse_args()
    if args.mode == "serve":
        asyncio.run(serve(args.cpu, args.io))
        return
    args.loads = [float(x) for x in args.loads.split(",")]
    if not all(0 < x < 1 for x in args.loads) or args.duration <= 0 or args.burst < 10:
        ap.error("loads must lie in (0, 1), --duration be positive and --burst at least 10")
    server = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "serve", "--cpu", str(args.cpu), "--io", str(args.io)],
        stdout=subprocess.PIPE, text=True)
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("server.py: gave up after %gs" % args.timeout))
    signal.alarm(int(args.timeout))
    try:
        port = int(server.stdout.readline())
        cap, runs = asyncio.run(drive(port, args))
    finally:
        signal.alarm(0)
        os.kill(server.pid, signal.SIGTERM)
        server.wait(10)
    json.dump({
        "scenario": "server",
        "python": sys.version.split()[0],
        "cpu_s": args.cpu,
        "io_s": args.io,
        "duration_s": args.duration,
        "capacity_per_s": cap,
        "runs": runs,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measure what a CPython server's parts cost in memory on this machine.

    python3 calibrate/memory.py [--quick] [--repeats N] [--out FILE]

Each figure is measured in a fresh interpreter (started with -I, so that no
environment variable or user site changes it), by the change of its
resident memory over many instances, read from /proc/self/status (RssAnon,
RssFile, VmPTE) and /proc/self/smaps_rollup, and for the kernel's share
from /proc/meminfo (KernelStack, PageTables, SUnreclaim) and /proc/slabinfo
where it is readable (root):

  process  an idle server process: the interpreter with what a server
           imports (socket, selectors, threading, asyncio, http.server,
           wsgiref, json, logging) and a WSGI application defined;
           its anonymous memory is private, its file-backed pages (the
           interpreter's code and libraries) are shared by every process
           of the same binary, and its page tables are its own;
  fork     the same process preloaded and forked, as a pre-fork server
           with preload does: each child's private and proportional
           (PSS) memory after it handled a request;
  thread   threading.Thread objects started and blocked in Event.wait()
           at a call depth of DEPTH frames, each frame calling the next
           through C (map), as a request handler's stack does;
  task     asyncio Tasks suspended in `await event.wait()` at the bottom of
           a chain of DEPTH coroutines (a handler awaiting a helper
           awaiting a driver call), by the change of RssAnon and, in
           another interpreter, of tracemalloc's traced bytes.

It writes one JSON document (to --out, default stdout): the machine, the
Python, the date, every repetition's raw numbers and, under "costs", the
medians over repetitions that asyncsim's memory model uses (docs/model.md,
"Memory"). --quick measures fewer instances once (a few seconds: it checks
that the script works, not the figures). Nothing is sent anywhere: the
script starts only interpreters of its own and stops them.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

# The modules a small WSGI or asyncio server imports, stdlib only.
SERVER_IMPORTS = (
    "socket selectors threading asyncio http.server wsgiref.simple_server json logging urllib.parse"
).split()

# THREAD_SIZE on x86-64: PAGE_SIZE << THREAD_SIZE_ORDER, with
# THREAD_SIZE_ORDER = 2 (arch/x86/include/asm/page_64_types.h, without
# KASAN): every task's kernel stack is 16 KiB.
THREAD_SIZE_X86_64 = 16 << 10


def kib_fields(path, names):
    """The fields in names of a /proc file of "Name:  N kB" lines, in bytes."""
    out = {}
    with open(path) as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in names:
                out[key] = int(rest.split()[0]) * 1024
    return out


def status():
    return kib_fields("/proc/self/status", {"VmRSS", "RssAnon", "RssFile", "RssShmem", "VmPTE"})


def rollup():
    return kib_fields(
        "/proc/self/smaps_rollup",
        {"Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous"},
    )


def meminfo():
    return kib_fields("/proc/meminfo", {"KernelStack", "PageTables", "SUnreclaim"})


def slab_sizes(names):
    """The object size of each slab cache in names, or {} if slabinfo is unreadable."""
    try:
        with open("/proc/slabinfo") as f:
            lines = f.readlines()[2:]
    except OSError:
        return {}
    out = {}
    for line in lines:
        fields = line.split()
        if fields[0] in names:
            out[fields[0]] = int(fields[3])
    return out


def delta(after, before):
    return {k: after[k] - before[k] for k in after}


def server_setup():
    """Import what a server imports and define a WSGI application."""
    import importlib

    for name in SERVER_IMPORTS:
        importlib.import_module(name)
    import gc
    import json as js

    def app(environ, start_response):
        body = js.dumps({"path": environ.get("PATH_INFO", "/")}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET"}
    app(environ, lambda status, headers: None)
    gc.collect()
    return app, environ


# Probes: each runs in a fresh interpreter and prints one JSON object.


def probe_bare(_args):
    return {"status": status(), "rollup": rollup()}


def probe_process(_args):
    server_setup()
    return {"status": status(), "rollup": rollup()}


def probe_fork(args):
    app, environ = server_setup()
    children = []
    for _ in range(args.n):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            import gc

            app(environ, lambda status, headers: None)
            gc.collect()  # a collection touches every tracked object's header
            os.write(w, json.dumps({"status": status(), "rollup": rollup()}).encode())
            os._exit(0)
        os.close(w)
        children.append((pid, r))
    out = []
    for pid, r in children:
        with os.fdopen(r, "rb") as f:
            out.append(json.loads(f.read()))
        os.waitpid(pid, 0)
    return {"parent": {"status": status(), "rollup": rollup()}, "children": out}


def probe_thread(args):
    import threading

    server_setup()
    release = threading.Event()
    ready = threading.Semaphore(0)

    def handler(depth):
        if depth > 0:
            # Through C: map calls the next frame from C code, as a
            # request's stack passes through the server's C parts.
            return list(map(handler, [depth - 1]))[0]
        ready.release()
        release.wait()
        return 0

    threads = [threading.Thread(target=handler, args=(args.depth,)) for _ in range(args.n)]
    before, kb = status(), meminfo()
    for t in threads:
        t.start()
    for _ in threads:
        ready.acquire()
    after, ka = status(), meminfo()
    release.set()
    for t in threads:
        t.join()
    sizes = slab_sizes({"task_struct", "pid", "vm_area_struct"})
    return {"n": args.n, "depth": args.depth, "status": delta(after, before), "meminfo": delta(ka, kb),
            "slab_object_size": sizes}


def probe_task(args):
    import asyncio
    import gc

    server_setup()
    tracing = args.tracemalloc
    if tracing:
        import tracemalloc

        tracemalloc.start()

    async def chain(ev, depth):
        if depth > 1:
            return await chain(ev, depth - 1)
        await ev.wait()
        return 0

    async def main():
        ev = asyncio.Event()
        await asyncio.sleep(0)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0] if tracing else status()["RssAnon"]
        tasks = [asyncio.ensure_future(chain(ev, args.depth)) for _ in range(args.n)]
        await asyncio.sleep(0)  # every task runs to its await
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] if tracing else status()["RssAnon"]
        ev.set()
        await asyncio.gather(*tasks)
        return after - before

    bytes_ = asyncio.run(main())
    return {"n": args.n, "depth": args.depth, "tracemalloc": tracing, "bytes": bytes_}


PROBES = {"bare": probe_bare, "process": probe_process, "fork": probe_fork, "thread": probe_thread,
          "task": probe_task}


def run_probe(name, *extra):
    """Runs probe name in a fresh interpreter and returns its JSON."""
    cmd = [sys.executable, "-I", os.path.abspath(__file__), "--probe", name, *map(str, extra)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"memory.py: probe {name} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def machine():
    def first(path, key, sep=":"):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(sep, 1)[1].strip()
        except OSError:
            pass
        return ""

    return {"kernel": platform.release(), "arch": platform.machine(), "cpu": first("/proc/cpuinfo", "model name"),
            "cpus": os.cpu_count(), "mem_total": first("/proc/meminfo", "MemTotal"),
            "os": first("/etc/os-release", "PRETTY_NAME=", "=").strip('"'), "page_size": os.sysconf("SC_PAGE_SIZE")}


def measure(quick, repeats):
    threads, tasks, forks = (100, 10_000, 2) if quick else (1000, 100_000, 4)
    if quick:
        repeats = 1
    raw = {"bare": [], "process": [], "fork": [], "thread": [], "thread_shallow": [], "task": [],
           "task_tracemalloc": [], "task_one": []}
    for rep in range(repeats):
        print(f"memory: repetition {rep + 1} of {repeats}", file=sys.stderr)
        raw["bare"].append(run_probe("bare"))
        raw["process"].append(run_probe("process"))
        raw["fork"].append(run_probe("fork", "--n", forks))
        raw["thread"].append(run_probe("thread", "--n", threads, "--depth", 20))
        raw["thread_shallow"].append(run_probe("thread", "--n", threads, "--depth", 0))
        raw["task"].append(run_probe("task", "--n", tasks, "--depth", 3))
        raw["task_one"].append(run_probe("task", "--n", tasks, "--depth", 1))
        raw["task_tracemalloc"].append(run_probe("task", "--n", tasks, "--depth", 3, "--tracemalloc"))
    return raw


def costs(raw):
    """The model's figures from the raw measurements: medians over repetitions, in bytes."""
    med = statistics.median

    def per_thread(r, section, key):
        return r[section][key] / r["n"]

    th = raw["thread"]
    out = {
        "shared_bytes": med(r["status"]["RssFile"] + r["status"]["RssShmem"] for r in raw["process"]),
        "process_private_bytes": med(r["status"]["RssAnon"] + r["status"]["VmPTE"] for r in raw["process"]),
        "bare_private_bytes": med(r["status"]["RssAnon"] + r["status"]["VmPTE"] for r in raw["bare"]),
        "fork_child_private_bytes": med(
            r["rollup"]["Private_Clean"] + r["rollup"]["Private_Dirty"] for f in raw["fork"] for r in f["children"]),
        "fork_child_pss_bytes": med(r["rollup"]["Pss"] for f in raw["fork"] for r in f["children"]),
        "thread_user_bytes": med(per_thread(r, "status", "RssAnon") for r in th),
        "thread_user_shallow_bytes": med(per_thread(r, "status", "RssAnon") for r in raw["thread_shallow"]),
        "thread_page_table_bytes": med(per_thread(r, "status", "VmPTE") for r in th),
        "thread_kernel_stack_bytes": med(per_thread(r, "meminfo", "KernelStack") for r in th),
        "thread_kernel_slab_bytes": med(per_thread(r, "meminfo", "SUnreclaim") for r in th),
        "task_bytes": med(r["bytes"] / r["n"] for r in raw["task"]),
        "task_one_coroutine_bytes": med(r["bytes"] / r["n"] for r in raw["task_one"]),
        "task_tracemalloc_bytes": med(r["bytes"] / r["n"] for r in raw["task_tracemalloc"]),
    }
    out = {k: round(v) for k, v in out.items()}
    # A thread's kernel memory: its kernel stack and its slab objects
    # (task_struct and the rest), each as measured.
    out["thread_kernel_bytes"] = out["thread_kernel_stack_bytes"] + out["thread_kernel_slab_bytes"]
    out["thread_bytes"] = out["thread_user_bytes"] + out["thread_page_table_bytes"] + out["thread_kernel_bytes"]
    # A process's own kernel memory is at least that of its main thread.
    out["process_bytes"] = out["process_private_bytes"] + out["thread_kernel_bytes"]
    for key in ("shared_bytes", "process_bytes", "thread_bytes", "task_bytes"):
        if out[key] <= 0:
            sys.exit(f"memory.py: measured {key} = {out[key]}, not a size: the machine was too busy to measure")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--probe", choices=sorted(PROBES), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--depth", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="measure fewer instances, once (a smoke test)")
    ap.add_argument("--repeats", type=int, default=5, help="repetitions of every measurement (default 5)")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    args = ap.parse_args()
    if args.probe:
        json.dump(PROBES[args.probe](args), sys.stdout)
        return
    raw = measure(args.quick, args.repeats)
    doc = {
        "what": "memory costs of CPython server parts, measured by calibrate/memory.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": args.quick,
        "machine": machine(),
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "executable": os.path.realpath(sys.executable), "build": " ".join(platform.python_build())},
        "server_imports": SERVER_IMPORTS,
        "thread_size_x86_64": THREAD_SIZE_X86_64,
        "slab_object_size": raw["thread"][0]["slab_object_size"],
        "costs": costs(raw),
        "raw": raw,
    }
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

"""A tiny WSGI app with known handler times, for scripts/gunicorn-e2e.sh.

/fast sleeps 10 ms, /slow 50 ms, /items/<n> 20 ms; anything else is a 404
at once. The sleeps are the durations import-log should find in the
access log gunicorn writes (plus gunicorn's own overhead, well under a
millisecond on loopback).
"""

import time

SLEEPS = {"fast": 0.010, "slow": 0.050, "items": 0.020}


def application(environ, start_response):
    parts = environ.get("PATH_INFO", "/").strip("/").split("/")
    sleep = SLEEPS.get(parts[0])
    if sleep is None or (parts[0] == "items") != (len(parts) == 2):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no\n"]
    time.sleep(sleep)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]

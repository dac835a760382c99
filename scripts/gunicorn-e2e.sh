#!/usr/bin/env bash
# End-to-end test of 'asyncsim import-log' on a real gunicorn access log:
#
#   1. installs Debian's gunicorn if it is missing (as root, with apt-get);
#   2. starts gunicorn on 127.0.0.1 (a free port), four sync workers
#      serving scripts/gunicorn/app.py, whose handlers sleep a known time
#      per path, with an access log whose format ends in %(D)s;
#   3. drives it from scripts/gunicorn/client.py on loopback for about 8 s
#      with known request counts per path;
#   4. stops gunicorn by its pid, imports the access log with asyncsim,
#      and checks (scripts/gunicorn/check.py) the imported class counts
#      (exact), rates (5%) and median durations (20% + 5 ms of the sleeps)
#      against what the client sent, and that the workload validates.
#
# Bounded in time (timeouts on every step), loopback only, and it ends
# only the gunicorn it started. Exits non-zero on any failure. Usage:
#
#   scripts/gunicorn-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
py=/usr/bin/python3

log() { printf 'gunicorn-e2e: %s\n' "$*" >&2; }
fail() {
	log "FAIL: $*"
	exit 1
}

# 1. Debian's gunicorn, for Debian's Python.
if ! "$py" -c 'import gunicorn' 2>/dev/null; then
	[ "$(id -u)" -eq 0 ] || fail "gunicorn is not installed, and installing it needs root"
	log "installing gunicorn from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends gunicorn >/dev/null
fi

tmp=$(mktemp -d /tmp/asyncsim-gunicorn-e2e.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# 2. gunicorn on a free loopback port.
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$py" -m gunicorn --bind "127.0.0.1:$port" --workers 4 --chdir "$repo/scripts/gunicorn" \
	--access-logfile "$tmp/access.log" \
	--access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s' \
	--error-logfile "$tmp/error.log" app:application &
pid=$!
up=
for _ in $(seq 100); do
	if "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then
		up=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$up" ] || fail "gunicorn did not start on port $port: $(tail -5 "$tmp/error.log" 2>/dev/null)"
log "gunicorn (pid $pid) listens on 127.0.0.1:$port"

# 3. The client: about 8 s.
timeout 60 "$py" "$repo/scripts/gunicorn/client.py" "$port" "$tmp/sent.json" || fail "the client failed"

# 4. Stop gunicorn (its workers flush the access log as they exit), then
# import and check.
kill "$pid"
timeout 30 tail --pid="$pid" -f /dev/null || fail "gunicorn (pid $pid) did not stop"
wait "$pid" 2>/dev/null || true
pid=
log "gunicorn wrote $(wc -l <"$tmp/access.log") access log lines"
go build -o "$tmp/asyncsim" ./cmd/asyncsim
timeout 60 "$tmp/asyncsim" import-log "$tmp/access.log" --out "$tmp/imported" --cpu-share 0 | tee "$tmp/summary.txt"
timeout 60 "$tmp/asyncsim" validate "$tmp/imported/workload.yaml"
"$py" "$repo/scripts/gunicorn/check.py" "$tmp/sent.json" "$tmp/imported" "$tmp/summary.txt"

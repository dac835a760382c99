#!/usr/bin/env bash
# The calibration kit: measures this machine's Python (GIL hand-overs,
# event-loop costs, an asyncio server under load) and writes, into OUT,
# raw/*.json (every measurement), summary.md, profile.yaml and memory.json
# (memory.py: what a server's processes, threads and asyncio tasks hold).
#
#   calibrate/run.sh [--python PYTHON] [--out DIR] [--repeats N] [--quick]
#
# --quick runs every scenario briefly (about 20 s, for CI: it checks the
# kit works, not the figures); the full run takes about 12 minutes.
# Everything runs on this machine; the server binds 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=python3
out=calibration
repeats=5
quick=false
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --quick) quick=true; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if $quick; then
  repeats=1; gil_duration=1; intervals="0.005"; loop_args="--rounds 2000 --repeats 2"
  server_args="--duration 1 --burst 200"; memory_args="--quick"
else
  gil_duration=5; intervals="0.001 0.005 0.02"; loop_args="--rounds 20000 --repeats $repeats"
  server_args="--duration 10 --burst 2000"; memory_args="--repeats $repeats"
fi
raw="$out/raw"
mkdir -p "$raw"
rm -f "$raw"/*.json
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else "run.sh: needs Python 3.8 or later")'
for interval in $intervals; do
  for hogs in 0 1 2 3; do
    for rep in $(seq "$repeats"); do
      echo "gil: $hogs CPU-bound threads, switch interval ${interval}s, repetition $rep" >&2
      timeout 120 "$python" "$here/gil.py" --hogs "$hogs" --interval "$interval" \
        --duration "$gil_duration" > "$raw/gil-$interval-$hogs-$rep.json"
    done
  done
done
for model in asyncio uvloop; do
  if [ "$model" = uvloop ] && ! "$python" -c 'import uvloop' 2>/dev/null; then
    echo "loop: uvloop is not installed for $python; skipped" >&2
    continue
  fi
  echo "loop: $model" >&2
  # shellcheck disable=SC2086
  timeout 600 "$python" "$here/loop.py" --model "$model" $loop_args > "$raw/loop-$model.json"
done
for rep in $(seq "$repeats"); do
  echo "server: repetition $rep" >&2
  # shellcheck disable=SC2086
  timeout 600 "$python" "$here/server.py" --seed "$rep" $server_args > "$raw/server-$rep.json"
done
# shellcheck disable=SC2086
timeout 900 "$python" "$here/memory.py" $memory_args --out "$out/memory.json"
check=()
$quick && check=(--check)
"$python" "$here/summarize.py" "$out" "${check[@]}"
echo "wrote $out/summary.md, $out/profile.yaml and $out/memory.json" >&2

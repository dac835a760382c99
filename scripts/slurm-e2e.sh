#!/usr/bin/env bash
# End-to-end test of the shipped Slurm job array (deploy/slurm/sweep.sbatch)
# on a real, single-node Slurm cluster on this machine:
#
#   1. installs munge and Slurm from Debian's packages if they are missing
#      (as root, with apt-get);
#   2. starts munged, slurmctld and slurmd with every file, socket and
#      pid file under one temporary folder, talking over loopback only;
#   3. submits the sbatch file as a job array over a small sweep, waits,
#      checks every array task completed, and merges the shards;
#   4. checks that the merged sweep.csv, sweep.json and figures are byte
#      for byte those of a local unsharded run;
#   5. shuts the cluster down, ending only the daemons it started, by the
#      pids in their pid files.
#
# Exits non-zero on any failure or mismatch. Usage:
#
#   scripts/slurm-e2e.sh [SWEEP [SHARDS]]    # default: hockey-stick 4
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sweep=${1:-hockey-stick}
shards=${2:-4}
start=$SECONDS

log() { printf 'slurm-e2e: %s\n' "$*" >&2; }
fail() {
	log "FAIL: $*"
	exit 1
}

# 1. Munge and Slurm.
if ! command -v munged >/dev/null || ! command -v slurmctld >/dev/null ||
	! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
	[ "$(id -u)" -eq 0 ] || fail "munge and Slurm are not installed, and installing them needs root"
	log "installing munge and Slurm from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null
fi
[ "$(id -u)" -eq 0 ] || fail "the single-node cluster runs its daemons as root"

tmp=$(mktemp -d /tmp/asyncsim-slurm-e2e.XXXXXX)
chmod 755 "$tmp"
ok=0

# stop ends a daemon by the pid in its pid file, if it is still running.
stop() {
	local pidfile=$1 pid i
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	kill -0 "$pid" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

teardown() {
	if [ -n "${SLURM_CONF:-}" ] && [ -s "$tmp/slurmctld.pid" ]; then
		timeout 5 scontrol shutdown >/dev/null 2>&1 || true
	fi
	stop "$tmp/slurmd.pid"
	stop "$tmp/slurmctld.pid"
	stop "$tmp/munge/munged.pid"
	if [ "$ok" -eq 1 ]; then
		rm -rf "$tmp"
	else
		for f in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/munge/munged.log "$tmp"/logs/*; do
			[ -f "$f" ] || continue
			log "--- $f (last lines)"
			tail -n 15 "$f" >&2
		done
		log "files kept in $tmp"
	fi
}
trap teardown EXIT

# The binary every array task runs.
log "building asyncsim"
go build -o "$tmp/bin/asyncsim" ./cmd/asyncsim
export ASYNCSIM=$tmp/bin/asyncsim

# 2. munged, with its key, socket and files in tmp.
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/logs" "$tmp/out"
chmod 711 "$tmp/munge"
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
	--pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
	--seed-file="$tmp/munge/munged.seed"
for i in $(seq 50); do
	[ -S "$tmp/munge/munge.socket" ] && break
	sleep 0.1
done
[ -S "$tmp/munge/munge.socket" ] || fail "munged did not create its socket"

# Free ports on loopback: Slurm's defaults unless something listens there.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=6817
slurmd_port=6818
if ! port_free $ctld_port || ! port_free $slurmd_port; then
	for i in $(seq 20); do
		ctld_port=$((20000 + RANDOM % 20000))
		slurmd_port=$((ctld_port + 1))
		port_free $ctld_port && port_free $slurmd_port && break
	done
fi

host=$(hostname -s)
cpus=$(nproc)
cat >"$tmp/slurm.conf" <<EOF
ClusterName=asyncsim-e2e
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${tmp}/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=${tmp}/state
SlurmdSpoolDir=${tmp}/spool
SlurmctldPidFile=${tmp}/slurmctld.pid
SlurmdPidFile=${tmp}/slurmd.pid
SlurmctldLogFile=${tmp}/slurmctld.log
SlurmdLogFile=${tmp}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN
PartitionName=e2e Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

log "starting slurmctld and slurmd (ports ${ctld_port}, ${slurmd_port})"
slurmctld -c
slurmd
state=""
for i in $(seq 100); do
	state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
	[ "$state" = idle ] && break
	sleep 0.2
done
[ "$state" = idle ] || fail "node $host is '$state', not idle, after 20 s"

# 3. The job array: one array task per shard.
log "submitting deploy/slurm/sweep.sbatch as an array of $shards over sweep $sweep"
job=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task=1 --chdir="$tmp" \
	--output="$tmp/logs/%A_%a.out" "$repo/deploy/slurm/sweep.sbatch" "$sweep" "$tmp/out")
job=${job%%;*}
for i in $(seq 600); do
	[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
	sleep 0.3
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
	fail "job array $job still queued or running after 3 minutes"
fi
log "array $job finished after $((SECONDS - start)) s"
tasks=$(scontrol -o show job "$job")
if [ "$(grep -c 'JobState=COMPLETED .*ExitCode=0:0' <<<"$tasks")" -ne "$shards" ]; then
	grep -o 'ArrayTaskId=[0-9]* .*JobState=[A-Z_]*' <<<"$tasks" >&2 || true
	fail "not every one of the $shards array tasks completed with exit code 0"
fi

"$ASYNCSIM" merge "$tmp/out" >"$tmp/logs/merge.out" || fail "asyncsim merge failed: $(cat "$tmp/logs/merge.out")"

# 4. The same sweep, unsharded, on this machine.
"$ASYNCSIM" sweep "$sweep" --out "$tmp/local" --quiet >"$tmp/logs/local.out"
compared=0
for f in "$tmp"/local/sweep.csv "$tmp"/local/sweep.json "$tmp"/local/sweep-*.png; do
	name=$(basename "$f")
	cmp -s "$f" "$tmp/out/$name" || fail "$name differs between the merged job array and the local run"
	compared=$((compared + 1))
done
[ "$compared" -ge 3 ] || fail "only $compared files to compare"
rows=$(($(wc -l <"$tmp/out/sweep.csv") - 1))

# 5. Shut down (the EXIT trap ends the daemons).
ok=1
log "PASS: $shards shards merged equal the unsharded run ($rows rows, $compared files identical) in $((SECONDS - start)) s"

#!/bin/bash
# Proves deploy/slurm/sweep.sbatch on a real Slurm: installs Debian's slurmctld, slurmd,
# slurm-client and munge if missing, starts a one-node cluster on localhost (munged as the
# munge user; proctrack/linuxproc, task/none, no accounting), submits the cc-attack alarm
# grid as a 4-task array, waits for it, merges the shards and compares the result byte for
# byte with the unsharded sweep. Stops the daemons it started, by PID. Needs root (it
# installs packages and runs the daemons). Usage: deploy/slurm/smoke.sh [SCALEPLAN]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
binary=$(realpath -e "${1:-$repo/target/release/scaleplan}")
work=$(mktemp -d /tmp/scaleplan-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    rm -rf "$work"
}
trap cleanup EXIT
say() { echo "slurm smoke: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# munge: a key, then the daemon as its own user.
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 700 /etc/munge /var/lib/munge /var/log/munge
chmod 755 /run/munge
chmod 400 /etc/munge/munge.key
mkdir "$work/munge"
chown munge:munge "$work/munge"
socket="$work/munge/munge.socket"
runuser -u munge -- munged --socket="$socket" --pid-file="$work/munge/munged.pid" --force
for _ in $(seq 50); do [ -s "$work/munge/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/munge/munged.pid")")

# A one-node cluster on this host, its state under $work.
host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=smoke
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=smoke Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 100); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || { say "the node is not idle: '$state'"; tail -20 "$work"/slurm*.log; exit 1; }
say "one-node cluster up ($host, $cpus CPUs)"

# The array from a submit directory elsewhere, the scenario relative to it.
submit="$work/submit"
mkdir -p "$submit/scenarios"
cp "$repo/scenarios/cc-attack.toml" "$submit/scenarios/"
cd "$submit"
SCALEPLAN="$binary" sbatch --wait --quiet --array=1-4 --cpus-per-task=1 \
    --output="$work/task-%a.out" "$repo/deploy/slurm/sweep.sbatch" \
    scenarios/cc-attack.toml results alarm \
    || { say "the array failed"; cat "$work"/task-*.out; exit 1; }
"$binary" merge --out "$work/merged.csv" results/sweep.shard-*-of-4.csv
"$binary" sweep scenarios/cc-attack.toml --policy alarm --out "$work/single" --quiet >/dev/null
cmp "$work/merged.csv" "$work/single/sweep.csv" \
    || { say "merged shards differ from the unsharded sweep"; exit 1; }
# plan reads the merged shards as it reads its own runs.
"$binary" plan scenarios/cc-attack.toml --policy alarm --from "$work/merged.csv" \
    --max-violation 0.1% --quiet > "$work/plan-from.txt"
"$binary" plan scenarios/cc-attack.toml --max-violation 0.1% --quiet > "$work/plan.txt"
grep -q "^cheapest: policy alarm, point 44:" "$work/plan-from.txt" \
    || { say "plan --from the merged shards chose otherwise:"; cat "$work/plan-from.txt"; exit 1; }
# Failing loudly: no binary, a gapped array.
expect_failure() {
    local why=$1; shift
    if "$@" > /dev/null 2>&1; then say "expected a failure: $why"; exit 1; fi
    grep -q "$why" "$work"/fail-*.out || { say "no message '$why':"; cat "$work"/fail-*.out; exit 1; }
    rm -f "$work"/fail-*.out
}
expect_failure "no scaleplan binary" env SCALEPLAN=/nonexistent PATH=/usr/bin:/bin \
    sbatch --wait --quiet --array=1-2 --output="$work/fail-%a.out" \
    "$repo/deploy/slurm/sweep.sbatch" scenarios/cc-attack.toml failed alarm
expect_failure "the array must be 1-N with no gaps" env SCALEPLAN="$binary" \
    sbatch --wait --quiet --array=1,3 --output="$work/fail-%a.out" \
    "$repo/deploy/slurm/sweep.sbatch" scenarios/cc-attack.toml failed alarm
say "4 shards merged byte-identical to the unsharded sweep ($(wc -l < "$work/merged.csv") lines); plan --from agrees; a missing binary and a gapped array fail loudly"

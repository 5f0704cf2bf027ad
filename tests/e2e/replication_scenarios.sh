#!/usr/bin/env bash
# replication_scenarios.sh: the primary-backup scenario library does what
# its headers say. Each broken scenario fails the check it is about at its
# stated seed (`dslab run` exits 1 and prints that check as FAIL) while the
# checks named as holding still hold; each fixed scenario holds on seeds
# 1..SEEDS (default 100); bad protocol parameters are clean errors (exit 2).
# Usage: bash replication_scenarios.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

seeds=${REPLICATION_E2E_SEEDS:-100}

# broken FILE CHECK [HOLDS...]: fails CHECK at the file's own seed; each
# HOLDS check passes.
broken() {
    local file=scenarios/replication/$1.yaml
    shift
    expect_broken "$file" "$@"
}
# fixed FILE: every check holds on seeds 1..$seeds.
fixed() { expect_fixed "scenarios/replication/$1.yaml" "$seeds"; }

# evidence FILE CHECK FROM TO: the first violation of CHECK (JSON report)
# starts within [FROM, TO] seconds and names at least two nodes.
evidence() {
    local file=scenarios/replication/$1.yaml
    if "$dslab" run "$file" --json 2>/dev/null | python3 -c '
import json, sys
check, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
d = json.load(sys.stdin)
c = [c for c in d["checks"] if c["name"] == check][0]
v = c["violations"][0]
t = v["from_ns"] / 1e9
sys.exit(0 if lo <= t <= hi and len(v["nodes"]) >= 2 and v["evidence"] else 1)
' "$2" "$3" "$4"; then
        ok
    else
        bad "$file: the first '$2' violation should start in [$3 s, $4 s] with nodes and evidence"
    fi
}

# chaos: sync + fencing keeps every check through loss, duplicates, two
# partitions and two crash/restarts, on seeds 1..CHAOS_SEEDS (default 30).
chaos() {
    local dir file s status
    dir=$(mktemp -d) || { bad "chaos: mktemp"; return; }
    file=$dir/pb-chaos.yaml
    cat >"$file" <<'YAML'
name: pb-chaos
duration: 6s
nodes: [n1, n2, n3, n4, n5]
network: { latency: "uniform(1ms, 20ms)", loss: 0.05, duplicate: 0.02 }
protocol: { name: primary-backup, fencing: true, replication: sync }
workload: { clients: 4, rate: 60/s, ops: { read: 0.4, write: 0.4, cas: 0.2 }, keys: 3, timeout: 400ms, stop: 5s }
faults:
  - { at: 1s, partition: [[n1, n2], [n3, n4, n5]] }
  - { at: 1.8s, heal: all }
  - { at: 2.2s, crash: n3 }
  - { at: 2.5s, partition: [[n1, n4], [n2, n3, n5]] }
  - { at: 3s, restart: n3 }
  - { at: 3.3s, heal: all }
  - { at: 3.6s, crash: n4 }
  - { at: 4.2s, restart: n4 }
checks: [single-primary-at-once, single-primary-per-epoch, linearizable, no-lost-acknowledged-writes, "convergence: 800ms"]
YAML
    for s in $(seq 1 "${CHAOS_SEEDS:-30}"); do
        "$dslab" run "$file" --seed "$s" --quiet >/dev/null 2>&1
        status=$?
        if [ "$status" != 0 ]; then
            bad "chaos: exit $status at seed $s"
            cat "$file"
            rm -rf "$dir"
            return
        fi
    done
    rm -rf "$dir"
    ok
}

# error NAME SET EXPECTED: --set SET makes a clean error mentioning EXPECTED.
error() {
    local out status
    out=$("$dslab" run scenarios/replication/pb-fenced.yaml --set "$2" 2>&1)
    status=$?
    if [ "$status" = 2 ] && echo "$out" | grep -Fq "$3"; then
        ok
    else
        bad "$1: expected exit 2 and '$3', got $status: $out"
    fi
}

broken pb-split-brain single-primary-at-once single-primary-per-epoch convergence
broken pb-async-lost-writes no-lost-acknowledged-writes single-primary-at-once convergence
evidence pb-split-brain single-primary-at-once 2.0 2.6
evidence pb-async-lost-writes no-lost-acknowledged-writes 1.9 2.0
# session guarantees with backup_reads: the read-back misses the client's
# own write; a client moving between a near and a far backup goes back
broken pb-read-your-writes read-your-writes
broken pb-monotonic-reads monotonic-reads
evidence pb-read-your-writes read-your-writes 0.03 0.04
evidence pb-monotonic-reads monotonic-reads 1.0 1.03
expect_fixed scenarios/replication/pb-read-your-writes.yaml 20 --set workload.target.read=n1
expect_fixed scenarios/replication/pb-read-your-writes.yaml 20 --set protocol.backup_reads=false
expect_fixed scenarios/replication/pb-monotonic-reads.yaml 30 --set workload.target.read=n2

fixed pb-fenced
fixed pb-sync
chaos

error "typo in a parameter" protocol.fencin=true "did you mean 'fencing'"
error "backup_reads not a boolean" protocol.backup_reads=maybe "expected true or false"
error "unknown replication mode" protocol.replication=asnyc "did you mean 'async'"
error "lease not below failover_after" protocol.lease=400ms \
    "lease must be > 0 and shorter than failover_after"
error "failover below heartbeat" protocol.failover_after=40ms \
    "failover_after must be longer than heartbeat"

e2e_finish

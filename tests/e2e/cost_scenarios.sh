#!/usr/bin/env bash
# cost_scenarios.sh: the time-cost models (the `costs:` section) from the
# command line. The lessons built on them do what their headers say (each
# broken scenario fails its check, each fix holds on seeds 1..SEEDS); a
# model switched on at zero cost leaves the trace byte-identical to a run
# without it (the models draw from their own streams and change nothing
# else); a model with a cost (links and cpu too) shows in the trace as
# `cost` events; the
# runs are deterministic; a bad Raft durability or snapshot knob is a
# clean error.
# Usage: bash cost_scenarios.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
seeds=${COST_E2E_SEEDS:-20}
e2e_quiet=1

# broken FILE CHECK: exit 1 with CHECK failing, at the file's seed.
broken() {
    local out status
    out=$("$dslab" run "$1" 2>&1)
    status=$?
    if [ "$status" = 1 ] && echo "$out" | grep -Eq "^  $2 +FAIL"; then ok
    else bad "$1: expected '$2' to FAIL (exit $status)"; echo "$out" | sed -n '/^checks/,$p'; fi
}

# fixed FILE: every check holds on seeds 1..$seeds.
fixed() {
    local s status
    for s in $(seq 1 "$seeds"); do
        "$dslab" run "$1" --seed "$s" --quiet >/dev/null 2>&1
        status=$?
        if [ "$status" != 0 ]; then bad "$1: exit $status at seed $s"; return; fi
    done
    ok
}

broken scenarios/storage/ack-before-sync-power-loss.yaml no-lost-acknowledged-writes
fixed scenarios/storage/sync-before-ack.yaml
broken scenarios/raft/timer-jitter-identical-timeouts.yaml leader-available
fixed scenarios/raft/timer-jitter-randomized.yaml
broken scenarios/storage/group-commit-off.yaml slo
fixed scenarios/storage/group-commit-on.yaml
broken scenarios/raft/snapshot-blocks-heartbeats.yaml leader-stable
fixed scenarios/raft/snapshot-chunked.yaml

# The snapshot pair, as its headers state it: in one piece the snapshot is
# never installed (each new leader starts over); in chunks it is, once,
# and the leader is never deposed. Off (snapshot_bytes: 0) = no transfer.
snapshots() {
    "$dslab" run "$@" --trace "$tmp/snap.jsonl" --quiet >/dev/null 2>&1
    grep -c '"kind":"annotate".*"tag":"snapshot"' "$tmp/snap.jsonl"
}
whole=$(snapshots scenarios/raft/snapshot-blocks-heartbeats.yaml)
chunks=$(snapshots scenarios/raft/snapshot-chunked.yaml)
none=$(snapshots scenarios/raft/snapshot-chunked.yaml --set protocol.snapshot_bytes=0 \
    --set protocol.snapshot_chunk_bytes=0)
if [ "$whole" = 0 ] && [ "$chunks" = 1 ] && [ "$none" = 0 ] &&
   ! grep -q InstallSnapshot "$tmp/snap.jsonl"; then ok
else bad "snapshots installed: whole $whole (want 0), chunked $chunks (want 1), off $none (want 0)"; fi

# Group commit's trade, as the two headers state it: under load (16
# clients) it carries over 1.4x the writes; alone (1 client) a write waits
# for its batch, so the median is slower than one sync per write.
oks() { "$dslab" run "$@" 2>&1 | sed -n 's/^  client ops .*: \([0-9]*\) ok,.*/\1/p'; }
off_ok=$(oks scenarios/storage/group-commit-off.yaml)
on_ok=$(oks scenarios/storage/group-commit-on.yaml)
if [ -n "$off_ok" ] && [ -n "$on_ok" ] && [ $((on_ok * 10)) -gt $((off_ok * 14)) ]; then ok
else bad "group commit under load: $on_ok writes ok against $off_ok without it"; fi
median() { "$dslab" run "$1" --set workload.clients=1 --set 'checks=["slo: 50% of writes within 15ms"]' 2>&1 | grep -Eo '^  slo +(PASS|FAIL)'; }
if [ "$(median scenarios/storage/group-commit-off.yaml)" = "  slo                          PASS" ] &&
   [ "$(median scenarios/storage/group-commit-on.yaml)" = "  slo                          FAIL" ]; then ok
else bad "one client: group commit should cost median latency (off: $(median scenarios/storage/group-commit-off.yaml), on: $(median scenarios/storage/group-commit-on.yaml))"; fi

# Zero-cost models: byte-identical traces.
base=scenarios/raft/election-benchmark-wire.yaml
"$dslab" run "$base" --trace "$tmp/off.jsonl" --quiet >/dev/null 2>&1
"$dslab" run "$base" --trace "$tmp/zero.jsonl" --quiet \
    --set 'costs.timers.delay=0ms' --set 'costs.nodes.n2.disk.write=0ms' \
    --set 'costs.nodes.n2.disk.sync=0ms' >/dev/null 2>&1
if [ -s "$tmp/off.jsonl" ] && cmp -s "$tmp/off.jsonl" "$tmp/zero.jsonl"; then ok
else bad "zero-cost models changed the trace of $base"; fi

# cost_run NAME TAGS SETTINGS...: election-benchmark twice with the --set
# SETTINGS into $tmp/NAME1.jsonl and NAME2.jsonl: a cost event of each of
# TAGS is in the trace, and the two traces are the same (deterministic).
cost_run() {
    local name=$1 tags=$2 i tag
    shift 2
    for i in 1 2; do
        "$dslab" run scenarios/raft/election-benchmark.yaml --trace "$tmp/$name$i.jsonl" --quiet "$@" >/dev/null 2>&1
    done
    for tag in $tags; do
        if grep -q "\"kind\":\"cost\".*\"tag\":\"$tag\"" "$tmp/${name}1.jsonl"; then ok
        else bad "no cost event tagged $tag in the trace ($name)"; fi
    done
    if [ -s "$tmp/${name}1.jsonl" ] && cmp -s "$tmp/${name}1.jsonl" "$tmp/${name}2.jsonl"; then ok
    else bad "$name: the cost models are not deterministic"; fi
}

# A model with a cost shows in the trace, and the run is deterministic.
cost_run on "sync timer_late gc" --set 'costs.pauses.every=500ms' --set 'costs.pauses.length=20ms'
if cmp -s "$tmp/on1.jsonl" "$tmp/off.jsonl"; then bad "costs on gave the trace of costs off"; else ok; fi

# Links and CPU: visible in the trace, deterministic, and off = the old trace.
cost_run lc "wire cpu cpu_queued" --set 'costs.links.bandwidth=10Mbps' --set 'costs.cpu.workers=1' \
    --set 'costs.cpu.message=exponential(200us)' --set 'costs.cpu.queue=3'
"$dslab" run scenarios/raft/election-benchmark.yaml --set 'costs.links.bandwidth=fast' >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" = 2 ] && grep -q "expected a bandwidth like 100Mbps" "$tmp/err"; then ok
else bad "--set costs.links.bandwidth=fast: expected exit 2, got $status: $(head -n 1 "$tmp/err")"; fi

# Group commit: fewer syncs for the same workload, nothing acknowledged lost.
count_syncs() {
    "$dslab" run scenarios/storage/sync-before-ack.yaml --set "protocol.group_commit=$1" \
        --trace "$tmp/g.jsonl" --quiet >/dev/null 2>&1 || echo "exit $?"
    grep -c '"tag":"sync"' "$tmp/g.jsonl"
}
each=$(count_syncs 0ms)
grouped=$(count_syncs 10ms)
if [ "$each" -gt 0 ] 2>/dev/null && [ "$grouped" -gt 0 ] 2>/dev/null && [ $((grouped * 2)) -lt "$each" ]; then ok
else bad "group_commit=10ms should at least halve the syncs: $each vs $grouped"; fi

# Raft's durability knobs: clean errors outside their range.
for set in 'protocol.ack=sometimes' 'protocol.group_commit=2s' 'protocol.group_commit=-1ms' \
           'protocol.snapshot_bytes=-1' 'protocol.snapshot_bytes=1099511627777' \
           'protocol.snapshot_chunk_bytes=1'; do
    "$dslab" run scenarios/storage/sync-before-ack.yaml --set "$set" >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" = 2 ] && grep -q "error" "$tmp/err"; then ok
    else bad "--set $set: expected exit 2 with an error, got $status: $(head -n 1 "$tmp/err")"; fi
done

# The CPU queue in the run summary and --json: a 2-worker node with a
# 5-entry waiting room under a load it cannot serve sheds, and says so;
# a run without costs: has neither the line nor the JSON members.
cat >"$tmp/cpu.yaml" <<'YAML'
name: cpu-summary
duration: 2s
nodes: 3
protocol: { name: raft, heartbeat: 50ms }
workload: { clients: 40, rate: 4000/s, target: n1 }
costs:
  cpu: { workers: 2, queue: 5, request: constant(2ms), requests: { read: constant(1ms) } }
YAML
"$dslab" run "$tmp/cpu.yaml" >"$tmp/cpu.txt" 2>&1
"$dslab" run "$tmp/cpu.yaml" --json >"$tmp/cpu.json" 2>/dev/null
check "cpu summary line: longest queue 5, some shed" \
    'grep -Eq "^  cpu +longest queue 5, [1-9][0-9]* shed \(queue full\)$" "$tmp/cpu.txt"'
check "cpu --json: cpu_queue_max 5 and cpu_shed > 0" \
    'grep -q "\"cpu_queue_max\":5," "$tmp/cpu.json" && grep -Eq "\"cpu_shed\":[1-9]" "$tmp/cpu.json"'
"$dslab" run "$base" >"$tmp/nocpu.txt" 2>&1
"$dslab" run "$base" --json >"$tmp/nocpu.json" 2>/dev/null
check "no costs: no cpu line, no cpu members" \
    '! grep -q "^  cpu " "$tmp/nocpu.txt" && ! grep -q cpu_queue_max "$tmp/nocpu.json"'

e2e_finish cost_scenarios

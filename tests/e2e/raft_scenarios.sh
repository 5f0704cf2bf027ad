#!/usr/bin/env bash
# raft_scenarios.sh: the Raft scenario library does what its headers say.
# Each broken scenario fails the check it is about, at its stated seed
# (`dslab run` exits 1 and prints that check as FAIL, while Election Safety
# still holds); each fixed scenario holds on seeds 1..SEEDS (default 100);
# bad protocol parameters are clean errors (exit 2).
# Usage: bash raft_scenarios.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

seeds=${RAFT_E2E_SEEDS:-100}


# broken FILE CHECK: fails CHECK at the file's own seed, other checks aside.
broken() {
    local file=scenarios/raft/$1.yaml check=$2 out status
    out=$("$dslab" run "$file" 2>&1)
    status=$?
    if [ "$status" != 1 ]; then
        bad "$file: expected exit 1 (a check failed), got $status"
        echo "$out" | tail -n 12
        return
    fi
    if ! echo "$out" | grep -Eq "^  $check +FAIL"; then
        bad "$file: expected '$check' to FAIL"
        echo "$out" | sed -n '/^checks/,$p'
        return
    fi
    if ! echo "$out" | grep -Eq "^  one-leader-per-term +PASS"; then
        bad "$file: one-leader-per-term should hold even here"
        return
    fi
    ok
}

# fixed FILE: every check holds on seeds 1..$seeds.
fixed() {
    local file=scenarios/raft/$1.yaml s status
    for s in $(seq 1 "$seeds"); do
        "$dslab" run "$file" --seed "$s" --quiet >/dev/null 2>&1
        status=$?
        if [ "$status" != 0 ]; then
            bad "$file: exit $status at seed $s   repro: dslab run $file --seed $s"
            return
        fi
    done
    ok
}

# error NAME SET EXPECTED: --set SET makes a clean error mentioning EXPECTED.
error() {
    local out status
    out=$("$dslab" run scenarios/raft/split-vote-randomized.yaml --set "$2" 2>&1)
    status=$?
    if [ "$status" = 2 ] && echo "$out" | grep -Fq "$3"; then
        ok
    else
        bad "$1: expected exit 2 and '$3', got $status: $out"
    fi
}

broken split-vote-identical-timeouts leader-available
broken stale-read-leader-local linearizable
broken one-way-partition-leader-flap leader-stable
broken lease-read-clock-drift linearizable
broken figure8-naive-commit no-lost-acknowledged-writes
broken retry-double-apply linearizable

fixed split-vote-randomized
fixed stale-read-read-index
fixed one-way-partition-pre-vote
fixed lease-read-safe-margin
fixed figure8-paper-commit
fixed retry-client-sessions
fixed lease-read-voter-restart
fixed truncated-write-unknown

error "typo in a parameter" protocol.read_mod=lease "did you mean 'read_mode'"
error "unknown read mode" protocol.read_mode=leases "did you mean 'lease'"
error "max below min" protocol.election_timeout_max=100ms \
    "election_timeout_max must be >= election_timeout_min"
error "not a duration" protocol.heartbeat=fast "heartbeat"
error "unknown commit rule" protocol.commit_rule=naïve "commit_rule"
error "commit rule typo" protocol.commit_rule=papr "did you mean 'paper'"
error "sessions not a boolean" protocol.client_sessions=maybe "client_sessions"

e2e_finish "raft scenarios"

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

# broken FILE CHECK: fails CHECK at the file's own seed, other checks aside;
# Raft's safety holds even there.
broken() { expect_broken "scenarios/raft/$1.yaml" "$2" one-leader-per-term; }
# fixed FILE: every check holds on seeds 1..$seeds.
fixed() { expect_fixed "scenarios/raft/$1.yaml" "$seeds"; }

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
# Two servers added at once: Election Safety itself is what breaks.
expect_broken scenarios/raft/membership-direct-two-leaders.yaml one-leader-per-term

fixed split-vote-randomized
fixed stale-read-read-index
fixed one-way-partition-pre-vote
fixed lease-read-safe-margin
fixed figure8-paper-commit
fixed retry-client-sessions
fixed lease-read-voter-restart
fixed truncated-write-unknown
fixed membership-add-remove
expect_fixed scenarios/raft/membership-direct-two-leaders.yaml "$seeds" \
    --set protocol.membership_change=safe

error "typo in a parameter" protocol.read_mod=lease "did you mean 'read_mode'"
error "unknown read mode" protocol.read_mode=leases "did you mean 'lease'"
error "max below min" protocol.election_timeout_max=100ms \
    "election_timeout_max must be >= election_timeout_min"
error "not a duration" protocol.heartbeat=fast "heartbeat"
error "unknown commit rule" protocol.commit_rule=naïve "commit_rule"
error "commit rule typo" protocol.commit_rule=papr "did you mean 'paper'"
error "sessions not a boolean" protocol.client_sessions=maybe "client_sessions"
error "membership: unknown node" "protocol.membership=add n9 at 1s" "'n9' is not a node"
error "membership: no time" "protocol.membership=add n3" "expected 'add NODE at TIME'"
error "membership: already a member" "protocol.membership=add n1 at 1s" "n1 is already a member"
error "membership_change without a script" protocol.membership_change=direct \
    "membership_change needs a membership script"

e2e_finish "raft scenarios"

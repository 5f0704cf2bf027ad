#!/usr/bin/env bash
# quorum_lock_scenarios.sh DSLAB ROOT: the quorum-kv and lease-lock scenario
# library keeps its promises. Each broken variant fails its check on the
# seed its header names (exit 1, with the violation it is about); each
# fixed variant holds on 100 seeds. Also: the summaries measure what they
# claim (the fixed lock scenario still sees two believed holders), and bad
# parameters and check arguments are load errors (exit 2).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# broken FILE SEED PATTERN: the stated seed fails, with the expected words
broken() { expect_run 1 "$3" "$1" --seed "$2"; }
# fixed FILE [ARGS...]: every one of seeds 1..100 holds
fixed() {
    local f=$1
    shift
    expect_fixed "$f" 100 "$@"
}

broken scenarios/quorum/lww-lost-update-skew.yaml 1 "stale read of key 0"
fixed scenarios/quorum/version-vectors.yaml
broken scenarios/quorum/r1-w1-stale-reads.yaml 1 "stale read of key 0"
fixed scenarios/quorum/r2-w2-quorum.yaml
broken scenarios/quorum/r2-w2-lww-skew.yaml 5 "cannot be linearized"
broken scenarios/quorum/sloppy-quorum-partition.yaml 1 "stale read of key 0"
fixed scenarios/quorum/sloppy-quorum-partition.yaml --set protocol.sloppy=false
broken scenarios/locks/gc-pause-lease.yaml 1 "storage accepted writes from two holders interleaved"
broken scenarios/locks/gc-pause-lease.yaml 1 "two holders at once (by client belief)"
fixed scenarios/locks/fencing-tokens.yaml
broken scenarios/locks/clock-drift-lease.yaml 1 "two holders at once"
fixed scenarios/locks/clock-drift-lease.yaml --set protocol.margin=150ms

# the LWW run shows the dropped versions that explain the stale reads
"$dslab" run scenarios/quorum/lww-lost-update-skew.yaml --trace "$tmp/t.jsonl" --quiet >/dev/null 2>&1
grep -q '"tag":"conflict".*lww k0: kept' "$tmp/t.jsonl" && ok "LWW annotates the versions it drops" ||
  bad "no LWW conflict annotation in the trace"
# the fixed lock scenario measures the believed overlap and the rejection
out=$("$dslab" run scenarios/locks/fencing-tokens.yaml 2>&1)
grep -q "holders: [1-9][0-9]* overlaps (not judged)" <<<"$out" &&
  grep -q "[1-9][0-9]* rejected" <<<"$out" &&
  ok "fencing: two holders still believed, the stale write rejected" ||
  bad "fencing summary: $(printf '%s\n' "$out" | grep mutual-exclusion)"

# bad parameters and arguments are load errors
"$dslab" run scenarios/quorum/r2-w2-quorum.yaml --set protocol.r=4 >/dev/null 2>&1
[ $? = 2 ] && ok "r > n is a load error" || bad "r > n accepted"
out=$("$dslab" run scenarios/quorum/r2-w2-quorum.yaml --set protocol.resolutoin=lww 2>&1)
[ $? = 2 ] && grep -q "did you mean 'resolution'" <<<"$out" && ok "unknown parameter: did you mean" ||
  bad "unknown parameter: $out"
out=$("$dslab" run scenarios/locks/fencing-tokens.yaml --set protocol.storage=stor 2>&1)
[ $? = 2 ] && grep -q "did you mean 'store'" <<<"$out" && ok "unknown storage node: did you mean" ||
  bad "unknown storage node: $out"
out=$("$dslab" run scenarios/locks/fencing-tokens.yaml --set 'checks.0=mutual-exclusion: storag' 2>&1)
[ $? = 2 ] && grep -q "did you mean 'storage'" <<<"$out" && ok "unknown view: did you mean" ||
  bad "unknown view: $out"
"$dslab" run scenarios/quorum/r2-w2-quorum.yaml --set 'checks.0=stale-reads: lots' >/dev/null 2>&1
[ $? = 2 ] && ok "bad stale-reads argument is a load error" || bad "bad stale-reads argument accepted"

e2e_finish

#!/usr/bin/env bash
# quorum_lock_scenarios.sh DSLAB ROOT: the quorum-kv and lease-lock scenario
# library keeps its promises. Each broken variant fails its check on the
# seed its header names (exit 1, with the violation it is about); each
# fixed variant holds on 100 seeds. Also: the summaries measure what they
# claim (the fixed lock scenario still sees two believed holders), and bad
# parameters and check arguments are load errors (exit 2).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# broken: the stated seed fails, with the expected words in the output
broken() { # file seed pattern
  out=$("$dslab" run "$1" --seed "$2" 2>&1); code=$?
  if [ "$code" = 1 ] && grep -q "$3" <<<"$out"; then
    ok "$1 fails on seed $2 ($3)"
  else
    bad "$1 seed $2: exit $code, pattern '$3' $(printf '%s\n' "$out" | grep -c "$3") times"
  fi
}
# fixed: every one of seeds 1..100 holds
fixed() { # file [extra args...]
  local f=$1; shift
  local failing=""
  for s in $(seq 1 100); do
    "$dslab" run "$f" --seed "$s" --quiet "$@" >/dev/null 2>&1 || failing="$failing $s"
  done
  [ -z "$failing" ] && ok "$f $* holds on seeds 1..100" || bad "$f $* failed on seeds:$failing"
}

broken scenarios/quorum/lww-lost-update-skew.yaml 1 "stale read of key 0"
fixed scenarios/quorum/version-vectors.yaml
broken scenarios/quorum/r1-w1-stale-reads.yaml 1 "stale read of key 0"
fixed scenarios/quorum/r2-w2-quorum.yaml
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

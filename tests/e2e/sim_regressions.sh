#!/usr/bin/env bash
# sim_regressions.sh DSLAB ROOT: directed scenarios (tests/e2e/scenarios/)
# for simulator and protocol bugs that made a correct configuration report
# a failure, or a broken one pass. Each line names the file, the exit
# status it must give and a pattern its output must contain.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

cd "$root/tests/e2e/scenarios"

expect() { # file exit pattern [args...]
  local f=$1 want=$2 pat=$3
  shift 3
  expect_run "$want" "$pat" "$f" "$@"
}

# issue 11 item 1: a late request runs as the operation it was sent with
expect late-request-pause.yaml 0 "stale-reads.*PASS"
expect late-request-slow.yaml 0 "stale-reads.*PASS"

# issue 11 item 4: a restarted lock server that waits a lease keeps its promise
expect lock-server-restart.yaml 0 "server: 0 overlapping grants"
expect lock-server-restart.yaml 0 "server: 0 overlapping grants" --seed 2
expect lock-server-restart.yaml 0 "no effect  restart lock: lock is not crashed" --set 'faults.0={ at: 1s, restart: lock }'

# explore sweep (issue 11): a lock client whose lease ends while it waits
# for the storage's answer says "expired" at the lease's end, not at the
# answer or its retry timer (the holders view reported a false overlap)
expect lock-ack-wait-lease-end.yaml 0 "holders: 0 overlaps"

# issue 11 item 6: node sets are 64-bit words; every protocol with a node
# limit runs at its limit (in the sanitizer build a shift by 64 aborts) and
# refuses one more node
for pm in raft:64 primary-backup:64 lease-lock:64 two-phase-commit:64 failure-detector:64 quorum-kv:16; do
  p=${pm%%:*}; max=${pm#*:}
  work='workload: { clients: 2, rate: 50/s, ops: { write: 1 }, keys: 2, timeout: 200ms }'
  [ "$p" = two-phase-commit ] && work='workload: { clients: 2, rate: 50/s, ops: { write: 1 }, keys: 2, target: n1, timeout: 200ms }'
  [ "$p" = lease-lock ] || [ "$p" = failure-detector ] && work=""
  printf 'name: at-limit\nduration: 1s\nnodes: %s\nprotocol: { name: %s }\n%s\n' "$max" "$p" "$work" > "$tmp/$p.yaml"
  out=$("$dslab" run "$tmp/$p.yaml" --quiet 2>&1); code=$?
  if [ "$code" -le 1 ] && ! grep -q -e "runtime error" -e Sanitizer <<<"$out"; then
    ok "$p runs at $max nodes"
  else
    bad "$p at $max nodes: exit $code: $(printf '%s' "$out" | head -2)"
  fi
  out=$("$dslab" run "$tmp/$p.yaml" --quiet --set nodes=$((max + 1)) 2>&1); code=$?
  [ "$code" = 2 ] && ok "$p refuses $((max + 1)) nodes" || bad "$p at $((max + 1)) nodes: exit $code"
done
out=$("$dslab" run "$tmp/two-phase-commit.yaml" --set 'checks=["atomic-commit: 500ms"]' 2>&1)
grep -q "atomic-commit.*PASS" <<<"$out" && grep -q "[1-9][0-9]* ok" <<<"$out" &&
  ok "two-phase-commit commits at 64 nodes" || bad "2pc at 64 nodes: $(printf '%s' "$out" | grep -e atomic -e "client ops")"

e2e_finish "sim_regressions"

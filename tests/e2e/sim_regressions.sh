#!/usr/bin/env bash
# sim_regressions.sh DSLAB ROOT: directed scenarios (tests/e2e/scenarios/)
# for simulator and protocol bugs that made a correct configuration report
# a failure, or a broken one pass. Each line names the file, the exit
# status it must give and a pattern its output must contain.
set -uo pipefail
dslab=$1; root=$2
pass=0; fail=0
ok() { echo "ok: $1"; pass=$((pass+1)); }
bad() { echo "FAIL: $1"; fail=$((fail+1)); }
cd "$root/tests/e2e/scenarios"

expect() { # file exit pattern [args...]
  local f=$1 want=$2 pat=$3; shift 3
  out=$("$dslab" run "$f" "$@" 2>&1); code=$?
  if [ "$code" = "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then
    ok "$f $*: exit $want ($pat)"
  else
    bad "$f $*: exit $code (want $want), '$pat' $(printf '%s\n' "$out" | grep -c -- "$pat") times"
    printf '%s\n' "$out" | tail -5
  fi
}

# issue 11 item 1: a late request runs as the operation it was sent with
expect late-request-pause.yaml 0 "stale-reads.*PASS"
expect late-request-slow.yaml 0 "stale-reads.*PASS"

# issue 11 item 4: a restarted lock server that waits a lease keeps its promise
expect lock-server-restart.yaml 0 "server: 0 overlapping grants"
expect lock-server-restart.yaml 0 "server: 0 overlapping grants" --seed 2
expect lock-server-restart.yaml 0 "no effect  restart lock: lock is not crashed" --set 'faults.0={ at: 1s, restart: lock }'

echo "sim_regressions: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/usr/bin/env bash
# misc_scenarios.sh DSLAB ROOT: the two-phase-commit, failure-detector and
# retry-storm scenario pairs. Each broken variant fails its check on its
# stated seed (exit 1, with the expected violation); each fixed variant
# holds on seeds 1..100 (a failure prints the repro line).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# broken FILE SEED PATTERN: exit 1 and a violation line matching PATTERN.
broken() {
    local out code
    out=$("$dslab" run "$1" --seed "$2" 2>&1); code=$?
    if [ "$code" = 1 ] && grep -q -- "$3" <<<"$out"; then
        ok "$1 seed $2 fails: $3"
    else
        bad "$1 seed $2: exit $code, no '$3' (repro: $dslab run $1 --seed $2)"
    fi
}

# fixed FILE: exit 0 on seeds 1..100. A failing run shows its exit status
# and last lines: a check that failed (1) is not a crash or a kill (>= 128).
fixed() {
    local failed=0 s out code
    for s in $(seq 1 100); do
        out=$("$dslab" run "$1" --seed "$s" --quiet 2>&1); code=$?
        if [ "$code" != 0 ]; then
            echo "  repro: $dslab run $1 --seed $s (exit $code)"
            tail -n 5 <<<"$out" | sed 's/^/    /'
            failed=$((failed+1))
        fi
    done
    [ "$fail" = 0 ] && ok "$1 holds on seeds 1..100" || bad "$1 failed on $fail of 100 seeds"
}

broken scenarios/transactions/2pc-coordinator-crash.yaml 1 "blocked in doubt about txn .* (still in doubt at the end)"
fixed scenarios/transactions/2pc-coordinator-restart.yaml

broken scenarios/failure-detection/fd-timeout-too-short.yaml 1 "suspected n[0-9] while it was up and reachable"
broken scenarios/failure-detection/fd-timeout-long.yaml 1 "detected n5's crash after 3000 ms (limit 2000 ms)"
fixed scenarios/failure-detection/fd-timeout-tuned.yaml
fixed scenarios/failure-detection/fd-swim.yaml

broken scenarios/overload/retry-storm-no-backoff.yaml 1 "violation 2.000000s .. 12.000000s: .* requests within 300 ms"
fixed scenarios/overload/retry-backoff-jitter-breaker.yaml

# The storm outlives the slowdown: the server's queue is still full at the end.
"$dslab" run scenarios/overload/retry-storm-no-backoff.yaml --seed 1 --trace "$tmp/a.jsonl" --quiet >/dev/null 2>&1
out=$(grep '"tag":"queue"' "$tmp/a.jsonl" | tail -1)
if grep -q '"value":\(9[0-9]\|100\)' <<<"$out"; then
    ok "retry-storm-no-backoff: queue still full at the end"
else
    bad "retry-storm-no-backoff: last queue sample was: $out"
fi
"$dslab" run scenarios/overload/retry-backoff-jitter-breaker.yaml --seed 1 --trace "$tmp/b.jsonl" --quiet >/dev/null 2>&1
out=$(grep '"tag":"queue"' "$tmp/b.jsonl" | tail -1)
if grep -q '"value":[0-9],' <<<"$out"; then
    ok "retry-backoff-jitter-breaker: queue drained by the end"
else
    bad "retry-backoff-jitter-breaker: last queue sample was: $out"
fi

e2e_finish

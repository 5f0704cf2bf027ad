#!/usr/bin/env bash
# herd_scenarios.sh DSLAB ROOT: the scenarios of the thundering-herd and
# operator-error exercises, with the numbers their briefs, feedback and
# debriefs quote. scenarios/overload/refresh-*.yaml (docs/PROTOCOLS.md,
# retry-storm, `arrivals: periodic`; exercise on-the-second): the broken
# variant fails once a second at seed 1, its degenerate fixes fail with the
# same 48%, the jittered variant holds on seeds 1..30.
# scenarios/operating/restart-all-at-once.yaml (exercise
# one-command-five-replicas): every acknowledged write lost at seed 1, the
# same command later or faster too, one node at a time none on seeds 1..30.
# A failure prints the repro.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

o=scenarios/overload
herd=$o/refresh-in-step.yaml
expect_run 1 "FAIL    47.80% of 500 requests (annotations) within bound" $herd --seed 1
for t in 1 2 3; do
    expect_run 1 "violation ${t}.000000s .. ${t}.250000s: 48.0% of 100 requests within 100 ms" $herd --seed 1
done
expect_run 1 "5 violations in all" $herd --seed 1
expect_run 1 "arrival-peak                 FAIL    peak 106 arrivals within 100ms (from 5.001210s), bound 50; 771 in all, a mean of 12.85 per 100ms" $herd --seed 1
expect_run 1 "violation 1.001002s .. 1.102975s: 100 arrivals within 100ms from 1.001002s (bound 50)" $herd --seed 1
expect_run 1 "longest queue 100" $herd --seed 1
# the degenerate fixes: no retries (availability 48%), a longer fixed backoff
expect_run 1 "48.00% of 500 requests (annotations) succeeded" $herd --seed 1 --set protocol.retries=0 \
    --set 'checks=["slo: availability 99% of requests per 1s each"]'
expect_run 1 "48.00% of 500 requests (annotations) within bound" $herd --seed 1 \
    --set protocol.backoff=exponential --set protocol.backoff_base=300ms
expect_run 1 "48.00% of 500 requests (annotations) within bound" $herd --seed 1 --set protocol.timeout=300ms
expect_run 1 "48.00% of 200 requests (annotations) within bound" $herd --seed 1 --set protocol.rate=1/2s
# the fix: jitter, full or equal
expect_run 0 "100.00% of 585 requests (annotations) within bound, p95 = 8.2 ms" $o/refresh-jittered.yaml --seed 1
expect_fixed $o/refresh-jittered.yaml 30
expect_fixed $herd 30 --set protocol.jitter=equal

r=scenarios/operating/restart-all-at-once.yaml
expect_run 1 "380 of 380 acknowledged writes lost" $r --seed 1
expect_run 1 "one-leader-per-term          PASS" $r --seed 1
expect_run 1 "3.300000s  restart    n5 (unsynced writes lost)" $r --seed 1
# the same command later (a more careful operator) or faster
expect_run 1 "380 of 380 acknowledged writes lost" $r --seed 1 --set faults.0.at=5s
expect_run 1 "380 of 380 acknowledged writes lost" $r --seed 1 --set faults.0.down=50ms
# a batch that is still a majority: 29 of seeds 1..30; two with no wait: 4 of 30
failing() {
    local n=0 s
    for s in $(seq 1 30); do "$dslab" run $r --seed "$s" --quiet "$@" > /dev/null 2>&1 || n=$((n + 1)); done
    echo $n
}
[ "$(failing --set faults.0.batch=3)" = 29 ] && ok "batch 3 loses writes on 29 of 30 seeds" || bad "batch 3: $(failing --set faults.0.batch=3) of 30 seeds fail (want 29)"
[ "$(failing --set faults.0.batch=2)" = 4 ] && ok "batch 2 without a wait loses writes on 4 of 30 seeds" || bad "batch 2: $(failing --set faults.0.batch=2) of 30 seeds fail (want 4)"
# one at a time, each after the last is back (the exercise's model fix)
expect_run 0 "5.700000s  restart    n5 (unsynced writes lost)" $r --seed 1 --set faults.0.batch=1 --set faults.0.wait=300ms
expect_fixed $r 30 --set faults.0.batch=1 --set faults.0.wait=300ms
expect_fixed $r 30 --set faults.0.batch=2 --set faults.0.wait=300ms
expect_run 0 "0 lost of 241 acknowledged writes" $r --seed 1 --set protocol.ack=after-sync

e2e_finish herd_scenarios

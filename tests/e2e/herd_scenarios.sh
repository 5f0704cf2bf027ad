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
later="--set faults.0.at=5s --set faults.1.at=5s --set faults.2.at=5s --set faults.3.at=5s --set faults.4.at=5s"
later="$later --set faults.5.at=5.3s --set faults.6.at=5.3s --set faults.7.at=5.3s --set faults.8.at=5.3s --set faults.9.at=5.3s"
# shellcheck disable=SC2086
expect_run 1 "380 of 380 acknowledged writes lost" $r --seed 1 $later
faster="--set faults.5.at=3.05s --set faults.6.at=3.05s --set faults.7.at=3.05s --set faults.8.at=3.05s --set faults.9.at=3.05s"
# shellcheck disable=SC2086
expect_run 1 "380 of 380 acknowledged writes lost" $r --seed 1 $faster
# one at a time, each after the last is back (the exercise's model fix)
one=(--set faults.1.at=3.6s --set faults.6.at=3.9s --set faults.2.at=4.2s --set faults.7.at=4.5s
     --set faults.3.at=4.8s --set faults.8.at=5.1s --set faults.4.at=5.4s --set faults.9.at=5.7s)
expect_fixed $r 30 "${one[@]}"
expect_run 0 "0 lost of 241 acknowledged writes" $r --seed 1 --set protocol.ack=after-sync

e2e_finish herd_scenarios

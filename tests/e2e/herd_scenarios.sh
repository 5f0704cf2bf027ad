#!/usr/bin/env bash
# herd_scenarios.sh DSLAB ROOT: the thundering-herd scenarios of
# scenarios/overload/ (docs/PROTOCOLS.md, retry-storm, `arrivals: periodic`)
# with the numbers the exercise on-the-second quotes in its brief,
# feedback and debrief: the broken variant fails once a second at seed 1,
# its degenerate fixes fail with the same 48%, the jittered variant holds
# on seeds 1..30 (a failure prints the repro).
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

e2e_finish herd_scenarios

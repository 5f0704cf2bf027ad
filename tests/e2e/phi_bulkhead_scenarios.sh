#!/usr/bin/env bash
# phi_bulkhead_scenarios.sh DSLAB ROOT: the phi accrual scenarios of
# scenarios/failure-detection/fd-phi-*.yaml and the gateway (bulkhead)
# scenarios of scenarios/overload/gateway-*.yaml (docs/PROTOCOLS.md,
# failure-detector and gateway), with the numbers their header comments,
# the docs and the exercises the-learning-detector and one-slow-dependency
# (brief and debrief) quote. A fixed variant holds on its seeds (a failure
# prints the repro).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

broken() { expect_run 1 "$3" "$1" --seed "$2"; }
fd=scenarios/failure-detection
ov=scenarios/overload

# phi: threshold 8 cries wolf on a slowly slowing member; 18..26 hold
broken $fd/fd-phi-latency-creep.yaml 3 "max 325 ms, mean 306 ms; 0 missed; 2 false suspicions"
broken $fd/fd-phi-latency-creep.yaml 3 "violation 6.025000s .. 6.051453s: n4 suspected n3 while it was up"
expect_fixed $fd/fd-phi-latency-creep.yaml 100 --set protocol.phi_threshold=18
expect_fixed $fd/fd-phi-latency-creep.yaml 100 --set protocol.phi_threshold=20
expect_fixed $fd/fd-phi-latency-creep.yaml 100 --set protocol.phi_threshold=26
expect_run 0 "max 475 ms" $fd/fd-phi-latency-creep.yaml --seed 3 --set protocol.phi_threshold=20
expect_run 1 "n2 detected n5's crash after 700 ms (limit 550 ms)" $fd/fd-phi-latency-creep.yaml --seed 3 --set protocol.phi_threshold=100
expect_run 1 "n1 detected n5's crash after 600 ms" $fd/fd-phi-latency-creep.yaml --seed 3 --set protocol.phi_min_stddev=100ms
# no fixed timeout fits every peer
expect_run 1 "5 false suspicions" $fd/fd-phi-latency-creep.yaml --seed 3 --set protocol.mode=heartbeat --set protocol.timeout=450ms
expect_run 1 "max 575 ms" $fd/fd-phi-latency-creep.yaml --seed 3 --set protocol.mode=heartbeat --set protocol.timeout=500ms
# the honest limits: an abrupt jump, a crash of the noisy member
broken $fd/fd-phi-abrupt-shift.yaml 3 "max 475 ms, mean 437 ms; 0 missed; 2 false suspicions"
broken $fd/fd-phi-noisy-crash.yaml 1 "max 1575 ms, mean 1343 ms; 0 missed; 0 false suspicions"

# gateway: one slow dependency exhausts a shared pool
broken $ov/gateway-shared-pool.yaml 1 "63.39% of 1150 db requests (annotations) succeeded"
broken $ov/gateway-shared-pool.yaml 1 "violation 3.000000s .. 8.000000s: 9.9% of 467 db requests succeeded"
expect_run 1 "violation 5.000000s .. 8.000000s: 49.6% of 280 db requests" $ov/gateway-shared-pool.yaml --seed 1 --set protocol.workers=256
# bulkheads: db whole, recs fails with its dependency
expect_run 1 "PASS    100.00% of 1150 db requests" $ov/gateway-bulkheads.yaml --seed 1
expect_run 1 "FAIL    60.16% of 1250 recs requests" $ov/gateway-bulkheads.yaml --seed 1
expect_fixed $ov/gateway-bulkheads.yaml 20 --set 'checks.1=slo: availability 50% of recs requests'
# the price: a busy compartment cannot borrow idle workers
broken $ov/gateway-bulkhead-idle-workers.yaml 1 "93.74% of 1150 db requests (annotations) succeeded"
expect_fixed $ov/gateway-bulkhead-idle-workers.yaml 20 --set protocol.pool=shared
expect_fixed $ov/gateway-bulkhead-idle-workers.yaml 20 --set protocol.workers=32
# the exercise's predict variant is that scenario
expect_run 1 "93.74% of 1150 db requests" $ov/gateway-shared-pool.yaml --seed 1 --set protocol.pool=per-dependency \
    --set faults.0.slow=db --set faults.0.factor=8 --set faults.1.slow=db

e2e_finish phi_bulkhead_scenarios

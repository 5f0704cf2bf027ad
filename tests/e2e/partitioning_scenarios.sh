#!/usr/bin/env bash
# partitioning_scenarios.sh DSLAB ROOT: the sharded-kv scenarios of
# scenarios/partitioning/ (docs/PROTOCOLS.md, sharded-kv). Each broken
# variant fails on seed 1 with the numbers its docs and exercises quote;
# each fixed variant holds on seeds 1..100 (a failure prints the repro).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

broken() { expect_run 1 "$3" "$1" --seed "$2"; }
fixed() { expect_fixed "$1" 100; }
p=scenarios/partitioning

broken $p/join-mod-n.yaml 1 "max/mean 1.04 (busiest served 329, mean 316.2 over 5 nodes); 454 keys moved"
expect_run 0 "max/mean 1.19 (busiest served 379, mean 318.0 over 5 nodes); 141 keys moved" $p/join-consistent-hash.yaml --seed 1
expect_run 1 "max/mean 2.07" $p/join-consistent-hash.yaml --seed 1 --set protocol.vnodes=1
fixed $p/join-consistent-hash.yaml

broken $p/drain-too-fast.yaml 1 "violation 3.000000s .. 3.500000s: 88.5% of 52 reads within 50 ms"
expect_run 1 "message_delay_below  *BROKEN  at 3.054000s: a message took 58.384ms" $p/drain-too-fast.yaml --seed 1
expect_run 1 "279 of 1241 acknowledged writes lost" $p/drain-too-fast.yaml --seed 1 --set protocol.move_rate=5
fixed $p/drain-paced.yaml

broken $p/handoff-stale.yaml 1 "10 of 1394 reads stale"
expect_run 1 "5 of 100 keys not linearizable" $p/handoff-stale.yaml --seed 1
expect_run 0 "2783 ok, 23 failed" $p/handoff-stale.yaml --seed 1 --set protocol.handoff=refuse
fixed $p/handoff-forward.yaml

broken $p/hot-key.yaml 1 "the busiest node served 1242 requests, 2.37 times the mean (bound 1.50) \[n3\]"
expect_run 1 "max/mean 2.31" $p/hot-key.yaml --seed 1 --set protocol.partitioning=mod-n
expect_run 1 "key 0: " $p/hot-key-replicated.yaml --seed 1 --set checks.0=linearizable
expect_run 0 "max/mean 1.04 (busiest served 802, mean 766.6 over 5 nodes)" $p/hot-key-replicated.yaml --seed 1
fixed $p/hot-key-replicated.yaml

e2e_finish partitioning_scenarios

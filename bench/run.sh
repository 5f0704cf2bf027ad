#!/usr/bin/env bash
# run.sh BUILD_DIR: the benchmarks behind `make bench`. Prints numbers; never
# passes or fails on speed (speed is measured here, not asserted in tests).
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== simulator core: gossip-pingpong (bench/gossip-pingpong.yaml), tracing off"
echo "   target: >= 5,000,000 deliveries/s at N=1000; memory proportional to messages in flight"
printf "nodes\tsimulated_s\tdeliveries\twall_s\tdeliveries_per_s\tpeak_rss_mb\tin_flight_max\n"
# Simulated time per N keeps each run near 10 M deliveries (N=10: 40 in
# flight, so a long run; N=10000: 40000 in flight, so a short one).
for spec in 10:1375000 100:137500 1000:13750 10000:1375; do
  n=${spec%%:*}; until_ms=${spec##*:}
  "$build/bench/bench_gossip" "$root/bench/gossip-pingpong.yaml" "$n" "$until_ms"
done
echo "== the same at N=1000 with every cost model on (bench/gossip-pingpong-costs.yaml; docs/ASSUMPTIONS.md, \"What the models cost\")"
"$build/bench/bench_gossip" "$root/bench/gossip-pingpong-costs.yaml" 1000 13750
for extra in "$root"/bench/run_*.sh; do
  [ -e "$extra" ] && bash "$extra" "$build"
done
exit 0

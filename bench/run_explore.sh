#!/usr/bin/env bash
# run_explore.sh BUILD_DIR: the `dslab explore` benchmark, called by
# bench/run.sh. Seeds per second for a 5-node Raft scenario of 10 simulated
# seconds with random faults and both checks on (bench/explore-raft5.yaml),
# at --jobs 1 and --jobs 2. 4,000 seeds: with 2,000 the start-up and the
# last seeds' tail showed --jobs 2 at 1.63-1.93x where 4,000 show 1.97-2.01x
# on the same quiet machine (issue 15). Shrinking is off (--budget 0): this measures the
# seed sweep. Wall-clock seeds/s depend on what else the machine runs, so
# seeds per CPU-second are printed too. Prints numbers; never fails on speed.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${DSLAB_BENCH_EXPLORE_SEEDS:-4000}
dslab="$build/dslab"
echo "== explore: bench/explore-raft5.yaml (5 nodes, 10 simulated s, random faults, checks on)"
echo "   target: >= 600 seeds per CPU-second on one core, linear scaling to two (issue 15)"
printf "jobs\tseeds\twall_s\tseeds_per_s\tcpu_s\tseeds_per_cpu_s\tspeedup\n"
base=""
for jobs in 1 2; do
  TIMEFORMAT='%R %U %S'
  times=$( { time "$dslab" explore "$root/bench/explore-raft5.yaml" --seeds "$seeds" --jobs "$jobs" \
            --budget 0 --quiet --out /tmp/dslab-bench-explore > /dev/null; } 2>&1 | tail -1 )
  read -r wall user sys <<< "$times"
  awk -v j="$jobs" -v n="$seeds" -v w="$wall" -v u="$user" -v s="$sys" -v b="$base" 'BEGIN {
    rate = n / w; cpu = u + s;
    printf "%d\t%d\t%.2f\t%.0f\t%.2f\t%.0f\t%s\n", j, n, w, rate, cpu, n / cpu, b == "" ? "1.00" : sprintf("%.2f", rate / b) }'
  [ -z "$base" ] && base=$(awk -v n="$seeds" -v w="$wall" 'BEGIN { printf "%f", n / w }')
done
exit 0

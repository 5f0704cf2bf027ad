#!/usr/bin/env bash
# run_plugin.sh BUILD_DIR: node code from a file vs the built-in protocol
# (issue 13: at most 10% slower). gossip-pingpong, built-in and as
# BUILD_DIR/labs_generated/tests/nodes/gossip.c (generated from the
# built-in by tests/nodes/make_gossip.py), interleaved in one process,
# medians of 7 rounds.
# Needs a C compiler; without one it says so and prints nothing else.
# CPU time on a shared machine is noisy (0.94-1.10 seen), so when valgrind
# is present a second, steady measure follows: instructions executed
# (callgrind's Ir) by `dslab run` with the built-in and with --node
# gossip.c, each at two run lengths; the difference of the two lengths
# cancels start-up (loading, compiling, hashing), leaving the per-event
# cost, and the ratio of the differences is the plugin's overhead.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== node code (plugin) vs built-in: gossip-pingpong, same run interleaved, medians"
echo "   target: ratio <= 1.10"
command -v "${CC:-cc}" >/dev/null || { echo "   no C compiler: not measured"; exit 0; }
cache=$(mktemp -d); trap 'rm -rf "$cache"' EXIT
ir_nodes=100 ir_short_ms=200 ir_long_ms=1200
printf "nodes\trounds\tdeliveries\tbuiltin_cpu_s\tplugin_cpu_s\tratio\n"
DSLAB_CACHE_DIR=$cache "$build/bench/bench_plugin" "$root" 1000 2000 7 "$build/labs_generated/tests/nodes/gossip.c"

if ! command -v valgrind >/dev/null; then
    echo "   instructions: not measured (no valgrind)"
    exit 0
fi
echo "== instructions (callgrind Ir), $ir_nodes nodes, run of $ir_short_ms ms vs $ir_long_ms ms"
ir() { # DURATION_MS [ARGS...]: instructions of one dslab run
    local d=$1
    shift
    DSLAB_CACHE_DIR=$cache valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/dslab" run \
        "$root/bench/gossip-pingpong.yaml" --set "nodes=$ir_nodes" --set "duration=${d}ms" --quiet "$@" 2>&1 |
        sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}
b1=$(ir "$ir_short_ms"); b2=$(ir "$ir_long_ms")
p1=$(ir "$ir_short_ms" --node "$build/labs_generated/tests/nodes/gossip.c"); p2=$(ir "$ir_long_ms" --node "$build/labs_generated/tests/nodes/gossip.c")
printf "builtin_ir\tplugin_ir\tratio\n"
awk -v b1="$b1" -v b2="$b2" -v p1="$p1" -v p2="$p2" 'BEGIN {
    if (b2 <= b1 || p2 <= p1) { print "instructions: callgrind gave no counts"; exit 1 }
    printf "%d\t%d\t%.3f\n", b2 - b1, p2 - p1, (p2 - p1) / (b2 - b1) }'

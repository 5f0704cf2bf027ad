#!/usr/bin/env bash
# run_plugin.sh BUILD_DIR: node code from a file vs the built-in protocol
# (issue 13: at most 10% slower). gossip-pingpong, built-in and as
# BUILD_DIR/labs_generated/tests/nodes/gossip.c (generated from the
# built-in by tests/nodes/make_gossip.py), interleaved in one process,
# medians of 7 rounds.
# Needs a C compiler; without one it says so and prints nothing else.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== node code (plugin) vs built-in: gossip-pingpong, same run interleaved, medians"
echo "   target: ratio <= 1.10"
command -v "${CC:-cc}" >/dev/null || { echo "   no C compiler: not measured"; exit 0; }
cache=$(mktemp -d); trap 'rm -rf "$cache"' EXIT
printf "nodes\trounds\tdeliveries\tbuiltin_cpu_s\tplugin_cpu_s\tratio\n"
DSLAB_CACHE_DIR=$cache "$build/bench/bench_plugin" "$root" 1000 2000 7 "$build/labs_generated/tests/nodes/gossip.c"

#!/usr/bin/env bash
# run_viz.sh BUILD_DIR: the visualiser's frame-time and seek benchmark
# (bench_viz.c), called by bench/run.sh. Skipped without the visualiser.
set -uo pipefail
build=${1:-build}
if [ -x "$build/bench/bench_viz" ]; then
  "$build/bench/bench_viz"
else
  echo "== visualiser: not built (SDL2 missing), no frame-time numbers"
fi

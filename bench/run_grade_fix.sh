#!/usr/bin/env bash
# run_grade_fix.sh BUILD_DIR: the cost of grading one fix question, per
# exercise (bench/bench_grade_fix.c), called by bench/run.sh. One thread;
# the median of 3 grades. Budget: 10 s per grade on one core. Prints
# numbers; never fails on speed.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== grading a fix: every exercise's model fix and degenerate fixes (seeds, goals, stress explore, shrinking)"
echo "   target: <= 10 s per grade on one core"
if [ ! -x "$build/bench/bench_grade_fix" ]; then
  echo "   (bench_grade_fix not built)"
  exit 0
fi
"$build/bench/bench_grade_fix" "$root" "${DSLAB_BENCH_GRADE_REPS:-3}"
exit 0

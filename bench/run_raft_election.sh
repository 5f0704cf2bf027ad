#!/usr/bin/env bash
# run_raft_election.sh BUILD_DIR: the Raft paper's leader-election benchmark
# (extended paper Figure 16, thesis 9.3) in the simulator: 1000 seeded
# trials per election-timeout range (100 for 150-150ms), TSV on stdout with
# the paper's numbers alongside (read from the shared data set; printed as
# "unavailable" when it is absent). Run by `make bench-raft-election` and by
# `make bench`. Method and discussion: docs/RAFT_ELECTION_BENCHMARK.md.
# DSLAB_BENCH_THREADS (default 2) changes the wall time, never the numbers.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
paper="${DSLAB_PAPER_DATA:-$root/../shared/external/raft-election-benchmark/summary_digitized.tsv}"
if [ ! -r "$paper" ]; then
  echo "# paper data not found at $paper: its columns read 'unavailable'" >&2
fi
echo "# raft leader election after a leader crash: simulated vs paper (ms; '>' = capped at 300s)" >&2
"$build/bench/bench_raft_election" "$root/scenarios/raft/election-benchmark.yaml" \
  --paper "$paper" --threads "${DSLAB_BENCH_THREADS:-2}" --cap 300

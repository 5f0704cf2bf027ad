#!/usr/bin/env bash
# trace_hashes.sh DSLAB [ECHO_NODE]: one line per run, "sha256  name", of the
# JSON Lines trace of every scenario in scenarios/, gossip-pingpong under
# loss, duplication and FIFO at several sizes, Raft with the links and CPU
# cost models on, a C node from source (tests/nodes/gossip.c, when a C
# compiler is there) and process nodes (ECHO_NODE, the C echo node of
# clients/c/, and the Python echo when python3 is there).
# Compare two builds (Release vs Debug, gcc vs clang, before vs after a
# change to the core) with diff: the lines must be identical.
#   diff <(bash bench/trace_hashes.sh build/dslab) <(bash bench/trace_hashes.sh build-clang/dslab)
set -uo pipefail
dslab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
echo_node=${2:-$(dirname "$dslab")/bench/echo_node}
[ -e "$echo_node" ] && echo_node=$(cd "$(dirname "$echo_node")" && pwd)/$(basename "$echo_node")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DSLAB_CACHE_DIR=$tmp/cache

# hash NAME ARGS...: runs dslab run ARGS with a trace and prints its hash
# (or the exit status when the run wrote no trace).
hash() {
  local name=$1; shift
  rm -f "$tmp/t.jsonl"
  "$dslab" run "$@" --quiet --trace "$tmp/t.jsonl" >/dev/null 2>&1
  local code=$?
  if [ -s "$tmp/t.jsonl" ]; then
    printf '%s  %s (exit %d)\n' "$(sha256sum < "$tmp/t.jsonl" | cut -c1-64)" "$name" "$code"
  else
    printf 'no-trace  %s (exit %d)\n' "$name" "$code"
  fi
}

for f in scenarios/*/*.yaml; do hash "$f" "$f"; done
g=bench/gossip-pingpong.yaml
hash "gossip n=50 loss dup" $g --set nodes=50 --until 2s --set network.loss=0.01 --set network.duplicate=0.01
hash "gossip n=20 fifo" $g --set nodes=20 --until 2s --set network.order=fifo
hash "gossip n=2000" $g --set nodes=2000 --until 200ms
hash "gossip n=3 initial=30" $g --set nodes=3 --until 1s --set protocol.initial=30
hash "raft costs links+cpu" scenarios/raft/election-benchmark.yaml \
  --set 'costs.links.bandwidth=10Mbps' --set 'costs.cpu.workers=1' \
  --set 'costs.cpu.message=exponential(200us)' --set 'costs.cpu.queue=3'
if command -v "${CC:-cc}" >/dev/null; then
  hash "gossip from source (tests/nodes/gossip.c)" $g --set nodes=12 --until 2s --node tests/nodes/gossip.c
  hash "kv-primary from source" tests/nodes/kv-primary.yaml
fi
if [ -x "$echo_node" ]; then
  hash "process: C echo node" tests/e2e/process/echo_c.yaml --set "protocol.process=$echo_node"
fi
if command -v python3 >/dev/null; then
  hash "process: python echo" clients/python/examples/echo.yaml
fi

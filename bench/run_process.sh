#!/usr/bin/env bash
# run_process.sh BUILD_DIR: process nodes (docs/PROCESS_NODES.md), events
# per second with the C echo node (clients/c/echo_node.c, target >=
# 100,000/s on one core) and the Python echo node (clients/python/examples/
# echo.py, target >= 20,000/s). Load: bench/process-echo.yaml, Maelstrom
# echo ping-pong between two nodes, every event a round trip to a process.
# Everything runs pinned to one core (taskset, when present). Two rates:
# per wall second, and per CPU second (dslab plus its node processes,
# user + system): the second is what one otherwise idle core would do,
# and is steady on a busy machine where the wall rate is not. The first
# rows, ipc_floor_* (bench_ipc_floor.c), are a bare ping-pong between two
# processes with no work at all, over a socket (stdin/stdout) and over the
# shared-memory ring (Linux): the ceilings of a lockstep exchange here.
# The C node runs on the ring (it asks for it) and, as c_pipes, on
# stdin/stdout (`echo_node --pipes`); Python and JavaScript use pipes.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
dslab="$build/dslab"
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
echo "== process nodes: echo ping-pong (bench/process-echo.yaml), one core"
echo "   targets: C node >= 100,000 events/s, Python node >= 20,000 events/s"
printf "node\tevents\twall_s\tcpu_s\tevents_per_wall_s\tevents_per_cpu_s\n"
run() { # NAME COMMAND SIMULATED_DURATION
    local tmp out
    tmp=$(mktemp)
    /usr/bin/time -f "%e %U %S" -o "$tmp" "${pin[@]}" "$dslab" run "$root/bench/process-echo.yaml" \
        --set "protocol.process=$2" --set "duration=$3" >"$tmp.out"
    out=$(sed -n 's/^  events *\([0-9]*\).*/\1/p' "$tmp.out")
    read -r wall user sys <"$tmp"
    awk -v n="$1" -v e="$out" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
        c = u + s; printf "%s\t%d\t%.2f\t%.2f\t%.0f\t%.0f\n", n, e, w, c, e / w, (c > 0 ? e / c : 0) }'
    rm -f "$tmp" "$tmp.out"
}
if [ -x /usr/bin/time ]; then
    # The ceilings: a bare line ping-pong between two processes, no work.
    for mode in socket ring; do
        tmp=$(mktemp)
        if /usr/bin/time -f "%e %U %S" -o "$tmp" "${pin[@]}" "$build/bench/bench_ipc_floor" 200000 $mode >/dev/null 2>&1; then
            read -r wall user sys <"$tmp"
            awk -v m="$mode" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
                c = u + s; printf "ipc_floor_%s\t%d\t%.2f\t%.2f\t%.0f\t%.0f\n", m, 200000, w, c, 200000 / w, (c > 0 ? 200000 / c : 0) }'
        else
            echo "ipc_floor_$mode: not available here"
        fi
        rm -f "$tmp"
    done
    echo_node="$(cd "$build" && pwd)/bench/echo_node"
    run c "$echo_node" 10s
    run c_pipes "$echo_node --pipes" 10s
    if command -v python3 >/dev/null; then
        run python "python3 $root/clients/python/examples/echo.py" 2s
    else
        echo "python: skipped (no python3)"
    fi
    if command -v node >/dev/null; then
        run javascript "node $root/clients/js/examples/echo.js" 2s
    else
        echo "javascript: skipped (no node)"
    fi
else
    echo "skipped: /usr/bin/time not found"
fi

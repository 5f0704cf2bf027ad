#!/usr/bin/env bash
# process_ring.sh DSLAB ROOT: the ring transport of process nodes
# (docs/PROCESS_NODES.md, "The ring transport"; dslab/process_ring.h).
# 1. It changes nothing but speed: the C echo node on the ring and on
#    stdin/stdout (`echo_node --pipes`) gives byte-identical traces, on
#    the ping-pong benchmark, with client requests and a pause, and with a
#    crash and a restart (the new process asks for a fresh ring); and the
#    same traces as before the ring existed (a golden hash of the first).
# 2. Errors on the ring are the errors on pipes (tests/e2e/process/
#    ring_node.c): an exit, a process killed with half a line in the ring,
#    a hang, garbage, use_ring outside init, a node that stops reading
#    while dslab writes a long answer, a node that exits then; each one
#    clear, naming node and event, exit 2, nothing left running. A 1 MiB
#    value goes through the 256 KiB ring both ways.
# SKIPPED (77) where dslab offers no ring (not Linux) or without cc.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
[ "$(uname -s)" = Linux ] || { echo "SKIPPED: the ring transport is Linux only"; exit 77; }
e2e_need "${CC:-cc}" "no C compiler to build tests/e2e/process/ring_node.c"
echo_node=$(cd "$(dirname "$dslab")" && pwd)/bench/echo_node
[ -x "$echo_node" ] || { bad "C echo node not built at $echo_node"; e2e_finish process_ring; }

# 1. Same traces on both transports.
same_trace() { # NAME SCENARIO [ARGS...]
    local name=$1 scn=$2
    shift 2
    "$dslab" run "$scn" --set "protocol.process=$echo_node" "$@" --trace "$tmp/ring.jsonl" >/dev/null 2>"$tmp/err1"
    local s1=$?
    "$dslab" run "$scn" --set "protocol.process=$echo_node --pipes" "$@" --trace "$tmp/pipe.jsonl" >/dev/null 2>"$tmp/err2"
    local s2=$?
    if [ "$s1" = "$s2" ] && [ "$s1" != 2 ] && [ -s "$tmp/ring.jsonl" ] && cmp -s "$tmp/ring.jsonl" "$tmp/pipe.jsonl"; then
        ok "$name: ring and pipes give one trace"
    else
        bad "$name: exit $s1 (ring) / $s2 (pipes), traces differ or empty"; cat "$tmp/err1" "$tmp/err2"
    fi
}
same_trace ping-pong bench/process-echo.yaml --set duration=300ms
# The ping-pong trace as it was before the ring and the fast line parser
# (commit 779baef): the transport must not change a byte.
sum=$(sha256sum <"$tmp/ring.jsonl" | cut -c1-16)
[ "$sum" = e12538036aa9e4d6 ] && ok "ping-pong: the trace of before the ring" || bad "ping-pong trace hash $sum"
same_trace "client requests, pause" tests/e2e/process/echo_c.yaml
same_trace "crash, restart" tests/e2e/process/echo_c_crash.yaml
grep -q '"kind":"restart","node":"n2"' "$tmp/ring.jsonl" && ok "crash, restart: n2 restarted" || bad "no restart of n2 in the trace"

# 2. Errors on the ring.
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -I sim/include -o "$tmp/ring_node" tests/e2e/process/ring_node.c ||
    { bad "ring_node.c does not build"; e2e_finish process_ring; }
scn=tests/e2e/process/ring_node.yaml
E="$scn: error: the run stopped at t=0.003890s: node n1 ($tmp/ring_node): "
AFTER="after message from n2 type=ping"
# expect MODE WANT: exit 2 with the error line WANT (a glob), no process left.
expect() {
    run_first_err timeout 60 "$dslab" run "$scn" --set "protocol.process=$tmp/ring_node" --set "protocol.mode=$1"
    # shellcheck disable=SC2053 # $2 may hold a * for Jansson's wording
    [[ "$got" == $2 ]] && got=$2
    expect_exit_line "ring mode $1" 2 "$2" "$status" "$got"
    pgrep -f "$tmp/ring_node" >/dev/null && bad "ring mode $1: a node process is still running"
}
expect exit "${E}the process exited with status 3 $AFTER"
expect torn "${E}the process was killed by signal 9 (Killed) $AFTER"
expect hang "${E}no done marker within 1s $AFTER"
expect garbage "${E}malformed line $AFTER: not JSON (*); the line: hello world"
expect late_ring "${E}use_ring outside init and restart (the transport is chosen once, in answer to the first event) $AFTER"
expect stall "${E}could not answer store_get: timed out $AFTER"
expect exit_in_get "${E}could not answer store_get: the process is gone $AFTER"

"$dslab" run "$scn" --set "protocol.process=$tmp/ring_node" --set protocol.mode=big --trace "$tmp/big.jsonl" >/dev/null 2>"$tmp/err"
status=$?
n=$(grep -c '"tag":"big","text":"1048605 bytes on the ring"' "$tmp/big.jsonl")
[ "$status" = 0 ] && [ "$n" = 2 ] && grep -q '"value":1048560,"tag":"big"' "$tmp/big.jsonl" &&
    ok "1 MiB values through the 256 KiB ring, both ways" || { bad "big: exit $status, $n notes"; cat "$tmp/err"; }

# A node on pipes still may not ask for the ring outside init; a node that
# never asks is never switched (the Python nodes): process_echo.sh.
e2e_finish process_ring

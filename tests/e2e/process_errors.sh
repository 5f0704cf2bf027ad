#!/usr/bin/env bash
# process_errors.sh: a process node that crashes, hangs or writes garbage
# stops the run with one clear error naming the node and the event (exit
# 2); every process is killed, including what it started; the node's
# stderr reaches dslab's stderr prefixed with its name, never stdout.
# The typed reports are checked the same way: a role as a text note, an
# unknown role class, final values outside the finish event, fewer or more
# than announced, or a key twice.
# SKIPPED (77) without python3.
# Usage: bash process_errors.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need python3 "python3 not found"
scn=tests/e2e/process/bad_node.yaml

E="$scn: error: the run stopped at t=0.003890s: node n1 (python3 bad_node.py): "
AFTER="after message from n2 type=ping"
# expect MODE LAST-STDERR-LINE
expect() {
    local mode=$1 want=$2 status got
    timeout 60 "$dslab" run "$scn" --set "protocol.mode=$mode" >"$tmp/out" 2>"$tmp/err"
    status=$?
    got=$(tail -n 1 "$tmp/err")
    # shellcheck disable=SC2053 # $want may hold a * for Jansson's wording
    if [ "$status" != 2 ] || [[ "$got" != $want ]]; then
        bad "mode $mode: exit $status (want 2)"
        echo "  want: $want"
        echo "  got:  $got"
        return
    fi
    ok "mode $mode"
}
expect exit "${E}the process exited with status 3 $AFTER"
expect segv "${E}the process was killed by signal 11 (Segmentation fault) $AFTER"
expect garbage "${E}malformed line $AFTER: not JSON (*); the line: hello world"
expect unknown "${E}malformed line $AFTER: unknown action 'sned' (did you mean 'send'?); the line: {\"action\": \"sned\", \"dest\": \"n1\"}"
expect types "${E}malformed line $AFTER: set_timer: 'delay_ms' must be a number; the line: {\"action\": \"set_timer\", \"id\": \"x\", \"delay_ms\": \"soon\"}"
expect extra_field "${E}malformed line $AFTER: set_timer: unknown field 'delay' (expected id, delay_ms, delay_ns); the line: {\"action\": \"set_timer\", \"id\": \"x\", \"delay\": 5}"
expect noreply_type "${E}malformed line $AFTER: send: missing field 'body'; the line: {\"action\": \"send\", \"dest\": \"n1\"}"
expect oversize "${E}a line longer than 2097152 bytes $AFTER"
expect hang "${E}no done marker within 1s $AFTER"
expect close_stdout "${E}no done marker within 1s $AFTER"
expect baddest "${E}send to 'n9', which is neither a node nor a client $AFTER"
expect bigbody "${E}message body of 2021 bytes to n1, more than 1024 (DSLAB_MSG_PAYLOAD_MAX) $AFTER"
expect badsrc "${E}sent a message with src 'n7'; this node is 'n1' $AFTER"
expect two_done "$scn: error: the run stopped at its end (t=1.000000s): node n[12] (python3 bad_node.py): output after the done marker of the previous event (18 bytes) after finish"
expect init_exit "$scn: error: the run stopped at t=0.000000s: node n1 (python3 bad_node.py): the process exited with status 4 after init"
# The typed reports (docs/PROCESS_NODES.md "Actions").
expect role_note "${E}malformed line $AFTER: annotate: tag 'role' is reserved: use the action report_role (checkers and the visualiser read only the typed report); the line: {\"action\": \"annotate\", \"tag\": \"role\", \"value\": 1, \"text\": \"l..."
expect bad_role "${E}malformed line $AFTER: report_role: unknown role 'king' (expected follower, candidate, leader, primary, backup, coordinator, participant or other); the line: {\"action\": \"report_role\", \"role\": \"king\", \"term\": 1}"
expect final_early "${E}report_final_state outside the finish event (final values are reported in answer to {\"type\":\"finish\"}) $AFTER"
F="$scn: error: the run stopped at its end (t=1.000000s): node n1 (python3 bad_node.py): "
expect final_short "${F}report_final_state announced keys_count 2, then 1 report_final_value before done after finish"
expect final_twice "${F}report_final_value for key 1 twice after finish"
expect final_extra "${F}report_final_value (key 1) past the 0 keys_count of report_final_state after finish"
expect final_second "${F}a second report_final_state in one finish event after finish"
expect final_unannounced "${F}report_final_value (key 1) before report_final_state after finish"

# The hang is bounded by the timeout, not by the node: well under 5 s.
start=$(date +%s)
"$dslab" run "$scn" --set protocol.mode=hang >/dev/null 2>&1
[ $(( $(date +%s) - start )) -lt 5 ] && ok "the hang is bounded by process_timeout" || bad "hang took $(( $(date +%s) - start ))s"

# stderr: prefixed on dslab's stderr, absent from stdout.
"$dslab" run "$scn" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 0 ] && grep -qx '\[n1\] hello from stderr' "$tmp/err" &&
   grep -qx '\[n2\] hello from stderr' "$tmp/err" && ! grep -q hello "$tmp/out"; then ok "stderr pass-through"
else bad "stderr pass-through (exit $status)"; cat "$tmp/err"; fi

# A process that started a helper (sleep) and hangs: both are gone after
# the error; the process group is killed, nothing is left running.
marker="$$.$RANDOM"
sed "s/\"sleep\", \"300\"/\"sleep\", \"300.$marker\"/" tests/e2e/process/bad_node.py >"$tmp/bad_node.py"
cp "$scn" "$tmp/bad_node.yaml"
"$dslab" run "$tmp/bad_node.yaml" --set protocol.mode=grandchild >/dev/null 2>&1
status=$?
left() { pgrep -f "sleep 300.$marker" >/dev/null || pgrep -f "$tmp/bad_node.py" >/dev/null; }
for _ in $(seq 50); do left || break; sleep 0.1; done # killed: gone within 5 s even on a loaded machine
if [ "$status" = 2 ] && ! left; then ok "a hanging node and its helper are both killed"
else bad "grandchild: exit $status, left: $(pgrep -af "300.$marker|$tmp" | head -3)"; pkill -f "sleep 300.$marker"; fi

# Start-up errors.
"$dslab" run "$scn" --set "protocol.process=no-such-program-dslab x" >/dev/null 2>"$tmp/err"
status=$?
want="$scn: error: the run stopped at t=0.000000s: node n1 (no-such-program-dslab x): program 'no-such-program-dslab' not found on PATH"
[ "$status" = 2 ] && [ "$(tail -n 1 "$tmp/err")" = "$want" ] && ok "program not found" || { bad "not found: $status"; cat "$tmp/err"; }
"$dslab" run "$scn" --set "protocol.process=./bad_node.yaml" >/dev/null 2>"$tmp/err"
status=$?
want="$scn: error: the run stopped at t=0.000000s: node n1 (./bad_node.yaml): cannot start './bad_node.yaml' in $(pwd)/tests/e2e/process: Permission denied"
[ "$status" = 2 ] && [ "$(tail -n 1 "$tmp/err")" = "$want" ] && ok "program not executable" || { bad "not executable: $status"; cat "$tmp/err"; }
# The timeout's range.
"$dslab" run "$scn" --set protocol.process_timeout=11m >/dev/null 2>"$tmp/err"
status=$?
[ "$status" = 2 ] && grep -q "process_timeout': must be 10ms..10m" "$tmp/err" && ok "process_timeout's range" || bad "timeout range: $status"

e2e_finish process_errors

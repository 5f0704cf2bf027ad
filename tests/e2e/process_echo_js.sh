#!/usr/bin/env bash
# process_echo_js.sh DSLAB ROOT: the JavaScript echo node
# (clients/js/examples/echo.yaml: crash + restart, durable store) passes
# linearizable and no-lost-acknowledged-writes (from its typed final
# values, reportFinal), and two runs give the same trace; the Raft
# skeleton's typed role reports (reportRole) give one-leader-per-term
# leaders to count. SKIPPED (77) without node (Node.js).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need node "node (Node.js) not found"
scn=clients/js/examples/echo.yaml
"$dslab" run "$scn" --trace "$tmp/a.jsonl" >"$tmp/out" 2>&1
status=$?
if [ "$status" = 0 ] && grep -Eq '^  linearizable +PASS' "$tmp/out" &&
   grep -Eq '^  no-lost-acknowledged-writes +PASS +0 lost of [1-9][0-9]* acknowledged writes \(final state of n1 n2 n3' "$tmp/out"; then
    ok "js echo: linearizable, no lost writes across the restart"
else bad "js echo: exit $status"; cat "$tmp/out"; fi
"$dslab" run "$scn" --trace "$tmp/b.jsonl" >/dev/null 2>&1
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" && ok "two runs, one trace" || bad "two runs, two traces"
# The Raft skeleton: elections work, one leader per term, through a
# partition and a crash; leaders are counted from its typed role reports.
"$dslab" run clients/js/examples/raft.yaml --trace "$tmp/raft.jsonl" >"$tmp/out" 2>&1
status=$?
[ "$status" = 0 ] && grep -Eq '^  one-leader-per-term +PASS +[1-9][0-9]* terms? had a leader' "$tmp/out" &&
    grep -q 'role       n[1-5] becomes leader (term/epoch [1-9]' "$tmp/out" && ok "js raft: leaders elected" ||
    { bad "js raft: exit $status"; cat "$tmp/out"; }
grep -q '"tag":"term","text":"term [1-9]' "$tmp/raft.jsonl" && ok "js raft: typed term reports in the trace" ||
    bad "js raft: no term report in the trace"

e2e_finish process_echo_js

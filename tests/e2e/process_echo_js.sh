#!/usr/bin/env bash
# process_echo_js.sh: the JavaScript echo node (clients/js/examples/echo.yaml:
# crash + restart, durable store) passes linearizable and
# no-lost-acknowledged-writes, and two runs give the same trace; the
# Raft skeleton elects one leader per term. SKIP (77) without node.
# Usage: bash process_echo_js.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need node "node (Node.js) not found"
scn=clients/js/examples/echo.yaml
"$dslab" run "$scn" --trace "$tmp/a.jsonl" >"$tmp/out" 2>&1
status=$?
if [ "$status" = 0 ] && grep -Eq '^  linearizable +PASS' "$tmp/out" &&
   grep -Eq '^  no-lost-acknowledged-writes +PASS' "$tmp/out"; then ok
else bad "js echo: exit $status"; cat "$tmp/out"; fi
"$dslab" run "$scn" --trace "$tmp/b.jsonl" >/dev/null 2>&1
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" && ok || bad "two runs, two traces"
# The Raft skeleton: elections work, one leader per term, through a
# partition and a crash.
"$dslab" run clients/js/examples/raft.yaml >"$tmp/out" 2>&1
status=$?
[ "$status" = 0 ] && grep -Eq '^  one-leader-per-term +PASS +[1-9][0-9]* terms? had a leader' "$tmp/out" && ok ||
    { bad "js raft: exit $status"; cat "$tmp/out"; }

e2e_finish process_echo_js

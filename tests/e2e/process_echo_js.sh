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
expect_echo_node "js echo" "$scn"
# The Raft skeleton: elections work, one leader per term, through a
# partition and a crash.
expect_raft_skeleton "js raft" clients/js/examples/raft.yaml

e2e_finish process_echo_js

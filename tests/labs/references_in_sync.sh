#!/bin/sh
# references_in_sync.sh ROOT: the labs' generated references
# (tests/labs/raft/raft.c, tests/labs/lock/lock.c) are what their
# generators make from today's built-in protocols. They drifted once (the
# built-in Raft moved to the shared replication log and typed reports
# while the reference kept the old code, and stopped electing a leader
# under the new checkers): a change to sim/protocols/raft*, repl_*,
# kv_map*, proto_util* or lease_lock.c must regenerate them.
# Exit 0 in sync, 1 not (with the diff's head), 77 without python3.
set -u
root=$1
command -v python3 >/dev/null 2>&1 || { echo "SKIPPED: no python3 for the generators"; exit 77; }
cd "$root" || exit 2
dir=$(mktemp -d) || exit 2
trap 'rm -rf "$dir"' EXIT
fails=0
for ref in raft/raft.c lock/lock.c; do
    gen=tests/labs/$(dirname "$ref")/make_reference.py
    if ! python3 "$gen" "$dir/out.c"; then
        echo "FAIL: $gen failed"; fails=$((fails + 1)); continue
    fi
    if cmp -s "$dir/out.c" "tests/labs/$ref"; then
        echo "ok: tests/labs/$ref is what $gen makes"
    else
        echo "FAIL: tests/labs/$ref differs from what $gen makes now (run it from the source root):"
        diff -u "tests/labs/$ref" "$dir/out.c" | head -n 40
        fails=$((fails + 1))
    fi
done
[ $fails -eq 0 ]

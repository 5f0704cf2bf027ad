#!/usr/bin/env bash
# bad_cli.sh: every bad command line in tests/bad/cli/ must make dslab exit
# 2 with exactly the first stderr line in its .expected file. NAME.args
# holds the arguments, one per line (so an argument may contain spaces);
# the test runs from the source root, so paths in them are relative to it.
# Usage: bash bad_cli.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

count=0
# A named pipe with no writer: opening it must not hang (the *-fifo cases).
# It lives in a directory of this run's own, so two runs at once (the
# Release and sanitizer builds, two checkouts) never share it; @FIFO@ in
# an .args or .expected file stands for its path.
fifodir=$(mktemp -d /tmp/dslab-bad-cli-fifo-XXXXXX)
fifo=$fifodir/fifo
mkfifo "$fifo"
e2e_cleanup "$fifodir"

for argsfile in tests/bad/cli/*.args; do
    name=${argsfile%.args}
    count=$((count + 1))
    if [ ! -f "$name.expected" ]; then
        echo "FAIL $argsfile: no $name.expected"
        fail=$((fail + 1))
        continue
    fi
    mapfile -t args <"$argsfile"
    args=("${args[@]//@FIFO@/$fifo}")
    want=$(head -n 1 "$name.expected")
    want=${want//@FIFO@/$fifo}
    run_first_err timeout 60 "$dslab" "${args[@]}" </dev/null
    expect_exit_line "$argsfile: dslab ${args[*]}" 2 "$want" "$status" "$got"
done

# Unreadable files (only meaningful when not root: root reads anything).
if [ "$(id -u)" -ne 0 ]; then
    unreadable=$(mktemp /tmp/dslab-bad-cli-XXXXXX.yaml)
    chmod 000 "$unreadable"
    for cmd in lint "check-history --model kv"; do
        # shellcheck disable=SC2086
        got=$("$dslab" $cmd "$unreadable" 2>&1 >/dev/null | head -n 1)
        "$dslab" $cmd "$unreadable" >/dev/null 2>&1
        status=$?
        case $got in
            "$unreadable: error: cannot open"*"Permission denied") ok=1 ;;
            *) ok=0 ;;
        esac
        if [ "$status" -eq 2 ] && [ "$ok" -eq 1 ]; then pass=$((pass + 1)); else
            fail=$((fail + 1)); echo "FAIL unreadable file ($cmd): exit $status: $got"; fi
    done
    rm -f "$unreadable"
fi

if [ "$count" -lt 25 ]; then
    echo "FAIL only $count bad command lines (expected at least 25)"
    fail=$((fail + 1))
fi

e2e_finish

#!/usr/bin/env bash
# valgrind_default.sh: the default scenario (the one `make run` shows) runs
# valgrind-clean end to end: no invalid read or write, no use of an
# uninitialised value, no leak (definite, indirect or possible), with a
# trace written, the JSON summary printed and the scenario linted. The
# scenario fails a check by design (exit 1); valgrind's own verdict is exit
# 99. Skipped (exit 77, ctest says SKIPPED) when valgrind is missing or dslab is built with
# AddressSanitizer (the two do not mix); `make test` runs it on the
# Release build.
# Usage: bash valgrind_default.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

scenario="$root/scenarios/intro/leader-loses-majority.yaml"
e2e_need valgrind "valgrind is not installed (scripts/setup-deps.sh installs it)"
if grep -q __asan_init "$dslab" 2>/dev/null; then
    echo "SKIPPED: $dslab is built with AddressSanitizer (valgrind cannot run it)"
    exit 77
fi
vg() { # name expected_status args...
    local name=$1 want=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
        --log-file="$tmp/$name.vg" "$dslab" "$@" >"$tmp/$name.out" 2>&1
    local status=$?
    if [ "$status" -eq "$want" ] && [ ! -s "$tmp/$name.vg" ]; then
        ok "$name (exit $status, valgrind clean)"
    else
        bad "$name: exit $status (want $want)"
        head -n 40 "$tmp/$name.vg" "$tmp/$name.out"
    fi
}
vg run 1 run "$scenario" --trace "$tmp/trace.jsonl"
vg json 1 run "$scenario" --json --quiet
vg lint 0 lint "$scenario"
vg bad-input 2 lint "$root/tests/bad/scenario/billion-laughs.yaml"
[ -s "$tmp/trace.jsonl" ] && ok "trace written" || bad "no trace written"
e2e_finish

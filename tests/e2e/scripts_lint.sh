#!/usr/bin/env bash
# scripts_lint.sh DSLAB ROOT: shell rules that keep tests from failing only
# on a loaded machine. Under `set -o pipefail`, `producer | grep -q PATTERN`
# is flaky: grep exits at the first match, the producer's next write gets
# SIGPIPE, and the pipeline reports 141, a false "not found". It happens
# when the scheduler lets grep run before the producer has written
# everything (e2e.quorum_lock_scenarios failed this way under two busy
# loops; 1 in 1000 even unloaded). Use `grep -q PATTERN <<<"$text"`, or
# `producer | grep PATTERN >/dev/null` (grep then reads to the end).
# Also checks that no test script passes by skipping: a skip exits 77,
# and that every test script sources tests/e2e/lib/common.sh.
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

found=0
for f in tests/e2e/*.sh tests/fuzz/*.sh scripts/*.sh bench/*.sh; do
    grep -q "pipefail" "$f" || continue
    while IFS= read -r hit; do
        bad "$f:$hit: a pipe into 'grep -q' under pipefail (use grep -q ... <<<\"\$text\")"
        found=1
    done < <(grep -n '| *grep -[a-zA-Z]*q' "$f" | grep -v '^[0-9]*: *#' | cut -d: -f1)
done
[ "$found" = 0 ] && ok "no script pipes into 'grep -q' under pipefail"
found=0
while IFS= read -r hit; do
    bad "$hit: a skip must exit 77 (ctest SKIP_RETURN_CODE), not 0"
    found=1
done < <(awk 'FILENAME !~ /scripts_lint/ && (tolower($0) ~ /skip.*exit 0/ ||
                (/^[[:space:]]*exit 0[[:space:]]*$/ && tolower(prev) ~ /echo.*skip/ && prev !~ /exit 77/)) {
               print FILENAME ":" FNR } { prev = $0 }' tests/e2e/*.sh)
[ "$found" = 0 ] && ok "every skip in tests/e2e exits 77"
# Every test script starts from the shared preamble (tests/e2e/lib/common.sh):
# one place for the arguments, the temporary directory, the counters and
# the exit codes (1 on a failure, 77 on a skip).
found=0
for f in tests/e2e/*.sh; do
    grep -q '^\. "\$(dirname "\$0")/lib/common.sh" "\$@"$' "$f" && continue
    bad "$f does not source lib/common.sh"
    found=1
done
[ "$found" = 0 ] && ok "every tests/e2e script sources lib/common.sh"
e2e_finish

#!/usr/bin/env bash
# messages.sh: errors and verdicts name the real cause.
#   - check-history stopped by memory (here: `ulimit -v`, so an allocation
#     fails long before --budget 100000000) says "search memory exhausted"
#     and that a larger --budget will not help; stopped by the budget it
#     says "raise --budget"; --json gives "unknown_reason". (Before: always
#     "raise --budget".)
#   - a nested mix(...) in a latency says nesting is not allowed (before:
#     "unknown latency distribution 'mix' (did you mean 'mix'?)"); that
#     case is also tests/bad/scenario/nested-mix.yaml.
#   - a YAML file with two documents or too little memory names no wrong
#     kind of file (before: "a scenario file holds one" for an answers
#     file); also tests/bad/answers/two-documents.yaml.
# Usage: bash messages.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

# 22 concurrent writes, then a read of a value never written: deciding it
# needs 2^22 search states.
python3 - "$tmp/hard.log" <<'PY'
import sys
n = 22
lines = [f"INFO  jepsen.util - {p}\t:invoke\t:write\t{p + 1}" for p in range(n)]
lines += [f"INFO  jepsen.util - {p}\t:ok\t:write\t{p + 1}" for p in range(n)]
lines += [f"INFO  jepsen.util - {n}\t:invoke\t:read\tnil", f"INFO  jepsen.util - {n}\t:ok\t:read\t999"]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
"$dslab" check-history "$tmp/hard.log" --model register --budget 1000 >"$tmp/out" 2>&1
status=$?
if [ "$status" -eq 3 ] && grep -q "search budget exhausted.*raise --budget" "$tmp/out"; then
    ok "check-history stopped by --budget: exit 3, says raise --budget"
else
    bad "check-history --budget 1000: exit $status, $(tail -n 1 "$tmp/out")"
fi
if nm -D "$dslab" 2>/dev/null | grep -q __asan_init || nm "$dslab" 2>/dev/null | grep -q __asan_init; then
    echo "SKIPPED: check-history out of memory (ulimit -v does not work under a sanitizer)"
else
    (ulimit -v 150000; exec timeout 120 "$dslab" check-history "$tmp/hard.log" --model register \
        --budget 100000000) >"$tmp/out" 2>&1
    status=$?
    (ulimit -v 150000; exec timeout 120 "$dslab" check-history "$tmp/hard.log" --model register \
        --budget 100000000 --json) >"$tmp/json" 2>&1
    if [ "$status" -eq 3 ] && grep -q "search memory exhausted.*will not help" "$tmp/out" &&
        ! grep -q "raise --budget" "$tmp/out" && grep -q '"unknown_reason":"memory"' "$tmp/json"; then
        ok "check-history stopped by memory: exit 3, $(tail -n 1 "$tmp/out" | cut -c1-100)..."
    else
        bad "check-history out of memory: exit $status, $(tail -n 1 "$tmp/out")"
    fi
fi

printf 'name: t\nduration: 1s\nnodes: 3\nnetwork: { latency: "mix(0.5 constant(1ms), 0.5 mix(0.5 constant(2ms), 0.5 constant(3ms)))" }\nprotocol: gossip-pingpong\n' >"$tmp/mix.yaml"
"$dslab" lint "$tmp/mix.yaml" >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "a mix cannot contain another mix" "$tmp/err" && ! grep -q "did you mean" "$tmp/err"; then
    ok "nested mix: $(sed "s|$tmp/||" "$tmp/err")"
else
    bad "nested mix: exit $status, $(head -n 1 "$tmp/err")"
fi

printf 'exercise: primary-backup-split-brain\n---\nexercise: x\n' >"$tmp/answers.yaml"
"$dslab" grade primary-backup-split-brain "$tmp/answers.yaml" --no-progress >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "a second YAML document" "$tmp/err" && ! grep -q scenario "$tmp/err"; then
    ok "answers file with two documents: $(sed "s|$tmp/||" "$tmp/err")"
else
    bad "answers file with two documents: exit $status, $(head -n 1 "$tmp/err")"
fi

e2e_finish

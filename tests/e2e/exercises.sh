#!/usr/bin/env bash
# exercises.sh: every exercise of the curriculum, graded end to end.
#   - `dslab reveal ID --answers` grades as a full pass (exit 0, full score);
#   - each tests/exercises/ID/wrong-*.yaml and game-*.yaml (gaming
#     attempts) fails (exit 1) with its specific feedback (every "# expect:"
#     line), which covers the known misconceptions, the fix questions
#     rejecting the unfixed scenario and degenerate fixes, and none of its
#     "# expect-not: TEXT" lines (e.g. "# expect-not: Right:", a gamed
#     answer that must earn no credit anywhere); a "dslab viz FILE" in the
#     feedback names a counterexample that exists and lints;
#   - each tests/exercises/ID/right-*.yaml (right answers in other words)
#     passes every question its "# pass:" line lists;
#   Answers files are graded from a copy in a temporary directory, so
#   counterexamples are written there.
#   - an empty answers file is a fail, not an error;
#   - tests/bad/answers/*.yaml are malformed: exit 2 and the first stderr
#     line equals the .expected file (grade them as "# grade-as: ID").
# usage: bash exercises.sh DSLAB ROOT
#   EXERCISES_ONLY="id1 id2" grades only those exercises (and the bad answers).
#   A self-test first checks that expect_lines still rejects an output that
#   contains an "# expect-not:" text (or lacks an "# expect:" one), so the
#   script cannot silently stop enforcing either line.
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

# expect_lines FILE OUT: 0 when OUT has every "# expect: TEXT" line of FILE
# and none of its "# expect-not: TEXT" lines; prints what is wrong.
expect_lines() {
    local e r=0
    while IFS= read -r e; do
        grep -qF -- "$e" <<< "$2" || { r=1; echo "  missing: $e"; }
    done < <(sed -n 's/^# expect: //p' "$1")
    while IFS= read -r e; do
        ! grep -qF -- "$e" <<< "$2" || { r=1; echo "  unwanted: $e"; }
    done < <(sed -n 's/^# expect-not: //p' "$1")
    return $r
}
printf '# expect: Wrong\n# expect-not: Right:\n' > "$tmp/self.yaml"
if expect_lines "$tmp/self.yaml" $'Wrong\n  Right: split brain' > /dev/null; then
    bad "self-test: an output with an '# expect-not:' text was accepted"
else ok "self-test: an '# expect-not:' text in the output is a failure"; fi
if expect_lines "$tmp/self.yaml" $'Right: split brain' > /dev/null; then
    bad "self-test: an output without an '# expect:' text was accepted"
else ok "self-test: a missing '# expect:' text is a failure"; fi
expect_lines "$tmp/self.yaml" $'Wrong: no' > /dev/null && ok "self-test: a matching output passes" ||
    bad "self-test: an output matching every line was rejected"
e2e_quiet=1

ids=$("$dslab" exercises --json | python3 -c 'import json,sys; print("\n".join(e["id"] for e in json.load(sys.stdin)))')
[ -n "$ids" ] || bad "no exercises listed"
count=$(echo "$ids" | wc -l)
[ "$count" -ge 15 ] && ok || bad "only $count exercises (want >= 15)"
[ -n "${EXERCISES_ONLY:-}" ] && ids=$EXERCISES_ONLY

for id in $ids; do
    "$dslab" reveal "$id" --answers > "$tmp/$id.model.yaml" || { bad "$id: reveal --answers failed"; continue; }
    out=$("$dslab" grade "$id" "$tmp/$id.model.yaml" --no-progress)
    rc=$?
    score=$(echo "$out" | sed -n 's/^score \([^ ]*\) .*/\1/p')
    if [ $rc -eq 0 ] && [ "${score%/*}" = "${score#*/}" ]; then ok; else bad "$id: model answers: exit $rc, score $score"; echo "$out"; fi
    printf 'exercise: %s\nanswers:\n' "$id" > "$tmp/$id.empty.yaml"
    "$dslab" grade "$id" "$tmp/$id.empty.yaml" --no-progress > /dev/null
    rc=$?
    [ $rc -eq 1 ] && ok || bad "$id: an empty answers file exits $rc (want 1)"
    n=0
    for f in tests/exercises/$id/wrong-*.yaml tests/exercises/$id/game-*.yaml; do
        [ -e "$f" ] || continue
        case $f in */wrong-*) n=$((n + 1)) ;; esac
        cp "$f" "$tmp/$(basename "$f")"
        out=$("$dslab" grade "$id" "$tmp/$(basename "$f")" --no-progress 2>&1)
        rc=$?
        good=1
        [ $rc -eq 1 ] || good=0
        expect_lines "$f" "$out" || good=0
        viz=$(grep -o 'dslab viz [^ ]*' <<< "$out" | head -n 1 | cut -d' ' -f3)
        if [ -n "$viz" ]; then
            "$dslab" lint "$viz" > /dev/null 2>&1 || { good=0; echo "  counterexample $viz does not lint"; }
        fi
        if [ $good -eq 1 ]; then ok; else bad "$f: exit $rc"; echo "$out" | head -20; fi
    done
    for f in tests/exercises/$id/right-*.yaml; do
        [ -e "$f" ] || continue
        cp "$f" "$tmp/$(basename "$f")"
        out=$("$dslab" grade "$id" "$tmp/$(basename "$f")" --no-progress 2>&1)
        rc=$?
        good=1
        [ $rc -le 1 ] || good=0
        for q in $(sed -n 's/^# pass: //p' "$f"); do
            grep -qE "^  PASS +$q \(" <<< "$out" || { good=0; echo "  $q did not pass"; }
        done
        if [ $good -eq 1 ]; then ok; else bad "$f: exit $rc"; echo "$out" | head -20; fi
    done
    [ $n -ge 2 ] && ok || bad "$id: $n wrong answers tested (want >= 2)"
done

for f in tests/bad/answers/*.yaml; do
    [ -e "$f" ] || continue
    id=$(sed -n 's/^# grade-as: //p' "$f")
    want=$(head -n 1 "${f%.yaml}.expected")
    got=$("$dslab" grade "$id" "$f" --no-progress 2>&1 >/dev/null | head -n 1)
    "$dslab" grade "$id" "$f" --no-progress > /dev/null 2>&1
    rc=$?
    if [ $rc -eq 2 ] && [ "$got" = "$want" ]; then ok; else bad "$f: exit $rc, stderr '$got', want '$want'"; fi
done

e2e_finish

#!/usr/bin/env bash
# exercises.sh: every exercise of the curriculum, graded end to end.
#   - `dslab reveal ID --answers` grades as a full pass (exit 0, full score);
#   - each tests/exercises/ID/wrong-*.yaml fails (exit 1) with its specific
#     feedback (its "# expect:" line), which covers the known misconceptions
#     and the fix questions rejecting the unfixed scenario;
#   - an empty answers file is a fail, not an error;
#   - tests/bad/answers/*.yaml are malformed: exit 2 and the first stderr
#     line equals the .expected file (grade them as "# grade-as: ID").
# usage: bash exercises.sh DSLAB ROOT
set -u
DSLAB=$1
ROOT=$2
export DSLAB_ROOT=$ROOT
export XDG_DATA_HOME=$(mktemp -d)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$XDG_DATA_HOME"' EXIT
cd "$ROOT"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ids=$("$DSLAB" exercises --json | python3 -c 'import json,sys; print("\n".join(e["id"] for e in json.load(sys.stdin)))')
[ -n "$ids" ] || bad "no exercises listed"
count=$(echo "$ids" | wc -l)
[ "$count" -ge 15 ] && ok || bad "only $count exercises (want >= 15)"

for id in $ids; do
    "$DSLAB" reveal "$id" --answers > "$TMP/$id.model.yaml" || { bad "$id: reveal --answers failed"; continue; }
    out=$("$DSLAB" grade "$id" "$TMP/$id.model.yaml" --no-progress)
    rc=$?
    score=$(echo "$out" | sed -n 's/^score \([^ ]*\) .*/\1/p')
    if [ $rc -eq 0 ] && [ "${score%/*}" = "${score#*/}" ]; then ok; else bad "$id: model answers: exit $rc, score $score"; echo "$out"; fi
    printf 'exercise: %s\nanswers:\n' "$id" > "$TMP/$id.empty.yaml"
    "$DSLAB" grade "$id" "$TMP/$id.empty.yaml" --no-progress > /dev/null
    rc=$?
    [ $rc -eq 1 ] && ok || bad "$id: an empty answers file exits $rc (want 1)"
    n=0
    for f in tests/exercises/$id/wrong-*.yaml; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        expect=$(sed -n 's/^# expect: //p' "$f")
        out=$("$DSLAB" grade "$id" "$f" --no-progress 2>&1)
        rc=$?
        if [ $rc -eq 1 ] && grep -qF -- "$expect" <<< "$out"; then ok; else bad "$f: exit $rc, expected feedback '$expect'"; echo "$out" | head -20; fi
    done
    [ $n -ge 2 ] && ok || bad "$id: $n wrong answers tested (want >= 2)"
done

for f in tests/bad/answers/*.yaml; do
    [ -e "$f" ] || continue
    id=$(sed -n 's/^# grade-as: //p' "$f")
    want=$(head -n 1 "${f%.yaml}.expected")
    got=$("$DSLAB" grade "$id" "$f" --no-progress 2>&1 >/dev/null | head -n 1)
    "$DSLAB" grade "$id" "$f" --no-progress > /dev/null 2>&1
    rc=$?
    if [ $rc -eq 2 ] && [ "$got" = "$want" ]; then ok; else bad "$f: exit $rc, stderr '$got', want '$want'"; fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

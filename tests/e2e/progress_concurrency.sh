#!/usr/bin/env bash
# progress_concurrency.sh: 20 (or one per exercise) `dslab grade` at once on one profile lose no
# record (the progress file's read-modify-write is done under a flock on
# progress.yaml.lock), a version 1 progress file is migrated, and a lock
# held by someone else is waited for, not ignored.
# usage: bash progress_concurrency.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

ids=$("$dslab" exercises --json | python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)))')
read -r -a list <<< "$ids"
n=${#list[@]}
check "exercises listed" '[ "$n" -ge 10 ]'
# g graders: every exercise once (the first ones twice while there are
# fewer than 20). Empty answers grade fast (a fail, still an attempt), so
# the writes overlap.
g=$(( n > 20 ? n : 20 ))
for i in $(seq 0 $((g - 1))); do
    id=${list[$((i % n))]}
    printf 'exercise: %s\nanswers:\n' "$id" > "$tmp/$i.yaml"
done
P="$XDG_DATA_HOME/dslab/class/progress.yaml"
for round in 1 2 3; do
    rm -f "$P"
    pids=()
    for i in $(seq 0 $((g - 1))); do
        "$dslab" grade "${list[$((i % n))]}" "$tmp/$i.yaml" --profile class > /dev/null 2> "$tmp/err.$i" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    total=$(python3 - "$P" <<'PY'
import re, sys
print(sum(int(m) for m in re.findall(r"attempts: (\d+), best", open(sys.argv[1]).read())))
PY
)
    present=$(grep -c '^  - { id: ' "$P")
    check "round $round: $g attempts recorded (got $total)" '[ "$total" = "$g" ]'
    check "round $round: every exercise present (got $present of $n)" '[ "$present" = "$n" ]'
    check "round $round: no errors" '! grep -q . "$tmp"/err.*'
done
check "no temporary file left" '[ -z "$(ls "$XDG_DATA_HOME/dslab/class" | grep tmp)" ]'

# A version 1 file (no version:, mastery as { term, count }) loads and is
# rewritten as version 2, its mastery kept.
mkdir -p "$XDG_DATA_HOME/dslab/old"
printf '# dslab progress\nexercises:\n  - { id: %s, attempts: 2, best: 1000, max: 6000, passed: false }\nmastery:\n  - { term: split-brain, count: 1 }\n' \
    "${list[0]}" > "$XDG_DATA_HOME/dslab/old/progress.yaml"
out=$("$dslab" exercises --profile old)
check "version 1 file: mastery shown" 'grep -q "+split-brain" <<< "$out"'
"$dslab" grade "${list[0]}" "$tmp/0.yaml" --profile old > /dev/null
check "version 1 file: rewritten as version 2, attempts kept" 'grep -q "^version: 2" "$XDG_DATA_HOME/dslab/old/progress.yaml" && grep -q "attempts: 3" "$XDG_DATA_HOME/dslab/old/progress.yaml" && grep -q "term: \"split-brain\", right: 1, mastered: 1, after: 0" "$XDG_DATA_HOME/dslab/old/progress.yaml"'

# Hostile progress content: quotes, backslashes, newlines and tabs in kept
# answers survive a rewrite (other control characters are refused by the
# YAML reader, as in every input); an over-long name is a clear error.
mkdir -p "$XDG_DATA_HOME/dslab/odd"
printf 'version: 2\nexercises:\nquestions:\n  - { exercise: "%s", question: "q", attempts: 1, right_at: 0, answers: ["a\\"b\\\\c\\t[2J\\nd"] }\nmastery:\n' \
    "${list[0]}" > "$XDG_DATA_HOME/dslab/odd/progress.yaml"
"$dslab" grade "${list[0]}" "$tmp/0.yaml" --profile odd > /dev/null 2> "$tmp/odd.err"
check "odd answers survive a rewrite" '! grep -q . "$tmp/odd.err" && python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert d[\"questions\"][0][\"answers\"]==[\"a\\\"b\\\\c\\t[2J\\nd\"], d" "$XDG_DATA_HOME/dslab/odd/progress.yaml"'
mkdir -p "$XDG_DATA_HOME/dslab/longname"
printf 'version: 2\nmastery:\n  - { term: %s, right: 1, mastered: 1, after: 1 }\n' "$(head -c 100 /dev/zero | tr '\0' t)" > "$XDG_DATA_HOME/dslab/longname/progress.yaml"
err=$("$dslab" exercises --profile longname 2>&1 >/dev/null); rc=$?
check "an over-long term in progress: exit 2, positioned" '[ $rc -eq 2 ] && grep -q "progress.yaml:3:.*longer than 63 bytes" <<< "$err"'

# A lock held elsewhere is waited for.
if command -v flock > /dev/null; then
    mkdir -p "$XDG_DATA_HOME/dslab/held"
    flock "$XDG_DATA_HOME/dslab/held/progress.yaml.lock" sleep 1.5 &
    holder=$!
    # until the holder has the lock (a fixed sleep raced a loaded machine)
    for _ in $(seq 100); do
        flock -n "$XDG_DATA_HOME/dslab/held/progress.yaml.lock" true 2>/dev/null || break
        sleep 0.02
    done
    start=$(date +%s%N)
    "$dslab" grade "${list[0]}" "$tmp/0.yaml" --profile held > /dev/null
    end=$(date +%s%N)
    wait "$holder"
    check "a held lock is waited for (waited $(( (end - start) / 1000000 )) ms)" '[ $(( (end - start) / 1000000 )) -ge 800 ] && grep -q "attempts: 1" "$XDG_DATA_HOME/dslab/held/progress.yaml"'
else
    echo "(flock(1) not installed: the held-lock case is not run)"
fi

e2e_finish

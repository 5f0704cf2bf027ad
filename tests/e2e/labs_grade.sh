#!/usr/bin/env bash
# labs_grade.sh: the labs through the dslab command, with learner code
# compiled by the plugin loader (exercises/labs/, docs/EXERCISE_FORMAT.md "Labs"):
#   - `dslab lint` accepts every lab: its battery loads and its reference
#     (tests/labs/) passes every test;
#   - `dslab grade labs/echo --node REFERENCE.c` passes (exit 0), and so does
#     a lab given by its directory;
#   - no lab's untouched C skeleton scores a point (liveness is judged);
#   - the untouched skeleton fails (exit 1) with a counterexample saved in
#     --out-dir, named on a "Watch it: dslab viz" line, that loads
#     (`dslab lint` on it), and with points per test;
#   - progress.yaml records the lab ("labs/echo": attempts, best, passed;
#     per test the code's hash and verdict);
#   - class-report grades lab submissions (lab, learner, node) into a
#     learner-by-test table, escapes names, lists a bad submission;
#   - a broken variant (tests/labs/mutants/) fails with its counterexample,
#     and the same verdict twice (determinism);
#   - bad input is exit 2 with a clear message: no such lab, no node file,
#     a node that does not compile, a --test the lab lacks, --seeds-scale
#     out of range, --node with an answers file; malformed lab.yaml files
#     (unknown key, kind, no tests, seeds out of range, a missing or
#     absolute scenario, a duplicate or badly spelled test id, an empty
#     file, a missing skeleton) at file:line:col.
# (tests/labs/labs.cmake grades every reference and variant, linked in.)
# Usage: bash labs_grade.sh /path/to/dslab /path/to/source-root
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need cc "no C compiler (cc) for learner code"
export DSLAB_CACHE_DIR="$tmp/cache" DSLAB_ROOT="$root" XDG_DATA_HOME="$tmp/xdg"
cd "$tmp" || exit 1
e2e_quiet=1
fail() { bad "$@"; }

# lint: every lab; a lab naming a committed reference has it graded (the
# Raft and lock labs' references are generated at build time, not named in
# lab.yaml: lab.ref.* grades them, tests/labs/labs.cmake)
for lab in "$root"/exercises/labs/*/; do
    out=$("$dslab" lint "$lab" 2>&1) || fail "lint $lab: $out"
    if grep -q '^reference:' "$lab/lab.yaml"; then want="the reference passes all"; else want="no reference to grade"; fi
    case $out in *"$want"*) ;; *) fail "lint $lab said: $out (wanted: $want)" ;; esac
done

# the reference passes, by id and by directory
"$dslab" grade labs/echo --node "$root/tests/labs/echo/echo.c" >ref.txt 2>&1 || fail "reference echo: $(cat ref.txt)"
grep -q '^score: 3/3 points, passed$' ref.txt || fail "reference score: $(cat ref.txt)"
"$dslab" grade "$root/exercises/labs/broadcast" --node "$root/tests/labs/broadcast/broadcast.c" >ref2.txt 2>&1 ||
    fail "reference broadcast by directory: $(cat ref2.txt)"

# no lab passes its untouched C skeleton (a node that answers nothing is
# safe: every battery judges liveness too)
for lab in "$root"/exercises/labs/*/; do
    id=$(basename "$lab")
    sk=$(sed -n 's/^skeletons: \[\([^],]*\.c\)[],].*/\1/p' "$lab/lab.yaml" | head -n 1)
    [ -n "$sk" ] || { fail "labs/$id names no C skeleton"; continue; }
    "$dslab" grade "labs/$id" --no-progress --node "$lab/$sk" --out-dir "$tmp" >"skel-$id.txt" 2>&1
    rc=$?
    [ $rc -eq 1 ] && grep -q '^score: 0/' "skel-$id.txt" && ok "labs/$id: the skeleton scores 0" ||
        fail "labs/$id: the untouched skeleton: exit $rc, $(grep '^score' "skel-$id.txt")"
done

# the skeleton fails with counterexamples
cp "$root/exercises/labs/echo/skeleton/echo.c" my_echo.c
mkdir -p out
"$dslab" grade labs/echo --node my_echo.c --out-dir out >skel.txt 2>&1
rc=$?
[ $rc -eq 1 ] || fail "skeleton: exit $rc, want 1: $(cat skel.txt)"
grep -q '^FAIL echo (1 point' skel.txt || fail "skeleton: no FAIL line for echo: $(cat skel.txt)"
grep -q '^score: 0/3 points$' skel.txt || fail "skeleton: score line: $(cat skel.txt)"
f=$(sed -n 's/^  Watch it: dslab viz //p' skel.txt | head -n 1)
[ "$f" = "out/echo.echo.counterexample.yaml" ] || fail "skeleton: counterexample named '$f'"
[ -s "$f" ] && grep -q "source: \"$tmp/my_echo.c\"" "$f" || fail "the counterexample does not name the learner's file: $(head -20 "$f")"
"$dslab" lint "$f" >/dev/null 2>&1 || fail "the counterexample does not load: $("$dslab" lint "$f" 2>&1)"
"$dslab" run "$f" >run.txt 2>&1
[ $? -eq 1 ] || fail "dslab run on the counterexample does not fail its check: $(tail -5 run.txt)"

# progress: labs/echo with two attempts per test (skeleton, then the
# reference), right at the second; a regrade of the same code is no new attempt
"$dslab" grade labs/echo --node my_echo.c --out-dir out >/dev/null 2>&1
prog="$tmp/xdg/dslab/default/progress.yaml"
grep -q '{ id: "labs/echo", attempts: 3, best: 3000, max: 3000, passed: true }' "$prog" ||
    fail "progress entry: $(cat "$prog")"
grep -q 'question: "unique-ids", attempts: 2, right_at: 1,' "$prog" ||
    fail "progress question: $(cat "$prog")"
"$dslab" grade labs/echo --node my_echo.c --no-progress >/dev/null 2>&1
grep -q 'attempts: 3,' "$prog" || fail "--no-progress recorded an attempt: $(cat "$prog")"

# a broken variant: fails, shrunk, the same twice
bash "$root/scripts/mutate.sh" --emit "$root/tests/labs/mutants/echo--ids-without-node-id.mutant" ids.c ||
    fail "cannot emit the variant"
"$dslab" grade labs/echo --node ids.c --test unique-ids --out-dir out >v1.txt 2>&1
rc=$?
"$dslab" grade labs/echo --node ids.c --test unique-ids --out-dir out >v2.txt 2>&1
[ $rc -eq 1 ] && grep -q '^FAIL unique-ids' v1.txt || fail "variant: exit $rc: $(cat v1.txt)"
grep -q 'handed out twice' v1.txt || fail "variant: no checker words: $(cat v1.txt)"
cmp -s v1.txt v2.txt || fail "variant: two grades differ: $(diff v1.txt v2.txt)"

# bad input: exit 2, a clear message
bad_input() { # want-substring args...
    local want=$1
    shift
    local out
    out=$("$dslab" "$@" 2>&1)
    local rc=$?
    [ $rc -eq 2 ] || { fail "dslab $*: exit $rc, want 2 ($out)"; return; }
    case $out in *"$want"*) ok "dslab $*: exit 2, $want" ;; *) fail "dslab $*: message '$out' lacks '$want'" ;; esac
}
bad_input "no lab 'labs/nope'" grade labs/nope --node my_echo.c
bad_input "no lab 'labs/../echo'" grade labs/../echo --node my_echo.c
bad_input "--node missing.c: no such file" grade labs/echo --node missing.c
printf 'this is not C\n' >broken.c
bad_input "broken.c" grade labs/echo --node broken.c
bad_input "lab 'echo' has no test 'nope'" grade labs/echo --node my_echo.c --test nope
bad_input "--seeds-scale takes a whole number 1..100" grade labs/echo --node my_echo.c --seeds-scale 0
bad_input "--seeds-scale takes a whole number 1..100" grade labs/echo --node my_echo.c --seeds-scale 101
bad_input "usage: dslab grade LAB --node FILE" grade labs/echo answers.yaml --node my_echo.c
bad_input "go with --node" grade some-exercise answers.yaml --test x

# class-report: lab submissions in a learner-by-test table, names escaped
mkdir -p cr/ada cr/bob
cp "$root/tests/labs/echo/echo.c" cr/ada/my.c
cp my_echo.c cr/bob/my.c
printf 'lab: echo\nlearner: ada\nnode: my.c\n' >cr/ada/echo.yaml
printf 'lab: echo\nlearner: "b|ob"\nnode: my.c\n' >cr/bob/echo.yaml
printf 'lab: nope\nnode: my.c\n' >cr/bad.yaml
"$dslab" class-report cr/ada/echo.yaml cr/bob/echo.yaml cr/bad.yaml >cr.md 2>&1 || fail "class-report: $(cat cr.md)"
grep -qF '| ada | pass | pass | 3/3 |' cr.md || fail "class-report: ada's row: $(cat cr.md)"
grep -qF '| b\|ob | **fail** echo | **fail** unique-ids | 0/3 |' cr.md || fail "class-report: bob's row: $(cat cr.md)"
grep -qF "2 lab submissions graded, 1 could not be." cr.md || fail "class-report: counts: $(cat cr.md)"
grep -qF "cr/bad.yaml:1:6: error: no lab 'nope'" cr.md || fail "class-report: the bad file: $(cat cr.md)"
[ -s cr/bob/echo.unique-ids.counterexample.yaml ] || fail "class-report: no counterexample next to bob's submission"

# malformed lab files: exit 2, file:line:col and what is wrong
badlab() { # name want-substring lab.yaml-text
    mkdir -p "bad/$1/battery"
    cp "$root/exercises/labs/echo/battery/echo.yaml" "bad/$1/battery/echo.yaml"
    printf '%s\n' "$3" >"bad/$1/lab.yaml"
    bad_input "$2" lint "bad/$1"
}
good='id: x
title: t
kind: implement
tests:
  - { id: a, scenario: battery/echo.yaml }'
badlab unknown-key "bad/unknown-key/lab.yaml:5:1: error: unknown key 'test' (did you mean 'tests'?)" "id: x
title: t
kind: implement
tests: []
test: 1"
badlab kind "bad/kind/lab.yaml:3:7: error: a lab's kind is 'implement', not 'quiz'" "${good/implement/quiz}"
badlab no-tests "bad/no-tests/lab.yaml:4:8: error: a lab has 1 to 16 tests, not 0" "id: x
title: t
kind: implement
tests: []"
badlab seeds "bad/seeds/lab.yaml:5:50: error: expected an integer from 1 to 200, got '0'" "${good/echo.yaml \}/echo.yaml, seeds: 0 \}}"
badlab missing "bad/missing/lab.yaml:5:24: error: scenario 'battery/nope.yaml' not found" "${good/echo.yaml/nope.yaml}"
badlab absolute "bad/absolute/lab.yaml:5:24: error: scenario '/etc/passwd': give a path relative to the lab" "${good/battery\/echo.yaml//etc/passwd}"
badlab dup "bad/dup/lab.yaml:6:11: error: test id 'a' is used twice" "$good
  - { id: a, scenario: battery/echo.yaml }"
badlab id "bad/id/lab.yaml:5:11: error: test id 'A b': use lowercase letters, digits and '-'" "${good/id: a/id: A b}"
badlab empty "bad/empty/lab.yaml:1:1: error: empty lab file" ""
badlab skeleton "bad/skeleton/lab.yaml:4:12: error: skeleton 'x.c' not found" "id: x
title: t
kind: implement
skeletons: [x.c]
tests:
  - { id: a, scenario: battery/echo.yaml }"

e2e_finish labs_grade

#!/usr/bin/env bash
# room_fixes.sh: small things a room notices (issue 16, "the visualiser in
# a room"): what a check prints must read as what happened, an error must
# say what is wrong, a title must say what the scenario does, a verdict
# must not contradict the reproducer printed under it, and an answers file
# must carry the learner's name class-report groups by.
# Usage: bash room_fixes.sh /path/to/dslab /path/to/source-root
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# 1. leader-stable: a node re-elected in a newer term is a leader change,
#    but never printed as "n1 -> n1" (reads as no change at all).
for f in scenarios/raft/*.yaml; do
    grep -q "leader-stable" "$f" || continue
    out=$("$dslab" run "$f" 2>&1)
    if grep -Eq '(n[0-9]+) -> \1 ' <<<"$out"; then
        bad "$f: leader-stable prints a change from a node to itself: $(grep -E '(n[0-9]+) -> \1 ' <<<"$out" | head -1)"
    else
        ok "$f: no 'nX -> nX' leader change"
    fi
done
out=$("$dslab" run scenarios/raft/one-way-partition-leader-flap.yaml 2>&1)
check "leader-stable names a re-election as one, with both terms" \
    'grep -Eq "leader change [0-9]+: n[0-9]+ re-elected in term [0-9]+ \(it led term [0-9]+\)" <<<"$out"'

# 2. A check that needs an argument, given without one: says so, and how.
for c in fd-accuracy slo; do
    sed "s/^checks:.*/checks: [$c]/" scenarios/failure-detection/fd-timeout-too-short.yaml >"$tmp/noarg.yaml"
    run_first_err "$dslab" run "$tmp/noarg.yaml"
    check "$c without its argument: exit 2 (got $status)" '[ "$status" = 2 ]'
    check "$c without its argument: says one is needed (got: $got)" \
        'grep -Fq "$c needs an argument (none was given)" <<<"$got" && grep -Fq "checks: [\"$c: " <<<"$got"'
    check "$c without its argument: no empty (got '')" '! grep -Fq "(got '"''"')" <<<"$got"'
done

# 3. Failure-detector titles and headers that count intervals count them
#    right: "N intervals" must be timeout / heartbeat_interval.
words() { case $1 in one) echo 1 ;; two) echo 2 ;; three) echo 3 ;; four) echo 4 ;; five) echo 5 ;;
    six) echo 6 ;; ten) echo 10 ;; *) echo "$1" ;; esac; }
ms() { case $1 in *ms) echo "${1%ms}" ;; *s) awk -v v="${1%s}" 'BEGIN { print v * 1000 }' ;; esac; }
checked=0
for f in scenarios/failure-detection/*.yaml; do
    interval=$(sed -n 's/^  heartbeat_interval: *\([0-9.]*m\{0,1\}s\).*/\1/p' "$f")
    timeout=$(sed -n 's/^  timeout: *\([0-9.]*m\{0,1\}s\).*/\1/p' "$f")
    [ -n "$interval" ] && [ -n "$timeout" ] || continue
    want=$(awk -v t="$(ms "$timeout")" -v i="$(ms "$interval")" 'BEGIN { printf "%g", t / i }')
    for said in $(sed -n '1p;/^title:/p' "$f" | grep -Eo '(timeout of|of) [0-9a-z.]+ (heartbeat )?intervals' |
                  awk '{ print $(NF - ($(NF-1) == "heartbeat" ? 2 : 1)) }'); do
        n=$(words "$said")
        checked=$((checked + 1))
        check "$f: says $said intervals, timeout $timeout / interval $interval = $want" \
            'awk -v a="$n" -v b="$want" "BEGIN { exit !(a == b) }"'
    done
done
expect_at_least "$checked" 2 "interval counts checked in failure-detection titles"

# 4. dslab explore: a check reported as held must not fail in a reproducer
#    the same output prints (a shrunk schedule is not one of the seeds).
out=$("$dslab" explore scenarios/replication/pb-async-lost-writes.yaml --seeds 200 --out "$tmp/x" 2>&1)
repros=$(echo "$out" | sed -n 's/^  minimal reproducer: //p')
expect_at_least "$(echo "$repros" | grep -c .)" 1 "reproducers printed by explore"
for r in $repros; do
    for c in $("$dslab" run "$r" 2>&1 | awk '$2 == "FAIL" && /^  [a-z]/ { print $1 }'); do
        line=$(echo "$out" | grep "^check $c:")
        if grep -Eq "^check $c: held in all [0-9]+ seeds$" <<<"$line"; then
            bad "explore says '$line' yet its reproducer $r fails $c"
        else
            ok "explore's verdict on $c agrees with reproducer $(basename "$r")"
        fi
    done
done
check "explore counts a check failed only in a reproducer in its result" \
    'grep -Eq "^result: [0-9]+ of [0-9]+ checks failed \([0-9]+ only in a reproducer\)" <<<"$out"'

# 5. dslab exercise writes the learner's name class-report groups by.
answers='x
x
x
x
x
x
x
x'
(cd "$tmp" && echo "$answers" | "$dslab" exercise deposed-leader-stale-reads --root "$root" --no-run --stdin \
    --out a1.yaml --learner "Team A" >/dev/null 2>&1)
check "exercise --learner writes a learner: line" 'grep -qx "learner: \"Team A\"" "$tmp/a1.yaml"'
(cd "$tmp" && echo "$answers" | "$dslab" exercise deposed-leader-stale-reads --root "$root" --no-run --stdin \
    --out a2.yaml --profile teamb >/dev/null 2>&1)
check "exercise --profile names the learner" 'grep -qx "learner: \"teamb\"" "$tmp/a2.yaml"'
report=$("$dslab" class-report "$tmp/a1.yaml" "$tmp/a2.yaml" 2>&1)
check "class-report shows both learners by name" \
    'grep -q "^| Team A | 1 |" <<<"$report" && grep -q "^| teamb | 1 |" <<<"$report"'
# At a terminal (script(1) gives it one), with neither flag, the name is asked first.
if command -v script >/dev/null; then
    (cd "$tmp" && printf 'Grace H\n%s\n' "$answers" |
        script -qec "$dslab exercise deposed-leader-stale-reads --root $root --no-run --out a3.yaml" /dev/null >/dev/null 2>&1)
    check "exercise at a terminal asks for the learner's name" 'grep -qx "learner: \"Grace H\"" "$tmp/a3.yaml"'
else
    echo "note: no script(1): the terminal prompt for a name was not tried"
fi
run_first_err "$dslab" exercise deposed-leader-stale-reads --root "$root" --no-run --stdin --learner "$(printf 'a\tb')"
check "a learner name with a control character: exit 2 (got $status: $got)" \
    '[ "$status" = 2 ] && grep -Fq -- "--learner: a learner'"'"'s name is 1 to 63 bytes" <<<"$got"'

e2e_finish room_fixes

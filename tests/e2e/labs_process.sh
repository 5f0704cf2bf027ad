#!/usr/bin/env bash
# labs_process.sh: a lab grades a node in any language (issue 13, "a Python
# node and a C node pass the same echo and broadcast batteries";
# docs/PROCESS_NODES.md, docs/EXERCISE_FORMAT.md "Labs"):
#   - `dslab grade labs/echo --process "python3 echo.py"` (the Python
#     reference, tests/labs/echo/echo.py) passes every test of the battery
#     with the same PASS lines as the C reference through --node;
#   - the same for labs/broadcast (tests/labs/broadcast/broadcast.py),
#     whose checker reads the typed final-state reports;
#   - the Python skeleton fails with a counterexample that names the
#     process and loads (`dslab lint`);
#   - `dslab run SCN --process "CMD"` runs a battery scenario with the
#     Python node, and a command that does not start is exit 2 naming it;
#   - bad usage is exit 2: --node with --process, an empty command.
# SKIPPED (77) without python3 or cc.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need python3 "no python3 for the Python nodes"
e2e_need cc "no C compiler (cc) for the C references"
export DSLAB_CACHE_DIR="$tmp/cache" DSLAB_ROOT="$root"
cd "$tmp" || exit 1

# The PASS/FAIL lines of a grade, without the run counts (a process node
# and a C node may need different numbers of runs only when one fails).
verdicts() { sed -n 's/^\(PASS\|FAIL\) \([a-z0-9-]*\) .*/\1 \2/p' "$1"; }

# The two Python grades run side by side: a lockstep process node spends
# most of its wall time waiting on the other side of a pipe.
for lab in echo broadcast; do
    ("$dslab" grade "labs/$lab" --no-progress --process "python3 $root/tests/labs/$lab/$lab.py" \
        >"py-$lab.txt" 2>&1; echo $? >"py-$lab.rc") &
done
cp "$root/exercises/labs/echo/skeleton/echo.py" my_echo.py
mkdir -p out
("$dslab" grade labs/echo --no-progress --process "python3 my_echo.py" --test unique-ids --out-dir out \
    >skel.txt 2>&1; echo $? >skel.rc) &
for lab in echo broadcast; do
    "$dslab" grade "labs/$lab" --no-progress --node "$root/tests/labs/$lab/$lab.c" >"c-$lab.txt" 2>&1
    echo $? >"c-$lab.rc"
done
wait
for lab in echo broadcast; do
    c_rc=$(cat "c-$lab.rc") py_rc=$(cat "py-$lab.rc")
    check "C reference passes labs/$lab" '[ $c_rc -eq 0 ] && grep -q ", passed$" c-$lab.txt' ||
        cat "c-$lab.txt"
    check "Python reference passes labs/$lab" '[ $py_rc -eq 0 ] && grep -q ", passed$" py-$lab.txt' ||
        cat "py-$lab.txt"
    n=$(verdicts "py-$lab.txt" | grep -c '^PASS')
    expect_at_least "$n" 2 "labs/$lab tests passed by the Python node"
    check "labs/$lab: the same verdicts for the C and the Python node" \
        '[ "$(verdicts c-$lab.txt)" = "$(verdicts py-$lab.txt)" ]'
done

# The Python skeleton fails with a counterexample that names the process
# (graded above, alongside the references).
rc=$(cat skel.rc)
check "Python skeleton fails unique-ids (exit 1)" '[ $rc -eq 1 ] && grep -q "^FAIL unique-ids" skel.txt' ||
    cat skel.txt
f=$(sed -n 's/^  Watch it: dslab viz //p' skel.txt | head -n 1)
check "its counterexample names the process" '[ -s "$f" ] && grep -q "process: \"python3 my_echo.py\"" "$f"' ||
    head -20 "$f"
check "its counterexample loads" '"$dslab" lint "$f" >/dev/null 2>&1'

# dslab run SCN --process
scn="$root/exercises/labs/echo/battery/echo.yaml"
"$dslab" run "$scn" --process "python3 $root/tests/labs/echo/echo.py" >run.txt 2>&1
rc=$?
check "dslab run --process: the Python echo holds every check" \
    '[ $rc -eq 0 ] && grep -q "result: all checks hold" run.txt' || cat run.txt
check "its repro line repeats --process" 'grep -q "^repro: .*--process" run.txt'
run_first_err "$dslab" run "$scn" --process "/nonexistent/node-binary"
check "dslab run --process with a command that cannot start: exit 2 naming it" \
    '[ $status -eq 2 ] && grep -q "nonexistent/node-binary" "$tmp/.stderr"' || cat "$tmp/.stderr"

# usage errors
run_first_err "$dslab" run "$scn" --process "python3 x.py" --node x.c
expect_exit_line "run: --node and --process" 2 "dslab run: error: give --node or --process, not both" "$status" "$got"
run_first_err "$dslab" run "$scn" --process ""
expect_exit_line "run: empty --process" 2 \
    'dslab run: error: --process needs a command, e.g. "python3 my_node.py"' "$status" "$got"
run_first_err "$dslab" grade labs/echo --process "python3 x.py" --node x.c
expect_exit_line "grade: --node and --process" 2 "dslab grade: error: give --node or --process, not both" \
    "$status" "$got"
run_first_err "$dslab" grade labs/echo --process ""
expect_exit_line "grade: empty --process" 2 \
    'dslab grade: error: --process needs a command, e.g. "python3 my_node.py"' "$status" "$got"

e2e_finish labs_process

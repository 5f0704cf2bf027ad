#!/usr/bin/env bash
# colours.sh: colours in terminal output (cli/colour.h). On a terminal
# (a pty from script(1)) `dslab run` marks FAIL/PASS/BROKEN and its result
# line, `dslab check-history` its verdict; never when standard output is a
# pipe or a file, never with NO_COLOR set, never in --json; --color
# always/never override the terminal test; a bad --color is exit 2.
# Needs script(1) (util-linux) for the terminal half, else SKIPPED.
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need script "script(1) is not installed (no pty to test colours on a terminal)"

esc=$'\033['
broken=scenarios/replication/pb-split-brain.yaml
# on_tty CMD...: runs CMD with a terminal as its standard output; prints what it wrote.
on_tty() { script -qec "$(printf '%q ' "$@")" /dev/null 2>/dev/null; }
has_esc() { grep -qF "$esc" "$1"; }

unset NO_COLOR
TERM=xterm; export TERM
on_tty "$dslab" run "$broken" >"$tmp/tty.out"
check "run on a terminal: FAIL is coloured" "grep -qF \"${esc}1;31mFAIL\" '$tmp/tty.out'"
check "run on a terminal: PASS is coloured" "grep -qF \"${esc}32mPASS\" '$tmp/tty.out'"
check "run on a terminal: the result line is coloured" "grep -qF \"result: ${esc}1;31ma check failed\" '$tmp/tty.out'"
"$dslab" run "$broken" >"$tmp/pipe.out" 2>&1
check "run into a file: no colours" "! has_esc '$tmp/pipe.out'"
NO_COLOR=1 on_tty "$dslab" run "$broken" >"$tmp/nc.out"
check "run on a terminal with NO_COLOR: no colours" "! has_esc '$tmp/nc.out' && grep -q FAIL '$tmp/nc.out'"
TERM=dumb on_tty "$dslab" run "$broken" >"$tmp/dumb.out"
check "run on a dumb terminal: no colours" "! has_esc '$tmp/dumb.out'"
on_tty "$dslab" run "$broken" --color never >"$tmp/never.out"
check "--color never on a terminal: no colours" "! has_esc '$tmp/never.out'"
"$dslab" run "$broken" --color=always >"$tmp/always.out" 2>&1
check "--color=always into a file: colours" "has_esc '$tmp/always.out'"
on_tty "$dslab" run "$broken" --json --color always >"$tmp/json.out"
check "--json is never coloured" "! has_esc '$tmp/json.out'"
# Colours change nothing else: the plain text is the uncoloured output.
sed "s/$(printf '\033')\\[[0-9;]*m//g; /wall-clock time/d" "$tmp/always.out" >"$tmp/stripped.out"
sed '/wall-clock time/d' "$tmp/pipe.out" >"$tmp/plain.out"
check "without its colour codes the output is the plain one" "cmp -s '$tmp/stripped.out' '$tmp/plain.out'"

# A broken assumption is marked too.
for sc in scenarios/*/*.yaml; do
    out=$("$dslab" run "$sc" --color always 2>/dev/null | grep "BROKEN" | head -1)
    if [ -n "$out" ]; then
        check "a broken assumption is coloured ($sc)" "[[ '$out' == *\"${esc}1;31mBROKEN\"* ]]"
        break
    fi
done

# check-history
printf '[{:process 0, :type :invoke, :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}\n {:process 1, :type :invoke, :f :read, :value nil}\n {:process 1, :type :ok, :f :read, :value 2}]\n' >"$tmp/bad.edn"
on_tty "$dslab" check-history "$tmp/bad.edn" --model register >"$tmp/ch.out"
check "check-history on a terminal: NOT linearizable is coloured" "grep -qF \"${esc}1;31mNOT linearizable\" '$tmp/ch.out'"
"$dslab" check-history "$tmp/bad.edn" --model register >"$tmp/ch2.out"
check "check-history into a file: no colours" "! has_esc '$tmp/ch2.out'"
# A hostile file name never reaches the terminal raw.
cp "$tmp/bad.edn" "$tmp/"$'t\033]0;pwned\007.edn'
"$dslab" check-history "$tmp/"$'t\033]0;pwned\007.edn' --model register >"$tmp/ch3.out"
check "a control byte in a file name is shown as \\x1b" "grep -q 't\\\\x1b]0;pwned\\\\x07.edn' '$tmp/ch3.out' && ! grep -q \$'\\033]' '$tmp/ch3.out'"

# Usage
run_first_err "$dslab" run "$broken" --color sometimes
expect_exit_line "bad --color" 2 "dslab run: error: --color is auto, always or never, got 'sometimes'" "$status" "$got"
run_first_err "$dslab" check-history "$tmp/bad.edn" --model register --colorful
check "an unknown --colo... option is refused (exit $status)" "[ $status = 2 ] && [[ '$got' == *'unknown option'* ]]"
e2e_finish

#!/usr/bin/env bash
# tour.sh: `dslab tour` (docs/VISUALISER.md "dslab tour"). The text version
# prints every step of scenarios/intro/tour.yaml's narration, in order and
# word for word, a picture of each step, "What happens next?" at each
# question, and ends with the first exercise's command; the facts its
# header and narration quote are what `dslab run` prints for that run; the
# window version (under Xvfb, when there is one) stops at the first step,
# goes on with a click and closes into the same ending.
# Usage: bash tour.sh /path/to/dslab /path/to/source-root
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

scn=scenarios/intro/tour.yaml
have_viz=0
help_text=$("$dslab" help)
grep -q '^  viz ' <<<"$help_text" && have_viz=1

# The steps as the scenario says them (one `say:` per narration entry).
mapfile -t says < <(sed -n 's/^  - { at: [^,]*,\( pause: true,\)\{0,1\} say: "\(.*\)" }$/\2/p' "$scn")
expect_at_least "${#says[@]}" 8 "tour steps in $scn"

out=$(cd "$tmp" && env -u DISPLAY -u WAYLAND_DISPLAY "$dslab" tour --png-dir pics </dev/null 2>&1)
status=$?
check "text tour exits 0 (got $status)" '[ "$status" = 0 ]'
n=${#says[@]}
for ((k = 0; k < n; k++)); do
    step=$((k + 1))
    line=$(grep -F "[step $step of $n, t=" <<<"$out")
    check "step $step is printed word for word" '[ "${line#*] }" = "${says[$k]}" ]'
    png=$(printf '%s/pics/step-%02d.png' "$tmp" "$step")
    if [ "$have_viz" = 1 ]; then
        check "step $step has its picture" '[ "$(head -c 8 "$png" | od -An -c | tr -d " ")" = "211PNG\r\n032\n" ]'
    fi
    after=$(echo "$out" | sed -n "/\[step $step of $n, /,/\[step $((step + 1)) of $n, /p")
    case ${says[$k]} in
        *\?*) check "step $step asks: What happens next?" 'grep -q "What happens next?" <<<"$after"' ;;
        *) check "step $step does not ask" '! grep -q "What happens next?" <<<"$after"' ;;
    esac
done
prev=-1
for t in $(echo "$out" | sed -n 's/^\[step [0-9]* of [0-9]*, t=\([0-9.]*\)s\].*/\1/p'); do
    check "steps in time order ($t after $prev)" 'awk -v a="$prev" -v b="$t" "BEGIN { exit !(b > a) }"'
    prev=$t
done
check "the tour ends at the first exercise" \
    'tail -3 <<<"$out" | grep -c "^  dslab exercise deposed-leader-stale-reads$" >/dev/null'
exercises_text=$("$dslab" exercises)
check "the first exercise exists" 'grep -q "deposed-leader-stale-reads" <<<"$exercises_text"'

# What the tour says happens is what happens (the scenario header's facts).
run=$("$dslab" run "$scn" 2>&1)
check "n1 leads term 1 at 0.188s" 'grep -q "0.188137s  role       n1 becomes leader (term/epoch 1)" <<<"$run"'
check "n4 leads term 2 at 3.211s (before the 3.3s step says so)" \
    'grep -q "3.210942s  role       n4 becomes leader (term/epoch 2)" <<<"$run"'
check "the first stale read is a violation from 3.601s (before the 3.65s step)" \
    'grep -q "violation 3.600949s .. .*\[n1 n4\]" <<<"$run"'
check "n1 steps down at 8.016s (before the 8.1s step)" \
    'grep -q "8.015853s  role       n1 steps down to follower (term/epoch 2)" <<<"$run"'
check "one leader per term holds, linearizable fails" \
    'grep -q "one-leader-per-term          PASS" <<<"$run" && grep -q "linearizable                 FAIL" <<<"$run"'
check "the clock-skew assumption breaks at 6s" 'grep -q "6.000000s  ASSUMPTION clock_skew_below broken" <<<"$run"'

# Bad usage: exit 2, a clear message.
run_first_err "$dslab" tour --bogus
check "tour --bogus: exit 2 (got $status: $got)" '[ "$status" = 2 ] && grep -q "unknown option" <<<"$got"'

# The window, under Xvfb with xdotool.
if [ "$have_viz" = 1 ] && command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
    disp=$((200 + $$ % 300))
    Xvfb ":$disp" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    trap 'kill $xvfb_pid 2>/dev/null; e2e_on_exit' EXIT
    # polls, not fixed sleeps, where a loaded machine (make test -j) is slow:
    # the server up, the window mapped, the tour gone (each up to 30 s)
    for _ in $(seq 150); do DISPLAY=":$disp" xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
    (cd "$tmp" && DISPLAY=":$disp" "$dslab" tour --no-exercise >"$tmp/win.out" 2>&1) &
    tour_pid=$!
    win=""
    for _ in $(seq 150); do
        win=$(DISPLAY=":$disp" xdotool search --name "dslab viz" 2>/dev/null | head -1)
        [ -n "$win" ] && break
        sleep 0.2
    done
    check "the tour opens a window" '[ -n "$win" ]'
    if [ -n "$win" ]; then
        sleep 2
        DISPLAY=":$disp" xdotool mousemove --window "$win" 700 40 click 1 # the banner: go on
        sleep 1
        DISPLAY=":$disp" xdotool key --window "$win" q
    fi
    for _ in $(seq 150); do kill -0 "$tour_pid" 2>/dev/null || break; sleep 0.2; done
    kill "$tour_pid" 2>/dev/null
    check "closing the window ends at the first exercise" \
        'grep -q "^  dslab exercise deposed-leader-stale-reads$" "$tmp/win.out"'
    grep -q "^  dslab exercise deposed-leader-stale-reads$" "$tmp/win.out" ||
        { echo "  the window tour printed:"; tail -n 20 "$tmp/win.out" | sed 's/^/  | /'; }
else
    echo "note: no Xvfb/xdotool (or no visualiser): the window tour was not tried"
fi

e2e_finish tour

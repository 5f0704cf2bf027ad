#!/usr/bin/env bash
# atomic_writes.sh: files dslab writes are never left half-written. Each
# writer puts its output in a temporary file beside the target and renames
# it over the target only when complete, so:
#   - a run killed (SIGKILL) in the middle of a long trace leaves the old
#     trace file as it was, and the next write of the same file takes over
#     the temporary it left (.NAME.dslab-tmp) and leaves none behind;
#   - a write that fails part-way (injected: a file-size limit, ulimit -f,
#     makes write() fail with EFBIG) is an error (exit 2), leaves the old
#     file as it was and leaves no temporary file behind: traces, progress
#     (dslab grade), class reports, the visualiser's PNGs, saved sessions
#     and traces;
#   - a run over its event budget stops with a message (exit 2), not a hang.
# Usage: bash atomic_writes.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

scenario=scenarios/intro/leader-loses-majority.yaml
old_content="old content, must survive"
# Runs dslab with writes limited to `blocks` 512-byte blocks (SIGXFSZ
# ignored, so write() fails with EFBIG instead of killing the process).
# Its stderr goes through a pipe (not limited) into $tmp/err; stdout is
# dropped; the exit status is dslab's.
limited() { # blocks args...
    local blocks=$1
    shift
    (trap '' XFSZ; ulimit -f "$blocks"; exec "$dslab" "$@") 2>&1 >/dev/null | cat >"$tmp/err"
    return "${PIPESTATUS[0]}"
}
intact() { [ "$(cat "$1")" = "$old_content" ]; }
# No temporary: neither dslab's (.NAME.dslab-tmp) nor an old NAME.tmp.PID.
no_temp() { ! ls "$1".tmp* "$(dirname "$1")/.$(basename "$1").dslab-tmp" >/dev/null 2>&1; }

# 1. SIGKILL in the middle of a long trace write.
echo "$old_content" >"$tmp/trace.jsonl"
"$dslab" run "$scenario" --quiet --set duration=3600s --trace "$tmp/trace.jsonl" \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do # up to 30 s for 1 MB of trace to appear
    size=$(stat -c %s "$tmp"/.trace.jsonl.dslab-tmp 2>/dev/null | head -n 1)
    [ "${size:-0}" -gt 1000000 ] && break
    sleep 0.1
done
if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    if intact "$tmp/trace.jsonl"; then ok "trace: killed mid-write (${size:-0} bytes written), old file intact"
    else bad "trace: killed mid-write, the old file changed"; fi
else
    bad "trace: the run ended before it could be killed (make the run longer)"
fi
left=no
[ -e "$tmp/.trace.jsonl.dslab-tmp" ] && left=yes
"$dslab" run "$scenario" --quiet --trace "$tmp/trace.jsonl" >/dev/null 2>&1 # exit 1: a check fails
if [ "$left" = yes ] && no_temp "$tmp/trace.jsonl" && ! intact "$tmp/trace.jsonl"; then
    ok "trace: the next write took over the killed run's temporary, none left"
else
    bad "trace: after kill -9 the next write left a temporary: $(ls -A "$tmp")"
fi
echo "$old_content" >"$tmp/trace.jsonl"

# 2. A trace write that fails part-way.
limited 20 run "$scenario" --quiet --trace "$tmp/trace.jsonl"
status=$?
if [ "$status" -eq 2 ] && grep -q "trace" "$tmp/err" && intact "$tmp/trace.jsonl" &&
    no_temp "$tmp/trace.jsonl"; then
    ok "trace: a failed write is exit 2 ($(head -n 1 "$tmp/err")), old file intact, no temporary"
else
    bad "trace: failed write: exit $status, $(head -n 1 "$tmp/err"); intact: $(intact "$tmp/trace.jsonl" && echo yes || echo no)"
    ls "$tmp"
fi

# 3. The event budget stops a run with a message.
timeout 60 "$dslab" run "$scenario" --quiet --set limits.events=1000 >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "event budget" "$tmp/err"; then
    ok "event budget: exit 2, $(grep "event budget" "$tmp/err" | head -n 1)"
else
    bad "event budget: exit $status, $(head -n 2 "$tmp/err")"
fi

# 4. Progress (dslab grade) and class reports: an injected write failure
#    keeps the old file.
if "$dslab" help | grep '^  grade ' >/dev/null; then
    ex=paused-lock-holder
    "$dslab" reveal "$ex" --answers >"$tmp/answers.yaml" 2>/dev/null
    export XDG_DATA_HOME="$tmp/xdg"
    progress="$XDG_DATA_HOME/dslab/default/progress.yaml"
    "$dslab" grade "$ex" "$tmp/answers.yaml" >/dev/null 2>&1
    if [ -s "$progress" ]; then
        cp "$progress" "$tmp/progress.before"
        # The exit status stays the verdict; the failure is reported.
        limited 0 grade "$ex" "$tmp/answers.yaml"
        status=$?
        if cmp -s "$progress" "$tmp/progress.before" && no_temp "$progress" &&
            grep -q "progress not saved" "$tmp/err"; then
            ok "progress: a failed save is reported ($(grep "progress not saved" "$tmp/err")), old progress intact, no temporary"
        else
            bad "progress: failed save: exit $status, $(head -n 1 "$tmp/err")"
            ls -la "$(dirname "$progress")"
        fi
    else
        bad "progress: dslab grade wrote no $progress"
    fi
    echo "$old_content" >"$tmp/class.md"
    limited 0 class-report "$tmp/answers.yaml" --out "$tmp/class.md"
    status=$?
    if [ "$status" -eq 2 ] && intact "$tmp/class.md" && no_temp "$tmp/class.md"; then
        ok "class report: a failed write is exit 2, old report intact, no temporary"
    else
        bad "class report: failed write: exit $status, $(head -n 1 "$tmp/err")"
    fi
fi

# 5. The visualiser's PNG and trace (a write fails part-way: the PNG of
#    a 320x240 frame is ~30 KB, the trace ~1 MB, so a 100 KB limit lets the
#    PNG through and stops the trace), and its saved session (the target
#    is a directory, so the final rename fails).
if "$dslab" help | grep '^  viz ' >/dev/null; then
    for what in png trace; do
        out="$tmp/viz-$what"
        echo "$old_content" >"$out"
        case $what in
            png) limited 0 viz "$scenario" --png "$out" --size 320x240 ;;
            trace) limited 200 viz "$scenario" --png "$tmp/ok.png" --size 320x240 --trace "$out" ;;
        esac
        status=$?
        if [ "$status" -ne 0 ] && intact "$out" && no_temp "$out"; then
            ok "viz --$what: a failed write is an error (exit $status), old file intact, no temporary"
        else
            bad "viz --$what: failed write: exit $status, $(head -n 1 "$tmp/err"); intact: $(intact "$out" && echo yes || echo no)"
        fi
    done
    mkdir -p "$tmp/session-dir"
    "$dslab" viz "$scenario" --png "$tmp/ok.png" --size 320x240 --save-session "$tmp/session-dir" \
        >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" -ne 0 ] && [ -d "$tmp/session-dir" ] && no_temp "$tmp/session-dir"; then
        ok "viz --save-session: a failed rename is an error (exit $status), no temporary"
    else
        bad "viz --save-session onto a directory: exit $status, $(head -n 1 "$tmp/err")"
    fi
fi

e2e_finish

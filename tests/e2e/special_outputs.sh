#!/usr/bin/env bash
# special_outputs.sh: output files that are not regular files are written
# through, never replaced (dslab/outfile.h). Earlier, every output went to
# a temporary renamed over the target: as root, `--trace /dev/full` turned
# /dev/full into a regular file. Checked here:
#   - /dev/full: exit 2 with "No space left on device"; still a device;
#   - /dev/null: the run's own exit status; still a device;
#   - a FIFO with a reader: the reader gets the whole trace; still a FIFO;
#   - `--trace -`: the trace on standard output, the summary on stderr;
#   - `--trace /dev/stdout` shares standard output's stream;
#   - a symbolic link: its target is replaced, the link stays a link; a
#     link to nothing and a directory are exit 2;
#   - a stale temporary (.NAME.dslab-tmp) is taken over and removed, and a
#     second writer of the same file at the same moment is refused (exit 2);
#   - other writers (class-report --out, viz --png) to /dev/full: exit 2.
# Afterwards /dev/null and /dev/full must still be character devices (if
# not, they are restored with mknod when run as root, and the test fails).
# Usage: bash special_outputs.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

scenario=scenarios/intro/leader-loses-majority.yaml # exit 1: a check fails
run() { "$dslab" run "$scenario" --quiet "$@"; }

run --trace "$tmp/ref.jsonl" >/dev/null 2>&1
[ -s "$tmp/ref.jsonl" ] || bad "no reference trace"

# /dev/full and /dev/null
if [ -c /dev/full ] && [ -w /dev/full ]; then
    run --trace /dev/full >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 2 ] && grep -q "^/dev/full: error: cannot write: No space left on device" "$tmp/err" &&
        [ -c /dev/full ]; then
        ok "--trace /dev/full: exit 2, $(grep /dev/full "$tmp/err"); still a device"
    else
        bad "--trace /dev/full: exit $status, $(head -n 3 "$tmp/err" | tr '\n' ' '); device: $([ -c /dev/full ] && echo yes || echo NO)"
    fi
    if "$dslab" help | grep -q '^  class-report '; then
        "$dslab" reveal paused-lock-holder --answers >"$tmp/answers.yaml" 2>/dev/null
        "$dslab" class-report "$tmp/answers.yaml" --out /dev/full >/dev/null 2>"$tmp/err"
        status=$?
        if [ "$status" -eq 2 ] && grep -q "No space left" "$tmp/err" && [ -c /dev/full ]; then
            ok "class-report --out /dev/full: exit 2; still a device"
        else
            bad "class-report --out /dev/full: exit $status, $(head -n 1 "$tmp/err")"
        fi
    fi
    if "$dslab" help | grep -q '^  viz '; then
        "$dslab" viz "$scenario" --png /dev/full --size 320x240 >/dev/null 2>"$tmp/err"
        status=$?
        if [ "$status" -eq 2 ] && grep -q "No space left" "$tmp/err" && [ -c /dev/full ]; then
            ok "viz --png /dev/full: exit 2 ($(head -n 1 "$tmp/err")); still a device"
        else
            bad "viz --png /dev/full: exit $status, $(head -n 1 "$tmp/err")"
        fi
    fi
else
    echo "skipped: /dev/full is not a writable character device here"
fi
run --trace /dev/null >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 1 ] && [ -c /dev/null ] && [ ! -s "$tmp/err" ]; then
    ok "--trace /dev/null: the run's own exit status (1); still a device"
else
    bad "--trace /dev/null: exit $status, $(head -n 1 "$tmp/err"); device: $([ -c /dev/null ] && echo yes || echo NO)"
fi

# A FIFO with a reader.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
timeout 60 "$dslab" run "$scenario" --quiet --trace "$tmp/fifo" >/dev/null 2>"$tmp/err"
status=$?
wait "$reader"
if [ "$status" -eq 1 ] && [ -p "$tmp/fifo" ] && cmp -s "$tmp/from-fifo" "$tmp/ref.jsonl"; then
    ok "--trace FIFO: the reader got the whole trace ($(wc -c <"$tmp/from-fifo") bytes); still a FIFO"
else
    bad "--trace FIFO: exit $status, $(head -n 1 "$tmp/err"); FIFO: $([ -p "$tmp/fifo" ] && echo yes || echo NO)"
fi

# Standard output.
"$dslab" run "$scenario" --trace - >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
if [ "$status" -eq 1 ] && cmp -s "$tmp/stdout" "$tmp/ref.jsonl" && grep -q "^result: a check failed" "$tmp/stderr"; then
    ok "--trace -: the trace on stdout (byte-identical), the summary on stderr"
else
    bad "--trace -: exit $status; stdout $(wc -c <"$tmp/stdout") bytes; stderr: $(head -n 2 "$tmp/stderr" | tr '\n' ' ')"
fi

# /dev/stdout redirected to a file and to a pipe: the same stream as stdout
# (a second stream on the file wrote over the report; a pipe was an error).
if [ -L /dev/stdout ] || [ -c /dev/stdout ] || [ -p /dev/stdout ]; then
    run --trace /dev/stdout >"$tmp/stdout-file" 2>"$tmp/err"
    status=$?
    run --trace /dev/stdout 2>/dev/null | cat >"$tmp/stdout-pipe"
    if [ "$status" -eq 1 ] && grep -q "^seed " "$tmp/stdout-file" &&
        grep '^{' "$tmp/stdout-file" | cmp -s - "$tmp/ref.jsonl" &&
        grep '^{' "$tmp/stdout-pipe" | cmp -s - "$tmp/ref.jsonl"; then
        ok "--trace /dev/stdout (a file, a pipe): the report and the whole trace, in order"
    else
        bad "--trace /dev/stdout: exit $status, $(head -n 1 "$tmp/err")"
    fi
fi

# Symbolic links and directories.
echo old >"$tmp/real.jsonl"
ln -s real.jsonl "$tmp/link.jsonl"
run --trace "$tmp/link.jsonl" >/dev/null 2>&1
if [ -L "$tmp/link.jsonl" ] && cmp -s "$tmp/real.jsonl" "$tmp/ref.jsonl" &&
    ! ls -A "$tmp" | grep -q dslab-tmp; then
    ok "--trace LINK: the link's target replaced, the link still a link, no temporary"
else
    bad "--trace LINK: link: $([ -L "$tmp/link.jsonl" ] && echo yes || echo NO); $(ls -lA "$tmp" | tr '\n' ' ')"
fi
ln -s nothing.jsonl "$tmp/dangling.jsonl"
mkdir "$tmp/dir.jsonl"
for target in dangling.jsonl dir.jsonl; do
    run --trace "$tmp/$target" >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 2 ] && grep -q "error: cannot write: it is a" "$tmp/err"; then
        ok "--trace $target: exit 2, $(grep error "$tmp/err" | sed "s|$tmp/||")"
    else
        bad "--trace $target: exit $status, $(head -n 1 "$tmp/err")"
    fi
done

# A stale temporary is taken over; a busy one is refused.
echo "stale, from a killed run" >"$tmp/.t.jsonl.dslab-tmp"
run --trace "$tmp/t.jsonl" >/dev/null 2>&1
if [ ! -e "$tmp/.t.jsonl.dslab-tmp" ] && cmp -s "$tmp/t.jsonl" "$tmp/ref.jsonl"; then
    ok "a stale .t.jsonl.dslab-tmp is taken over: gone, t.jsonl written"
else
    bad "stale temporary: $(ls -lA "$tmp" | tr '\n' ' ')"
fi
"$dslab" run "$scenario" --quiet --set duration=3600s --trace "$tmp/t.jsonl" >/dev/null 2>&1 &
writer=$!
for _ in $(seq 1 100); do [ -s "$tmp/.t.jsonl.dslab-tmp" ] && break; sleep 0.1; done
run --trace "$tmp/t.jsonl" >/dev/null 2>"$tmp/err"
status=$?
kill -9 "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
if [ "$status" -eq 2 ] && grep -q "another process is writing this file now" "$tmp/err" &&
    cmp -s "$tmp/t.jsonl" "$tmp/ref.jsonl"; then
    ok "a second writer of the same file at once: exit 2, the file intact"
else
    bad "a second writer: exit $status, $(head -n 1 "$tmp/err")"
fi

# The devices must have survived.
for dev in null:3 full:7; do
    name=/dev/${dev%%:*}
    if [ ! -c "$name" ]; then
        bad "$name is no longer a character device"
        if [ "$(id -u)" -eq 0 ]; then
            rm -f "$name" && mknod -m 666 "$name" c 1 "${dev##*:}" && echo "restored $name"
        fi
    fi
done

e2e_finish

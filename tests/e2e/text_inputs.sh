#!/usr/bin/env bash
# text_inputs.sh: text that is not UTF-8 is refused at load, and nothing
# dslab prints about hostile input carries raw control or invalid bytes
# (they are shown as \xNN; dslab/text.h). The per-parser cases with exact
# messages are in tests/bad/ (UTF-16/32 byte-order marks, NUL bytes,
# overlong and surrogate UTF-8, escaped control characters, an empty node
# name); here:
#   - a UTF-16 answers file (tests/bad cannot hold it: its `# grade-as:`
#     line is not readable as UTF-8) is exit 2 with the UTF-16 error;
#   - escape sequences and invalid bytes in a file name, an option and a
#     node name reach stderr escaped, never raw (no ESC, no 0xff byte).
# Usage: bash text_inputs.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

raw_bytes() { LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\xff]' "$1"; }

python3 -c '
import sys
open(sys.argv[1], "wb").write("exercise: primary-backup-split-brain\n".encode("utf-16"))
' "$tmp/answers16.yaml"
"$dslab" grade primary-backup-split-brain "$tmp/answers16.yaml" --no-progress >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "answers16.yaml:1:1: error: the file is UTF-16 text" "$tmp/err"; then
    ok "UTF-16 answers file: exit 2, $(sed "s|$tmp/||" "$tmp/err" | head -n 1)"
else
    bad "UTF-16 answers file: exit $status, $(head -n 1 "$tmp/err")"
fi

check_escaped() { # label status
    if [ "$2" -eq 2 ] && ! raw_bytes "$tmp/err" && grep -q '\\x1b' "$tmp/err"; then
        ok "$1: exit 2, escaped: $(head -n 1 "$tmp/err" | sed "s|$tmp/||")"
    else
        bad "$1: exit $2, raw bytes: $(raw_bytes "$tmp/err" && echo yes || echo no): $(head -n 1 "$tmp/err" | cat -v)"
    fi
}
"$dslab" lint "$tmp/"$'\x1b[2J\xff.yaml' >/dev/null 2>"$tmp/err"
check_escaped "a file name with ESC and 0xff" $?
"$dslab" run scenarios/intro/leader-loses-majority.yaml --$'\x1b]0;title\x07' >/dev/null 2>"$tmp/err"
check_escaped "an unknown option with an OSC sequence" $?
"$dslab" run scenarios/intro/leader-loses-majority.yaml --set $'network.latency=\x1b[31m' >/dev/null 2>"$tmp/err"
check_escaped "a --set value with ESC" $?
printf 'name: t\nduration: 1s\nnodes: 3\nprotocol: gossip-pingpong\nfaults:\n  - { at: 1ms, crash: "n\\e[31m" }\n' >"$tmp/node.yaml"
"$dslab" lint "$tmp/node.yaml" >/dev/null 2>"$tmp/err"
check_escaped "an escaped ESC in a node reference" $?

e2e_finish

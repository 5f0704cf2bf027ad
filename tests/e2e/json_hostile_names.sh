#!/usr/bin/env bash
# json_hostile_names.sh: --json output stays valid JSON in valid UTF-8 when
# user input is hostile: file names with invalid UTF-8 bytes, control
# characters, DEL, C1 controls, quotes and backslashes (everything but NUL
# and '/'). Each output must parse with a strict UTF-8 decoder and a JSON
# parser, and the bad bytes must come out as \ufffd / \u00XX, never raw.
# Also the saved YAML of the grader's progress stays parseable (it goes
# through the same escaper). Needs python3 (else SKIPPED).
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need python3 "python3 is not installed (the JSON checks need it)"

validate() { # validate WHAT FILE EXPECTED_SUBSTRING_IN_SOME_STRING
    python3 - "$2" "$3" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")          # strict: invalid UTF-8 raises
doc = json.loads(text)              # valid JSON
for b in range(0x20):
    if b != 0x0a and chr(b) in text:
        sys.exit("raw control byte 0x%02x in the output" % b)
if "\x7f" in text or any(0x80 <= ord(c) < 0xa0 for c in text):
    sys.exit("raw DEL or C1 control in the output")
def strings(v):
    if isinstance(v, str): yield v
    elif isinstance(v, dict):
        for k, x in v.items(): yield k; yield from strings(x)
    elif isinstance(v, list):
        for x in v: yield from strings(x)
want = sys.argv[2]
if not any(want in s for s in strings(doc)):
    sys.exit("no string contains %r" % want)
PY
}

names=($'h\xff\xfe.edn' $'h\x01\x1b[31m.edn' $'h"q\\\\b.edn' $'h\x7f\xc2\x80\xc2\x9f.edn' \
       $'h\xc0\xaf\xed\xa0\x80.edn' $'h\xe2\x82.edn' $'h \t\r.edn' $'-\xf4\x90\x80\x80.edn')
for name in "${names[@]}"; do
    printf '[{:process 0, :type :invoke, :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}]\n' >"$tmp/$name"
    (cd "$tmp" && "$dslab" check-history "./$name" --model cas-register --json >"$tmp/out.json" 2>"$tmp/err")
    rc=$?
    shown=$(printf '%q' "$name")
    if [ $rc != 0 ]; then bad "check-history $shown: exit $rc ($(head -c 200 "$tmp/err"))"; continue; fi
    if msg=$(validate "check-history" "$tmp/out.json" "linearizable" 2>&1); then
        ok "check-history --json on $shown: valid UTF-8 JSON"
    else
        bad "check-history --json on $shown: $msg"
    fi
done
# The replacement is visible: the file name keeps its good bytes.
printf '[]\n' >"$tmp/x"
(cd "$tmp" && cp x $'a\xffb.edn' && printf '[{:process 0, :type :invoke, :f :read, :value nil}]\n' >$'a\xffb.edn' &&
 "$dslab" check-history $'./a\xffb.edn' --model register --json >"$tmp/out.json" 2>/dev/null)
if msg=$(validate "file" "$tmp/out.json" $'a\ufffdb' 2>&1); then ok "an invalid byte becomes U+FFFD in the file name"; else bad "file name: $msg"; fi

# dslab run --json: the scenario's file name appears in "file" and "repro".
for name in $'s\xff\x01"\\.yaml' $'s\x1b]0;x\x07.yaml'; do
    cp scenarios/intro/leader-loses-majority.yaml "$tmp/$name"
    (cd "$tmp" && "$dslab" run "./$name" --json --until 200ms >"$tmp/run.json" 2>/dev/null)
    shown=$(printf '%q' "$name")
    if msg=$(validate "run" "$tmp/run.json" "--seed" 2>&1); then
        ok "run --json on $shown: valid UTF-8 JSON"
    else
        bad "run --json on $shown: $msg"
    fi
done
e2e_finish

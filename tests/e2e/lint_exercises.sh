#!/usr/bin/env bash
# lint_exercises.sh: `dslab lint` over every exercise of the curriculum
# (the model answers pass with full marks, every declared misconception and
# every degenerate fix fails with its own feedback, every allowed fix
# parameter exists), and over broken copies that it must reject:
#   - an allowed knob the protocol does not have (impatient-failure-detector
#     once offered protocol.heartbeat, and refused the real
#     protocol.heartbeat_interval with "did you mean 'protocol.heartbeat'?");
#   - a declared degenerate fix that in fact passes;
#   - a goal the model answer cannot meet;
#   - a degenerate declaration (declare question) that in fact passes, and a
#     declare question whose model bounds no assumption of the run breaks.
# Each broken copy is installed alone in a temporary root (taxonomy copied,
# scenarios/ and exercises/designs linked).
# usage: bash lint_exercises.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

export TMPDIR=$tmp

files=$(ls exercises/*/*.yaml | grep -v -e '^exercises/taxonomy.yaml$' -e '^exercises/designs/')
out=$("$dslab" lint $files 2>&1)
rc=$?
n=$(grep -c ': ok (exercise ' <<< "$out")
want=$(echo "$files" | wc -l)
if [ $rc -eq 0 ] && [ "$n" -eq "$want" ]; then ok; else bad "lint over the exercises: exit $rc, $n of $want ok"; echo "$out"; fi
grep -q 'degenerate fixes fail' <<< "$out" && ok || bad "lint does not report degenerate fixes"

# broken copies: name, source exercise, python edit, expected stderr phrase
broken() {
    local name=$1 src=$2 from=$3 to=$4 expect=$5
    local r="$tmp/$name"
    mkdir -p "$r/exercises/$(dirname "$src")"
    cp exercises/taxonomy.yaml "$r/exercises/"
    ln -s "$PWD/scenarios" "$r/scenarios"
    ln -s "$PWD/exercises/designs" "$r/exercises/designs"
    python3 - "exercises/$src" "$r/exercises/$src" "$from" "$to" <<'PY'
import sys
s = open(sys.argv[1]).read()
assert sys.argv[3] in s, sys.argv[3]
open(sys.argv[2], 'w').write(s.replace(sys.argv[3], sys.argv[4], 1))
PY
    local got
    got=$("$dslab" lint "$r/exercises/$src" 2>&1)
    local code=$?
    if [ $code -eq 2 ] && grep -qF -- "$expect" <<< "$got"; then ok; else bad "$name: exit $code, want '$expect'"; echo "$got" | head -5; fi
}
broken unknown-knob failure-detection/impatient-failure-detector.yaml \
    "protocol.heartbeat_interval]" "protocol.heartbeat]" \
    "allowed parameter 'protocol.heartbeat' does not exist for protocol failure-detector"
broken passing-degenerate operating-at-2am/paused-lock-holder.yaml \
    "fix: { protocol.lease: 2s }" "fix: { protocol.fencing: true }" \
    "degenerate fix { protocol.fencing: \"true\" } passes"
broken model-fails operating-at-2am/paused-lock-holder.yaml \
    'goals: ["mutual-exclusion: progress 2500ms"]' 'goals: ["mutual-exclusion: progress 2500ms", "mutual-exclusion: progress 10ms"]' \
    "the model answers (dslab reveal paused-lock-holder --answers) do not pass with full marks"
broken too-few-degenerate consensus/split-votes-forever.yaml \
    "      - fix: { protocol.election_timeout_min: 50ms, protocol.election_timeout_max: 50ms }" "      - { fix: {}, feedback: x }
      - fix: { protocol.election_timeout_min: 50ms, protocol.election_timeout_max: 50ms }" \
    "a declared fix changes at least one parameter"
broken passing-degenerate-declaration operating-at-2am/paused-lock-holder.yaml \
    "      - declare: { pause_below: 1h, message_delay_below: 1h }" "      - declare: { pause_below: 900ms, message_delay_below: 900ms }" \
    "degenerate declaration { pause_below: 900ms, message_delay_below: 900ms } passes"
broken declaration-breaks-nothing operating-at-2am/paused-lock-holder.yaml \
    "$("$dslab" reveal --encode paused-lock-holder "pause_below: 100ms..900ms")" \
    "$("$dslab" reveal --encode paused-lock-holder "pause_below: 100ms..2s")" \
    "no load-bearing assumption breaks in the run with the model's bounds"

e2e_finish

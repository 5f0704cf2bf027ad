#!/usr/bin/env bash
# plugin_tools.sh DSLAB ROOT: the tools work on learner node code exactly as
# on built-in protocols. tests/nodes/kv_primary.c (written only against
# dslab/node.h, compiled from `source:`) runs with its checkers; `dslab
# explore` finds its deliberate bug (sync: false loses acknowledged writes
# when a restart loses unsynced data), shrinks it, and the reproducer fails
# when replayed; `dslab report` writes its post-mortem; `dslab viz --png`
# draws it; `dslab lint` reads the scenario.
# Needs a C compiler (cc or $CC): without one the test reports SKIPPED (77).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
cc=${CC:-cc}
e2e_need "${cc%% *}" "no C compiler ($cc) to build node code"
export DSLAB_CACHE_DIR=$tmp/cache
unset DISPLAY WAYLAND_DISPLAY
scn=tests/nodes/kv-primary.yaml
broken=tests/nodes/kv-primary-nosync.yaml

out=$("$dslab" lint $scn 2>&1); code=$?
[ "$code" = 0 ] && ok "lint reads a source: scenario" || bad "lint: exit $code: $out"

out=$("$dslab" run $scn --set protocol.heartbeat=500us 2>&1); code=$?
[ "$code" = 2 ] && grep -q "^--set protocol.heartbeat=500us: error: protocol parameter 'heartbeat': must be at least 1ms" <<<"$out" \
    && ok "configure() refuses a parameter with dslab_param_error_at, naming the --set" || bad "dslab_param_error_at: exit $code: $out"
out=$("$dslab" run $scn 2>&1); code=$?
[ "$code" = 0 ] && ok "run: exit 0" || bad "run: exit $code: $out"
grep -q "linearizable  *PASS" <<<"$out" && ok "the linearizable checker judges node code" || bad "no linearizable verdict: $out"
grep -q "one-leader-per-term  *PASS .*1 terms had a leader" <<<"$out" && ok "one-leader-per-term reads its role annotations" || bad "no leader seen: $out"
grep -q "n1 becomes leader (term/epoch 1)" <<<"$out" && ok "the timeline shows its role" || bad "no role in the timeline"
grep -q "protocol kv_primary.c" <<<"$out" && ok "the summary names the node code file" || bad "protocol not named"

out=$("$dslab" explore $broken --seeds 20 --jobs 2 --out "$tmp/ex" 2>&1); code=$?
line=$(grep "^check linearizable:" <<<"$out")
grep -q "FAILED in [0-9]* of 20 seeds" <<<"$line" && ok "explore finds the lost writes: $line" || bad "explore: exit $code: $out"
repro=$(ls "$tmp/ex"/linearizable-seed*.yaml 2>/dev/null | head -1)
if [ -n "$repro" ]; then
    grep -q "source: \"/" "$repro" && ok "the reproducer names the source by absolute path" || bad "reproducer's protocol: $(grep -A2 '^protocol' "$repro")"
    (cd "$tmp" && "$dslab" run "$repro" --quiet >/dev/null 2>&1); code=$?
    [ "$code" = 1 ] && ok "the reproducer fails when replayed from another directory" || bad "replay: exit $code"
    out2=$("$dslab" explore $broken --seeds 20 --jobs 1 --out "$tmp/ex1" 2>&1)
    [ "$(grep '^check ' <<<"$out")" = "$(grep '^check ' <<<"$out2")" ] && ok "explore --jobs 1 and --jobs 2 agree" || bad "jobs 1 vs 2 differ"
else
    bad "explore wrote no reproducer"
fi
out=$("$dslab" explore $scn --seeds 10 --jobs 2 --out "$tmp/ex2" 2>&1); code=$?
grep -q "^check linearizable: held in all 10 seeds" <<<"$out" && ok "explore: the synced variant holds" || bad "synced variant: exit $code: $out"

out=$("$dslab" report ${repro:-$broken} --out "$tmp/rep" 2>&1); code=$?
[ -s "$tmp/rep/report.md" ] && grep -q "running kv_primary.c" "$tmp/rep/report.md" && ok "report writes a post-mortem of node code" || bad "report: exit $code: $out"
grep -q "VIOLATION  linearizable" "$tmp/rep/report.md" && ok "the report's timeline has the violation" || bad "no violation in the report"

if "$dslab" help | grep '^  viz ' >/dev/null; then
    out=$("$dslab" viz $scn --png "$tmp/frame.png" 2>&1); code=$?
    [ "$code" = 0 ] && [ "$(head -c 4 "$tmp/frame.png" | od -An -c | tr -d ' ')" = "211PNG" ] \
        && ok "viz --png draws node code" || bad "viz: exit $code: $out"
else
    echo "note: dslab was built without the visualiser: viz not tested"
fi
e2e_finish

#!/usr/bin/env bash
# run_cli.sh DSLAB ROOT: `dslab run` as a user meets it: the seed and repro
# line come first, exit statuses 0/1/2 mean what the docs say, --json is one
# valid object, --until and --set change the run, errors name file:line:col.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# The JSON checks need python3 (scripts/setup-deps.sh installs it): without
# it the rest runs, then the test reports SKIPPED (77), never a pass.
e2e_python_optional
scn=scenarios/intro/leader-loses-majority.yaml

out=$("$dslab" run $scn); code=$?
first=$(printf '%s\n' "$out" | head -1); second=$(printf '%s\n' "$out" | sed -n 2p)
[ "$first" = "seed 9" ] && ok "first line is the seed" || bad "first line was '$first'"
[[ "$second" == "repro: dslab run $scn --seed 9" ]] && ok "second line is a repro line" || bad "second line was '$second'"
grep -q "n1 becomes leader" <<<"$out" && ok "timeline shows the first leader" || bad "no leader in the timeline"
grep -q "clock_skew_below *BROKEN" <<<"$out" && ok "the broken skew assumption is reported" || bad "skew assumption not reported"
grep -q "messages .* sent, .* delivered, .* dropped, .* duplicated" <<<"$out" && ok "message counts printed" || bad "no message counts"
[ "$code" = 0 ] || [ "$code" = 1 ] && ok "exit status $code for a run" || bad "exit status $code"
if grep -q "FAIL" <<<"$out"; then [ "$code" = 1 ] && ok "a failed check exits 1" || bad "failed check but exit $code"; fi

# exit 1 when a check fails: every node crashes at 1s, so no leader for 3s.
cat > "$tmp/fails.yaml" <<'YAML'
name: fails
duration: 4s
nodes: 3
protocol: { name: raft }
faults: [ { at: 1s, crash: n1 }, { at: 1s, crash: n2 }, { at: 1s, crash: n3 } ]
checks: ["leader-available: 500ms"]
YAML
"$dslab" run "$tmp/fails.yaml" --quiet >/dev/null; code=$?
[ "$code" = 1 ] && ok "a failing check exits 1" || bad "failing check exited $code"
"$dslab" run "$tmp/fails.yaml" --quiet --until 900ms >/dev/null; code=$?
[ "$code" = 0 ] && ok "--until before the fault: the check holds, exit 0" || bad "--until 900ms exited $code"

json=$("$dslab" run $scn --json 2>/dev/null)
if command -v python3 >/dev/null; then
  if printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["seed"]==9 and d["stats"]["events"]>0 and isinstance(d["checks"],list)'; then ok "--json is one valid object"; else bad "--json output invalid"; fi
fi

seeded=$("$dslab" run $scn --quiet --seed 3)
[ "$(head -n 1 <<<"$seeded")" = "seed 3" ] && ok "--seed overrides the scenario seed" || bad "--seed ignored"
"$dslab" run bench/gossip-pingpong.yaml --set nodes=7 --until 100ms | grep "of 7 nodes" >/dev/null && ok "--set nodes=7" || bad "--set nodes ignored"

"$dslab" run nonexistent.yaml >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "nonexistent.yaml" "$tmp/err" && ok "missing file: exit 2 naming the file" || bad "missing file: exit $code, '$(cat "$tmp/err")'"
"$dslab" run $scn --bogus >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "unknown option '--bogus'" "$tmp/err" && ok "unknown option: exit 2" || bad "unknown option: exit $code"
"$dslab" run $scn --until soon >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && ok "bad --until: exit 2" || bad "bad --until: exit $code"
printf 'name: x\nduration: 1s\nnodes: 3\nprotocol: { name: raft }\nfaults:\n  - { at: 500ms, crash: n9 }\n' > "$tmp/badnode.yaml"
"$dslab" run "$tmp/badnode.yaml" >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "badnode.yaml:6:" "$tmp/err" && ok "unknown node: file:line:col error, exit 2 ($(head -1 "$tmp/err"))" || bad "unknown node: exit $code '$(cat "$tmp/err")'"
"$dslab" run $scn --set limits.events=500 >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "event budget" "$tmp/err" && ok "event budget stops the run with a message" || bad "event budget: exit $code"

"$dslab" run --help | grep "usage: dslab run FILE" >/dev/null && ok "dslab run --help" || bad "run --help"
"$dslab" help | grep "^  run " >/dev/null && ok "dslab help lists run" || bad "dslab help"
"$dslab" help run | grep "usage: dslab run" >/dev/null && ok "dslab help run" || bad "dslab help run"
"$dslab" frobnicate >/dev/null 2>&1; code=$?
[ "$code" = 2 ] && ok "unknown command exits 2" || bad "unknown command exit $code"
e2e_finish

#!/usr/bin/env bash
# default_run.sh DSLAB ROOT: what `make run` shows on a machine without a
# display: the guided scenario's summary (a leader, the partition, the new
# leader, the broken skew assumption, the checks) and exit status 0.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

cd "$tmp"
env -u DISPLAY -u WAYLAND_DISPLAY bash "$root/scripts/run-default.sh" "$dslab" \
  "$root/scenarios/intro/leader-loses-majority.yaml" > out.txt 2>&1
code=$?
[ "$code" = 0 ] && ok "headless make run exits 0" || bad "exit $code: $(tail -5 out.txt)"
for want in "n1 becomes leader" "partition  {n1 n2} | {n3 n4 n5}" "becomes leader (term/epoch 2)" \
            "n1 steps down" "clock_skew_below *BROKEN" "one-leader-per-term *PASS"; do
  grep -q -- "$want" out.txt && ok "shows: $want" || bad "missing: $want"
done
# Every "Next:" line names a command this dslab has (a renamed command must
# not leave the newcomer's first suggestion broken).
next=$(sed -n '/^Next:/,$p' out.txt | awk 'NR > 1 { print $2 }')
[ -n "$next" ] && ok "suggests next steps: $(echo $next)" || bad "no Next: lines"
help_text=$("$dslab" help)
for cmd in $next; do
  grep -q "^  $cmd " <<<"$help_text" && ok "next step '$cmd' is a command" || bad "next step '$cmd' is not in dslab help"
done
grep -q "tour" out.txt && ok "points to the guided tour" || bad "no mention of dslab tour"
if "$dslab" help | grep '^  viz ' >/dev/null; then
  [ -s out/default.png ] && ok "wrote out/default.png" || bad "no out/default.png"
fi
e2e_finish

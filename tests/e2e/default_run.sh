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
if "$dslab" help | grep '^  viz ' >/dev/null; then
  [ -s out/default.png ] && ok "wrote out/default.png" || bad "no out/default.png"
fi
e2e_finish

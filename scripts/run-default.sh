#!/usr/bin/env bash
# run-default.sh DSLAB SCENARIO: what `make run` does after building.
# With a display and the visualiser built: open the scenario in the window.
# Otherwise (headless): print the run's summary and render a PNG of the
# moment the partition bites, then say where to look next.
set -uo pipefail
dslab=$1
scenario=$2
has_viz=0
if "$dslab" help 2>/dev/null | grep '^  viz ' >/dev/null; then has_viz=1; fi

if [ "$has_viz" = 1 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  echo "dslab: playing $scenario in the visualiser (space pauses, h lists the keys, q quits)"
  # 0.2x: the partition at 3s arrives after ~15 s; space pauses, ] / [ change speed.
  exec "$dslab" viz "$scenario" --play --speed 0.2
fi

"$dslab" run "$scenario"
code=$?
if [ "$code" = 2 ]; then exit 2; fi
echo
if [ "$code" = 1 ]; then
  echo "This scenario is meant to break: a check failed above, which is the lesson."
fi
if [ "$has_viz" = 1 ]; then
  mkdir -p out
  if "$dslab" viz "$scenario" --png out/default.png --at 5s >/dev/null; then
    echo "A picture of the run at t=5s: out/default.png"
  fi
else
  echo "(The visualiser was not built: SDL2 was not found. The summary above is the run.)"
fi
echo "Next:"
echo "  $dslab run $scenario --set protocol.read_mode=read-index   # the fix: no stale reads"
echo "  $dslab tour                                        # a narrated 15-minute first tour"
echo "  $dslab exercises                                   # the curriculum"
echo "  $dslab exercise deposed-leader-stale-reads         # the exercise on this failure"
echo "  $dslab help"
exit 0

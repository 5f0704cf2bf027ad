#!/usr/bin/env bash
# stdout_errors.sh DSLAB ROOT: output that cannot be written is an error.
# Every command below writes to /dev/full (every write fails with ENOSPC)
# and must exit 2 with "dslab: error: writing the output failed" on stderr,
# never 0 as if all went well; the same commands to /dev/null still work.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

if [ ! -w /dev/full ]; then echo "SKIP: no writable /dev/full"; exit 77; fi
scn=scenarios/intro/leader-loses-majority.yaml
exercise=$("$dslab" exercises 2>/dev/null | sed -n 's/^  \[.\] \([a-z0-9-]*\) .*/\1/p' | head -1)
"$dslab" explore scenarios/raft/stale-read-leader-local.yaml --seeds 10 --quiet --budget 0 --json \
  --out "$tmp/o" > "$tmp/shard.json"

commands=(
  "--version"
  "help"
  "run --help"
  "run $scn --quiet"
  "run $scn --json"
  "lint $scn"
  "exercises"
  "reveal $exercise --answers"
  "reveal $exercise"
  "explain split-brain"
  "explore --merge $tmp/shard.json --out $tmp/m"
  "explore --merge $tmp/shard.json --out $tmp/m --json"
)
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  "$dslab" $c > /dev/null 2>"$tmp/err.null"; code_null=$?
  # shellcheck disable=SC2086
  "$dslab" $c > /dev/full 2>"$tmp/err"; code=$?
  if [ "$code" = 2 ] && grep -q "^dslab: error: writing the output failed" "$tmp/err" && [ "$code_null" != 2 ]; then
    ok "dslab $c > /dev/full: exit 2 (exit $code_null to /dev/null)"
  else
    bad "dslab $c > /dev/full: exit $code (to /dev/null: $code_null): $(head -c 200 "$tmp/err")"
  fi
done

e2e_finish

#!/usr/bin/env bash
# explore.sh DSLAB ROOT: `dslab explore` end to end.
# - it finds the known failure of broken scenarios of the library within a
#   stated number of seeds, and never reports it on the fixed variant;
# - the reproducer fails when run alone with `dslab run`, and has no
#   removable fault left: deleting any one fault line makes the check pass;
# - the same command gives identical results with --jobs 1 and --jobs 2,
#   and with --shard results merged by --merge;
# - --json is valid; bad flags and bad `explore:` sections exit 2.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# explore FILE SEEDS CHECK [args...]: prints the check's summary line.
check_line() {
  local file=$1 seeds=$2 check=$3; shift 3
  "$dslab" explore "$file" --seeds "$seeds" --jobs 2 --quiet --budget 0 --out "$tmp/o" "$@" \
    | grep "^check $check:"
}

# linearizable_fails FILE: 0 when `dslab run FILE` reports linearizable failed.
linearizable_fails() {
  "$dslab" run "$1" --json > "$tmp/run.json" 2>/dev/null  # exits 1 when a check fails
  python3 - "$tmp/run.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(c["name"] == "linearizable" and c["verdict"].lower() == "fail" for c in d["checks"]) else 1)
PY
}

# no_removable_fault FILE: deleting any one fault line makes linearizable hold.
no_removable_fault() {
  local repro=$1 n removable=0
  n=$(awk '/^faults:/{f=1;next} f&&/^  - /{c++} f&&!/^  - /{f=0} END{print c+0}' "$repro")
  [ "$n" -ge 1 ] && ok "$(basename "$repro") has $n fault(s)" || bad "$(basename "$repro") has no faults"
  linearizable_fails "$repro" && ok "$(basename "$repro"): linearizable fails as written" \
    || bad "$(basename "$repro"): linearizable holds as written"
  for i in $(seq 1 "$n"); do
    awk -v k="$i" '/^faults:/{f=1;print;next} f&&/^  - /{c++; if(c==k) next} f&&!/^  - /{f=0} {print}' \
      "$repro" > "$tmp/without.yaml"
    linearizable_fails "$tmp/without.yaml" && removable=$((removable+1))
  done
  [ "$removable" = 0 ] && ok "no fault of $(basename "$repro") is removable" || bad "$removable fault(s) could be removed"
}

# Broken variant: the check fails within SEEDS; fixed variant: it holds.
pair() {
  local broken=$1 fixed=$2 check=$3 seeds=$4; shift 4
  local line
  line=$(check_line "$broken" "$seeds" "$check")
  [[ "$line" == *FAILED* ]] && ok "$broken: $check fails within $seeds seeds" \
    || bad "$broken: $check did not fail within $seeds seeds ($line)"
  line=$(check_line "$fixed" "$seeds" "$check" "$@")
  [[ "$line" == *"held in all $seeds seeds"* ]] && ok "$fixed $*: $check holds in $seeds seeds" \
    || bad "$fixed $*: $check ($line)"
}
pair scenarios/raft/stale-read-leader-local.yaml scenarios/raft/stale-read-read-index.yaml linearizable 50
pair scenarios/intro/leader-loses-majority.yaml scenarios/intro/leader-loses-majority.yaml linearizable 150 \
  --set protocol.read_mode=read-index
pair scenarios/locks/gc-pause-lease.yaml scenarios/locks/fencing-tokens.yaml mutual-exclusion 100
pair scenarios/replication/pb-async-lost-writes.yaml scenarios/replication/pb-sync.yaml no-lost-acknowledged-writes 40

# The reproducer of the stale read.
scn=scenarios/raft/stale-read-leader-local.yaml
out=$("$dslab" explore $scn --seeds 50 --jobs 2 --quiet --out "$tmp/r"); code=$?
[ "$code" = 1 ] && ok "a failing check exits 1" || bad "explore exited $code"
repro=$(ls "$tmp"/r/linearizable-seed*.yaml 2>/dev/null | head -1)
if [ -z "$repro" ]; then
  bad "no reproducer written"
else
  ok "reproducer written: $(basename "$repro")"
  grep -q "every fault left is necessary" <<<"$out" && ok "the summary says every fault is necessary" \
    || bad "the summary does not claim minimality"
  "$dslab" run "$repro" --quiet >/dev/null; code=$?
  [ "$code" = 1 ] && ok "the reproducer fails when run alone" || bad "dslab run on the reproducer exited $code"
  "$dslab" lint "$repro" >/dev/null 2>&1 && ok "the reproducer lints" || bad "the reproducer does not lint"
  no_removable_fault "$repro"
fi

# Identical results for any --jobs, and for merged shards.
scn=scenarios/intro/leader-loses-majority.yaml
"$dslab" explore $scn --seeds 120 --jobs 1 --quiet --out "$tmp/d" > "$tmp/j1.txt"
"$dslab" explore $scn --seeds 120 --jobs 2 --quiet --out "$tmp/d" > "$tmp/j2.txt"
cmp -s "$tmp/j1.txt" "$tmp/j2.txt" && ok "--jobs 1 and --jobs 2 print the same results" || bad "--jobs changes the results"
repro=$(ls "$tmp"/d/linearizable-seed*.yaml 2>/dev/null | head -1)
[ -n "$repro" ] && no_removable_fault "$repro" || bad "no reproducer for $scn"
for i in 1 2 3; do
  "$dslab" explore $scn --seeds 120 --jobs 1 --quiet --out "$tmp/d" --shard $i/3 --json > "$tmp/s$i.json"
done
"$dslab" explore --merge "$tmp/s3.json" "$tmp/s1.json" "$tmp/s2.json" --out "$tmp/d" > "$tmp/m.txt"
cmp -s "$tmp/j1.txt" "$tmp/m.txt" && ok "merged shards print the same results" || { bad "merged shards differ"; diff "$tmp/j1.txt" "$tmp/m.txt"; }
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["dslab_explore"] == 2 and d["seeds_run"] == 40 and len(d["checks"]) == 2
assert sum(len(c["fails"]) for c in d["checks"]) == sum(c["failing"] for c in d["checks"])' "$tmp/s2.json" \
  && ok "--json is valid and consistent" || bad "--json invalid"
"$dslab" explore --merge "$tmp/s1.json" "$tmp/s1.json" >/dev/null 2>&1; code=$?
[ "$code" = 2 ] && ok "merging a shard twice is an error" || bad "merging a shard twice exited $code"

# --plot: PNG plots when the visualiser is built, a clear message when not.
"$dslab" explore scenarios/raft/stale-read-leader-local.yaml --seeds 20 --quiet --budget 0 --out "$tmp/o" \
  --plot "$tmp/plots" > /dev/null 2> "$tmp/plot.err"
if grep -q "plots are unavailable" "$tmp/plot.err"; then
  ok "--plot says plots are unavailable without SDL2"
else
  n=0
  for f in "$tmp"/plots/{election,failover,latency}.{cdf,hist}.png; do
    [ -f "$f" ] && [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "211PNG" ] && n=$((n+1))
  done
  [ "$n" -ge 4 ] && ok "--plot wrote $n PNG plots" || bad "--plot wrote $n PNGs: $(cat "$tmp/plot.err")"
fi

# Bad input.
expect2() {
  local what=$1; shift
  "$dslab" explore "$@" >/dev/null 2>"$tmp/err"; local code=$?
  [ "$code" = 2 ] && ok "$what exits 2" || bad "$what exited $code"
}
expect2 "missing --seeds" $scn
expect2 "--shard 4/3" $scn --seeds 10 --shard 4/3
expect2 "--faults sometimes" $scn --seeds 10 --faults sometimes
expect2 "--jobs 0" $scn --seeds 10 --jobs 0
echo "not json" > "$tmp/junk.json"
expect2 "--merge of a non-JSON file" --merge "$tmp/junk.json"
cat > "$tmp/bad.yaml" <<'YAML'
name: bad
duration: 4s
nodes: 3
protocol: raft
explore:
  faults: [partition, crahs]
YAML
expect2 "an unknown fault kind in explore:" "$tmp/bad.yaml" --seeds 10
grep -q "bad.yaml:6:23: error: unknown fault kind 'crahs' (did you mean 'crash'?)" "$tmp/err" \
  && ok "the error names file:line:col with a suggestion" || bad "error was: $(cat "$tmp/err")"

e2e_finish

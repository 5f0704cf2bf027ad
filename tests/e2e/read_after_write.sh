#!/usr/bin/env bash
# read_after_write.sh: the read-after-write staleness workload and metric
# from the command line (docs/SCENARIO_FORMAT.md, workload.read_after_write;
# docs/ASSUMPTIONS.md, "Read-after-write staleness"). On
# scenarios/quorum/pbs-read-after-write.yaml (r = w = 1 of 3 replicas, a
# 20% latency tail) the probability of a fresh read rises with the wait
# and reaches 1 past the tail (120ms); with r + w > n every bucket is 1;
# its stale probes are the stale-reads checker's stale reads;
# the text summary and --json carry the same numbers; the run is
# deterministic; a scenario without the key prints no section.
# Usage: bash read_after_write.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_need python3 "python3 is not installed (the JSON checks cannot run)"
f=scenarios/quorum/pbs-read-after-write.yaml

"$dslab" run "$f" --json >"$tmp/w1.json" 2>"$tmp/err"
check "pbs: exit 1 (stale-reads fails with r = w = 1)" '[ $? = 1 ]'
python3 - "$tmp/w1.json" >"$tmp/py.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["read_after_write"]
b = r["buckets"]
assert r["bucket_ns"] == 10000000, r["bucket_ns"]
assert len(b) == 15, len(b)
assert sum(x["reads"] for x in b) == r["reads"] and sum(x["fresh"] for x in b) == r["fresh"]
for x in b:
    assert x["to_ns"] - x["from_ns"] == 10000000 and x["from_ns"] <= x["delay_min_ns"] <= x["delay_max_ns"] < x["to_ns"]
    assert x["probability"] == round(x["fresh"] / x["reads"], 3), x
early = sum(x["fresh"] for x in b[:3]) / sum(x["reads"] for x in b[:3])
late = sum(x["fresh"] for x in b[12:]) / sum(x["reads"] for x in b[12:])
assert early < 0.93 and late == 1.0, (early, late)
print("ok")
PY
check "pbs --json: 15 buckets of 10ms, counts add up, P rises to 1 past the tail" 'grep -qx ok "$tmp/py.out"' || cat "$tmp/py.out"

"$dslab" run "$f" >"$tmp/w1.txt" 2>&1
check "pbs text: the table and its first bucket" \
    'grep -q "^read after write (P = reads that returned the latest committed value / reads answered)" "$tmp/w1.txt" &&
     grep -Eq "^  \[0ns, 10ms\) +[0-9]+ +[0-9]+ +0\.[0-9]{3}  " "$tmp/w1.txt" &&
     grep -Eq "^  \[140ms, 150ms\) +[0-9]+ +[0-9]+ +1\.000  " "$tmp/w1.txt"'

"$dslab" run "$f" --set protocol.r=2 --set protocol.w=2 --json >"$tmp/w2.json" 2>/dev/null
python3 - "$tmp/w2.json" >"$tmp/py2.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["read_after_write"]
assert r["reads"] > 1000 and r["fresh"] == r["reads"], r
assert all(x["probability"] == 1.0 for x in r["buckets"])
print("ok")
PY
check "r + w > n: every probe fresh" 'grep -qx ok "$tmp/py2.out"' || cat "$tmp/py2.out"

"$dslab" run "$f" --check-determinism >/dev/null 2>&1
check "pbs: deterministic" '[ $? = 0 ]'
"$dslab" run "$f" --set workload.read_after_write.delay=5ms --json >"$tmp/w3.json" 2>/dev/null
check "a fixed delay: one bucket of the given width, delays all 5ms" \
    'python3 -c "import json,sys; b=json.load(open(sys.argv[1]))[\"read_after_write\"][\"buckets\"]; assert len(b)==1 and b[0][\"delay_min_ns\"]==b[0][\"delay_max_ns\"]==5000000" "$tmp/w3.json"'
"$dslab" run scenarios/quorum/r1-w1-stale-reads.yaml --json >"$tmp/no.json" 2>/dev/null
"$dslab" run scenarios/quorum/r1-w1-stale-reads.yaml >"$tmp/no.txt" 2>&1
check "without read_after_write: no section" \
    '! grep -q read_after_write "$tmp/no.json" && ! grep -q "^read after write" "$tmp/no.txt"'

# Every read is a probe here, so the metric's stale probes are exactly the
# stale reads of the stale-reads checker (the same real-time rule), also
# with many writers per key.
for set in "" "--set workload.clients=8 --set workload.rate=400/s --set workload.keys=4"; do
    # shellcheck disable=SC2086
    "$dslab" run "$f" $set >"$tmp/x.txt" 2>&1
    answered=$(sed -n 's/^  [0-9]* probes: \([0-9]*\) answered, \([0-9]*\) fresh.*/\1 \2/p' "$tmp/x.txt")
    stale=$(sed -n 's/^  stale-reads  *FAIL  *\([0-9]*\) of \([0-9]*\) reads stale.*/\1 \2/p' "$tmp/x.txt")
    read -r reads fresh <<<"$answered"
    check "stale probes = stale-reads' stale reads (${set:-as written}): $answered / $stale" \
        '[ -n "$stale" ] && [ "$((reads - fresh)) $reads" = "$stale" ]'
done

e2e_finish read_after_write

#!/usr/bin/env bash
# exports.sh: `dslab run --history/--history-format/--shiviz` from the
# command line (docs/EXPORTS.md).
#  - history round trip: for scenarios with a `linearizable` check and
#    several seeds, both formats, `dslab check-history` on the export
#    (with the --initial the EDN header names) exits 0/1 exactly when the
#    run's own linearizable check passed/failed; both verdicts must occur;
#  - the exports are deterministic (the same run twice: same bytes);
#  - ShiViz: every log parses with ShiViz's default expression and its
#    vector clocks are consistent (lib/shiviz_check.py), for runs with
#    crashes, partitions, duplicates and loss;
#  - usage: a bad --history-format, two outputs to -, --history - (the
#    report moves to stderr), an unwritable path, a run too big for ShiViz.
# The internals are tested by tests/unit/test_history_export.c.
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_python_optional

linear=(scenarios/raft/stale-read-leader-local.yaml scenarios/raft/retry-double-apply.yaml
        scenarios/replication/pb-async-lost-writes.yaml scenarios/intro/leader-loses-majority.yaml)
verdicts=""
for sc in "${linear[@]}"; do
    for seed in 1 2 3; do
        "$dslab" run "$sc" --seed "$seed" --json --history "$tmp/h.edn" >"$tmp/run.json" 2>/dev/null
        "$dslab" run "$sc" --seed "$seed" --quiet --history "$tmp/h.txt" --history-format porcupine >/dev/null 2>&1
        if [ "$have_python" = 1 ]; then
            want=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([c["verdict"] for c in d["checks"] if c["name"] == "linearizable"][0])' "$tmp/run.json")
        else
            want=$(grep -o '"name":"linearizable","verdict":"[a-z]*"' "$tmp/run.json" | sed 's/.*"verdict":"//; s/"//')
        fi
        case $want in pass) want_rc=0 ;; fail) want_rc=1 ;; *) want_rc=3 ;; esac
        verdicts="$verdicts $want"
        initial=$(sed -n 's/^; Check it: .*--initial \(-[0-9]*\)$/\1/p' "$tmp/h.edn")
        "$dslab" check-history "$tmp/h.edn" --model kv --initial "${initial:-missing}" >/dev/null 2>&1
        rc=$?
        check "$sc seed $seed: EDN export checks as the run did ($want, exit $want_rc)" "[ $rc = $want_rc ]"
        "$dslab" check-history "$tmp/h.txt" --model kv >/dev/null 2>&1
        rc=$?
        check "$sc seed $seed: Porcupine export checks as the run did ($want)" "[ $rc = $want_rc ]"
    done
done
check "the round trips saw both verdicts ($verdicts)" '[[ $verdicts == *pass* && $verdicts == *fail* ]]'
check "the EDN export has :info and :fail records" "grep -q ':type :info' '$tmp/h.edn' || grep -q ':type :fail' '$tmp/h.edn'"

# Deterministic: the same run twice writes the same bytes.
sc=scenarios/raft/stale-read-leader-local.yaml
"$dslab" run "$sc" --quiet --history "$tmp/a.edn" --shiviz "$tmp/a.log" >/dev/null 2>&1
"$dslab" run "$sc" --quiet --history "$tmp/b.edn" --shiviz "$tmp/b.log" >/dev/null 2>&1
check "the history export is deterministic" "cmp -s '$tmp/a.edn' '$tmp/b.edn'"
check "the ShiViz log is deterministic" "cmp -s '$tmp/a.log' '$tmp/b.log'"

# ShiViz: runs with crashes, partitions, duplicates, loss; several protocols.
if [ "$have_python" = 1 ]; then
    n=0
    for sc in scenarios/raft/stale-read-leader-local.yaml scenarios/replication/pb-split-brain.yaml \
              scenarios/raft/figure8-naive-commit.yaml $(ls scenarios/failure-detection/*.yaml | head -2) \
              $(ls scenarios/transactions/*.yaml | head -2); do
        "$dslab" run "$sc" --quiet --shiviz "$tmp/s.log" >/dev/null 2>&1
        out=$(python3 "$root/tests/e2e/lib/shiviz_check.py" "$tmp/s.log")
        check "$sc: ShiViz log parses and its clocks are consistent ($out)" "[[ '$out' == ok:* ]]"
        n=$((n + 1))
    done
    expect_at_least "$n" 5 "ShiViz scenarios"
    # Loss and duplicates: a message copied twice, one never delivered.
    "$dslab" run scenarios/raft/stale-read-leader-local.yaml --quiet --set network.loss=0.2 \
        --set network.duplicate=0.2 --shiviz "$tmp/s.log" >/dev/null 2>&1
    out=$(python3 "$root/tests/e2e/lib/shiviz_check.py" "$tmp/s.log")
    check "loss and duplicates: ShiViz log consistent ($out)" "[[ '$out' == ok:* ]]"
    check "a lost send says so" "grep -q 'never delivered' '$tmp/s.log'"
fi

# Usage and bad input: exit 2 and a clear message.
sc=scenarios/raft/stale-read-leader-local.yaml
run_first_err "$dslab" run "$sc" --history "$tmp/x" --history-format json
expect_exit_line "bad --history-format" 2 "dslab run: error: --history-format is edn or porcupine, got 'json'" "$status" "$got"
run_first_err "$dslab" run "$sc" --history - --shiviz -
check "two exports to standard output are refused (exit $status: $got)" "[ $status = 2 ] && [[ '$got' == *'only one of'* ]]"
"$dslab" run "$sc" --history - --history-format porcupine >"$tmp/out" 2>"$tmp/err"
check "--history -: the history on stdout, the report on stderr" \
    "grep -q '^{:process' '$tmp/out' && ! grep -q '^seed' '$tmp/out' && grep -q '^seed' '$tmp/err'"
run_first_err "$dslab" run "$sc" --history "$tmp/no/such/dir/h.edn"
check "an unwritable --history path is exit 2 ($got)" "[ $status = 2 ] && [[ '$got' == *no/such/dir* ]]"
run_first_err "$dslab" run bench/gossip-pingpong.yaml --until 1ms --shiviz "$tmp/big.log" --set nodes=300
check "a run too big for ShiViz is refused ($got)" "[ $status = 2 ] && [[ '$got' == *'1 to 256 nodes'* ]]"
check "the refused ShiViz log was not left behind" "[ ! -e '$tmp/big.log' ]"
e2e_finish

#!/usr/bin/env bash
# grading_words.sh: right answers in a learner's own words pass, near
# misses that name a different concept do not (issue 10, class 6), for
# every closed-list question of the curriculum (failure-mode, trade-off,
# assumption); and the adversarial answers files tests/exercises/ID/p-*.yaml
# get their verdict: "# expect-exit: N" and every "# expect: TEXT" line in
# the output, no "# expect-not: TEXT" line.
# usage: bash grading_words.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

python3 - "$dslab" "$tmp" <<'PY'
import subprocess, sys, os
dslab, tmp = sys.argv[1], sys.argv[2]
# exercise, question: (right wordings, near misses). A wording is right
# when the grade says "Right: " for that question. A trade-off said with a
# direction ("A over B") must have it the way the design leaned: the
# reversed wording is a near miss.
W = {
 ("primary-backup-split-brain", "what-failed"): (["Split-Brain", "two masters", "two active primaries", "dual primary", "split brains"],
                                                  ["stale reads", "divergence", "false suspicion"]),
 ("primary-backup-split-brain", "trade-off"): (["availability over consistency", "consistency versus availability",
                                                "Availability against consistency", "CAP", "AP vs CP"],
                                               ["latency vs consistency", "safety vs liveness", "availability vs latency"]),
 ("deposed-leader-stale-reads", "what-failed"): (["zombie leader", "deposed leader", "stale leader", "deposed primary"],
                                                  ["stale read", "minority unavailability", "leader flapping"]),
 ("deposed-leader-stale-reads", "trade-off"): (["latency against linearizability", "latency over linearizability",
                                                "latency vs consistency", "performance vs consistency"],
                                               ["latency vs durability", "durability vs latency", "retries vs load",
                                                "linearizability over latency"]),
 ("break-leader-local-reads", "trade-off"): (["latency versus linearizability", "latency over consistency", "PACELC"],
                                             ["latency vs throughput", "clocks vs round trips", "consistency over latency"]),
 ("lease-reads-under-drift", "what-failed"): (["clock drift", "lease violation", "lease broken by clock drift", "drifting clock"],
                                               ["clock jump backwards", "stale read", "clock skew"]),
 ("lease-reads-under-drift", "trade-off"): (["trusting clocks vs paying round trips", "round trips vs clocks",
                                             "latency against linearizability", "clocks versus messages"],
                                            ["lease length vs failover time", "retries vs load"]),
 ("lock-lease-drift", "what-failed"): (["clock drift", "lease expired early", "lease drift"],
                                        ["process pause", "split brain", "clock jump"]),
 ("lock-lease-drift", "trade-off"): (["lease length vs failover", "long leases vs failover", "failover time vs lease length"],
                                     ["clocks vs round trips", "safety vs liveness"]),
 ("last-writer-wins-skew", "what-failed"): (["lost updates", "overwritten writes", "write clobbered", "Lost Update"],
                                             ["stale read", "clock jump backwards"]),
 ("last-writer-wins-skew", "assumption"): (["synchronized clocks", "clocks are synchronized", "bounded clock skew",
                                            "clock_skew_below", "synchronised clocks"],
                                           ["bounded message delay", "bounded process pauses"]),
 ("async-replication-loses-writes", "what-failed"): (["lost acknowledged writes", "acked writes lost", "data loss"],
                                                      ["unsynced write loss on crash", "split brain"]),
 ("async-replication-loses-writes", "trade-off"): (["sync vs async replication", "asynchronous vs synchronous replication",
                                                    "latency over durability", "latency vs durability"],
                                                   ["latency vs consistency", "async replication", "durability over latency"]),
 ("stale-quorum-reads", "what-failed"): (["quorums do not overlap", "non overlapping quorums", "no quorum overlap",
                                          "quorums don't overlap"],
                                         ["replication lag", "stale reads"]),
 ("stale-quorum-reads", "trade-off"): (["read quorum vs write quorum", "write quorum vs read quorum", "quorum sizes"],
                                       ["latency vs consistency", "read vs write"]),
 ("deaf-node-deposes-leaders", "what-failed"): (["leader churn", "flapping", "leader instability", "unstable leader"],
                                                 ["split vote", "split brain"]),
 ("deaf-node-deposes-leaders", "cause"): (["one-way partition", "asymmetric network partition", "unidirectional link"],
                                          ["gray failure", "partition"]),
 ("split-votes-forever", "what-failed"): (["split votes", "election livelock", "no leader elected", "endless elections"],
                                           ["leader flapping", "split brain"]),
 ("split-votes-forever", "trade-off"): (["randomized timeouts", "safety over liveness", "liveness versus safety",
                                         "election timeout vs failover speed"],
                                        ["latency vs consistency", "retries vs load"]),
 ("impatient-failure-detector", "what-failed"): (["false positives", "false suspicions", "healthy node declared dead",
                                                  "spurious failover"],
                                                 ["slow failure detection", "gray failure", "timeout too long"]),
 ("impatient-failure-detector", "trade-off"): (["speed vs accuracy", "false positives vs detection time",
                                                "detection speed versus accuracy", "fast detection vs false positives"],
                                               ["detection vs traffic", "latency vs consistency"]),
 ("patient-failure-detector", "what-failed"): (["slow detection", "late detection", "timeout too long", "delayed detection"],
                                                ["false suspicion", "timeout too short"]),
 ("two-phase-commit-blocks", "what-failed"): (["2PC blocking", "blocked participants", "in doubt transaction",
                                               "participants in doubt"],
                                              ["lost update", "split brain"]),
 ("two-phase-commit-blocks", "trade-off"): (["safety over liveness", "blocking vs non-blocking commit", "2PC vs 3PC",
                                             "liveness vs safety"],
                                            ["consistency vs availability", "latency vs consistency"]),
 ("break-two-phase-commit", "trade-off"): (["safety vs liveness", "blocking versus nonblocking commit"],
                                           ["retries vs load"]),
 ("retry-storm", "what-failed"): (["retry storms", "metastable failure", "metastability", "retry amplification"],
                                   ["thundering herd", "gray failure"]),
 ("retry-storm", "trade-off"): (["retries vs load", "load vs retries", "retries vs overload", "retry budget"],
                                ["latency vs consistency", "detection speed vs false positives"]),
 ("transfer-saga", "what-failed"): (["missing compensation", "no compensation", "uncompensated step", "half-finished saga"],
                                     ["lost update", "duplicate delivery", "blocking commit"]),
 ("transfer-saga", "trade-off"): (["availability over isolation", "saga vs 2PC", "isolation versus availability"],
                                   ["isolation over availability", "consistency vs availability",
                                    "blocking vs non blocking commit"]),
 ("delayed-write-lock", "what-failed"): (["no fencing", "unfenced writes", "missing fencing tokens"],
                                          ["process pause", "clock drift"]),
 ("delayed-write-lock", "assumption"): (["bounded message delay", "messages arrive in time", "synchrony"],
                                         ["bounded process pauses", "bounded clock skew"]),
 ("crashed-lock-holder", "trade-off"): (["lease length vs failover", "lease duration", "long lease vs fast failover"],
                                         ["consistency vs availability", "latency vs throughput"]),
 ("replicas-in-one-rack", "what-failed"): (["correlated failure", "shared fate", "common mode failure"],
                                            ["lost acknowledged write", "split brain"]),
 ("replicas-in-one-rack", "assumption"): (["majority connected", "a majority stays connected"],
                                           ["acknowledged writes are on stable storage", "bounded message delay"]),
 ("durable-and-fast", "trade-off"): (["latency over durability", "fsync vs latency", "durability vs latency"],
                                      ["durability over latency", "latency vs throughput"]),
 ("paused-lock-holder", "what-failed"): (["GC pause", "stop-the-world pause", "process pause", "missing fencing",
                                          "no fencing token", "garbage collection pause"],
                                         ["lease violation by clock drift", "split brain"]),
 ("paused-lock-holder", "assumption"): (["bounded process pauses", "no long pauses", "pause_below", "bounded pauses"],
                                        ["bounded clock skew", "a majority stays connected"]),
}
failures, checks = [], 0
for (ex, q), (rights, misses) in sorted(W.items()):
    for answer, want in [(a, True) for a in rights] + [(a, False) for a in misses]:
        path = os.path.join(tmp, "a.yaml")
        with open(path, "w") as f:
            f.write("exercise: %s\nanswers:\n  %s: \"%s\"\n" % (ex, q, answer.replace('"', '\\"')))
        r = subprocess.run([dslab, "grade", ex, path, "--json", "--no-progress"], capture_output=True, text=True)
        checks += 1
        import json
        try:
            qs = {x["id"]: x for x in json.loads(r.stdout)["questions"]}
            got = qs[q]["feedback"].startswith("Right:")
        except Exception as e:
            failures.append("%s %s '%s': no verdict (%s) %s" % (ex, q, answer, e, r.stderr.strip()))
            continue
        if got != want:
            failures.append("%s %s '%s': %s, want %s (%s)" % (ex, q, answer, "right" if got else "wrong",
                                                            "right" if want else "wrong", qs[q]["feedback"]))
for f in failures:
    print("FAIL:", f)
print("words: %d answers checked, %d failed" % (checks, len(failures)))
sys.exit(1 if failures else 0)
PY
rc=$?

[ $rc -eq 0 ] && ok "the words each answer is graded on (above)" || bad "the words each answer is graded on (above)"

# The adversarial answers files: p-*.yaml.
for f in tests/exercises/*/p-*.yaml; do
    [ -e "$f" ] || continue
    id=$(basename "$(dirname "$f")")
    want_rc=$(sed -n 's/^# expect-exit: //p' "$f")
    out=$("$dslab" grade "$id" "$f" --no-progress 2>&1)
    got_rc=$?
    ok=1
    [ "$got_rc" = "${want_rc:-1}" ] || ok=0
    while IFS= read -r e; do grep -qF -- "$e" <<< "$out" || { ok=0; echo "  missing: $e"; }; done < <(sed -n 's/^# expect: //p' "$f")
    while IFS= read -r e; do ! grep -qF -- "$e" <<< "$out" || { ok=0; echo "  unwanted: $e"; }; done < <(sed -n 's/^# expect-not: //p' "$f")
    if [ $ok = 1 ]; then ok "$f"; else bad "$f (exit $got_rc)"; echo "$out" | head -20; fi
done
e2e_finish "answers files"

#!/usr/bin/env bash
# exercise_commands.sh: the exercise commands end to end: explain (synonyms,
# typos), exercises --json, exercise reading answers from stdin, progress
# per profile in the XDG data dir, reveal, class-report, report.
# usage: bash exercise_commands.sh DSLAB ROOT
set -u
DSLAB=$1
ROOT=$2
export DSLAB_ROOT=$ROOT
export XDG_DATA_HOME=$(mktemp -d)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$XDG_DATA_HOME"' EXIT
pass=0
fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

out=$("$DSLAB" explain two leaders)
check "explain resolves a synonym" 'grep -q "^split brain (failure mode" <<< "$out"'
err=$("$DSLAB" explain splt brian 2>&1 >/dev/null); rc=$?
check "explain suggests on a typo" '[ $rc -eq 2 ] && grep -q "did you mean '"'"'split brain'"'"'" <<< "$err"'
n=$("$DSLAB" explain | grep -c '^  ')
check "explain lists >= 25 + 12 terms" '[ "$n" -ge 37 ]'

"$DSLAB" exercises --json > "$TMP/list.json"
check "exercises --json has id, title, track" 'python3 -c "import json,sys; l=json.load(open(sys.argv[1])); assert len(l)>=15 and all(\"id\" in e and \"title\" in e and \"track\" in e for e in l)" "$TMP/list.json"'
tracks=$(python3 -c 'import json,sys; print(len({e["track"] for e in json.load(open(sys.argv[1]))}))' "$TMP/list.json")
check "7 tracks" '[ "$tracks" -eq 7 ]'
fixes=$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); print(len({e["track"] for e in l if "fix" in e["kinds"]}), sum("break" in e["kinds"] for e in l))' "$TMP/list.json")
check "every track has a fix, >= 2 break exercises" '[ "${fixes% *}" -eq 7 ] && [ "${fixes#* }" -ge 2 ]'

# exercise: answers from stdin (a hint request first), written and graded.
cd "$TMP"
printf 'hint\ndeposed leader\n1.3s 1.4s\nn1\nlatency vs consistency\nholds\nprotocol.read_mode=read-index\n\n' |
    "$DSLAB" exercise deposed-leader-stale-reads --profile ws1 --no-png > "$TMP/session.txt" 2>&1
rc=$?
check "exercise from stdin passes (exit 0)" '[ $rc -eq 0 ]'
check "exercise shows a hint" 'grep -q "^hint 1:" "$TMP/session.txt"'
check "exercise shows the run" 'grep -q "linearizable *FAIL" "$TMP/session.txt"'
check "exercise writes the answers file" 'grep -q "read_mode: \"read-index\"" deposed-leader-stale-reads.answers.yaml'
P="$XDG_DATA_HOME/dslab/ws1/progress.yaml"
check "progress written under the profile" 'grep -q "id: \"deposed-leader-stale-reads\", attempts: 1, best: 6000, max: 6000, passed: true" "$P"'
check "mastery recorded" 'grep -q "term: \"deposed-leader\", right: 1, mastered: 1, after: 1" "$P"'
check "answers per question recorded" 'grep -q "question: \"what-failed\", attempts: 1, right_at: 1, answers: \[\"deposed-leader\"\]" "$P"'
check "no stray temporary files" '[ "$(ls "$XDG_DATA_HOME/dslab/ws1" | tr "\n" " ")" = "progress.yaml progress.yaml.lock " ]'
"$DSLAB" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --profile ws1 > /dev/null
check "a second attempt counts" 'grep -q "attempts: 2" "$P"'
out=$("$DSLAB" exercises --profile ws1)
check "exercises shows progress" 'grep -q "\[x\] deposed-leader-stale-reads" <<< "$out" && grep -q "+deposed-leader" <<< "$out"'
out=$("$DSLAB" exercises --profile other)
check "profiles are separate" 'grep -q "\[ \] deposed-leader-stale-reads" <<< "$out"'
err=$("$DSLAB" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --profile "../x" 2>&1 >/dev/null)
check "a bad profile name is refused" 'grep -q "profile name" <<< "$err"'

out=$("$DSLAB" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --json --no-progress)
check "grade --json" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d[\"pass\"] and len(d[\"questions\"])==4" "$out"'
err=$("$DSLAB" grade deposed-leader-stale-read x.yaml 2>&1); rc=$?
check "unknown exercise: did you mean, exit 2" '[ $rc -eq 2 ] && grep -q "did you mean '"'"'deposed-leader-stale-reads'"'"'" <<< "$err"'

out=$("$DSLAB" reveal primary-backup-split-brain)
check "reveal prints the key and debrief" 'grep -q "accepted:  split brain" <<< "$out" && grep -q "^debrief" <<< "$out"'
check "the exercise file does not show the key" '! grep -qi "split.brain" "$ROOT/exercises/replication/primary-backup-split-brain.yaml" || ! grep -q "key: \[split" "$ROOT/exercises/replication/primary-backup-split-brain.yaml"'

# class report over three learners.
"$DSLAB" reveal primary-backup-split-brain --answers > a1.yaml
printf 'exercise: primary-backup-split-brain\nlearner: bo\nanswers:\n  what-failed: stale read\n  fix: { protocol.fencing: "false" }\n  why: "n1 was partitioned"\n' > a2.yaml
printf 'exercise: primary-backup-split-brain\nlearner: cy\nanswers:\n  what-failed: { mode: stale reads, from: 3.8s, to: 3.9s, nodes: [n1] }\n' > a3.yaml
printf 'exercise: nope\nanswers:\n' > a4.yaml
"$DSLAB" class-report a1.yaml a2.yaml a3.yaml a4.yaml > report.md
rc=$?
check "class-report exit 0" '[ $rc -eq 0 ]'
check "class-report: distribution" 'grep -q "1 of 3 passed" report.md'
check "class-report: most common wrong answer" 'grep -q "| what-failed | failure-mode | 1/3 | stale-read | 2 |" report.md'
check "class-report: free text to review" 'grep -q "n1 was partitioned" report.md'
check "class-report: unreadable files listed" 'grep -q "unknown exercise" report.md'

"$DSLAB" report "$ROOT/scenarios/replication/pb-split-brain.yaml" --out "$TMP/pm" > /dev/null
rc=$?
check "report writes report.md" '[ $rc -eq 0 ] && [ -s "$TMP/pm/report.md" ]'
check "report: timeline with a violation" 'grep -q "VIOLATION  single-primary-at-once" "$TMP/pm/report.md"'
check "report: evidence events" 'grep -q "\"kind\":" "$TMP/pm/report.md"'
check "report: blameless and reproducible" 'grep -q "Blameless" "$TMP/pm/report.md" && grep -q "dslab run .*--seed" "$TMP/pm/report.md"'
"$DSLAB" report "$ROOT/scenarios/locks/gc-pause-lease.yaml" --out "$TMP/pm2" > /dev/null
check "report: assumptions that broke first" 'grep -q "pause_below. broke at" "$TMP/pm2/report.md"'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

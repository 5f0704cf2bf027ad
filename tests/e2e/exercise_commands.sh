#!/usr/bin/env bash
# exercise_commands.sh: the exercise commands end to end: explain (synonyms,
# typos), exercises --json, exercise reading answers from stdin, progress
# per profile in the XDG data dir, reveal, class-report, report.
# usage: bash exercise_commands.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

out=$("$dslab" explain two leaders)
check "explain resolves a synonym" 'grep -q "^split brain (failure mode" <<< "$out"'
err=$("$dslab" explain splt brian 2>&1 >/dev/null); rc=$?
check "explain suggests on a typo" '[ $rc -eq 2 ] && grep -q "did you mean '"'"'split brain'"'"'" <<< "$err"'
n=$("$dslab" explain | grep -c '^  ')
check "explain lists >= 25 + 12 terms" '[ "$n" -ge 37 ]'

"$dslab" exercises --json > "$tmp/list.json"
check "exercises --json has id, title, track" 'python3 -c "import json,sys; l=json.load(open(sys.argv[1])); assert len(l)>=15 and all(\"id\" in e and \"title\" in e and \"track\" in e for e in l)" "$tmp/list.json"'
tracks=$(python3 -c 'import json,sys; print(len({e["track"] for e in json.load(open(sys.argv[1]))}))' "$tmp/list.json")
check "at least 7 tracks" '[ "$tracks" -ge 7 ]'
fixes=$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); print(len({e["track"] for e in l if "fix" in e["kinds"] or "break" in e["kinds"]}), sum("break" in e["kinds"] for e in l))' "$tmp/list.json")
check "every track has a fix or break, >= 2 break exercises" '[ "${fixes% *}" -eq "$tracks" ] && [ "${fixes#* }" -ge 2 ]'

# exercise: answers from stdin (a hint request first), written and graded.
cd "$tmp"
printf 'hint\ndeposed leader\n1.3s 1.4s\nn1\nlatency vs consistency\nholds\nprotocol.read_mode=read-index\n\n' |
    "$dslab" exercise deposed-leader-stale-reads --stdin --profile ws1 --no-png > "$tmp/session.txt" 2>&1
rc=$?
check "exercise from stdin passes (exit 0)" '[ $rc -eq 0 ]'
check "exercise shows a hint" 'grep -q "^hint 1:" "$tmp/session.txt"'
check "exercise shows the run" 'grep -q "linearizable *FAIL" "$tmp/session.txt"'
check "exercise writes the answers file" 'grep -q "read_mode\": \"read-index\"" deposed-leader-stale-reads.answers.yaml'
P="$XDG_DATA_HOME/dslab/ws1/progress.yaml"
check "progress written under the profile" 'grep -q "id: \"deposed-leader-stale-reads\", attempts: 1, best: 6000, max: 6000, passed: true" "$P"'
check "mastery recorded" 'grep -q "term: \"deposed-leader\", right: 1, mastered: 1, after: 1" "$P"'
check "answers per question recorded" 'grep -q "question: \"what-failed\", attempts: 1, right_at: 1, answers: \[\"deposed-leader\"\]" "$P"'
check "no stray temporary files" '[ "$(ls "$XDG_DATA_HOME/dslab/ws1" | tr "\n" " ")" = "progress.yaml progress.yaml.lock " ]'
"$dslab" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --profile ws1 > /dev/null
check "a second attempt counts" 'grep -q "attempts: 2" "$P"'
out=$("$dslab" exercises --profile ws1)
check "exercises shows progress" 'grep -q "\[x\] deposed-leader-stale-reads" <<< "$out" && grep -q "+deposed-leader" <<< "$out"'
out=$("$dslab" exercises --profile other)
check "profiles are separate" 'grep -q "\[ \] deposed-leader-stale-reads" <<< "$out"'
err=$("$dslab" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --profile "../x" 2>&1 >/dev/null)
check "a bad profile name is refused" 'grep -q "profile name" <<< "$err"'

out=$("$dslab" grade deposed-leader-stale-reads deposed-leader-stale-reads.answers.yaml --json --no-progress)
check "grade --json" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d[\"pass\"] and len(d[\"questions\"])==4" "$out"'
err=$("$dslab" grade deposed-leader-stale-read x.yaml 2>&1); rc=$?
check "unknown exercise: did you mean, exit 2" '[ $rc -eq 2 ] && grep -q "did you mean '"'"'deposed-leader-stale-reads'"'"'" <<< "$err"'

out=$("$dslab" reveal primary-backup-split-brain)
check "reveal prints the key and debrief" 'grep -q "accepted:  split brain" <<< "$out" && grep -q "^debrief" <<< "$out"'
check "the exercise file does not show the key" '! grep -qi "split.brain" "$root/exercises/replication/primary-backup-split-brain.yaml" || ! grep -q "key: \[split" "$root/exercises/replication/primary-backup-split-brain.yaml"'

# class report over three learners.
"$dslab" reveal primary-backup-split-brain --answers > a1.yaml
printf 'exercise: primary-backup-split-brain\nlearner: bo\nanswers:\n  what-failed: stale read\n  fix: { protocol.fencing: "false" }\n  why: "n1 was partitioned"\n' > a2.yaml
printf 'exercise: primary-backup-split-brain\nlearner: cy\nanswers:\n  what-failed: { mode: stale reads, from: 3.8s, to: 3.9s, nodes: [n1] }\n' > a3.yaml
printf 'exercise: nope\nanswers:\n' > a4.yaml
"$dslab" class-report a1.yaml a2.yaml a3.yaml a4.yaml > report.md
rc=$?
check "class-report exit 0" '[ $rc -eq 0 ]'
check "class-report: distribution" 'grep -q "1 of 3 learners passed" report.md'
check "class-report: most common wrong answer" 'grep -q "| what-failed | failure-mode | 1/3 | 0 | stale-read | 2 |" report.md'
check "class-report: free text to review" 'grep -q "n1 was partitioned" report.md'
check "class-report: unreadable files listed" 'grep -q "unknown exercise" report.md'

"$dslab" report "$root/scenarios/replication/pb-split-brain.yaml" --out "$tmp/pm" > /dev/null
rc=$?
check "report writes report.md" '[ $rc -eq 0 ] && [ -s "$tmp/pm/report.md" ]'
check "report: timeline with a violation" 'grep -q "VIOLATION  single-primary-at-once" "$tmp/pm/report.md"'
check "report: evidence events" 'grep -q "\"kind\":" "$tmp/pm/report.md"'
check "report: blameless and reproducible" 'grep -q "Blameless" "$tmp/pm/report.md" && grep -q "dslab run .*--seed" "$tmp/pm/report.md"'
"$dslab" report "$root/scenarios/locks/gc-pause-lease.yaml" --out "$tmp/pm2" > /dev/null
check "report: assumptions that broke first" 'grep -q "pause_below. broke at" "$tmp/pm2/report.md"'

# Brute force (issue 10, class 4): the closed list tried in turn gets the
# question right on the 4th attempt, and the mastery map does not credit it.
for t in "safety vs liveness" "latency vs consistency" "retries vs load" "availability over consistency"; do
    printf 'exercise: primary-backup-split-brain\nanswers:\n  trade-off: %s\n' "$t" > bf.yaml
    out=$("$dslab" grade primary-backup-split-brain bf.yaml --profile bf)
done
check "brute force: the grade says why it is not mastery" 'grep -q "mastery: consistency-vs-availability not credited: trade-off was right only after 4 attempts" <<< "$out"'
out=$("$dslab" exercises --profile bf)
check "brute force: the map says after 4 attempts, not mastered" 'grep -q "~consistency-vs-availability (after 4 attempts)" <<< "$out" && grep -q "mastery of trade-offs: 0 of" <<< "$out"'
check "brute force: the answers are recorded in order" 'grep -q "question: \"trade-off\", attempts: 4, right_at: 4, answers: \[\"safety-vs-liveness\", \"latency-vs-consistency\", \"retries-vs-load\", \"consistency-vs-availability\"\]" "$XDG_DATA_HOME/dslab/bf/progress.yaml"'
printf 'exercise: primary-backup-split-brain\nanswers:\n  trade-off: safety vs liveness\n' > t1.yaml
printf 'exercise: primary-backup-split-brain\nanswers:\n  trade-off: cap\n' > t2.yaml
"$dslab" grade primary-backup-split-brain t1.yaml --profile second > /dev/null
"$dslab" grade primary-backup-split-brain t1.yaml --profile second > /dev/null
out=$("$dslab" grade primary-backup-split-brain t2.yaml --profile second)
check "right on the second answer (a resubmission is not an attempt): mastered" 'grep -q "mastery: +consistency-vs-availability (trade-off right after 2 attempts)" <<< "$out"'
out=$("$dslab" exercises --profile second)
check "the map says after 2 attempts" 'grep -q "+consistency-vs-availability (after 2 attempts)" <<< "$out" && grep -q "mastery of trade-offs: 1 of" <<< "$out"'

# exercise without a terminal: an error naming `dslab grade`, nothing
# written, no attempt recorded (issue 10, class 8).
mkdir -p "$tmp/notty" && cd "$tmp/notty"
err=$(printf 'split brain\n' | "$dslab" exercise primary-backup-split-brain --profile notty --no-png 2>&1 >/dev/null); rc=$?
check "no terminal: exit 2 naming dslab grade" '[ $rc -eq 2 ] && grep -q "dslab grade primary-backup-split-brain FILE" <<< "$err"'
check "no terminal: no answers file, no attempt" '[ ! -e primary-backup-split-brain.answers.yaml ] && [ ! -e "$XDG_DATA_HOME/dslab/notty" ]'
out=$("$dslab" exercise primary-backup-split-brain --profile notty --no-png < /dev/null 2>&1); rc=$?
check "no terminal (stdin /dev/null): exit 2, no run shown" '[ $rc -eq 2 ] && ! grep -q -- "--- the run" <<< "$out"'
# --profile is validated before anything runs.
out=$(printf '\n' | "$dslab" exercise primary-backup-split-brain --stdin --profile "../x" --no-png 2>&1); rc=$?
check "bad --profile: exit 2 before the run" '[ $rc -eq 2 ] && grep -q "profile name" <<< "$out" && ! grep -q -- "--- the run" <<< "$out"'
# A long line is one answer, never cut into pieces for the next questions.
long=$(head -c 700 /dev/zero | tr '\0' 'x')
printf '%s\n\n\nconsistency vs availability\n\n\n' "$long" |
    "$dslab" exercise primary-backup-split-brain --stdin --no-run --profile long --out long.yaml > long.txt 2>&1
check "a 700-byte line is one answer" 'grep -q "what-failed\": { mode: \"x\{700\}\" }" long.yaml && grep -q "\"trade-off\": \"consistency vs availability\"" long.yaml'
huge=$(head -c 5000 /dev/zero | tr '\0' 'y')
err=$(printf '%s\nsplit brain\n' "$huge" | "$dslab" exercise primary-backup-split-brain --stdin --no-run --profile huge --out huge.yaml 2>&1 >/dev/null); rc=$?
check "a line over 4096 bytes: exit 2, named, nothing recorded" '[ $rc -eq 2 ] && grep -q "stdin line 1 is longer than the limit" <<< "$err" && [ ! -e huge.yaml ] && [ ! -e "$XDG_DATA_HOME/dslab/huge" ]'
err=$(printf 'split \377brain\n' | "$dslab" exercise primary-backup-split-brain --stdin --no-run --profile bad8 --out bad8.yaml 2>&1 >/dev/null); rc=$?
check "a line that is not UTF-8: exit 2" '[ $rc -eq 2 ] && grep -q "stdin line 1 is not UTF-8" <<< "$err"'
printf 'split brain\n2s 3s\nn1 n2\nA"vail\x1b[31m ability\\\n' |
    "$dslab" exercise primary-backup-split-brain --stdin --no-run --profile esc --out esc.yaml > /dev/null 2>&1
check "quotes, backslashes and ESC in an answer stay inside it" 'python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert d[\"answers\"][\"trade-off\"]==\"A\\\"vail\\x1b[31m ability\\\\\", d" esc.yaml'
# A declare question is asked first, before the run is shown; its lines
# (NAME: BOUND or NAME=BOUND) end with an empty one.
printf 'clock_skew_below: 20ms\npause_below=1s\n\nlost update\n\n\nbounded clock skew\n\n' |
    "$dslab" exercise last-writer-wins-skew --stdin --no-png --no-window --profile decl --out decl.yaml > decl.txt 2>&1
check "declare: asked before the run, the run before the other questions" \
    'awk "!d && /\(declare\)/{d=NR} !r && /--- the run/{r=NR} !f && /\(failure-mode\)/{f=NR} END{exit !(d && r && f && d < r && r < f)}" decl.txt'
check "declare: the answer is the scenario's mapping, graded with the run's report" \
    'python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1]))[\"answers\"]; assert d[\"before-the-run\"]=={\"clock_skew_below\": \"20ms\", \"pause_below\": \"1s\"}, d; assert d[\"assumption\"]==\"bounded clock skew\", d" decl.yaml && grep -q "clock_skew_below: 20ms; it broke at 0.000000s" decl.txt'
# --png-dir that does not exist is created (with the visualiser built).
if "$dslab" viz --help > /dev/null 2>&1; then
    printf '\n\n\n\n\n\n' | "$dslab" exercise primary-backup-split-brain --stdin --no-window --png-dir "$tmp/notty/new/pngs" --profile png > png.txt 2>&1
    check "--png-dir is created" '[ -s "$tmp/notty/new/pngs/primary-backup-split-brain.png" ]'
    touch afile
    err=$(printf '\n' | "$dslab" exercise primary-backup-split-brain --stdin --no-window --png-dir afile/x --profile png 2>&1 >/dev/null); rc=$?
    check "--png-dir that cannot be created: exit 2" '[ $rc -eq 2 ] && grep -q "cannot create the --png-dir" <<< "$err"'
fi
# At a terminal (a pty): the prompts, then the grade.
python3 - "$dslab" > tty.txt 2>&1 <<'PY'
import os, pty, sys, time, select
dslab = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(dslab, [dslab, "exercise", "deposed-leader-stale-reads", "--no-run", "--no-png", "--no-window",
                     "--profile", "tty", "--out", "tty.yaml"])
answers = [b"hint", b"zombie leader", b"1.3s 1.4s", b"n1", b"latency against linearizability", b"holds",
           b"protocol.read_mode=read-index", b""]
out = b""
def read_until(done, timeout):
    global out
    end = time.time() + timeout
    while not done() and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
for i, a in enumerate(answers):  # each answer after its prompt
    read_until(lambda: out.count(b"> ") > i, 30)
    os.write(fd, a + b"\r")
read_until(lambda: b"result:" in out, 120)
read_until(lambda: False, 1)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status))
PY
rc=$?
check "at a terminal: prompts and a pass" '[ $rc -eq 0 ] && grep -q "failure mode> " tty.txt && grep -q "^hint 1:" tty.txt && grep -q "result: PASS" tty.txt'
check "at a terminal: attempt recorded" 'grep -q "attempts: 1" "$XDG_DATA_HOME/dslab/tty/progress.yaml"'
cd "$tmp"

e2e_finish

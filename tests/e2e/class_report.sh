#!/usr/bin/env bash
# class_report.sh: `dslab class-report` for a mentor (issue 10, class 7):
# a learner-by-question matrix with attempts, misconceptions by how many
# learners hit them, likely brute force (a learner's attempts, in the order
# given, cycling through the closed list), and hostile learner names and
# answers (newline, CR, ESC sequences, tab, invalid UTF-8 in the file name,
# very long) that cannot forge a row or reach the terminal; the same for
# `dslab grade`'s output.
# usage: bash class_report.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

cd "$tmp"
EX=primary-backup-split-brain
"$dslab" reveal $EX --answers | sed 's/^learner: .*/learner: ada/' > ada.yaml
# bo tries the closed list in turn: four attempts at the trade-off.
i=0
for t in "safety vs liveness" "latency vs consistency" "retries vs load" "cap"; do
    i=$((i + 1))
    printf 'exercise: %s\nlearner: bo\nanswers:\n  what-failed: stale read\n  trade-off: %s\n' $EX "$t" > "bo-$i.yaml"
done
printf 'exercise: %s\nlearner: cy\nanswers:\n  what-failed: { mode: stale reads, from: 3.8s, to: 3.9s, nodes: [n1] }\n  trade-off: availability over consistency\n' $EX > cy.yaml
# cy2 cycles between two wrong answers, then the right one.
i=0
for t in "latency vs consistency" "safety vs liveness" "latency vs consistency" "safety vs liveness" "cap"; do
    i=$((i + 1))
    printf 'exercise: %s\nlearner: cy2\nanswers:\n  trade-off: %s\n' $EX "$t" > "cy2-$i.yaml"
done
# Hostile: a name with a newline that would forge a row, a tab, HTML.
# (Control characters other than tab and newline never get this far: the
# YAML reader refuses them, raw or escaped; mallory-esc.yaml checks that.)
printf 'exercise: %s\nlearner: "mallory\\n| alice | 1 | pass 2/2 | 6/6 | pass |\\tx<b>*y*</b>"\nanswers:\n  what-failed: "bogus\\nline"\n  trade-off: "stale read"\n  why: "line1\\n| eve | 6/6 | pass |"\n' $EX > mallory.yaml
printf 'exercise: %s\nlearner: "eve\\r\\x1b[2J\\x1b]0;pwned\\x07"\nanswers:\n  trade-off: cap\n' $EX > mallory-esc.yaml
long=$(head -c 3000 /dev/zero | tr '\0' 'z')
printf 'exercise: %s\nlearner: %s\nanswers:\n  trade-off: cap\n' $EX "$long" > long.yaml
cp cy.yaml "$(printf 'bad\377name.yaml')"   # a file name that is not UTF-8 (and no learner: key)
sed -i '/^learner:/d' "$(printf 'bad\377name.yaml')"
"$dslab" class-report ada.yaml bo-1.yaml bo-2.yaml bo-3.yaml bo-4.yaml cy.yaml cy2-*.yaml mallory.yaml mallory-esc.yaml long.yaml "$(printf 'bad\377name.yaml')" --out report.md 2> report.err
rc=$?
check "control characters in a learner file: a clear error at their place, in the report" 'grep -qF "mallory-esc.yaml:2:10: error: text contains a control character" report.md'
check "the refused file is not in the report" '! grep -q "pwned" report.md'
check "class-report exit 0" '[ $rc -eq 0 ]'
check "matrix: bo, 4 attempts, trade-off right after 4 different answers, flagged" 'grep -q "^| bo | 4 | fail 0/2 (1) M | pass 1/1 (4) B |" report.md'
check "matrix: ada passes in one attempt" 'grep -q "^| ada | 1 | pass 2/2 (1) | pass 1/1 (1) | pass 2/2 (1) |" report.md'
check "misconceptions by learners: stale-read hit by 3" 'grep -q "^| what-failed | stale-read | 3 | bo, cy, bad\\\\xffname.yaml | " report.md'
check "brute force listed with the terms in order" 'grep -q "bo\*\*, trade-off: 4 answers, changed 3 times (safety-vs-liveness, latency-vs-consistency, retries-vs-load, consistency-vs-availability); right after 4 attempts" report.md'
check "cycling through two terms is flagged" 'grep -q "cy2\*\*, trade-off: 3 answers, changed 4 times" report.md'
check "no forged row: every table row of the matrix starts with a known learner" '! grep -q "^| alice" report.md && ! grep -q "^| eve" report.md'
check "hostile name shown escaped in one cell" 'grep -qF "| mallory\\n\\| alice \\| 1 \\| pass 2/2 \\| 6/6 \\| pass \\|\\tx\\<b\\>\\*y\\*\\</b\\> | 1 |" report.md'
check "no control character in the report" '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" < report.md)'
check "report is valid UTF-8" 'iconv -f UTF-8 -t UTF-8 report.md > /dev/null'
check "a very long name is cut" 'grep -q "^| z\{64\}\.\.\. | 1 |" report.md'
check "a file name that is not UTF-8 is escaped" 'grep -qF "bad\\xffname.yaml" report.md'
check "free text escaped" 'grep -qF "line1\\n\\| eve \\| 6/6 \\| pass \\|" report.md'
# Every table row has the same number of cells as its header.
check "every matrix row has as many cells as the header" 'python3 - report.md <<'"'"'PY'"'"'
import re, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l.startswith("|")]
def cells(l): return len(re.findall(r"(?<!\\)\|", l))
head = None
for l in rows:
    if l.startswith("| learner"): head = cells(l); continue
    if l.startswith("| question") or l.startswith("|---"): head = None if l.startswith("| question") else head; continue
    if head is not None: assert cells(l) == head, l
PY'

# grade output: a hostile answer is shown escaped, not executed by the terminal.
out=$("$dslab" grade $EX mallory.yaml --no-progress)
check "grade output: the answer escaped" 'grep -qF "bogus\\nline" <<< "$out"'
"$dslab" grade $EX mallory-esc.yaml --no-progress > esc.out 2>&1
rc=$?
check "grade: control characters refused (exit 2), not echoed" '[ $rc -eq 2 ] && ! grep -q $'"'"'\x1b'"'"' esc.out && grep -q "control character" esc.out'
out=$("$dslab" grade $EX mallory.yaml --no-progress --json)
check "grade --json: valid JSON" 'python3 -c "import json,sys; json.loads(sys.argv[1])" "$out"'

# A trade-off named the wrong way round is a misconception, reported as
# what the learner said, not as the term it matched.
printf 'exercise: %s\nlearner: dee\nanswers:\n  trade-off: consistency over availability\n' $EX > dee.yaml
"$dslab" class-report dee.yaml --out reversed.md > /dev/null 2>&1
check "a reversed trade-off is listed as said, with its feedback" 'grep -q "^| trade-off | consistency over availability | 1 | dee | the trade-off named the wrong way round |" reversed.md'

# A declared degenerate fix or tempting action is listed with its own
# feedback (the question id once overwrote it: a shared buffer).
printf 'exercise: half-finished-rollout\nlearner: fay\nanswers:\n  respond: ["2.6s:crash:n4", "2.8s:restart:n4"]\n' > fay.yaml
"$dslab" class-report fay.yaml --out tempting.md > /dev/null 2>&1
check "a tempting action is listed with its feedback" 'grep -q "^- \*\*fay\*\*, respond, attempt 1: .* failed: Failing over from n4 does not help" tempting.md'

e2e_finish

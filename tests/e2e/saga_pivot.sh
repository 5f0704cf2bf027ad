#!/usr/bin/env bash
# saga_pivot.sh DSLAB ROOT: scenarios/transactions/saga-pivot-compensated.yaml
# keeps the numbers its header, docs/PROTOCOLS.md (saga) and the exercise
# saga-pivot quote at seed 1: a credit paid out cannot be compensated, a
# saga that compensates it creates money; retrying the pivot forward
# holds; more resends only move the line; the other tempting fixes fail.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

f=scenarios/transactions/saga-pivot-compensated.yaml
expect_run 1 "saga 14 ended compensated with 10 created (net +10)" $f --seed 1
expect_run 1 "saga 15 ended compensated with 10 created (net +10)" $f --seed 1
expect_run 1 "all accounts together +20" $f --seed 1
expect_fixed $f 30 --set protocol.credit_reversible=true
expect_fixed $f 100 --set protocol.retries=1000000
expect_run 1 "money-conserved  *FAIL" $f --seed 1 --set protocol.compensate=false
expect_run 1 "money-conserved  *FAIL" $f --seed 1 --set protocol.retries=1000000 --set protocol.idempotent=false
fails=0
for s in $(seq 1 30); do "$dslab" run $f --seed "$s" --quiet >/dev/null 2>&1; [ $? = 1 ] && fails=$((fails + 1)); done
[ "$fails" = 30 ] && ok "$f fails on seeds 1..30" || bad "$f fails on $fails of seeds 1..30 (header: 30)"

# saga 14's story, as the debrief tells it
"$dslab" run $f --seed 1 --trace "$tmp/t.jsonl" --quiet >/dev/null 2>&1
story=$(grep '"value":14,' "$tmp/t.jsonl" | grep -E '"tag":"(money|step|saga)"' |
        sed -E 's/.*"t_ns":([0-9]+),.*"node":"([^"]+)".*"text":"([^"]*)".*/\1 \2 \3/' |
        awk '{ printf "%.3f %s", $1 / 1e9, $2; $1 = ""; $2 = ""; print " " substr($0, 3) }')
want='1.040 orch begin
1.043 bank-a -10 (debit, balance 999890)
1.046 bank-b +10 (credit, balance 1000110)
2.148 bank-b cannot undo credit (paid out)
3.049 bank-a +10 (refund, balance 999880)
3.053 orch compensated'
[ "$story" = "$want" ] && ok "saga 14: debit, credit, cannot undo, refund, compensated (debrief times)" ||
  { bad "saga 14's trace differs from the debrief"; printf '%s\n' "$story" | sed 's/^/    /'; }
# a 30-resend line: an outage longer than 3.1s still breaks it
expect_run 1 "created" $f --seed 1 --set protocol.retries=30 \
  --set 'faults=[{ at: 1s, link: { from: bank-b, to: orch }, loss: 1 }, { at: 4.5s, link: { from: bank-b, to: orch }, loss: 0 }]'

e2e_finish "saga_pivot"

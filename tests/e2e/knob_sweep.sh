#!/usr/bin/env bash
# knob_sweep.sh DSLAB ROOT: every numeric knob at its maximum runs, one above
# is refused (issue 10 "every numeric knob has a documented range", issue
# 11 item 7, issue 12 "huge values").
#
# For each built-in protocol the script asks dslab for the protocol's
# parameters (the "takes: ..." list of an unknown-parameter error), then
# finds each one's kind and maximum by probing: a duration answers a huge
# value with "more than one day" (max 24h), an integer with "expected an
# integer from MIN to MAX". Then, on a small scenario of that protocol:
#   - the maximum must run to the end (exit 0 or 1), or be refused only by a
#     relation to another knob (exit 2 naming it, e.g. "margin must be
#     shorter than the lease"); never a sanitizer report, a crash or a hang;
#   - the maximum + 1 must be refused: exit 2 with the range in the message.
# The same for scenario-level knobs set with --set, and for the extreme
# 9223372036854775807ns. Run by ctest in every build; in the ASan/UBSan
# build a signed overflow aborts the run (-fno-sanitize-recover) and fails
# this test. Knobs without a number (booleans, choices, node names) are
# listed as skipped.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

# A small scenario per protocol: 2s, a few nodes, a workload when it has one.
scenario() { # protocol -> path
  local p=$1 f="$tmp/$1.yaml" nodes=4 extra=""
  case $p in
    raft|quorum-kv|primary-backup) extra='workload: { clients: 2, rate: 50/s, ops: { read: 0.5, write: 0.5 }, keys: 1, timeout: 200ms }' ;;
    two-phase-commit) extra='workload: { clients: 2, rate: 50/s, ops: { write: 1 }, keys: 4, target: n1, timeout: 200ms }' ;;
    retry-storm) extra='costs: { nodes: { n1: { cpu: { workers: 1, queue: 100, message: 2ms } } } }' ;;
    crdt) extra='workload: { clients: 2, rate: 50/s, ops: { read: 0.4, write: 0.4, cas: 0.2 }, keys: 2, timeout: 200ms }' ;;
    lease-lock|failure-detector|gossip-pingpong) ;;
  esac
  cat >"$f" <<EOF
name: sweep-$p
duration: 2s
nodes: $nodes
clocks: { n2: { drift_ppm: -100000 }, n3: { drift_ppm: 100000 } }
protocol: { name: $p }
$extra
EOF
  echo "$f"
}

run() { # scenario args... -> sets out, code
  out=$(timeout 300 "$dslab" run "$@" --quiet 2>&1); code=$?
}

sanitizer_clean() {
  ! grep -q -e "runtime error" -e "AddressSanitizer" -e "LeakSanitizer" <<<"$out"
}

# check_max FILE SETTING: the maximum runs (or is refused only by a relation);
# 300ms of simulated time reaches every protocol's start-up and first timers
check_max() {
  local f=$1 set=$2; shift 2
  run "$f" --set "$set" "$@" --until 300ms
  if ! sanitizer_clean || [ "$code" -ge 124 ]; then
    bad "$set at its maximum: exit $code"; printf '%s\n' "$out" | grep -m3 -e "runtime error" -e Sanitizer -e error
    return
  fi
  if [ "$code" = 0 ] || [ "$code" = 1 ]; then ok; return; fi
  # exit 2: acceptable only when the maximum itself is in range (a relation)
  if grep -q -e "more than one day" -e "expected an integer from" <<<"$out"; then
    bad "$set: the documented maximum is refused as out of range: $(printf '%s' "$out" | head -1)"
  else
    echo "note: $set runs into a relation: $(printf '%s' "$out" | head -1)"; ok
  fi
}

# check_over FILE SETTING: one above the maximum is refused with the range
check_over() {
  local f=$1 set=$2
  run "$f" --set "$set"
  if [ "$code" = 2 ] && sanitizer_clean &&
     grep -q -e "more than one day" -e "expected an integer from" -e "per microsecond" -e "per day" -e "per nanosecond" -e "more than 1h" <<<"$out"; then
    ok
  else
    bad "$set above its maximum: exit $code: $(printf '%s' "$out" | head -1)"
  fi
}

for proto in gossip-pingpong raft primary-backup quorum-kv lease-lock two-phase-commit retry-storm failure-detector crdt; do
  f=$(scenario "$proto")
  run "$f"
  [ "$code" -le 1 ] || { bad "$proto base scenario: exit $code: $(printf '%s' "$out" | head -2)"; continue; }
  run "$f" --set protocol.zz_not_a_knob=1
  knobs=$(printf '%s\n' "$out" | sed -n 's/.*takes: \(.*\))$/\1/p' | tr -d ',')
  [ "$proto" = gossip-pingpong ] && [ -z "$knobs" ] && knobs=initial
  [ -n "$knobs" ] || { bad "$proto: no parameter list in: $(printf '%s' "$out" | head -1)"; continue; }
  all_max=()
  for k in $knobs; do
    run "$f" --set "protocol.$k=9223372036854775807ns"
    if grep -q "more than one day" <<<"$out"; then
      all_max+=(--set "protocol.$k=24h")
      check_max "$f" "protocol.$k=24h"
      check_over "$f" "protocol.$k=86400000000001ns"
      check_over "$f" "protocol.$k=9223372036854775807ns"
      continue
    fi
    run "$f" --set "protocol.$k=99999999999999999999"
    range=$(printf '%s\n' "$out" | sed -n "s/.*expected an integer from \(-\{0,1\}[0-9]*\) to \([0-9]*\),.*/\1 \2/p" | head -1)
    if [ -n "$range" ]; then
      max=${range#* }
      check_max "$f" "protocol.$k=$max"
      check_over "$f" "protocol.$k=$((max + 1))"
      continue
    fi
    if [ "$k" = rate ]; then # retry-storm's arrival rate: 1/24h .. 1000000/s
      check_max "$f" "protocol.$k=1000000/s"
      check_over "$f" "protocol.$k=1000001/s"
      check_max "$f" "protocol.$k=1/24h"
      check_over "$f" "protocol.$k=1/86400000000001ns"
      continue
    fi
    echo "skip: $proto $k is not numeric"
  done
  # every duration knob at 24h at once: relations between them (min <= max,
  # margin < lease) then usually hold, so the maxima run together
  if [ ${#all_max[@]} -gt 0 ]; then
    run "$f" "${all_max[@]}" --until 300ms
    if sanitizer_clean && [ "$code" -lt 124 ]; then
      ok; [ "$code" -le 1 ] || echo "note: $proto all durations at 24h: $(printf '%s' "$out" | head -1)"
    else
      bad "$proto with every duration at 24h: exit $code"
    fi
  fi
done

# Maxima that a relation forbids together, at their largest valid mix.
f=$(scenario primary-backup)
check_max "$f" "protocol.failover_after=24h" --set protocol.heartbeat=86399999999999ns --set protocol.lease=86399999999999ns
f=$(scenario lease-lock)
check_max "$f" "protocol.lease=24h" --set protocol.margin=86399999999999ns --set protocol.work=24h --set protocol.think=24h --set protocol.retry=24h

# Scenario-level knobs (--set), on the raft scenario.
f=$(scenario raft)
for set in duration=24h workload.timeout=24h workload.start=0s network.latency=1h \
           clocks.n1.offset=24h clocks.n1.offset=-24h clocks.n1.drift_ppm=100000 \
           clocks.n1.drift_ppm=-100000 workload.clients=10000 workload.keys=1000000; do
  [ "${set%%=*}" = duration ] && { run "$f" --set "$set" --until 1s; } || run "$f" --set "$set"
  if ! sanitizer_clean || [ "$code" -gt 1 ]; then bad "--set $set at its maximum: exit $code: $(printf '%s' "$out" | head -1)"; else ok; fi
done
for set in duration=86400000000001ns workload.timeout=86400000000001ns network.latency=3600000000001ns \
           network.latency=9223372036854775807ns \
           clocks.n1.offset=86400000000001ns clocks.n1.drift_ppm=100001 clocks.n1.drift_ppm=-100001 \
           workload.clients=10001 workload.keys=1000001 workload.rate=1/86400000000001ns; do
  check_over "$f" "$set"
done

e2e_finish "knob_sweep"

#!/usr/bin/env bash
# run.sh BUILD_DIR: the benchmarks behind `make bench`. Prints numbers; never
# passes or fails on speed (speed is measured here, not asserted in tests).
#
# The core section runs dslab's gossip-pingpong (bench_gossip) and the same
# workload as a plain C binary-heap loop (bench_plain_loop) side by side,
# interleaved, and prints the ratios (docs/ARCHITECTURE.md, "Memory layout"):
#   - deliveries per CPU second (bench/bench_cpu.h: steadier than wall time
#     when other jobs share the machine), median of ROUNDS (default 3) runs;
#   - with valgrind: instructions per delivery (callgrind), the difference
#     of two run lengths divided by the difference of their deliveries, so
#     start-up cancels; stable on a busy machine where wall time is not;
#   - with valgrind: D1 and L2 misses per delivery at N=10000 (cachegrind's
#     model, the same difference of two lengths);
#   - bytes per message in flight: the difference of peak RSS between runs
#     with 4 and 12 messages per node, divided by the difference of the
#     messages in flight, so the fixed cost per node cancels.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-7}
scn=$root/bench/gossip-pingpong.yaml
dslab_run() { "$build/bench/bench_gossip" "$scn" "$@"; }
plain_run() { "$build/bench/bench_plain_loop" "$@"; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "== simulator core: gossip-pingpong (bench/gossip-pingpong.yaml) vs the plain C loop (bench/bench_plain_loop.c), tracing off"
echo "   targets: ratio >= 0.8 at N <= 1000, >= 0.6 at N = 10000; <= 700 instructions per delivery at N=1000;"
echo "            <= 120 bytes per message in flight (plus a fixed cost per node)"
echo "   per_s: medians of the rounds; best: each program's fastest round. Both programs run at one of"
echo "   two speeds from run to run at small N (N=10: dslab 24 or 33.5 M/s, the plain loop 26 or 32 M/s;"
echo "   dslab with ASLR off too; the cause is not found), so a median ratio can pair a slow round with a"
echo "   fast one; the best-round ratio compares the two programs each at its fast speed."
printf "nodes\tdeliveries\tdslab_per_s\tplain_per_s\tratio\tdslab_best\tplain_best\tratio_best\tdslab_rss_mb\tplain_rss_mb\tin_flight_max\n"
# Simulated time per N keeps each run near 10 M deliveries (N=10: 40 in
# flight, so a long run; N=100000: 400000 in flight, so a short one).
for spec in 10:1375000 100:137500 1000:13750 10000:1375 100000:138; do
  n=${spec%%:*}; until_ms=${spec##*:}
  : > "$build/bench_d.tsv"; : > "$build/bench_p.tsv"
  for _ in $(seq "$rounds"); do # interleaved: both see the same machine load
    dslab_run "$n" "$until_ms" >> "$build/bench_d.tsv"
    plain_run "$n" "$until_ms" >> "$build/bench_p.tsv"
  done
  d=$(cut -f5 "$build/bench_d.tsv" | median); p=$(cut -f5 "$build/bench_p.tsv" | median)
  db=$(cut -f5 "$build/bench_d.tsv" | sort -g | tail -n 1); pb=$(cut -f5 "$build/bench_p.tsv" | sort -g | tail -n 1)
  drss=$(cut -f6 "$build/bench_d.tsv" | median); prss=$(cut -f6 "$build/bench_p.tsv" | median)
  read -r deliveries inflight < <(head -n 1 "$build/bench_d.tsv" | cut -f3,7)
  awk -v n="$n" -v dl="$deliveries" -v d="$d" -v p="$p" -v db="$db" -v pb="$pb" -v dr="$drss" -v pr="$prss" \
    -v f="$inflight" 'BEGIN {printf "%s\t%s\t%.0f\t%.0f\t%.2fx\t%.0f\t%.0f\t%.2fx\t%s\t%s\t%s\n",
                             n, dl, d, p, d / p, db, pb, db / pb, dr, pr, f}'
done
rm -f "$build/bench_d.tsv" "$build/bench_p.tsv"

echo "== memory per message in flight (peak RSS at 12 vs 4 messages per node)"
printf "nodes\tdslab_bytes_per_msg\tplain_bytes_per_msg\tdslab_fixed_bytes_per_node\n"
for n in 10000 100000; do
  d4=$(dslab_run "$n" 20 4); d12=$(dslab_run "$n" 20 12)
  p4=$(plain_run "$n" 20 4); p12=$(plain_run "$n" 20 12)
  awk -v n="$n" -v d4="$d4" -v d12="$d12" -v p4="$p4" -v p12="$p12" 'BEGIN {
    split(d4, a, "\t"); split(d12, b, "\t"); split(p4, c, "\t"); split(p12, e, "\t")
    dm = (b[6] - a[6]) * 1048576 / (b[7] - a[7]); pm = (e[6] - c[6]) * 1048576 / (e[7] - c[7])
    printf "%s\t%.0f\t%.0f\t%.0f\n", n, dm, pm, (a[6] * 1048576 - dm * a[7]) / n }'
done

if command -v valgrind >/dev/null; then
  echo "== instructions per delivery (callgrind; the difference of two run lengths)"
  printf "nodes\tdslab_instr\tplain_instr\tdslab/plain\n"
  # instr PROGRAM... : "instructions deliveries" of one run under callgrind.
  instr() {
    local out ir
    out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>"$build/bench_cg.txt")
    ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$build/bench_cg.txt")
    echo "$ir $(cut -f3 <<<"$out")"
  }
  # Lengths per N: about 145,000 deliveries apart, both in the steady state.
  for spec in 10:10000:30000 100:1000:3000 1000:200:400 10000:40:60 100000:12:14; do
    IFS=: read -r n short long <<<"$spec"
    read -r di1 dd1 < <(instr "$build/bench/bench_gossip" "$scn" "$n" "$short")
    read -r di2 dd2 < <(instr "$build/bench/bench_gossip" "$scn" "$n" "$long")
    read -r pi1 pd1 < <(instr "$build/bench/bench_plain_loop" "$n" "$short")
    read -r pi2 pd2 < <(instr "$build/bench/bench_plain_loop" "$n" "$long")
    awk -v n="$n" -v di1="$di1" -v dd1="$dd1" -v di2="$di2" -v dd2="$dd2" \
        -v pi1="$pi1" -v pd1="$pd1" -v pi2="$pi2" -v pd2="$pd2" 'BEGIN {
      d = (di2 - di1) / (dd2 - dd1); p = (pi2 - pi1) / (pd2 - pd1)
      printf "%s\t%.0f\t%.0f\t%.2fx\n", n, d, p, d / p }'
  done
  echo "== cache misses per delivery at N=10000 (cachegrind: D1 32 KiB 8-way, LL modelled as a 1 MiB 16-way L2;"
  echo "   the difference of two run lengths; software prefetches are not modelled, so this counts misses, not stalls)"
  printf "program\td1_misses\tl2_misses\n"
  # misses PROGRAM...: "D1-misses LLd-misses deliveries" of one run under cachegrind.
  misses() {
    local out d1 ll
    out=$(valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --LL=1048576,16,64 \
      --cachegrind-out-file=/dev/null "$@" 2>"$build/bench_cg.txt")
    d1=$(sed -n 's/.*D1  misses: *\([0-9,]*\).*/\1/p' "$build/bench_cg.txt" | tr -d ,)
    ll=$(sed -n 's/.*LLd misses: *\([0-9,]*\).*/\1/p' "$build/bench_cg.txt" | tr -d ,)
    echo "$d1 $ll $(cut -f3 <<<"$out")"
  }
  for prog in dslab plain; do
    if [ "$prog" = dslab ]; then cmd=("$build/bench/bench_gossip" "$scn"); else cmd=("$build/bench/bench_plain_loop"); fi
    read -r a1 l1 n1 < <(misses "${cmd[@]}" 10000 40)
    read -r a2 l2 n2 < <(misses "${cmd[@]}" 10000 60)
    awk -v p="$prog" -v a1="$a1" -v a2="$a2" -v l1="$l1" -v l2="$l2" -v n1="$n1" -v n2="$n2" \
      'BEGIN {printf "%s\t%.2f\t%.2f\n", p, (a2 - a1) / (n2 - n1), (l2 - l1) / (n2 - n1)}'
  done
  echo "== instructions a JSON Lines trace adds (callgrind; --trace minus the same run untraced,"
  echo "   the difference of two run lengths), per trace line and per delivery (a deliver and a send line)"
  echo "   target (issue 15): <= 600 per event"
  printf "nodes\tinstr_per_line\tinstr_per_delivery\n"
  # traced MS TRACE_ARG...: "instructions lines deliveries" of `dslab run`
  # for MS simulated milliseconds at N=1000 (0 0 untraced).
  traced() {
    local ms=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/dslab" run "$scn" --set nodes=1000 \
      --until "${ms}ms" --quiet "$@" >/dev/null 2>"$build/bench_cg.txt" || true
    local lines=0 deliveries=0
    if [ $# -gt 0 ]; then
      lines=$(wc -l < "$build/bench_trace.jsonl")
      deliveries=$(grep -c '"kind":"deliver"' "$build/bench_trace.jsonl")
    fi
    echo "$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$build/bench_cg.txt") $lines $deliveries"
  }
  read -r u1 _ _ < <(traced 200); read -r t1 e1 d1 < <(traced 200 --trace "$build/bench_trace.jsonl")
  read -r u2 _ _ < <(traced 400); read -r t2 e2 d2 < <(traced 400 --trace "$build/bench_trace.jsonl")
  awk -v u1="$u1" -v t1="$t1" -v e1="$e1" -v d1="$d1" -v u2="$u2" -v t2="$t2" -v e2="$e2" -v d2="$d2" \
    'BEGIN { x = (t2 - u2) - (t1 - u1); printf "1000\t%.0f\t%.0f\n", x / (e2 - e1), x / (d2 - d1) }'
  rm -f "$build/bench_cg.txt" "$build/bench_trace.jsonl"
else
  echo "== instructions, cache misses per delivery and instructions per trace event: skipped (no valgrind)"
fi

echo "== tracing cost: N=1000, 2 simulated s, untraced vs --trace to /dev/null and to files (median of 7, interleaved)"
echo "   target: a traced run at most 3x the untraced one. cpu = user + sys (the kernel's copy of the bytes"
echo "   into the page cache included). A file on disk is fsync'd before its rename (docs/ASSUMPTIONS.md,"
echo "   output files): its wall time also waits for the disk. 'start-up' is the same command run for 1 ns"
echo "   (loading the program and its libraries, the scenario, 1,000 nodes): the *_run columns are the ratios"
echo "   with it taken off both sides, the simulation's own cost. This machine's runs vary by up to 1.5x"
echo "   between series: compare rows of one run of the table, not tables (docs/TRACE_FORMAT.md, Cost)."
printf "trace\tbytes\twall_s\twall_ratio\tcpu_s\tcpu_ratio\twall_ratio_run\tcpu_ratio_run\n"
trace_targets=("start-up" "off" "/dev/null")
[ -d /dev/shm ] && [ -w /dev/shm ] && trace_targets+=("/dev/shm/dslab-bench-trace.$$.jsonl")
trace_targets+=("$build/bench_trace.jsonl")
: > "$build/bench_t.tsv"
for _ in $(seq 7); do
  for target in "${trace_targets[@]}"; do
    args=(--until 2s); [ "$target" = start-up ] && args=(--until 1ns)
    case $target in start-up|off) ;; *) args+=(--trace "$target");; esac
    t=$( { TIMEFORMAT='%R %U %S'; time "$build/dslab" run "$scn" --set nodes=1000 --quiet "${args[@]}" >/dev/null; } 2>&1 )
    bytes=0; [ -f "$target" ] && bytes=$(stat -c %s "$target") && rm -f "$target"
    awk -v tg="$target" -v b="$bytes" '{ printf "%s\t%s\t%s\t%s\n", tg, b, $1, $2 + $3 }' <<<"$t" >> "$build/bench_t.tsv"
  done
done
for target in "${trace_targets[@]}"; do
  w=$(awk -v tg="$target" -F'\t' '$1 == tg { print $3 }' "$build/bench_t.tsv" | median)
  c=$(awk -v tg="$target" -F'\t' '$1 == tg { print $4 }' "$build/bench_t.tsv" | median)
  b=$(awk -v tg="$target" -F'\t' '$1 == tg { print $2; exit }' "$build/bench_t.tsv")
  [ "$target" = start-up ] && { ws=$w; cs=$c; }
  [ "$target" = off ] && { w0=$w; c0=$c; }
  name=$target; case $target in /dev/shm/*) name="file in /dev/shm (tmpfs)";; "$build"/*) name="file in the build dir";; esac
  if [ "$target" = start-up ]; then
    awk -v n="$name" -v w="$w" -v c="$c" 'BEGIN { printf "%s\t0\t%.3f\t-\t%.3f\t-\t-\t-\n", n, w, c }'
    continue
  fi
  awk -v n="$name" -v b="$b" -v w="$w" -v c="$c" -v w0="$w0" -v c0="$c0" -v ws="$ws" -v cs="$cs" \
    'BEGIN { printf "%s\t%s\t%.3f\t%.2fx\t%.3f\t%.2fx\t%.2fx\t%.2fx\n", n, b, w, w / w0, c, c / c0,
             (w - ws) / (w0 - ws), (c - cs) / (c0 - cs) }'
done
rm -f "$build/bench_t.tsv"

echo "== N=1000 with every cost model off, then on (bench/gossip-pingpong-costs.yaml; docs/ASSUMPTIONS.md, \"What the models cost\")"
printf "models\tnodes\tsimulated_s\tdeliveries\twall_s\tdeliveries_per_cpu_s\tpeak_rss_mb\tin_flight_max\n"
printf "off\t%s" "$("$build/bench/bench_gossip" "$scn" 1000 13750)"; echo
printf "on\t%s" "$("$build/bench/bench_gossip" "$root/bench/gossip-pingpong-costs.yaml" 1000 13750)"; echo
echo "== every checker on one generated run of 1,000,000 client operations (bench/bench_checkers.c; target: n log n, seconds)"
echo "   the reference is the same event stream into a sink that only reads it, plus one pass over the history"
"$build/bench/bench_checkers" 1000000
for extra in "$root"/bench/run_*.sh; do
  [ -e "$extra" ] && bash "$extra" "$build"
done
exit 0

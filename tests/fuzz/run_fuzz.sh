#!/usr/bin/env bash
# run_fuzz.sh: runs one libFuzzer target for a set time on its seed corpus.
# Usage: bash run_fuzz.sh FUZZER SECONDS WORKDIR FUZZ_SOURCE_DIR NAME
#   NAME is scenario, history, answers, exercise, merge or process_line: the seeds are
#   tests/fuzz/corpus/NAME/ and tests/bad/NAME/ (read only); new inputs
#   and crash artifacts go to WORKDIR. Prints libFuzzer's final stats
#   (executions, executions per second) and exits non-zero on a crash,
#   leak, timeout or out-of-memory, naming the artifact to turn into a
#   tests/bad case.
set -u
fuzzer=${1:?usage: run_fuzz.sh FUZZER SECONDS WORKDIR FUZZ_SOURCE_DIR NAME}
seconds=${DSLAB_FUZZ_SECONDS:-${2:?}} # `make fuzz FUZZ_SECONDS=N` sets it
workdir=${3:?}
src=${4:?}
name=${5:?}
root=$(cd "$src/../.." && pwd)
mkdir -p "$workdir/corpus" "$workdir/artifacts"
seeds=()
for d in "$src/corpus/$name" "$root/tests/bad/$name"; do
    [ -d "$d" ] && seeds+=("$d")
done
dict=()
[ -f "$src/$name.dict" ] && dict=(-dict="$src/$name.dict")
log="$workdir/fuzz.log"
# -timeout: one input taking longer is a hang (a finding).
# -rss_limit_mb: an input needing more memory is a finding (limits.h).
# -detect_leaks: LeakSanitizer on every input that looks new.
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$workdir/artifacts/" "${dict[@]}" \
    "$workdir/corpus" "${seeds[@]}" >"$log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
echo "fuzz.$name: ${execs:-?} inputs in ${seconds}s (${rate:-?}/s), corpus $(ls "$workdir/corpus" | wc -l) files"
if [ "$status" -ne 0 ]; then
    echo "fuzz.$name: FAILED (exit $status); the last lines of $log:"
    tail -n 40 "$log"
    ls "$workdir/artifacts"
    exit 1
fi
exit 0

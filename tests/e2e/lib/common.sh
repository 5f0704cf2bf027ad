# tests/e2e/lib/common.sh: the preamble every tests/e2e/*.sh shares. Not a
# test itself (tests/CMakeLists.txt runs tests/e2e/*.sh only); a script
# sources it first thing, passing its own arguments:
#
#   set -uo pipefail            # (or set -u) the script's own choice
#   . "$(dirname "$0")/lib/common.sh" "$@"
#
# Arguments: DSLAB (the binary) ROOT (the source tree), as ctest passes them.
# After sourcing:
#   dslab, root   absolute paths; the working directory is $root
#   tmp           a fresh directory, removed at exit (with any paths given
#                 to e2e_cleanup); XDG_DATA_HOME=$tmp/data, so no run reads
#                 or writes the user's progress
#   ok MSG / bad MSG   count a pass / a failure (bad prints "FAIL: MSG";
#                 ok prints "ok: MSG" unless e2e_quiet=1)
#   check MSG CODE     eval CODE: ok if it succeeds, bad if not
#   run_first_err CMD...  runs CMD once: status = its exit status, got =
#                 the first line it wrote to stderr
#   expect_exit_line WHAT WANT_STATUS WANT_LINE GOT_STATUS GOT_LINE
#                 ok when both match, else FAIL with both (bad-input suites)
#   expect_at_least N MIN WHAT   FAIL unless N >= MIN (a suite that found
#                 fewer cases than it should have is not a pass)
#   expect_broken FILE CHECK [HOLDS...]  `dslab run FILE` (its own seed)
#                 exits 1 with CHECK FAIL and every HOLDS check PASS
#   expect_fixed FILE SEEDS [ARGS...]  `dslab run FILE ARGS` exits 0 on
#                 every seed 1..SEEDS (the first that does not: its repro)
#   expect_run STATUS PATTERN ARGS...  `dslab run ARGS` exits STATUS and
#                 prints a line matching PATTERN (grep, basic regex)
#   expect_echo_node LABEL SCN  a process echo node's scenario (crash and
#                 restart of n1): linearizable and no-lost-acknowledged-writes
#                 PASS across the restart, and two runs give one trace
#                 (kept in $tmp/a.jsonl)
#   expect_raft_skeleton LABEL SCN  a process Raft skeleton's scenario:
#                 one-leader-per-term PASS with leaders counted from its typed
#                 role reports, and typed term reports in the trace
#   e2e_need CMD WHY   a prerequisite: missing -> "SKIPPED: WHY", exit 77
#   e2e_python_optional  have_python=1/0 (and a note when 0): the script
#                 runs what it can; e2e_finish then reports SKIPPED
#   e2e_finish [LABEL]  prints "LABEL: N passed, M failed" and exits: 1 on
#                 any failure, 77 when a prerequisite was missing, else 0
# A skip always exits 77 (ctest SKIP_RETURN_CODE), never 0: a test whose
# prerequisite is missing must not count as passed.

dslab=${1:?usage: SCRIPT DSLAB SOURCE_ROOT}
root=${2:?usage: SCRIPT DSLAB SOURCE_ROOT}
case $dslab in /*) ;; *) dslab="$PWD/$dslab" ;; esac
root=$(cd "$root" && pwd) || { echo "FAIL: no source root $2"; exit 1; }
cd "$root" || exit 1

tmp=$(mktemp -d)
e2e_cleanup_paths=()
# e2e_cleanup PATH...: also remove these at exit (glob patterns expand then;
# no spaces in them). A script with its own EXIT trap calls e2e_on_exit in it.
e2e_cleanup() { e2e_cleanup_paths+=("$@"); }
e2e_on_exit() {
    rm -rf "$tmp"
    local p
    for p in "${e2e_cleanup_paths[@]}"; do rm -rf $p; done
}
trap e2e_on_exit EXIT
export XDG_DATA_HOME="$tmp/data"

pass=0
fail=0
e2e_quiet=0
e2e_skip_reason=""
ok() { pass=$((pass + 1)); [ "$e2e_quiet" = 1 ] || echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

run_first_err() {
    "$@" >/dev/null 2>"$tmp/.stderr"
    status=$?
    got=$(head -n 1 "$tmp/.stderr")
}

expect_exit_line() {
    if [ "$4" = "$2" ] && [ "$5" = "$3" ]; then
        ok "$1"
    else
        bad "$1"
        echo "  expected (exit $2): $3"
        echo "  got      (exit $4): $5"
    fi
}

expect_at_least() {
    if [ "$1" -ge "$2" ]; then ok "$3: $1 (at least $2)"; else bad "only $1 $3 (expected at least $2)"; fi
}

expect_broken() {
    local file=$1 check=$2 out status c
    shift 2
    out=$("$dslab" run "$file" 2>&1)
    status=$?
    if [ "$status" != 1 ]; then
        bad "$file: expected exit 1 (a check failed), got $status"
        tail -n 12 <<<"$out"
        return
    fi
    if ! grep -Eq "^  $check +FAIL" <<<"$out"; then
        bad "$file: expected '$check' to FAIL"
        sed -n '/^checks/,$p' <<<"$out"
        return
    fi
    for c in "$@"; do
        if ! grep -Eq "^  $c +PASS" <<<"$out"; then
            bad "$file: '$c' should hold even here"
            sed -n '/^checks/,$p' <<<"$out"
            return
        fi
    done
    ok "$file fails $check"
}

expect_fixed() {
    local file=$1 seeds=$2 s status out
    shift 2
    for s in $(seq 1 "$seeds"); do
        out=$("$dslab" run "$file" --seed "$s" --quiet "$@" 2>&1)
        status=$?
        if [ "$status" != 0 ]; then
            bad "$file $*: exit $status at seed $s   repro: dslab run $file --seed $s $*"
            tail -n 5 <<<"$out" | sed 's/^/    /'
            return
        fi
    done
    ok "$file $* holds on seeds 1..$seeds"
}

expect_run() {
    local want=$1 pattern=$2 out status
    shift 2
    out=$("$dslab" run "$@" 2>&1)
    status=$?
    if [ "$status" = "$want" ] && grep -q -- "$pattern" <<<"$out"; then
        ok "dslab run $*: exit $want ($pattern)"
    else
        bad "dslab run $*: exit $status (want $want), '$pattern' $(grep -c -- "$pattern" <<<"$out") times"
        tail -n 5 <<<"$out" | sed 's/^/    /'
    fi
}

e2e_need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "SKIPPED: $2"
    exit 77
}

e2e_python_optional() {
    have_python=1
    if ! command -v python3 >/dev/null; then
        have_python=0
        e2e_skip_reason="python3 is not installed (the JSON checks did not run)"
        echo "note: python3 is not installed: the JSON checks cannot run"
    fi
}

e2e_finish() {
    echo "${1:+$1: }$pass passed, $fail failed"
    [ "$fail" = 0 ] || exit 1
    if [ -n "$e2e_skip_reason" ]; then
        echo "SKIPPED: $e2e_skip_reason"
        exit 77
    fi
    exit 0
}

expect_echo_node() { # LABEL SCN
    local status
    "$dslab" run "$2" --trace "$tmp/a.jsonl" >"$tmp/out" 2>&1
    status=$?
    if [ "$status" = 0 ] && grep -Eq '^  linearizable +PASS' "$tmp/out" &&
       grep -Eq '^  no-lost-acknowledged-writes +PASS +0 lost of [1-9][0-9]* acknowledged writes \(final state of n1 n2 n3' "$tmp/out" &&
       grep -q 'restart    n1' "$tmp/out"; then ok "$1: linearizable, no lost writes across the restart"
    else bad "$1: exit $status"; cat "$tmp/out"; fi
    "$dslab" run "$2" --trace "$tmp/b.jsonl" >/dev/null 2>&1
    cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" && ok "$1: two runs, one trace" || bad "$1: two runs, two traces"
}

# 0 terms with a leader would mean the checker saw no role at all.
expect_raft_skeleton() { # LABEL SCN
    local status
    "$dslab" run "$2" --trace "$tmp/raft.jsonl" >"$tmp/out" 2>&1
    status=$?
    [ "$status" = 0 ] && grep -Eq '^  one-leader-per-term +PASS +[1-9][0-9]* terms? had a leader' "$tmp/out" &&
        grep -q 'role       n[1-5] becomes leader (term/epoch [1-9]' "$tmp/out" && ok "$1: leaders elected" ||
        { bad "$1: exit $status"; cat "$tmp/out"; }
    grep -q '"tag":"term","text":"term [1-9]' "$tmp/raft.jsonl" && ok "$1: typed term reports in the trace" ||
        bad "$1: no term report in the trace"
}

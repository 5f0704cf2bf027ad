#!/usr/bin/env bash
# mutate.sh: mutation testing (`make mutate`). Applies each deliberate bug of
# the catalogue (tests/mutants/*.mutant), one at a time, to a scratch copy
# of the source tree, rebuilds it incrementally, runs the tests the mutant
# names, and prints one row per mutant:
#   killed    a named test failed (or timed out): the suite catches the bug
#   survived  every named test passed: a hole in the suite (exit 1)
#   stale     the find text is not in the file exactly once, or the file
#             is missing: the catalogue needs refreshing (exit 1)
#   broken    the mutant does not compile, or its regex names no test: a
#             catalogue error, not a kill (exit 1)
# The working tree is never modified: the copy lives in WORK/src (default
# build-mutate/, ignored by git) and its build in WORK/build, kept between
# runs so only what a mutant touches is recompiled.
#
# Mutant format (one file per mutant, exactly):
#   # one-line description of the deliberate bug
#   file: sim/sim.c
#   tests: ^(unit\.test_sim|e2e\.determinism)$      (a ctest -R regex)
#   --- find
#   <text present exactly once in the file, one or more lines>
#   --- replace
#   <replacement text, zero or more lines, up to the end of the file>
#
# Usage: scripts/mutate.sh [--check] [--no-baseline] [--root DIR] [--mutants DIR]
#                          [--work DIR] [--timeout SECONDS] [NAME...]
#        scripts/mutate.sh --emit MUTANT OUT
#   --check      only parse the catalogue and check every find text is
#                present exactly once (no build; seconds)
#   --no-baseline  skip the first run of every named test on the unmutated
#                copy (by default a test failing there stops the run: a kill
#                must be the mutant's doing)
#   --root       source tree to copy (default: this script's repository)
#   --mutants    catalogue directory (default: ROOT/tests/mutants)
#   --work       scratch directory (default: ROOT/build-mutate)
#   --timeout    per-test ctest timeout, a timeout counts as killed (default 600)
#   NAME...      run only these mutants (file names without .mutant)
#   --emit       write the mutated copy of MUTANT's file (a path relative
#                to --root) to OUT and exit: nothing is built or run (the
#                labs' broken variants, tests/labs/mutants/, are built so)
# Environment: JOBS (build parallelism, default nproc), DSLAB_MUTATE_CMAKE_ARGS
# (extra configure arguments for the scratch build).
# Exit: 0 every mutant killed; 1 a mutant survived, is stale or broken;
# 2 usage or setup error (the scratch copy or its first build failed).
set -uo pipefail

usage() { sed -n '/^# Usage:/,/^# Exit:/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "mutate: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
mutants=
work=
check_only=0
baseline=1
timeout_s=600
names=()
emit=
emit_out=
while [ $# -gt 0 ]; do
    case $1 in
        --emit) emit=${2:?--emit needs a mutant file}; emit_out=${3:?--emit needs an output file}; shift 2 ;;
        --check) check_only=1 ;;
        --no-baseline) baseline=0 ;;
        --root) root=$(cd "${2:?--root needs a directory}" && pwd) || die "no such directory: $2"; shift ;;
        --mutants) mutants=${2:?--mutants needs a directory}; shift ;;
        --work) work=${2:?--work needs a directory}; shift ;;
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
        -h|--help) usage ;;
        -*) echo "mutate: unknown option '$1'" >&2; usage ;;
        *) names+=("$1") ;;
    esac
    shift
done
case $timeout_s in ''|*[!0-9]*) die "--timeout must be a whole number of seconds" ;; esac
mutants=${mutants:-$root/tests/mutants}
work=${work:-$root/build-mutate}
[ -d "$mutants" ] || die "no catalogue directory $mutants"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# parse MUTANT: sets m_desc m_file m_tests, writes the find and replace
# texts to $tmp/find and $tmp/replace. Returns 1 (and sets m_error) when
# the file is malformed.
parse() {
    local f=$1
    m_desc= m_file= m_tests= m_error=
    perl -e '
        my ($path, $out) = @ARGV;
        open(my $in, "<", $path) or exit 3;
        local $/; my $t = <$in>; close $in;
        my @l = split /\n/, $t, -1;
        pop @l if @l && $l[-1] eq "";            # the final newline
        sub bad { print STDERR "$_[0]\n"; exit 1 }
        @l >= 5 or bad("too short: needs a description, file:, tests:, --- find, --- replace");
        $l[0] =~ /^# \S/ or bad("line 1 must be \"# description\"");
        $l[1] =~ /^file: (\S+)$/ or bad("line 2 must be \"file: PATH\""); my $file = $1;
        $l[2] =~ /^tests: (\S.*)$/ or bad("line 3 must be \"tests: REGEX\""); my $tests = $1;
        $l[3] eq "--- find" or bad("line 4 must be \"--- find\"");
        my @r = grep { $l[$_] eq "--- replace" } 4 .. $#l;
        @r == 1 or bad("needs exactly one \"--- replace\" line after \"--- find\"");
        my $find = join("\n", @l[4 .. $r[0] - 1]);
        my $repl = join("\n", @l[$r[0] + 1 .. $#l]);
        length($find) or bad("the find text is empty");
        $find ne $repl or bad("the replacement equals the find text");
        open(my $o, ">", "$out/find") or exit 3; print $o $find; close $o;
        open($o, ">", "$out/replace") or exit 3; print $o $repl; close $o;
        open($o, ">", "$out/meta") or exit 3;
        print $o substr($l[0], 2), "\n", $file, "\n", $tests, "\n"; close $o;
    ' "$f" "$tmp" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 0 ]; then m_error=$(head -n 1 "$tmp/err"); [ -n "$m_error" ] || m_error="cannot read"; return 1; fi
    { read -r m_desc; read -r m_file; read -r m_tests; } <"$tmp/meta"
    return 0
}

# occurrences FILE: how many times $tmp/find occurs in FILE (non-overlapping).
occurrences() {
    perl -e '
        local $/; open(my $f, "<", $ARGV[0]) or exit 3; my $find = <$f>; close $f;
        open(my $s, "<", $ARGV[1]) or exit 3; my $src = <$s>; close $s;
        my $n = 0; my $p = 0;
        while (($p = index($src, $find, $p)) >= 0) { $n++; $p += length $find; }
        print "$n\n";
    ' "$tmp/find" "$1"
}

# apply FILE: replaces the one occurrence of $tmp/find in FILE by $tmp/replace.
apply() {
    perl -e '
        local $/;
        open(my $f, "<", $ARGV[0]) or exit 3; my $find = <$f>; close $f;
        open($f, "<", $ARGV[1]) or exit 3; my $repl = <$f>; close $f;
        open(my $s, "<", $ARGV[2]) or exit 3; my $src = <$s>; close $s;
        my $p = index($src, $find); $p >= 0 or exit 4;
        substr($src, $p, length $find) = $repl;
        open($s, ">", $ARGV[2]) or exit 3; print $s $src; close $s or exit 3;
    ' "$tmp/find" "$tmp/replace" "$1"
}

tmp=$(mktemp -d) || die "mktemp failed"
if [ -n "$emit" ]; then
    trap 'rm -rf "$tmp"' EXIT
    parse "$emit" || die "$emit: $m_error"
    [ -f "$root/$m_file" ] || die "$emit: no file $root/$m_file"
    n=$(occurrences "$root/$m_file")
    [ "$n" = 1 ] || die "$emit: the find text occurs $n times in $m_file (stale)"
    cp "$root/$m_file" "$tmp/out" && apply "$tmp/out" && mv "$tmp/out" "$emit_out" || die "cannot write $emit_out"
    exit 0
fi
src=$work/src
build=$work/build
restore_file=
# Whatever happens (error, Ctrl-C), put the scratch file back and mark the
# build so the next run rebuilds what the mutant compiled.
cleanup() {
    if [ -n "$restore_file" ] && [ -f "$tmp/original" ]; then
        cp "$tmp/original" "$src/$restore_file" && touch "$src/$restore_file"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

list=()
if [ ${#names[@]} -gt 0 ]; then
    for n in "${names[@]}"; do
        [ -f "$mutants/$n.mutant" ] || die "no mutant $mutants/$n.mutant"
        list+=("$mutants/$n.mutant")
    done
else
    for f in "$mutants"/*.mutant; do [ -e "$f" ] && list+=("$f"); done
fi
[ ${#list[@]} -gt 0 ] || die "no *.mutant files in $mutants"

if [ $check_only = 0 ]; then
    # The scratch copy: the working tree's files as they are now (tracked
    # and untracked, not ignored), mtimes kept, so the kept build only
    # recompiles what changed. A run that did not finish may have left a
    # mutant's object files behind: then start the build afresh.
    command -v cmake >/dev/null || die "cmake is not installed"
    mkdir -p "$work" || die "cannot create $work"
    if [ -e "$work/dirty" ]; then rm -rf "$build"; fi
    rm -rf "$src" && mkdir -p "$src" || die "cannot create $src"
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$root" && git ls-files -z -co --exclude-standard |
            while IFS= read -r -d '' p; do [ -e "$p" ] && printf '%s\0' "$p"; done |
            tar --null -T - -cf -) | tar -xf - -C "$src" || die "copying $root to $src failed"
    else
        (cd "$root" && tar --exclude='./build*' --exclude='./.git' -cf - .) | tar -xf - -C "$src" ||
            die "copying $root to $src failed"
    fi
    # Tests that read ../shared/external beside the source root find it.
    if [ -d "$root/../shared" ] && [ ! -e "$work/shared" ]; then ln -s "$root/../shared" "$work/shared"; fi
    touch "$work/dirty"
    if [ -f "$build/CMakeCache.txt" ]; then
        echo "mutate: building the scratch copy in $build (incremental)"
    else
        echo "mutate: building the scratch copy in $build (first run: a full build, minutes)"
    fi
    # shellcheck disable=SC2086
    if ! { cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDSLAB_VIZ=OFF \
               ${DSLAB_MUTATE_CMAKE_ARGS:-} >"$work/configure.log" 2>&1 &&
           cmake --build "$build" -j "$jobs" >"$work/build.log" 2>&1; }; then
        tail -n 30 "$work/configure.log" "$work/build.log" >&2
        die "the unmutated scratch copy does not build (logs in $work)"
    fi
    rm -f "$work/dirty"
    # Baseline: every test the catalogue names passes on the unmutated
    # copy, so a failure below is the mutant's doing, not the tree's.
    if [ $baseline = 1 ]; then
        # ctest's regex engine allows few groups: name the tests one by one.
        (cd "$build" && ctest -N) | sed -n 's/^ *Test *#[0-9]*: //p' >"$tmp/all-tests"
        : >"$tmp/named"
        for f in "${list[@]}"; do
            parse "$f" && grep -E -- "$m_tests" "$tmp/all-tests" >>"$tmp/named"
        done
        union=$(sort -u "$tmp/named" | sed 's/\./\\./g' | paste -sd'|' -)
        if [ -n "$union" ]; then
            b0=$(date +%s)
            if ! (cd "$build" && ctest -R "^($union)\$" --no-tests=error --timeout "$timeout_s" \
                      -j "$jobs" --output-on-failure >"$work/baseline.log" 2>&1); then
                grep -E '^[[:space:]]*[0-9]+ - ' "$work/baseline.log" >&2
                die "a named test fails without any mutant (log: $work/baseline.log)"
            fi
            echo "mutate: baseline: the $(sort -u "$tmp/named" | wc -l) named tests pass unmutated" \
                 "($(( $(date +%s) - b0 ))s)"
        fi
    fi
fi

printf '%-34s %-44s %-9s %s\n' mutant file result time
failures=0
killed=0
total=0
start_all=$(date +%s)
for f in "${list[@]}"; do
    name=$(basename "$f" .mutant)
    total=$((total + 1))
    t0=$(date +%s)
    result= note=
    if ! parse "$f"; then
        result=stale note="malformed: $m_error"
        m_file=?
    else
        tree=$root
        [ $check_only = 1 ] || tree=$src
        if [ ! -f "$tree/$m_file" ]; then
            result=stale note="no file $m_file"
        else
            n=$(occurrences "$tree/$m_file")
            if [ "$n" != 1 ]; then
                result=stale note="find text found $n times"
            fi
        fi
    fi
    if [ -z "$result" ] && [ $check_only = 1 ]; then
        result=ok
    elif [ -z "$result" ]; then
        cp "$src/$m_file" "$tmp/original"
        restore_file=$m_file
        touch "$work/dirty"
        if ! apply "$src/$m_file"; then
            result=broken note="could not write $m_file"
        elif ! cmake --build "$build" -j "$jobs" >"$tmp/build.log" 2>&1; then
            result=broken note="does not compile: $(grep -m1 -E 'error' "$tmp/build.log")"
        else
            (cd "$build" && ctest -R "$m_tests" --no-tests=error --timeout "$timeout_s" \
                 -j "$jobs" --output-on-failure >"$tmp/ctest.log" 2>&1)
            rc=$?
            if grep -q "No tests were found" "$tmp/ctest.log"; then
                result=broken note="the regex '$m_tests' names no test"
            elif [ $rc -ne 0 ]; then
                result=killed
                note="by $(sed -n -E 's/^[[:space:]]*[0-9]+ - ([^ ]+) \(.*/\1/p' "$tmp/ctest.log" | head -n 3 | paste -sd, -)"
            else
                result=survived note="$(grep -o '[0-9]* tests passed\|[0-9]*% tests passed.*' "$tmp/ctest.log" | head -n 1)"
            fi
        fi
        cp "$tmp/original" "$src/$m_file" && touch "$src/$m_file"
        restore_file=
    fi
    t1=$(date +%s)
    [ "$result" = killed ] && killed=$((killed + 1))
    case $result in killed|ok) ;; *) failures=$((failures + 1)) ;; esac
    printf '%-34s %-44s %-9s %4ss  %s\n' "$name" "$m_file" "$result" "$((t1 - t0))" "$note"
done

if [ $check_only = 0 ]; then
    # Leave the scratch build matching the unmutated tree.
    if cmake --build "$build" -j "$jobs" >"$tmp/build.log" 2>&1; then rm -f "$work/dirty"; fi
    echo "mutate: $killed of $total mutants killed, $failures survived, stale or broken," \
         "$(( $(date +%s) - start_all ))s"
else
    echo "mutate: $((total - failures)) of $total mutants apply cleanly, $failures stale or malformed"
fi
[ $failures -eq 0 ]

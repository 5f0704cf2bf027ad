#!/usr/bin/env bash
# mutate_runner.sh DSLAB ROOT: a fast self-test of scripts/mutate.sh (the
# `make mutate` runner) on a tiny CMake project of its own: a mutant the
# tests catch is "killed", one they miss "survived", one whose find text is
# gone "stale", a malformed file "stale" too, and the run exits 1; the
# project's files are unchanged afterwards. Then the real catalogue
# (tests/mutants/) is checked with --check: every mutant must still apply
# (a find text present exactly once), so a change that makes one stale
# fails here, not weeks later in `make mutate`.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

command -v cmake >/dev/null || { echo "SKIPPED: cmake is not installed"; exit 77; }

proj=$tmp/proj
mkdir -p "$proj" "$tmp/mutants"
cat >"$proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(tiny C)
enable_testing()
add_library(calc STATIC calc.c)
add_executable(t_add t_add.c)
target_link_libraries(t_add calc)
add_test(NAME t_add COMMAND t_add)
add_executable(t_other t_other.c)
add_test(NAME t_other COMMAND t_other)
CM
printf 'int add(int a, int b) { return a + b; }\nint unused(int a) { return a * 2; }\n' >"$proj/calc.c"
printf 'int add(int, int);\nint main(void) { return add(2, 3) == 5 ? 0 : 1; }\n' >"$proj/t_add.c"
printf 'int main(void) { return 0; }\n' >"$proj/t_other.c"
cp -a "$proj" "$tmp/orig"

cat >"$tmp/mutants/a-killed.mutant" <<'M'
# add subtracts
file: calc.c
tests: ^t_add$
--- find
return a + b;
--- replace
return a - b;
M
cat >"$tmp/mutants/b-survived.mutant" <<'M'
# unused doubles wrong, and no test looks
file: calc.c
tests: ^t_other$
--- find
return a * 2;
--- replace
return a * 3;
M
cat >"$tmp/mutants/c-stale.mutant" <<'M'
# text that is not in the file
file: calc.c
tests: ^t_add$
--- find
return a / b;
--- replace
return 0;
M
cat >"$tmp/mutants/d-malformed.mutant" <<'M'
# no tests line
file: calc.c
--- find
return a + b;
--- replace
return 0;
M
cat >"$tmp/mutants/e-no-test.mutant" <<'M'
# a regex naming no test
file: calc.c
tests: ^nothing$
--- find
return a + b;
--- replace
return a + b + 1;
M

out=$(JOBS=2 bash "$root/scripts/mutate.sh" --root "$proj" --mutants "$tmp/mutants" \
        --work "$tmp/work" --timeout 60 2>&1); code=$?
echo "$out" | sed 's/^/  | /'
row() { echo "$out" | grep -E "^$1 " | awk '{print $3}'; }
[ "$code" = 1 ] && ok "a surviving or stale mutant makes the run exit 1" || bad "exit $code, want 1"
[ "$(row a-killed)" = killed ] && ok "a mutant the tests catch is killed" || bad "a-killed: $(row a-killed)"
[ "$(row b-survived)" = survived ] && ok "a mutant no test catches survives" || bad "b-survived: $(row b-survived)"
[ "$(row c-stale)" = stale ] && ok "a find text not in the file is stale" || bad "c-stale: $(row c-stale)"
[ "$(row d-malformed)" = stale ] && ok "a malformed mutant file is reported (stale)" || bad "d-malformed: $(row d-malformed)"
[ "$(row e-no-test)" = broken ] && ok "a tests regex naming no test is broken, not killed" || bad "e-no-test: $(row e-no-test)"
diff -r "$tmp/orig" "$proj" >/dev/null && ok "the source tree is unchanged" || bad "the runner modified the source tree"
cmp -s "$proj/calc.c" "$tmp/work/src/calc.c" && ok "the scratch copy is restored after each mutant" || bad "scratch calc.c left mutated"

out=$(JOBS=2 bash "$root/scripts/mutate.sh" --root "$proj" --mutants "$tmp/mutants" \
        --work "$tmp/work" a-killed 2>&1); code=$?
[ "$code" = 0 ] && grep -q "1 of 1 mutants killed" <<<"$out" && ok "only the named mutant runs; all killed exits 0" || bad "single mutant: exit $code: $out"

# The real catalogue: every mutant applies to today's tree.
out=$(bash "$root/scripts/mutate.sh" --check 2>&1); code=$?
n=$(ls "$root"/tests/mutants/*.mutant | wc -l)
if [ "$code" = 0 ]; then ok "all $n mutants of tests/mutants apply (--check)"; else
    bad "tests/mutants has stale or malformed mutants:"; echo "$out" | grep -v " ok " | sed 's/^/  | /'; fi
[ "$n" -ge 25 ] && ok "the catalogue has $n mutants (at least 25)" || bad "only $n mutants in tests/mutants"
e2e_finish

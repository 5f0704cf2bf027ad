#!/bin/sh
# expect.sh pass|fail PROGRAM LAB_DIR: runs a lab program (lab_driver.c
# linked with a node) in a scratch directory.
#   pass: it must exit 0 (every test of the battery passed);
#   fail: it must exit 1 with a FAIL line and a saved counterexample
#         (a scenario file that loads) named on a "Watch it:" line.
set -u
want=$1 prog=$2 lab=$3
dir=$(mktemp -d) || exit 2
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 2
"$prog" "$lab" --out-dir "$dir" >out.txt 2>&1
rc=$?
cat out.txt
case $want in
pass)
    [ $rc -eq 0 ] || { echo "expect.sh: the reference failed its battery (exit $rc)"; exit 1; } ;;
fail)
    [ $rc -eq 1 ] || { echo "expect.sh: the broken variant was not caught (exit $rc, want 1)"; exit 1; }
    grep -q '^FAIL ' out.txt || { echo "expect.sh: no FAIL line"; exit 1; }
    f=$(sed -n 's/^Watch it: dslab viz //p' out.txt | head -n 1)
    [ -n "$f" ] && [ -s "$f" ] || { echo "expect.sh: no counterexample file"; exit 1; }
    grep -q '^protocol:' "$f" || { echo "expect.sh: $f is not a scenario"; exit 1; } ;;
*) echo "expect.sh: pass or fail, not '$want'"; exit 2 ;;
esac
echo "expect.sh: ok ($want)"

#!/usr/bin/env bash
# bad_exercises.sh: malformed exercise files (tests/bad/exercise/) are
# clean errors: exit 2 and exactly the first stderr line in NAME.expected.
# (Malformed answers files, tests/bad/answers/, are checked by exercises.sh.)
#   - Each bad exercise is installed alone as exercises/replication/NAME.yaml
#     in a temporary root (the taxonomy copied, scenarios/ and
#     exercises/designs linked to the real ones) and `dslab exercises --root`
#     lists it. In .expected, ROOT stands for the temporary root. Among them:
#     files that name a scenario outside the content directories.
# Usage: bash bad_exercises.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

check() { # name got_status got_line want_line
    if [ "$2" -eq 2 ] && [ "$3" = "$4" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1"
        echo "  expected (exit 2): $4"
        echo "  got      (exit $2): $3"
    fi
}

count=0
for yaml in tests/bad/exercise/*.yaml; do
    name=$(basename "${yaml%.yaml}")
    count=$((count + 1))
    r="$tmp/root-$name"
    mkdir -p "$r/exercises/replication"
    cp exercises/taxonomy.yaml "$r/exercises/"
    ln -s "$PWD/scenarios" "$r/scenarios"
    ln -s "$PWD/exercises/designs" "$r/exercises/designs"
    cp "$yaml" "$r/exercises/replication/$name.yaml"
    want=$(head -n 1 "${yaml%.yaml}.expected" 2>/dev/null)
    got=$("$dslab" exercises --root "$r" 2>&1 >/dev/null | head -n 1)
    "$dslab" exercises --root "$r" >/dev/null 2>&1
    status=$?
    check "$yaml" "$status" "${got//$r/ROOT}" "$want"
done

if [ "$count" -lt 15 ]; then
    echo "FAIL only $count bad exercise files (expected at least 15)"
    fail=$((fail + 1))
fi
e2e_finish

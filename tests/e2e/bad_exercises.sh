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
e2e_quiet=1

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
    run_first_err "$dslab" exercises --root "$r"
    expect_exit_line "$yaml" 2 "$want" "$status" "${got//$r/ROOT}"
done
expect_at_least "$count" 15 "bad exercise files"
e2e_finish

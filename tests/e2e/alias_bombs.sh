#!/usr/bin/env bash
# alias_bombs.sh: YAML alias bombs of big scalars are clean errors within
# bounded memory, for every YAML input dslab reads: scenarios (`dslab
# lint`), answers files (`dslab grade`) and exercise files (`dslab
# exercises --root`). The node limit alone did not stop them: each alias
# copied every string of its anchor, so two levels of aliases over a 500 KB
# scalar asked for tens of gigabytes. The files are generated here (each under the
# 1 MiB file limit); each must exit 2 with a file:line:col error naming a
# limit, under `ulimit -v` (512 MiB) and within 20 s. Also: a flow list
# that rejoins 90,000 comma-separated parts (`uniform(1ms, a, a, ...)`),
# which was joined part by part (quadratic), must finish quickly.
# Usage: bash alias_bombs.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

# A sanitizer build reserves terabytes of address space: no ulimit -v there.
vmem_kb=524288
if nm -D "$dslab" 2>/dev/null | grep -q __asan_init || nm "$dslab" 2>/dev/null | grep -q __asan_init; then
    vmem_kb=unlimited
fi
limited() { # args... ; stderr's first line in $tmp/err
    (ulimit -v "$vmem_kb"; exec timeout 20 "$dslab" "$@") 2>"$tmp/err.all" >/dev/null
    local rc=$?
    head -n 1 "$tmp/err.all" >"$tmp/err"
    return $rc
}

# The attack bodies (YAML mapping entries under made-up keys; every reader
# stops at the alias, before it looks at the keys).
python3 - "$tmp" <<'EOF'
import sys
out = sys.argv[1]
big = "x" * 500000
attacks = {
    # two levels of aliases over a 500 KB scalar: 300 x 300 copies, 45 GB
    "two-levels": f'x-a: &a "{big}"\nx-b: &b [{", ".join(["*a"] * 300)}]\n'
                  f'x-c: [{", ".join(["*b"] * 300)}]\n',
    # three levels over a 100 KB plain scalar: 40 x 40 x 40 copies, 6.4 GB
    "three-levels": f'x-a: &a {"y" * 100000}\nx-b: &b [{", ".join(["*a"] * 40)}]\n'
                    f'x-c: &c [{", ".join(["*b"] * 40)}]\nx-d: [{", ".join(["*c"] * 40)}]\n',
    # many aliases of a big mapping (2,000 keys of 200 bytes)
    "big-mapping": "x-m: &m {" + ", ".join(f"k{i}: {'z' * 200}" for i in range(2000)) +
                   "}\nx-list: [" + ", ".join(["*m"] * 100) + "]\n",
    # many aliases of one big scalar, each a mapping value: 1 GB
    "many-aliases": f'x-a: &a "{big}"\n' + "".join(f"x-{i}: *a\n" for i in range(2000)),
}
for name, body in attacks.items():
    open(f"{out}/scenario-{name}.yaml", "w").write("name: bomb\n" + body)
    open(f"{out}/answers-{name}.yaml", "w").write(
        "exercise: primary-backup-split-brain\n" + body)
    open(f"{out}/exercise-{name}.yaml", "w").write("id: bomb\n" + body)
    assert len(body) < 1024 * 1024
parts = ", ".join(["a"] * 90000)
open(f"{out}/rejoin.yaml", "w").write(
    "name: t\nnodes: 3\nnetwork: {latency: uniform(1ms, " + parts + ")}\n")
EOF

limit_error='^[^:]+:[0-9]+:[0-9]+: error: more than [0-9]+ (bytes of text|YAML nodes) after expanding aliases'
check() { # label status
    if [ "$2" -eq 2 ] && grep -Eq "$limit_error" "$tmp/err"; then
        ok "$1: exit 2, $(cut -c1-160 "$tmp/err" | sed "s|$tmp/||")"
    else
        bad "$1: exit $2 (want 2 and a limit error), stderr: $(cut -c1-200 "$tmp/err")"
    fi
}

for attack in two-levels three-levels big-mapping many-aliases; do
    limited lint "$tmp/scenario-$attack.yaml"
    check "scenario $attack" $?
    limited grade primary-backup-split-brain "$tmp/answers-$attack.yaml" --no-progress
    check "answers $attack" $?
    r="$tmp/root-$attack"
    mkdir -p "$r/exercises/replication"
    cp exercises/taxonomy.yaml "$r/exercises/"
    ln -s "$PWD/scenarios" "$r/scenarios"
    ln -s "$PWD/exercises/designs" "$r/exercises/designs"
    cp "$tmp/exercise-$attack.yaml" "$r/exercises/replication/bomb.yaml"
    limited exercises --root "$r"
    check "exercise $attack" $?
done

start=$(date +%s%N)
limited lint "$tmp/rejoin.yaml"
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$status" -eq 2 ] && [ "$ms" -lt 10000 ] && ! grep -q "memory" "$tmp/err"; then
    ok "90,000 rejoined flow parts: exit 2 in $ms ms ($(cut -c1-100 "$tmp/err" | sed "s|$tmp/||"))"
else
    bad "90,000 rejoined flow parts: exit $status in $ms ms: $(cut -c1-200 "$tmp/err")"
fi

e2e_finish

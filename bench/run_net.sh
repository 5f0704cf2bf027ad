#!/usr/bin/env bash
# run_net.sh BUILD_DIR: the cost of partitions and link overrides
# (sim/net.c), which no run limit catches:
#   1. partitions: 10,000 nodes, no traffic, K majorities-ring partitions
#      (one per ms). Each used to rewrite the N x N reachability matrix
#      (0.24-0.43 s each at 10k nodes); now a partition sets a shape in O(N).
#   2. link overrides: gossip-pingpong at 1,000 nodes for 2 s with 0 and
#      with 9,999 `network.links` overrides. Each message used to scan the
#      override list (about 50x slower with 9,999); now it is one probe of a
#      hash index (the rest of the difference is reading 9,999 entries).
# Measured on the 2-core project machine (CPU seconds, user + system):
#   case        before   after
#   ring-20      4.84    0.020
#   ring-1000   ~434     0.023   (before: wall time, a loaded machine)
#   links-0      0.20    0.22
#   links-9999  11.59    0.32
# Set DSLAB_OLD=/path/to/an/older/dslab to print its times side by side
# (e.g. a build of the commit before this benchmark). Prints numbers; never
# passes or fails on speed.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'EOF'
import sys
out = sys.argv[1]
for k in (20, 1000):
    faults = "".join(f"  - {{ at: {i + 1}ms, partition: majorities-ring }}\n" for i in range(k))
    open(f"{out}/ring-{k}.yaml", "w").write(
        f"name: ring{k}\nduration: {k + 10}ms\nnodes: 10000\n"
        "protocol: { name: gossip-pingpong, initial: 0 }\nfaults:\n" + faults)
for links in (0, 9999):
    body = "".join(f"    - {{ from: n{1 + i % 1000}, to: n{1 + (i // 1000 + 1 + i % 1000) % 1000}, "
                   f"loss: 0 }}\n" for i in range(links))
    open(f"{out}/links-{links}.yaml", "w").write(
        "name: links\nduration: 2s\nnodes: 1000\nseed: 1\nnetwork:\n"
        "  latency: uniform(1ms, 10ms)\n  order: unordered\n" +
        ("  links:\n" + body if links else "") +
        "protocol: { name: gossip-pingpong, initial: 4 }\n")
EOF
secs() { # dslab file -> CPU seconds, user + system (or "-" when it failed);
    # CPU time, not wall time: the benchmark machine is shared.
    local t
    t=$( { TIMEFORMAT='%3U %3S'; time "$1" run "$2" --quiet >/dev/null 2>&1; } 2>&1) || true
    awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}
old=${DSLAB_OLD:-}
echo "== network: partitions and link overrides (bench/run_net.sh)"
if [ -n "$old" ]; then printf "case\tcpu_s\told_cpu_s\n"; else printf "case\tcpu_s\n"; fi
for f in ring-20 ring-1000 links-0 links-9999; do
    if [ -n "$old" ] && [ "$f" = ring-1000 ]; then
        printf "%s\t%s\t(skipped: ~6 min)\n" "$f" "$(secs "$build/dslab" "$tmp/$f.yaml")"
        continue
    fi
    printf "%s\t%s%s\n" "$f" "$(secs "$build/dslab" "$tmp/$f.yaml")" \
        "${old:+	$(secs "$old" "$tmp/$f.yaml")}"
done

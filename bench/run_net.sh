#!/usr/bin/env bash
# run_net.sh BUILD_DIR: the cost of partitions and link overrides
# (sim/net.c), which no run limit catches:
#   1. partitions: 10,000 nodes, no traffic, K majorities-ring partitions
#      (one per ms). Each used to rewrite the N x N reachability matrix
#      (0.34 s each at 10k nodes); now a partition sets a shape in O(N).
#   2. link overrides: gossip-pingpong at 1,000 nodes (about 1.4 M
#      deliveries) with 0 and with 9,999 `network.links` overrides. Each
#      message used to scan the override list (about 25x slower with 9,999);
#      now it is one hash lookup.
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
secs() { # dslab file -> wall seconds (or "-" when it failed)
    local start end
    start=$(date +%s%N)
    "$1" run "$2" --quiet >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "-"; return; }
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
old=${DSLAB_OLD:-}
echo "== network: partitions and link overrides (bench/run_net.sh)"
if [ -n "$old" ]; then printf "case\twall_s\told_wall_s\n"; else printf "case\twall_s\n"; fi
for f in ring-20 ring-1000 links-0 links-9999; do
    if [ -n "$old" ] && [ "$f" = ring-1000 ]; then
        printf "%s\t%s\t(skipped: ~6 min)\n" "$f" "$(secs "$build/dslab" "$tmp/$f.yaml")"
        continue
    fi
    printf "%s\t%s%s\n" "$f" "$(secs "$build/dslab" "$tmp/$f.yaml")" \
        "${old:+	$(secs "$old" "$tmp/$f.yaml")}"
done

#!/usr/bin/env bash
# bad_scenarios.sh: every malformed scenario in tests/bad/scenario/ must make
# `dslab lint` exit 2 with exactly the first stderr line in its .expected
# file (paths relative to the source root, so the test runs from there).
# Also: a directory and a missing file are clean errors, and a good file
# with a bad --set is a clean error naming the override.
# Usage: bash bad_scenarios.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
e2e_quiet=1

count=0
for yaml in tests/bad/scenario/*.yaml; do
    expected_file=${yaml%.yaml}.expected
    count=$((count + 1))
    if [ ! -f "$expected_file" ]; then
        expect_exit_line "$yaml" 2 "(an .expected file)" 2 "(none)"
        continue
    fi
    expected=$(head -n 1 "$expected_file")
    run_first_err "$dslab" lint "$yaml"
    expect_exit_line "$yaml" 2 "$expected" "$status" "$got"
done
expect_at_least "$count" 35 "bad scenarios"

# lint_case WHAT WANT_STATUS WANT_FIRST_STDERR_LINE LINT_ARGS...
lint_case() {
    local what=$1 want_status=$2 want=$3
    shift 3
    run_first_err "$dslab" lint "$@"
    expect_exit_line "$what" "$want_status" "$want" "$status" "$got"
}

# A directory, a missing file: clean errors, exit 2.
lint_case "directory" 2 "tests/bad: error: is a directory, not a file" tests/bad
lint_case "missing file" 2 \
    "tests/bad/no-such-file.yaml: error: cannot open the file: No such file or directory" \
    tests/bad/no-such-file.yaml

# A good file passes, and a bad override on it names the override.
good=$tmp/good.yaml
cat >"$good" <<'EOF'
name: good
duration: 10s
nodes: 3
network: { latency: uniform(1ms, 5ms), loss: 0.001 }
protocol: gossip-pingpong
faults:
  - { at: 2s, crash: n1 }
EOF
actual=$("$dslab" lint "$good" 2>&1 | head -n 1)
"$dslab" lint "$good" >/dev/null 2>&1
expect_exit_line "good file" 0 "$good: ok (3 nodes, protocol gossip-pingpong, 1 fault, duration 10s)" $? "$actual"

lint_case "bad --set" 2 "--set network.lose=0.1: error: unknown key 'lose' (did you mean 'loss'?)" \
    "$good" --set network.lose=0.1
lint_case "--set past the end" 2 \
    "--set faults.0.at=12s: error: fault at 12s is after the end of the run (duration 10s)" \
    "$good" --set faults.0.at=12s

e2e_finish

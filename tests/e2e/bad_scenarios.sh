#!/usr/bin/env bash
# bad_scenarios.sh: every malformed scenario in tests/bad/scenario/ must make
# `dslab lint` exit 2 with exactly the first stderr line in its .expected
# file (paths relative to the source root, so the test runs from there).
# Also: a directory and a missing file are clean errors, and a good file
# with a bad --set is a clean error naming the override.
# Usage: bash bad_scenarios.sh /path/to/dslab /path/to/source-root
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

check() { # name expected_status expected_first_line actual_status actual_first_line
    if [ "$4" = "$2" ] && [ "$5" = "$3" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1"
        echo "  expected (exit $2): $3"
        echo "  got      (exit $4): $5"
    fi
}

count=0
for yaml in tests/bad/scenario/*.yaml; do
    expected_file=${yaml%.yaml}.expected
    count=$((count + 1))
    if [ ! -f "$expected_file" ]; then
        check "$yaml" 2 "(an .expected file)" 2 "(none)"
        continue
    fi
    expected=$(head -n 1 "$expected_file")
    actual=$("$dslab" lint "$yaml" 2>&1 >/dev/null | head -n 1)
    "$dslab" lint "$yaml" >/dev/null 2>&1
    status=$?
    check "$yaml" 2 "$expected" "$status" "$actual"
done

if [ "$count" -lt 35 ]; then
    echo "FAIL only $count bad scenarios (expected at least 35)"
    fail=$((fail + 1))
fi

# A directory, a missing file: clean errors, exit 2.
actual=$("$dslab" lint tests/bad 2>&1 >/dev/null | head -n 1)
"$dslab" lint tests/bad >/dev/null 2>&1
check "directory" 2 "tests/bad: error: is a directory, not a file" $? "$actual"

actual=$("$dslab" lint tests/bad/no-such-file.yaml 2>&1 >/dev/null | head -n 1)
"$dslab" lint tests/bad/no-such-file.yaml >/dev/null 2>&1
check "missing file" 2 \
    "tests/bad/no-such-file.yaml: error: cannot open the file: No such file or directory" \
    $? "$actual"

# A good file passes, and a bad override on it names the override.
good=$(mktemp /tmp/dslab-good-XXXXXX.yaml)
trap 'rm -f "$good"' EXIT
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
check "good file" 0 "$good: ok (3 nodes, protocol gossip-pingpong, 1 fault, duration 10s)" $? "$actual"

actual=$("$dslab" lint "$good" --set network.lose=0.1 2>&1 >/dev/null | head -n 1)
"$dslab" lint "$good" --set network.lose=0.1 >/dev/null 2>&1
check "bad --set" 2 "--set network.lose=0.1: error: unknown key 'lose' (did you mean 'loss'?)" \
    $? "$actual"

actual=$("$dslab" lint "$good" --set faults.0.at=12s 2>&1 >/dev/null | head -n 1)
"$dslab" lint "$good" --set faults.0.at=12s >/dev/null 2>&1
check "--set past the end" 2 \
    "--set faults.0.at=12s: error: fault at 12s is after the end of the run (duration 10s)" \
    $? "$actual"

e2e_finish

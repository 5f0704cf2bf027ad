#!/usr/bin/env bash
# plugin_nodes.sh DSLAB ROOT: learner node code (docs/NODE_API.md).
# - `protocol: { source: F.c }` compiles into DSLAB_CACHE_DIR (0700), once:
#   a second run reuses the object, a changed source gets a new one, four
#   runs at once on an empty cache all succeed;
# - the C port of gossip-pingpong (tests/nodes/gossip.c) gives the same
#   trace bytes as the built-in, as `source:`, as `plugin:` and with --node;
# - parameters reach configure(), and its errors point at file:line:col;
# - bad node code is a clear error, exit 2: a compile error (the compiler's
#   file:line:col), a missing file, name and source both, no
#   dslab_node_protocol, a wrong or missing ABI version, a built-in's name,
#   a missing callback, a file that is not a shared object or is cut short,
#   no compiler, and every kind of forbidden import (time, randomness,
#   storage, host) named with what to use instead;
# - --check-determinism: "deterministic" for built-ins and good node code;
#   exit 1 naming the first differing event for node code with a static
#   counter or that uses an address as a value (both pass the import
#   check: they are what the ELF check cannot see).
# Needs a C compiler (cc or $CC): without one the test reports SKIPPED (77).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
cc=${CC:-cc}
e2e_need "${cc%% *}" "no C compiler ($cc) to build node code"
export DSLAB_CACHE_DIR=$tmp/cache
nodes=$root/tests/nodes

# run_err ARGS...: runs dslab, sets $code and $err (stderr + stdout).
run_err() { err=$("$dslab" "$@" 2>&1); code=$?; }

# --- source: compiled once into the cache, same trace as the built-in ---
cat > "$tmp/gossip.yaml" <<YAML
name: gossip-pingpong
seed: 1
duration: 2s
nodes: 12
network:
  latency: uniform(1ms, 10ms)
  order: unordered
protocol: { source: gossip.c, initial: 4 }
YAML
cp "$nodes/gossip.c" "$tmp/gossip.c"
sed 's/protocol: { source: gossip.c, initial: 4 }/protocol: { name: gossip-pingpong, initial: 4 }/' \
    "$tmp/gossip.yaml" > "$tmp/builtin.yaml"
run_err run "$tmp/gossip.yaml" --quiet --trace "$tmp/plugin.jsonl"
[ "$code" = 0 ] && ok "a source node runs (exit 0)" || bad "source node: exit $code: $err"
grep -q "warning" <<<"$err" && bad "gossip.c (no statics) got a warning: $err" || ok "no warning for node code without static variables"
"$dslab" run "$tmp/builtin.yaml" --quiet --trace "$tmp/builtin.jsonl" >/dev/null 2>&1
if [ -s "$tmp/plugin.jsonl" ] && cmp -s "$tmp/plugin.jsonl" "$tmp/builtin.jsonl"; then
    ok "gossip.c gives the built-in's trace bytes ($(wc -l < "$tmp/plugin.jsonl") events)"
else bad "gossip.c's trace differs from gossip-pingpong's"; fi
objects=$(ls "$tmp/cache"/*.so 2>/dev/null | wc -l)
[ "$objects" = 1 ] && ok "one object in the cache" || bad "$objects objects in the cache"
mode=$(stat -c %a "$tmp/cache")
[ "$mode" = 700 ] && ok "the cache directory is 0700" || bad "cache mode $mode"
ls "$tmp/cache" | grep tmp >/dev/null && bad "a temporary file was left in the cache" || ok "no temporary file left"
before=$(stat -c %Y "$tmp/cache"/*.so)
run_err run "$tmp/gossip.yaml" --quiet
grep -q "compiling" <<<"$err" && bad "the second run compiled again" || ok "the second run uses the cache (no compiler message)"
echo "/* changed */" >> "$tmp/gossip.c"
run_err run "$tmp/gossip.yaml" --quiet
objects=$(ls "$tmp/cache"/*.so | wc -l)
[ "$code" = 0 ] && [ "$objects" = 2 ] && ok "a changed source gets a new object" || bad "changed source: exit $code, $objects objects"

# The compiler's version is part of the key: an upgraded compiler (same
# command, another `--version`) compiles anew, the same one reuses.
cat > "$tmp/fakecc" <<SH
#!/bin/sh
if [ "\$1" = --version ]; then cat "$tmp/ccver"; exit 0; fi
exec $cc "\$@"
SH
chmod +x "$tmp/fakecc"
echo "fakecc 1.0" > "$tmp/ccver"
export DSLAB_CACHE_DIR=$tmp/cache-ver
CC=$tmp/fakecc run_err run "$tmp/gossip.yaml" --quiet
CC=$tmp/fakecc run_err run "$tmp/gossip.yaml" --quiet
grep -q "compiling" <<<"$err" && bad "the same compiler version compiled again" || ok "the same compiler version reuses the object"
echo "fakecc 2.0" > "$tmp/ccver"
CC=$tmp/fakecc run_err run "$tmp/gossip.yaml" --quiet
objects=$(ls "$tmp/cache-ver"/*.so | wc -l)
[ "$code" = 0 ] && [ "$objects" = 2 ] && ok "another compiler version gets a new object" || bad "compiler upgrade: exit $code, $objects objects"
export DSLAB_CACHE_DIR=$tmp/cache

# --node replaces a built-in protocol and keeps its parameters.
run_err run "$tmp/builtin.yaml" --quiet --node "$nodes/gossip.c" --trace "$tmp/node.jsonl"
cmp -s "$tmp/node.jsonl" "$tmp/builtin.jsonl" && ok "--node gossip.c: the built-in's trace" || bad "--node: exit $code: $err"
grep -q -- "--node $nodes/gossip.c" <<<"$err" && ok "the repro line keeps --node" || bad "repro without --node: $err"

# plugin: a prebuilt shared object, relative to the scenario's directory.
mkdir -p "$tmp/sub"
$cc -std=c11 -O2 -fPIC -shared -I "$root/sim/include" -o "$tmp/sub/gossip.so" "$nodes/gossip.c"
sed 's/source: gossip.c/plugin: sub\/gossip.so/' "$tmp/gossip.yaml" > "$tmp/so.yaml"
run_err run "$tmp/so.yaml" --quiet --trace "$tmp/so.jsonl"
cmp -s "$tmp/so.jsonl" "$tmp/builtin.jsonl" && ok "plugin: sub/gossip.so gives the same trace" || bad "plugin: exit $code: $err"
run_err run "$tmp/builtin.yaml" --quiet --node "$tmp/sub/gossip.so" --trace "$tmp/node-so.jsonl"
cmp -s "$tmp/node-so.jsonl" "$tmp/builtin.jsonl" && ok "--node gossip.so: the built-in's trace" || bad "--node .so: exit $code: $err"
run_err run "$tmp/builtin.yaml" --quiet --node "$tmp/nope.c"
[ "$code" = 2 ] && grep -q "cannot read the C source '$tmp/nope.c'" <<<"$err" && ok "--node with a missing file: exit 2" || bad "--node missing: exit $code: $err"
(cd "$tmp/sub" && "$dslab" run ../so.yaml --quiet >/dev/null 2>&1) && ok "plugin path is relative to the scenario, not the current directory" || bad "plugin path resolved from the current directory"

# Concurrent runs on an empty cache: each compiles or reuses, none fails.
export DSLAB_CACHE_DIR=$tmp/cache2
pids=()
for i in 1 2 3 4; do "$dslab" run "$tmp/gossip.yaml" --quiet > "$tmp/par$i.out" 2>&1 & pids+=($!); done
allok=1; for p in "${pids[@]}"; do wait "$p" || allok=0; done
objects=$(ls "$tmp/cache2"/*.so | wc -l); leftovers=$(ls "$tmp/cache2" | grep -c tmp)
[ "$allok" = 1 ] && [ "$objects" = 1 ] && [ "$leftovers" = 0 ] && ok "4 concurrent runs on an empty cache: all pass, one object" \
    || bad "concurrent runs: all ok=$allok, $objects objects, $leftovers temporaries"
export DSLAB_CACHE_DIR=$tmp/cache

# --- parameters ---
sed 's/initial: 4/initial: 5000/' "$tmp/gossip.yaml" > "$tmp/param.yaml"
run_err run "$tmp/param.yaml" --quiet
[ "$code" = 2 ] && grep -q "^$tmp/param.yaml:8:31: error: protocol parameter 'initial'" <<<"$err" \
    && ok "a parameter configure() refuses: file:line:col, exit 2" || bad "param error: exit $code: $err"
sed 's/initial: 4/inital: 4/' "$tmp/gossip.yaml" > "$tmp/param2.yaml"
run_err run "$tmp/param2.yaml" --quiet
[ "$code" = 2 ] && grep -q "param2.yaml:8:31: .*inital.*did you mean 'initial'" <<<"$err" \
    && ok "an unknown parameter: did you mean" || bad "unknown param: exit $code: $err"

# --- bad node code ---
# node FILE NAME VERSION SYMBOL BODY [INCLUDES]: writes a minimal node.
node() {
    cat > "$tmp/$1" <<C
${6:-}
#include "dslab/node.h"
static void init(struct dslab_node_ctx *ctx, void *state) { (void)ctx; (void)state; $5 }
static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m, size_t len) {
    (void)ctx; (void)state; (void)from; (void)m; (void)len; }
static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx; (void)state; (void)id; (void)tag; }
const struct dslab_protocol $4 = { .api_version = $3, .name = "$2", .init = init,
    .on_message = on_message, .on_timer = on_timer };
C
}
scenario() { # FILE PROTOCOL-LINE
    printf 'name: t\nduration: 1s\nnodes: 3\nprotocol: %s\n' "$2" > "$tmp/$1"
}
# expect NAME PATTERN FILE.yaml [run args]: exit 2 and stderr matching.
expect() {
    local name=$1 pattern=$2 file=$3; shift 3
    run_err run "$tmp/$file" --quiet "$@"
    if [ "$code" = 2 ] && grep -q -- "$pattern" <<<"$err"; then ok "$name"
    else bad "$name: exit $code: $err"; fi
}
node good.c good DSLAB_NODE_API_VERSION dslab_node_protocol ""
scenario good.yaml "{ source: good.c }"
run_err run "$tmp/good.yaml" --quiet
[ "$code" = 0 ] && ok "a minimal node runs" || bad "minimal node: exit $code: $err"

printf '#include "dslab/node.h"\nint f(void) { return 1 }\n' > "$tmp/syntax.c"
scenario syntax.yaml "{ source: syntax.c }"
expect "a compile error shows the compiler's file:line:col" "syntax.c:2:[0-9]*: error" syntax.yaml
grep -q "^dslab: compiling .*syntax.c with" <<<"$err" && ok "... after a line saying what dslab was compiling" || bad "no 'dslab: compiling' line: $err"
grep -q "t.yaml\|syntax.yaml:4:[0-9]*: error: compiling syntax.c failed" <<<"$err" && ok "... and the scenario's position" || bad "no positioned summary: $err"
ls "$tmp/cache" | grep tmp >/dev/null && bad "a failed compile left a temporary file" || ok "a failed compile leaves no file in the cache"

scenario missing.yaml "{ source: nope.c }"
expect "a missing source file" "missing.yaml:4:21: error: cannot read the C source '.*nope.c': No such file" missing.yaml
scenario missing-so.yaml "{ plugin: ./nope.so }"
expect "a missing plugin file" "missing-so.yaml:4:21: error: cannot read the shared object '.*nope.so'" missing-so.yaml
scenario both.yaml "{ name: raft, source: good.c }"
expect "name and source both" "both.yaml:4:33: error: the protocol has both 'name' and 'source'" both.yaml
scenario both2.yaml "{ source: good.c, plugin: x.so }"
expect "source and plugin both" "the protocol has both 'source' and 'plugin'" both2.yaml
scenario dir.yaml "{ source: ./ }"
expect "a directory as the source" "dir.yaml:4:21: error: expected a file name, got the directory './'" dir.yaml
scenario dir2.yaml "{ source: sub }"
expect "a directory named without a slash" "cannot read the C source .*sub.: Is a directory" dir2.yaml
scenario neither.yaml "{ heartbeat: 5ms }"
expect "no name, source or plugin" "neither.yaml:4:11: error: missing key 'name' (or 'source'" neither.yaml

node nosym.c nosym DSLAB_NODE_API_VERSION my_protocol ""
scenario nosym.yaml "{ source: nosym.c }"
expect "no dslab_node_protocol symbol" "nosym.c does not define dslab_node_protocol" nosym.yaml
node abi.c abi "(DSLAB_NODE_API_VERSION + 1)" dslab_node_protocol ""
scenario abi.yaml "{ source: abi.c }"
expect "a wrong ABI version" "abi.c was built for node API version 2, this dslab has version 1" abi.yaml
node nover.c nover 0 dslab_node_protocol ""
scenario nover.yaml "{ source: nover.c }"
expect "no ABI version" "nover.c does not say which node API it was written for" nover.yaml
node clash.c raft DSLAB_NODE_API_VERSION dslab_node_protocol ""
scenario clash.yaml "{ source: clash.c }"
expect "a built-in's name" "names its protocol 'raft', which is a built-in protocol" clash.yaml
node badname.c "a b" DSLAB_NODE_API_VERSION dslab_node_protocol ""
scenario badname.yaml "{ source: badname.c }"
expect "a name with a space" "name must be 1 to 63 letters" badname.yaml
sed 's/.on_timer = on_timer //' "$tmp/good.c" > "$tmp/notimer.c"
scenario notimer.yaml "{ source: notimer.c }"
expect "a missing on_timer" "dslab_node_protocol.on_timer is NULL" notimer.yaml
scenario params.yaml "{ source: good.c, depth: 3 }"
expect "parameters to a node without configure()" "params.yaml:4:29: error: unknown protocol parameter 'depth' (good.c takes no parameters)" params.yaml

echo "not a shared object" > "$tmp/text.so"
scenario text.yaml "{ plugin: text.so }"
expect "a text file as a plugin" "text.so is not a shared object (no ELF header)" text.yaml
head -c 200 "$tmp/sub/gossip.so" > "$tmp/cut.so"
scenario cut.yaml "{ plugin: cut.so }"
expect "a shared object cut short" "cut.so has a damaged ELF section table" cut.yaml
# A hostile section table: the dynamic symbol table points past the file.
# Written with python3; without it this one check is SKIPPED (exit 77 at
# the end, after every other check ran).
have_py=0
if ! command -v python3 >/dev/null; then
    e2e_skip_reason="python3 is not installed (the hostile ELF check did not run)"
elif python3 - "$tmp/sub/gossip.so" "$tmp/hostile.so" <<'PY'; then have_py=1; else bad "could not write hostile.so"; fi
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28); shnum, = struct.unpack_from("<H", b, 0x3c)
for i in range(shnum):
    o = shoff + i * 64
    if struct.unpack_from("<I", b, o + 4)[0] == 11:  # SHT_DYNSYM
        struct.pack_into("<Q", b, o + 24, 1 << 40)   # sh_offset
open(sys.argv[2], "wb").write(b)
PY
if [ "$have_py" = 1 ]; then
    scenario hostile.yaml "{ plugin: hostile.so }"
    expect "a dynamic symbol table past the end of the file" "hostile.so has a damaged dynamic symbol table" hostile.yaml
fi
cp "$tmp/good.c" "$tmp/good3.c"
scenario good3.yaml "{ source: good3.c }"
CC=/nonexistent/cc run_err run "$tmp/good3.yaml" --quiet
[ "$code" = 2 ] && grep -q "cannot run the C compiler '/nonexistent/cc'" <<<"$err" && ok "no C compiler" || bad "no compiler: exit $code: $err"

# Forbidden imports, one per class, each named with what to use instead.
forbid() { # FUNCTION CALL INCLUDE MESSAGE
    node "f_$1.c" "f-$1" DSLAB_NODE_API_VERSION dslab_node_protocol "$2" "$3"
    scenario "f_$1.yaml" "{ source: f_$1.c }"
    expect "calls $1(): refused" "f_$1.c calls $1(): $4" "f_$1.yaml"
}
forbid rand "dslab_ctx_annotate(ctx, \"r\", rand(), \"x\");" "#include <stdlib.h>" "node code gets randomness only from dslab_ctx_rng()"
forbid time "dslab_ctx_annotate(ctx, \"t\", (int64_t)time(0), \"x\");" "#include <time.h>" "node code reads time only from dslab_ctx_mono_ns()"
forbid clock_gettime "struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); dslab_ctx_annotate(ctx, \"t\", ts.tv_sec, \"x\");" "#define _POSIX_C_SOURCE 200809L
#include <time.h>" "node code reads time only"
forbid fopen "FILE *f = fopen(\"/tmp/x\", \"w\"); if (f) fclose(f);" "#include <stdio.h>" "node code keeps data only in its state block and the durable store"
forbid getenv "dslab_ctx_annotate(ctx, \"e\", getenv(\"HOME\") != 0, \"x\");" "#include <stdlib.h>" "node code sees the host only through its context"
forbid usleep "usleep(1);" "#define _DEFAULT_SOURCE
#include <unistd.h>" "node code waits only with dslab_ctx_set_timer()"

# --- --check-determinism ---
out=$("$dslab" run scenarios/intro/leader-loses-majority.yaml --check-determinism); code=$?
[ "$code" = 0 ] && grep -q "^deterministic: trace hash [0-9a-f]\{16\} (2 runs" <<<"$out" && ok "built-in raft: deterministic" || bad "raft check: exit $code: $out"
out=$("$dslab" run "$tmp/gossip.yaml" --check-determinism 2>&1); code=$?
[ "$code" = 0 ] && grep -q "^deterministic: " <<<"$out" && ok "gossip.c: deterministic" || bad "gossip.c check: exit $code: $out"
out=$("$dslab" run "$root/tests/nodes/kv-primary.yaml" --check-determinism 2>&1); code=$?
[ "$code" = 0 ] && grep -q "^deterministic: " <<<"$out" && ok "kv_primary.c (store, timers, clients): deterministic" || bad "kv check: exit $code: $out"
for bad_node in static_counter address_as_value; do
    sed "s/{ source: gossip.c, initial: 4 }/{ source: $bad_node.c }/" "$tmp/gossip.yaml" > "$tmp/$bad_node.yaml"
    cp "$nodes/nondet/$bad_node.c" "$tmp/"
    out=$("$dslab" run "$tmp/$bad_node.yaml" --quiet 2>&1); code=$?
    [ "$code" = 0 ] && ok "$bad_node.c passes the import check and runs" || bad "$bad_node.c: exit $code: $out"
    if [ "$bad_node" = static_counter ]; then
        grep -q "warning: static_counter.c has 1 writable static variable (sent_total): static state is shared" <<<"$out" \
            && ok "static_counter.c: a warning names its static variable" || bad "no static warning: $out"
    fi
    out=$("$dslab" run "$tmp/$bad_node.yaml" --check-determinism 2>&1); code=$?
    if [ "$code" = 1 ] && grep -q "^NOT deterministic: the two runs part at trace event #[0-9]" <<<"$out" &&
       grep -q '^  run 1: {"id":' <<<"$out" && grep -q '^  run 2: {"id":' <<<"$out"; then
        ok "$bad_node.c: --check-determinism exits 1 and shows the first differing event"
    else bad "$bad_node.c check: exit $code: $out"; fi
done
run_err run "$tmp/gossip.yaml" --check-determinism --json
[ "$code" = 2 ] && ok "--check-determinism with --json is a usage error" || bad "--check-determinism --json: exit $code"

e2e_finish plugin_nodes

#!/usr/bin/env bash
# explore_merge_hostile.sh DSLAB ROOT: `dslab explore --merge` on hostile
# shard results (they come from other machines: GNU parallel, Slurm).
# Two real shards are made, then each case below rewrites one of them and
# must: exit 2 with the expected error on stderr's first line, print no
# control character, stay within 1 GiB of memory (time is only a hang guard: work is bounded by counts), and write
# nothing anywhere but --out (the whole test directory is compared before
# and after, and the absolute paths the cases name must not appear). A
# good merge must still work, re-run its reproducer, and never claim
# "(checked: it fails)" for a file that does not fail.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

e2e_cleanup "/tmp/dslab-hostile-abs-$$*"

scn=scenarios/raft/stale-read-leader-local.yaml
for i in 1 2; do
  "$dslab" explore $scn --seeds 50 --jobs 1 --quiet --budget 40 --shard $i/2 --json \
    --out "$tmp/unused" > "$tmp/s$i.json" || true
done
rm -rf "$tmp/unused"

DSLAB="$dslab" TMP="$tmp" ROOT="$root" ABS="/tmp/dslab-hostile-abs-$$" python3 - <<'PY'
import copy, json, os, re, resource, subprocess, sys, time

dslab, tmp, abs_name = os.environ["DSLAB"], os.environ["TMP"], os.environ["ABS"]
work = os.path.join(tmp, "work", "a", "b")      # merges run here; --out is work/out
os.makedirs(work)
base = [json.load(open(os.path.join(tmp, f"s{i}.json"))) for i in (1, 2)]
# The check with a reproducer, in whichever shard has it.
owner = next(i for i, d in enumerate(base) for c in d["checks"] if c["reproducer"])
ci = next(k for k, c in enumerate(base[owner]["checks"]) if c["reproducer"])
passed = failed = 0

def ok(msg):
    global passed
    passed += 1
    print("ok:", msg)

def bad(msg):
    global failed
    failed += 1
    print("FAIL:", msg)

def snapshot():
    seen = {}
    for dirpath, dirs, files in os.walk(tmp):
        if os.path.join(work, "out") in dirpath:
            continue
        for name in dirs + files:
            p = os.path.join(dirpath, name)
            if p == os.path.join(work, "out"):
                continue
            st = os.lstat(p)
            # Directories: only that they exist (creating --out changes
            # its parent's mtime); files: their size and mtime too.
            seen[p] = (st.st_mode,) if os.path.isdir(p) and not os.path.islink(p) else (
                st.st_mode, st.st_size, st.st_mtime_ns)
    return seen

# A sanitizer build reserves terabytes of address space: no RLIMIT_AS
# there; the largest resident size of any merge is checked at the end
# (docs/EXPLORE.md: about 750 MB at most).
sanitized = b"AddressSanitizer" in open(dslab, "rb").read()
memory_max = (3 << 30) if sanitized else (1 << 30)

def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (memory_max, memory_max))

# Work is bounded by counts (file bytes, parse memory, the re-run's event
# cap), which the cases check; wall time is only a hang guard, generous
# enough for a sanitizer build on a loaded machine.
def merge(files, extra=(), hang_guard_s=900):
    before = snapshot()
    t0 = time.monotonic()
    try:
        p = subprocess.run([dslab, "explore", "--merge", *files, "--out", "out", *extra], cwd=work,
                           capture_output=True, timeout=hang_guard_s,
                           preexec_fn=None if sanitized else limit_memory)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        code, out, err = "timeout", b"", b""
    elapsed = time.monotonic() - t0
    changed = [k for k, v in snapshot().items() if before.get(k) != v]
    changed += [k for k in before if not os.path.lexists(k)]
    return code, out, err, elapsed, changed

def write(name, doc):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return path

def hostile(name, doc, want, other=True, first=None):
    """doc: the rewritten shard (dict or raw bytes); merged after the other
    shard (or after `first`, or alone when not other)."""
    path = write(name + ".json", doc)
    files = [first or os.path.join(tmp, f"s{2 - owner}.json"), path] if other else [path]
    code, out, err, elapsed, changed = merge(files)
    first = err.decode("utf-8", "replace").split("\n")[0]
    problems = []
    if code != 2: problems.append(f"exit {code}")
    if not re.search(want, first): problems.append(f"stderr: {first[:200]!r}")
    if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", err + out): problems.append("a control character was printed")
    if changed: problems.append(f"wrote outside --out: {changed[:3]}")
    if any(f.startswith(os.path.basename(abs_name)) for f in os.listdir("/tmp")):
        problems.append("wrote an absolute path from the shard")
    for d, _, fs in os.walk(os.path.join(work, "out")):
        for f in fs:
            if not re.fullmatch(r"[a-z0-9_-]+-seed[0-9]+\.yaml", f): problems.append(f"wrote {f}")
    if problems: bad(f"{name}: " + "; ".join(problems))
    else: ok(f"{name}: exit 2, {first[:110]}")
    subprocess.run(["rm", "-rf", os.path.join(work, "out")])

def mut(fn):
    d = copy.deepcopy(base[owner])
    fn(d)
    return d

def chk(d):
    return d["checks"][ci]

def set_shards(d, count=None, index=None):
    if count is not None: d["shard_count"] = count
    if index is not None:
        if "shards" in d: d["shards"] = [index]
        else: d["shards_mask"] = 1 << (index - 1) if index > 0 else 0

# --- names that would become paths ---------------------------------------------
for label, name in [("traversal", "../../escaped"), ("traversal-deep", "../" * 20 + "tmp/escaped"),
                    ("absolute", abs_name), ("slash", "a/b"), ("dot-dot", ".."),
                    ("empty-name", ""), ("unknown-check", "linearisable"),
                    ("escape-sequence", "lin\u001b[31mred"), ("newline", "x\nresult: all checks hold"),
                    ("long-name", "l" * 5000)]:
    hostile(f"name-{label}", mut(lambda d: chk(d).__setitem__("name", name)),
            r"checks\[\d+\]\.name: .*(not a check dslab knows|control character|a text of)")
# Alone (no other shard whose names differ): the file that once wrote anywhere.
hostile("name-traversal-alone", mut(lambda d: chk(d).__setitem__("name", "../../escaped")),
        r"checks\[\d+\]\.name: '\.\./\.\./escaped' is not a check dslab knows", other=False)
hostile("name-absolute-alone", mut(lambda d: chk(d).__setitem__("name", abs_name)),
        r"checks\[\d+\]\.name: '/tmp/dslab-hostile-abs-\d+' is not a check dslab knows", other=False)
hostile("name-nul", json.dumps(base[owner]).replace('"linearizable"', '"linearizable\\u0000../x"').encode(),
        r":\d+:\d+: error: .*(NUL|\\u0000)")
hostile("name-not-string", mut(lambda d: chk(d).__setitem__("name", ["../x"])), r"name: expected a string")
# --- numbers ---------------------------------------------------------------------
hostile("huge-failing", mut(lambda d: chk(d).__setitem__("failing", 10**18)), r"failing: .*out of range")
hostile("integer-overflow", json.dumps(mut(lambda d: None)).replace('"seeds_run": ', '"seeds_run": 99999999999999999999999').encode(),
        r":\d+:\d+: error: .*(too big|overflow)")
hostile("negative-seeds-run", mut(lambda d: d.__setitem__("seeds_run", -1)), r"seeds_run: .*out of range")
hostile("negative-seed", mut(lambda d: chk(d)["fails"][0].__setitem__(0, -5)), r"fails: .*out of range")
hostile("negative-budget", mut(lambda d: d.__setitem__("budget", -3)), r"budget: .*out of range")
hostile("fraction", mut(lambda d: d.__setitem__("budget", 1.5)), r"budget: expected an integer")
hostile("shard-count-0", mut(lambda d: set_shards(d, count=0)), r"shard_count: .*out of range")
hostile("shard-count-65", mut(lambda d: set_shards(d, count=65)), r"shard_count: .*out of range")
hostile("shard-index-beyond", mut(lambda d: set_shards(d, count=2, index=3)), r"shards: .*out of range")
hostile("shard-index-0", mut(lambda d: set_shards(d, index=0)), r"shards: .*out of range")
hostile("seeds-0", mut(lambda d: d.__setitem__("seeds", 0)), r"seeds: .*out of range")
hostile("seeds-huge", mut(lambda d: d.__setitem__("seeds", 10**12)), r"seeds: .*out of range")
hostile("seed-from-huge", mut(lambda d: d.__setitem__("seed_from", 2**63 - 1)), r"seed_from: .*out of range")
hostile("fails-count-mismatch", mut(lambda d: chk(d).__setitem__("failing", chk(d)["failing"] + 1)),
        r"fails: .*failing says")
hostile("fail-seed-of-other-shard", mut(lambda d: chk(d)["fails"].append([chk(d)["fails"][-1][0] + 1, 5, 1])
                                        or chk(d).__setitem__("failing", len(chk(d)["fails"]))),
        r"fails: seed \d+ is not in the shards listed")
hostile("fails-out-of-order", mut(lambda d: chk(d)["fails"].reverse() if len(chk(d)["fails"]) > 1
                                  else chk(d)["fails"].insert(0, [chk(d)["fails"][0][0], 1, 1])
                                  or chk(d).__setitem__("failing", len(chk(d)["fails"]))),
        r"fails: seed \d+ is not in the shards listed or out of order")
hostile("seeds-run-inconsistent", mut(lambda d: d.__setitem__("seeds_run", d["seeds_run"] - 1)),
        r"seeds_run: .*seeds")
hostile("kinds-on-short", mut(lambda d: d["kinds_on"].pop()), r"kinds_on: expected 7 counts")
hostile("hist-bucket-beyond", mut(lambda d: d["metrics"]["latency"]["buckets"].append([960, 1])
                                  or d["metrics"]["latency"].__setitem__("count", d["metrics"]["latency"]["count"] + 1)),
        r"metrics\.latency\.buckets: .*out of range")
hostile("hist-count-mismatch", mut(lambda d: d["metrics"]["election"].__setitem__("count", 10**15)),
        r"metrics\.election\.buckets: .*samples")
# --- versions and merging ------------------------------------------------------
hostile("version-1", mut(lambda d: d.__setitem__("dslab_explore", 1)), r"dslab_explore: results format 1")
hostile("version-3", mut(lambda d: d.__setitem__("dslab_explore", 3)), r"dslab_explore: results format 3")
hostile("other-budget", mut(lambda d: d.__setitem__("budget", d["budget"] + 1)),
        r"from a different exploration")
hostile("same-shard-twice", base[owner], r"shard \d+/2 appears twice", first=os.path.join(tmp, f"s{owner + 1}.json"))
hostile("shard-listed-twice", mut(lambda d: d.__setitem__("shards", [1, 1])), r"shards: shard 1 is listed twice")
hostile("unknown-member", mut(lambda d: d.__setitem__("shards_mask", 1)), r"unknown member 'shards_mask'")
hostile("duplicate-key", json.dumps(base[owner])[:-1].encode() + b', "budget": 0}', r":\d+:\d+: error: .*duplicate")
# --- texts -----------------------------------------------------------------------
hostile("path-escape-sequence", mut(lambda d: d.__setitem__("scenario", "x\u001b]0;pwned\u0007.yaml")),
        r"scenario: a control character")
hostile("error-message-newline", mut(lambda d: d.__setitem__("error_message", "a\nb")), r"error_message: a control character|a message but no errors")
hostile("necessary-c1-control", mut(lambda d: chk(d)["reproducer"]["necessary"].__setitem__(0, "x\u009b31m")),
        r"necessary: a control character")
hostile("invalid-utf8", json.dumps(base[owner]).replace('"random"', '"rand\\u00ffom"').encode().replace(b"\\u00ff", b"\xff"),
        r":\d+:\d+: error: .*(UTF-8|utf-8|unable to decode byte 0xff)")
hostile("deep-nesting", b"[" * 200000 + b"]" * 200000, r":\d+:\d+: error: ")
hostile("deep-nesting-in-member", json.dumps(base[owner])[:-1].encode() + b', "x": ' + b"[" * 100000 + b"]" * 100000 + b"}",
        r":\d+:\d+: error: |unknown member")
hostile("not-an-object", b"[1, 2]", r"expected the JSON object of dslab explore --json")
hostile("empty-file", b"", r":\d+:\d+: error: ")
hostile("trailing-garbage", json.dumps(base[owner]).encode() + b" {}", r":\d+:\d+: error: .*end of file")
hostile("string-100MB", b'{"dslab_explore": 2, "scenario": "' + b"a" * (100 << 20) + b'"}',
        r"scenario: a text of \d+ bytes", other=False)
hostile("array-10M", b'{"dslab_explore": 2, "x": [' + b"0," * (10 << 20) + b'0]}', r"unknown member 'x'|more than", other=False)
hostile("array-60M", b'{"dslab_explore": 2, "x": [' + b"0," * (60 << 20) + b'0]}',
        r"reading it would take more than 512 MiB of memory", other=False)
# --- the reproducer --------------------------------------------------------------
hostile("repro-not-a-scenario", mut(lambda d: chk(d)["reproducer"].__setitem__("yaml", "name: [unclosed\n")),
        r"reproducer\.yaml: not a scenario dslab can load")
hostile("repro-without-the-check", mut(lambda d: chk(d)["reproducer"].__setitem__(
            "yaml", re.sub(r"(?m)^checks:.*\n(  - .*\n)*", "checks: [one-leader-per-term]\n", chk(d)["reproducer"]["yaml"]))),
        r"reproducer\.yaml: the scenario has no check")
hostile("repro-other-seed", mut(lambda d: chk(d)["reproducer"].__setitem__("seed", chk(d)["reproducer"]["seed"] + 2)),
        r"reproducer\.seed: .*first failing seed")
hostile("repro-faults-after-mismatch", mut(lambda d: chk(d)["reproducer"].__setitem__("faults_after", 0)),
        r"necessary: .*faults_after")
sparse = os.path.join(tmp, "sparse.json")
with open(sparse, "wb") as f:
    f.truncate(300 << 20)
code, out, err, elapsed, changed = merge([sparse])
(ok if code == 2 and b"larger than 128 MiB" in err else bad)(f"a 300 MB file is refused unread: exit {code}, {elapsed:.2f}s")
os.remove(sparse)

# --- a symlink where the reproducer goes: refused, its target untouched ----------
victim = os.path.join(tmp, "victim.txt")
open(victim, "w").write("precious\n")
repro_seed = base[owner]["checks"][ci]["reproducer"]["seed"]
os.makedirs(os.path.join(work, "out"))
link = os.path.join(work, "out", f"{base[owner]['checks'][ci]['name']}-seed{repro_seed}.yaml")
os.symlink(victim, link)
p = subprocess.run([dslab, "explore", "--merge", os.path.join(tmp, "s1.json"), os.path.join(tmp, "s2.json"),
                    "--out", "out"], cwd=work, capture_output=True, timeout=60)
(ok if p.returncode == 2 and open(victim).read() == "precious\n" and os.path.islink(link) else bad)(
    f"a symlink in --out is not written through: exit {p.returncode}, {p.stderr.decode()[:100]!r}")
subprocess.run(["rm", "-rf", os.path.join(work, "out")])

# --- a good merge; a reproducer that does not fail is not called checked ---------
code, out, err, elapsed, changed = merge([os.path.join(tmp, "s1.json"), os.path.join(tmp, "s2.json")])
text = out.decode()
(ok if code == 1 and "(checked: it fails)" in text and not changed else bad)(
    f"the real shards merge, the reproducer is re-run and checked: exit {code} {err.decode()[:200]!r} {changed[:3]}")
subprocess.run(["rm", "-rf", os.path.join(work, "out")])
def no_faults(d):
    r = chk(d)["reproducer"]
    r["yaml"] = re.sub(r"(?m)^faults:.*\n(  .*\n)*", "", r["yaml"])
    r["verified"] = True
path = write("passing-repro.json", mut(no_faults))
code, out, err, elapsed, changed = merge([os.path.join(tmp, f"s{2 - owner}.json"), path])
text = out.decode()
(ok if "(checked: it fails)" not in text and "HELD" in text else bad)(
    f"a reproducer claimed verified but passing is reported as such: {[l for l in text.splitlines() if 'replay' in l]}")
subprocess.run(["rm", "-rf", os.path.join(work, "out")])

rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
(ok if rss_kib * 1024 < memory_max else bad)(f"the largest merge used {rss_kib // 1024} MiB (bound {memory_max >> 20} MiB)")
# A reproducer that would run for a simulated day: the re-run is bounded
# by the event cap (DSLAB_XR_RERUN_EVENTS_MAX, sim/include/dslab/explore.h),
# a count, not by wall time: it stops after exactly that many events on
# any machine, under any sanitizer or load.
events_cap = int(re.search(r"DSLAB_XR_RERUN_EVENTS_MAX INT64_C\((\d+)\)",
                           open(os.path.join(os.environ["ROOT"], "sim/include/dslab/explore.h")).read()).group(1))
def long_run(d):
    r = chk(d)["reproducer"]
    r["yaml"] = re.sub(r"(?m)^duration: .*$", "duration: 86400s", r["yaml"])
path = write("long-repro.json", mut(long_run))
code, out, err, elapsed, changed = merge([os.path.join(tmp, f"s{2 - owner}.json"), path])
text = out.decode()
m = re.search(r"\(not checked: the re-run stopped early, after (\d+) events\)", text)
(ok if code != "timeout" and m and int(m.group(1)) == events_cap else bad)(
    f"a reproducer of a simulated day is re-run within the event cap of {events_cap}: "
    f"{[l for l in text.splitlines() if 'replay' in l]} {err.decode()[:200]!r}")
subprocess.run(["rm", "-rf", os.path.join(work, "out")])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

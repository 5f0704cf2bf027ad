#!/bin/bash
# curriculum.sh: the shape of the curriculum the lab promises (issue 16),
# read from what the learner sees (`dslab exercises --json`, `dslab reveal`)
# and from exercises/taxonomy.yaml, not from a list kept by hand:
#   - at least 45 exercises in every one of the 12 tracks' directories;
#   - every track has a fix or break question, a trade-off question, and an
#     assumption question (the learner names what broke), and a declare
#     question (the learner declares, before the run, what the design leans
#     on and its bounds), except the tracks in DECLARE_GAPS (printed as
#     known gaps; the test fails once one gets a declare question); an
#     exercise with a declare question has a game-*.yaml among its tests;
#   - every exercise has at least two misconceptions with feedback and at
#     least two wrong answers under tests/exercises/ID/ (exercises.sh grades them);
#   - the taxonomy has at least 40 failure modes and 20 trade-offs, and each
#     one is shown by a scenario that exists and accepted by some exercise
#     (no known gaps are left: thundering-herd and operator-error, the last
#     two, are answers of on-the-second and one-command-five-replicas).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

python3 - "$dslab" "$root" <<'EOF'
import glob, json, os, re, subprocess, sys
dslab, root = sys.argv[1], sys.argv[2]
try:
    import yaml
except ImportError:
    print("python3-yaml is not installed"); sys.exit(77)

MIN_EXERCISES, MIN_FAILURE_MODES, MIN_TRADE_OFFS = 45, 40, 20
TRACKS = ["time-and-clocks", "networks-and-failures", "replication", "partitioning",
          "consensus", "transactions", "locks-leases-fencing", "failure-detection",
          "overload", "storage-and-durability", "convergence", "operating-at-2am"]
fails = []

# Tracks with no declare question yet; empty since every track has one.
DECLARE_GAPS = {}
def bad(msg): fails.append(msg); print("FAIL: " + msg)

out = subprocess.run([dslab, "exercises", "--json", "--root", root], capture_output=True, text=True)
if out.returncode != 0: print(out.stderr); sys.exit(1)
exercises = json.loads(out.stdout)
print(f"{len(exercises)} exercises")
if len(exercises) < MIN_EXERCISES: bad(f"{len(exercises)} exercises, at least {MIN_EXERCISES} promised")

tax = yaml.safe_load(open(os.path.join(root, "exercises/taxonomy.yaml")))
name_to_id = {}
for lst in ("failure_modes", "trade_offs", "assumptions"):
    for t in tax[lst]: name_to_id[t["name"].lower()] = (lst, t["id"])

named = set()            # (list, id) accepted by some exercise
kinds_by_track = {t: set() for t in TRACKS}
for ex in exercises:
    eid, track = ex["id"], ex["track"]
    if track not in kinds_by_track: bad(f"{eid}: track {track} is not one of the twelve"); continue
    kinds_by_track[track].update(ex["kinds"])
    rev = subprocess.run([dslab, "reveal", eid, "--root", root], capture_output=True, text=True)
    if rev.returncode != 0: bad(f"{eid}: dslab reveal exit {rev.returncode}"); continue
    miscon = len(re.findall(r"^\s+misconception '", rev.stdout, re.M))
    if miscon < 2: bad(f"{eid}: {miscon} misconception(s) with feedback, at least 2")
    for m in re.finditer(r"^\s+accepted:\s+(.*)$", rev.stdout, re.M):
        for name in m.group(1).split(", "):
            key = name_to_id.get(name.strip().lower())
            if key: named.add(key)
    wrong = glob.glob(os.path.join(root, "tests/exercises", eid, "wrong-*.yaml"))
    if len(wrong) < 2: bad(f"{eid}: {len(wrong)} wrong answer file(s) in tests/exercises/{eid}/, at least 2")
    if "declare" in ex["kinds"] and not glob.glob(os.path.join(root, "tests/exercises", eid, "game-*.yaml")):
        bad(f"{eid}: a declare question and no game-*.yaml in tests/exercises/{eid}/ (a degenerate declaration)")

for track, kinds in kinds_by_track.items():
    if not kinds: bad(f"track {track} has no exercise"); continue
    if not kinds & {"fix", "break"}: bad(f"track {track}: no fix or break question")
    if "trade-off" not in kinds: bad(f"track {track}: no trade-off question")
    if "assumption" not in kinds: bad(f"track {track}: no assumption question")
    if track in DECLARE_GAPS:
        if "declare" in kinds: bad(f"track {track} now has a declare question: remove it from DECLARE_GAPS")
        else: print(f"KNOWN GAP: track {track}: no declare question: {DECLARE_GAPS[track]}")
    elif "declare" not in kinds: bad(f"track {track}: no declare question (the design's assumptions, declared before the run)")

for lst, minimum in (("failure_modes", MIN_FAILURE_MODES), ("trade_offs", MIN_TRADE_OFFS)):
    terms = tax[lst]
    print(f"{len(terms)} {lst.replace('_', ' ')}")
    if len(terms) < minimum: bad(f"{len(terms)} {lst}, at least {minimum} promised")
    for t in terms:
        scns = t.get("scenarios") or []
        if not scns: bad(f"{t['id']}: no scenario shows it")
        for s in scns:
            if not os.path.isfile(os.path.join(root, s)): bad(f"{t['id']}: scenario {s} does not exist")
        if (lst, t["id"]) not in named: bad(f"{t['id']}: no exercise accepts it as an answer")

print(f"{len(fails)} failure(s)")
sys.exit(1 if fails else 0)
EOF

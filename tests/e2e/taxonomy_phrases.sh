#!/usr/bin/env bash
# taxonomy_phrases.sh: the lab's own words resolve in its taxonomy, so an
# answer in the docs' wording is never refused. Scanned texts: docs/*.md,
# README.md, every exercise's brief, hints and debrief, and `dslab
# explain`'s definition of every term. Phrases checked (precisely):
#   R1  every "dslab explain X" (X up to a closing quote, backtick,
#       bracket, parenthesis or line end; placeholders in capitals like
#       TERM and the bare list are skipped) resolves to a term;
#   R2  every trade-off phrasing "A vs B" / "A versus B" anywhere, and
#       "A against B", "A over B", "A instead of B", "A rather than B" in
#       a sentence that speaks of a trade (trade, favour, prefer, choose,
#       pick), outside code: some A (the last 1-3 words before) and B (the
#       first 1-4 after) resolve to a trade-off (numbers compared, like
#       "p99 489 vs 345ms", are not phrasings); NOT_TRADE_OFFS below lists
#       the "vs" that are not trade-offs, each with its reason;
#   R3  the phrasings mentors reported refused (issue 10): each resolves
#       to its kind.
# usage: bash taxonomy_phrases.sh DSLAB ROOT
set -u
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root

python3 - "$dslab" "$root" <<'PY'
import glob, os, re, subprocess, sys
dslab, root = sys.argv[1], sys.argv[2]
try:
    import yaml
except ImportError:
    print("python3-yaml is not installed"); sys.exit(77)

cache = {}
def kind_of(phrase):
    """The kind `dslab explain` resolves the phrase to, or None."""
    if phrase not in cache:
        r = subprocess.run([dslab, "explain", phrase], capture_output=True, text=True)
        m = re.match(r"^.* \((failure mode|trade-off|assumption), id ", r.stdout)
        cache[phrase] = m.group(1) if r.returncode == 0 and m else None
    return cache[phrase]

# "vs" that are not trade-offs, with why.
NOT_TRADE_OFFS = {
    "gcc vs debug": "a build comparison in ARCHITECTURE.md",
    "nodes vs the rest": "the shape of a partition (SCENARIO_FORMAT.md)",
    "alone vs the rest": "the shape of a partition (SCENARIO_FORMAT.md)",
    "r w vs n": "the quorum overlap rule R + W vs N (a hint)",
    "out vs guessed at": "verbs: 'waited out rather than guessed at' (safety-vs-liveness's own definition)",
}

texts = []  # (where, text)
for path in sorted(glob.glob(os.path.join(root, "docs", "*.md"))) + [os.path.join(root, "README.md")]:
    texts.append((os.path.relpath(path, root), open(path, encoding="utf-8").read()))
for path in sorted(glob.glob(os.path.join(root, "exercises", "*", "*.yaml"))):
    if "/designs/" in path or path.endswith("taxonomy.yaml"):
        continue
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    rel = os.path.relpath(path, root)
    for key in ("brief", "debrief"):
        texts.append((rel + " " + key, doc.get(key) or ""))
    for i, h in enumerate(doc.get("hints") or []):
        texts.append((rel + " hint %d" % (i + 1), h))
    for i, r in enumerate(doc.get("read_first") or []):
        texts.append((rel + " read_first %d" % (i + 1), r))
listing = subprocess.run([dslab, "explain"], capture_output=True, text=True).stdout
term_ids = [l.split()[0] for l in listing.splitlines() if l.startswith("  ")]
for tid in term_ids:
    out = subprocess.run([dslab, "explain", tid], capture_output=True, text=True).stdout
    texts.append(("dslab explain " + tid, out.split("\nalso called:")[0].split("\nidea:")[0]))

failures = []
checked = {"R1": 0, "R2": 0, "R3": 0}

# R1
for where, text in texts:
    for m in re.finditer(r"dslab explain ([^`\"'()\[\]\n]*)", text):
        x = m.group(1).strip().rstrip(".,;:")
        if not x or x.startswith("-") or re.search(r"\b[A-Z]{3,}\b", x):
            continue
        checked["R1"] += 1
        if not kind_of(x):
            failures.append("R1 %s: 'dslab explain %s' names no term" % (where, x))

# R2
def prose(text):
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " CODE ", text)
    text = text.replace("|", ".").replace("*", "")
    text = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.;:!?])\s+|\(|\)", text)

CONN = r"(vs\.?|versus|against|over|instead of|rather than)"
for where, text in texts:
    for sentence in prose(text):
        tradey = re.search(r"trade|favou?r|prefer|choos|pick", sentence, re.I)
        words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'-]*|,", sentence)
        low = [w.lower() for w in words]
        for i, w in enumerate(low):
            two = " ".join(low[i:i + 2])
            conn = two if two in ("instead of", "rather than") else w
            if conn not in ("vs", "versus", "against", "over", "instead of", "rather than"):
                continue
            if conn not in ("vs", "versus") and not tradey:
                continue
            skip = 2 if " " in conn else 1
            before = [x for x in low[max(0, i - 3):i]]
            if "," in before:
                before = before[len(before) - before[::-1].index(","):]
            after = low[i + skip:i + skip + 4]
            if "," in after:
                after = after[:after.index(",")]
            if not before or not after or "code" in before + after:
                continue
            if re.search(r"[0-9]", before[-1] + after[0]):
                continue  # numbers compared (benchmarks), or "over 100 seeds"
            shown = " ".join(before[-2:]) + " " + conn + " " + " ".join(after[:2])
            if any(" ".join(before[-k:]) + " vs " + " ".join(after[:j]) in NOT_TRADE_OFFS
                   for k in range(1, len(before) + 1) for j in range(1, len(after) + 1)):
                continue
            checked["R2"] += 1
            ok = any(kind_of(" ".join(before[-k:]) + " vs " + " ".join(after[:j])) == "trade-off"
                     for k in range(1, len(before) + 1) for j in range(1, len(after) + 1))
            if not ok:
                failures.append("R2 %s: '%s' resolves to no trade-off" % (where, shown))

# R3
for phrase, kind in [("latency against linearizability", "trade-off"),
                     ("linearizability over latency", "trade-off"),
                     ("clock drift", "failure mode"),
                     ("availability versus consistency", "trade-off"),
                     ("detection vs traffic", "trade-off"),
                     ("availability vs false failovers", "trade-off")]:
    checked["R3"] += 1
    if kind_of(phrase) != kind:
        failures.append("R3 '%s' should resolve to a %s (got %s)" % (phrase, kind, kind_of(phrase)))

for f in failures:
    print("FAIL:", f)
print("checked: %d dslab-explain references, %d trade-off phrasings, %d reported phrasings; %d failed"
      % (checked["R1"], checked["R2"], checked["R3"], len(failures)))
sys.exit(1 if failures else 0)
PY

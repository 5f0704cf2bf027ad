#!/usr/bin/env bash
# shell_quoting.sh DSLAB ROOT: the repro lines dslab prints paste back into
# bash as exactly the arguments of the run, whatever the file name holds
# (spaces, quotes, $, `, a newline, a tab, an escape character, a byte
# that is not UTF-8, non-ASCII letters); the line stays one line and
# prints no control character; `run --json` and `explore --json` stay
# valid UTF-8 JSON with such names echoed.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# argv_of LINE: the arguments bash gives `dslab` for LINE, NUL-separated.
argv_of() {
  bash -c 'dslab() { printf "%s\0" "$@"; }; eval "$1"' _ "$1"
}
# expect_argv WHAT LINE ARGS...: LINE parses back to exactly ARGS.
expect_argv() {
  local what=$1 line=$2; shift 2
  if [ "$(argv_of "$line" | od -An -tx1)" = "$(printf '%s\0' "$@" | od -An -tx1)" ]; then
    ok "$what parses back to the same arguments"
  else
    bad "$what: '$line' gave: $(argv_of "$line" | tr '\0' '|')"
  fi
}
no_controls() { ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }

names=("plain" "with space" "it's" 'dollar $HOME and `cmd`' "semi;colon&amp|pipe" $'new\nline'
       $'tab\there' $'esc\e[31mred' $'bad\xffbyte' "café ünï" '*glob?[x]' "-dash" '!bang' '\back\slash')
scn=scenarios/intro/leader-loses-majority.yaml
i=0
for n in "${names[@]}"; do
  i=$((i+1))
  dir="$tmp/$i $n"
  mkdir -p "$dir" || { bad "mkdir '$n'"; continue; }
  file="$dir/$n.yaml"
  cp "$scn" "$file"
  "$dslab" run "$file" --seed 3 --until 2s --set network.loss=0.01 > "$tmp/out" 2>/dev/null
  line=$(sed -n 2p "$tmp/out")
  [[ $line == "repro: dslab run "* ]] || { bad "no repro line for '$n': $line"; continue; }
  expect_argv "run's repro line for $(printf %q "$n")" "${line#repro: }" \
    run "$file" --seed 3 --set network.loss=0.01 --until 2s
  no_controls "$tmp/out" && ok "run prints no control character for $(printf %q "$n")" \
    || bad "run printed a control character for $(printf %q "$n")"
  "$dslab" run "$file" --seed 3 --until 2s --json > "$tmp/out.json" 2>/dev/null
  python3 -c '
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))  # strict UTF-8
assert d["repro"].startswith("dslab run ")' "$tmp/out.json" \
    && ok "run --json is valid UTF-8 JSON for $(printf %q "$n")" || bad "run --json invalid for $(printf %q "$n")"
done

# explore: the reproducer's replay, watch and repro lines, into a weird --out.
out_dir="$tmp/out dir \$x 'q'"$'\n'"x"
"$dslab" explore scenarios/raft/stale-read-leader-local.yaml --seeds 50 --budget 40 --quiet \
  --out "$out_dir" > "$tmp/explore.txt"
found=("$out_dir"/linearizable-seed*.yaml)
repro=${found[0]}
if [ ! -f "$repro" ]; then
  bad "explore wrote no reproducer"
else
  line=$(sed -n 's/^    replay: //p' "$tmp/explore.txt" | sed 's/   (checked: it fails)$//')
  expect_argv "explore's replay line" "$line" run "$repro"
  line=$(sed -n 's/^    watch:  //p' "$tmp/explore.txt")
  expect_argv "explore's watch line" "$line" viz "$repro"
  line=$(sed -n 's/^result: .*   repro: //p' "$tmp/explore.txt")
  expect_argv "explore's result line" "$line" run "$repro"
  no_controls "$tmp/explore.txt" && ok "explore prints no control character" || bad "explore printed a control character"
fi
# explore --json with a scenario path that is not UTF-8 and has an escape.
weird="$tmp/"$'sc\xff\e[2Jenario.yaml'
cp scenarios/raft/stale-read-leader-local.yaml "$weird"
"$dslab" explore "$weird" --seeds 5 --budget 0 --quiet --json --out "$tmp/o2" > "$tmp/x.json"
python3 -c '
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
assert "\ufffd" in d["scenario"] and "\x1b" in d["scenario"]' "$tmp/x.json" \
  && ok "explore --json replaces the invalid byte and escapes ESC" || bad "explore --json: $(head -c 300 "$tmp/x.json")"
"$dslab" explore "$weird" --seeds 5 --budget 0 --quiet --out "$tmp/o2" > "$tmp/x.txt"
no_controls "$tmp/x.txt" && ok "explore's summary escapes the scenario path" || bad "explore printed a control character"

e2e_finish

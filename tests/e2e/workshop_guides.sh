#!/usr/bin/env bash
# workshop_guides.sh: keeps the facilitator guides in docs/workshops/ true.
# Every line starting with `dslab ` inside a ```sh block of a guide is run,
# in the guide's order, in one fresh directory per guide (scenarios/ linked
# there, so the guide's relative paths work; files a line writes are there
# for the lines after it, as in the room). A line's expected exit status is
# its trailing `# exit N` comment, 0 without one. Two exceptions:
#   - `dslab exercise ...`: a team answers at a terminal; here nobody does,
#     so the line gets --stdin with an empty stdin and must exit 0 or 1
#     (graded), never 2 (a usage or input error).
#   - `dslab viz ...` when dslab was built without the visualiser: not run;
#     the test then reports SKIPPED (exit 77) after checking everything else.
# Also: every FILE.png a guide names was written by one of its commands.
# usage: bash workshop_guides.sh DSLAB ROOT
set -u
shopt -s extglob
. "$(dirname "$0")/lib/common.sh" "$@"
export DSLAB_ROOT=$root
unset DISPLAY WAYLAND_DISPLAY
dslab_bin=$dslab
have_viz=1
"$dslab" help | grep -q '^  viz ' || have_viz=0

# dslab ARGS: the guide's `dslab`, as a shell function so that the line's
# own redirections and globs work under eval.
dslab() {
    if [ "${1:-}" = exercise ]; then "$dslab_bin" "$@" --stdin </dev/null
    else "$dslab_bin" "$@" </dev/null; fi
}

guides=("$root"/docs/workshops/*.md)
expect_at_least "${#guides[@]}" 1 "workshop guides"
total=0
for guide in "${guides[@]}"; do
    [ -f "$guide" ] || continue
    name=$(basename "$guide" .md)
    dir=$tmp/$name
    mkdir -p "$dir" && ln -s "$root/scenarios" "$dir/scenarios"
    cd "$dir" || exit 1
    n=0
    while IFS= read -r line; do
        want=0
        if [[ $line =~ \#\ exit\ ([0-9]+)[[:space:]]*$ ]]; then want=${BASH_REMATCH[1]}; fi
        cmd=${line%%+([[:space:]])#*}   # for the messages; eval ignores the comment
        case $cmd in
            "dslab viz "*) if [ "$have_viz" = 0 ]; then
                e2e_skip_reason="dslab was built without the visualiser: the guides' viz lines did not run"
                continue; fi ;;
        esac
        n=$((n + 1))
        eval "$line" >"$dir/out" 2>&1
        status=$?
        case $cmd in
            "dslab exercise "*) [ "$status" = 0 ] || [ "$status" = 1 ] && ok "$name: $cmd (graded, exit $status)" ||
                { bad "$name: $cmd: exit $status, want 0 or 1"; tail -n 5 "$dir/out" | sed 's/^/    /'; } ;;
            *) [ "$status" = "$want" ] && ok "$name: $cmd (exit $status)" ||
                { bad "$name: $cmd: exit $status, want $want"; tail -n 5 "$dir/out" | sed 's/^/    /'; } ;;
        esac
    done < <(awk '{ t = $0; sub(/^[[:space:]]+/, "", t) }
                  t ~ /^```/ { if (inblock) inblock = 0; else if (t ~ /^```sh[[:space:]]*$/) inblock = 1; next }
                  inblock && t ~ /^dslab / { print t }' "$guide")
    expect_at_least "$n" 3 "$name: commands run"
    total=$((total + n))
    if [ "$have_viz" = 1 ]; then
        for png in $(grep -o '[A-Za-z0-9._/-]*\.png' "$guide" | sort -u); do
            [ -s "$dir/$png" ] && ok "$name: $png was written" || bad "$name: names $png, which no command of it wrote"
        done
    fi
    cd "$root" || exit 1
done
echo "$total commands run"
e2e_finish workshop_guides

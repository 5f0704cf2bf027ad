#!/usr/bin/env bash
# library_boundaries.sh DSLAB ROOT: the lines between the library and its
# front ends (docs/ARCHITECTURE.md, "Modules"), checked on the source:
# - cli/ includes only the library's public headers ("dslab/..."), its own
#   headers, and the grader's and visualiser's headers; never a private
#   header of sim/ ("explore/explore.h", "scenario/units.h", "json_write.h");
# - in sim/, only host_clock.c reads the host's clock (clock_gettime,
#   gettimeofday, time()); only the host I/O of learner nodes (sim/nodes/:
#   deadlines on processes and the compiler) calls its host_clock_s; and
#   nothing writes to standard
#   output (printf, puts, putchar, stdout) but outfile.c ("-" is stdout)
#   and assert.c (flushes it before an invariant's message).
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

bad_includes=""
for f in cli/*.c cli/*.h; do
  while IFS= read -r inc; do
    case "$inc" in
      dslab/*.h|grader.h|viz.h|viz_plot.h) ;;
      */*) bad_includes+="$f: \"$inc\""$'\n' ;;
      *) [ -f "cli/$inc" ] || bad_includes+="$f: \"$inc\""$'\n' ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
[ -z "$bad_includes" ] && ok "cli/ includes only public, cli-local, grader and viz headers" \
  || bad "cli/ includes private headers:"$'\n'"$bad_includes"

# Comments are not code: drop // lines and /* ... */ text before matching.
code_of() { sed -e 's://.*$::' -e 's:/\*.*\*/::g' -e '/\/\*/,/\*\//d' "$1"; }
clock_hits=""; stdout_hits=""
while IFS= read -r f; do
  code=$(code_of "$f")
  if [ "$f" != sim/host_clock.c ] && [ "${f%.c}" != "$f" ]; then
    readers='clock_gettime|gettimeofday|host_clock_s'
    case "$f" in sim/nodes/*) readers='clock_gettime|gettimeofday' ;; esac
    hit=$(grep -nE "\\b($readers)[[:space:]]*\\(|\\btime[[:space:]]*\\([[:space:]]*(NULL|0)?[[:space:]]*\\)" <<<"$code")
    [ -n "$hit" ] && clock_hits+="$f: $hit"$'\n'
  fi
  case "$f" in sim/outfile.c|sim/assert.c) continue ;; esac
  hit=$(grep -nE '(^|[^a-z_])(printf|puts|putchar)[[:space:]]*\(|\bstdout\b' <<<"$code")
  [ -n "$hit" ] && stdout_hits+="$f: $hit"$'\n'
done < <(find sim -name '*.c' -o -name '*.h' | sort)
[ -z "$clock_hits" ] && ok "sim/ reads no clock outside host_clock.c" || bad "sim/ reads a clock:"$'\n'"$clock_hits"
[ -z "$stdout_hits" ] && ok "sim/ writes nothing to standard output" || bad "sim/ writes to stdout:"$'\n'"$stdout_hits"

e2e_finish

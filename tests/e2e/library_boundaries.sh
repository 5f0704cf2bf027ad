#!/usr/bin/env bash
# library_boundaries.sh DSLAB ROOT: the lines between the library and its
# front ends (docs/ARCHITECTURE.md, "Modules"), checked on the source:
# - libdslab.a, what front ends and node code link, makes global only names
#   with the dslab_ prefix (the rest is localised when it is built), and
#   every name sim/include/dslab/ declares carries dslab_/DSLAB_;
# - cli/ and viz/ include only the library's public headers ("dslab/..."),
#   their own headers, and (cli) the grader's and visualiser's; never a
#   private header of sim/ ("explore/explore.h", "scenario/units.h");
#   grader/ is checked by grader_boundaries.sh;
# - in sim/, only host_clock.c reads the host's clock (clock_gettime,
#   gettimeofday, time(), dslab_host_clock_s), except the host module sim/nodes/
#   (compiling learner code, running process nodes), which bounds its waits
#   through dslab_host_clock_s and nothing else; and nothing writes to standard
#   output (printf, puts, putchar, stdout) but outfile.c ("-" is stdout)
#   and assert.c (flushes it before an invariant's message).
set -u
. "$(dirname "$0")/lib/common.sh" "$@"

lib=${DSLAB_BUILD_DIR:-$(dirname "$dslab")}/sim/libdslab.a
e2e_need nm "nm is not installed"
if [ ! -f "$lib" ]; then bad "no $lib (the public library was not built)"; else
    syms=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }')
    # Compiler- and sanitizer-made names start with "__" or "."; ours may not.
    stray=$(grep -vE '^(dslab_|__|\.)' <<<"$syms" | head -20)
    [ -z "$stray" ] && ok "libdslab.a exports $(grep -c '^dslab_' <<<"$syms") names, all dslab_*" \
                    || bad "libdslab.a exports names without the dslab_ prefix: $(tr '\n' ' ' <<<"$stray")"
    grep -q '^dslab_ctx_send$' <<<"$syms" && ok "the node API is exported (dslab_ctx_send)" \
                                         || bad "dslab_ctx_send is not exported"
fi
# Names the public headers declare: types, macros and functions.
stray=$(sed -e 's|//.*||' sim/include/dslab/*.h | tr '\n' ' ' | sed -e 's|/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/| |g' |
        grep -oE '\b(struct|enum|union) +[A-Za-z_][A-Za-z0-9_]* *[{;]|#define +[A-Za-z_][A-Za-z0-9_]*|^[^#]*\b[a-z_][a-z0-9_]* *\(' |
        grep -oE '[A-Za-z_][A-Za-z0-9_]* *[{;(]?$|#define +[A-Za-z_][A-Za-z0-9_]*' |
        sed -E 's/#define +//; s/ *[{;(]$//' | grep -vE '^(dslab_|DSLAB_)' | sort -u | head -20)
[ -z "$stray" ] && ok "every name declared in sim/include/dslab/ is dslab_/DSLAB_" \
                || bad "public headers declare names without the prefix: $(tr '\n' ' ' <<<"$stray")"

bad_includes=""
for f in cli/*.c cli/*.h viz/*.c viz/*.h; do
  while IFS= read -r inc; do
    case "$inc" in
      dslab/*.h|grader.h|grader_lab.h|grader_declare.h|viz.h|viz_plot.h) ;;
      */*) bad_includes+="$f: \"$inc\""$'\n' ;;
      *) [ -f "$(dirname "$f")/$inc" ] || bad_includes+="$f: \"$inc\""$'\n' ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
[ -z "$bad_includes" ] && ok "cli/ and viz/ include only public headers, their own, the grader's and viz's" \
  || bad "cli/ includes private headers:"$'\n'"$bad_includes"

# Comments are not code: drop // lines and /* ... */ text before matching.
# String literals are not code either ("closed its stdout").
code_of() { sed -E -e 's:"([^"\\]|\\.)*":"":g' -e 's://.*$::' -e 's:/\*.*\*/::g' -e '/\/\*/,/\*\//d' "$1"; }
clock_hits=""; stdout_hits=""
while IFS= read -r f; do
  code=$(code_of "$f")
  clock_calls='clock_gettime|gettimeofday|dslab_host_clock_s'
  case "$f" in sim/nodes/*) clock_calls='clock_gettime|gettimeofday' ;; esac
  if [ "$f" != sim/host_clock.c ] && [ "${f%.c}" != "$f" ]; then
    hit=$(grep -nE "\\b($clock_calls)[[:space:]]*\\(|\\btime[[:space:]]*\\([[:space:]]*(NULL|0)?[[:space:]]*\\)" <<<"$code")
    [ -n "$hit" ] && clock_hits+="$f: $hit"$'\n'
  fi
  case "$f" in sim/outfile.c|sim/assert.c) continue ;; esac
  hit=$(grep -nE '(^|[^a-z_])(printf|puts|putchar)[[:space:]]*\(|\bstdout\b' <<<"$code")
  [ -n "$hit" ] && stdout_hits+="$f: $hit"$'\n'
done < <(find sim -name '*.c' -o -name '*.h' | sort)
[ -z "$clock_hits" ] && ok "sim/ reads no clock outside host_clock.c" || bad "sim/ reads a clock:"$'\n'"$clock_hits"
[ -z "$stdout_hits" ] && ok "sim/ writes nothing to standard output" || bad "sim/ writes to stdout:"$'\n'"$stdout_hits"

e2e_finish

#!/usr/bin/env bash
# grader_boundaries.sh DSLAB ROOT: the grader is a front end of the library.
#  - it includes only public headers (dslab/...), its own ones and system
#    headers: no private header of sim/ (scenario/yaml_doc.h, explore/...,
#    json_write.h, ...); grader/CMakeLists.txt does not put sim/ on its
#    include path, so the compiler refuses them too;
#  - every global symbol of libdslab_grader.a carries a grader prefix
#    (grader_ for grader.h, gr_ for internals): none in libyaml's `yaml_`
#    namespace, no short names like `fb` an embedding program may also use.
# Needs nm and the build directory (DSLAB_BUILD_DIR, set by ctest).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# Allowed: dslab/NAME.h and a header that is in grader/ itself.
private=$(grep -n '^#include "' grader/*.c grader/*.h | while IFS= read -r line; do
    inc=${line#*#include \"}
    inc=${inc%%\"*}
    case $inc in
      dslab/*.h) [[ $inc =~ ^dslab/[a-z_]+\.h$ ]] || echo "$line" ;;
      */*) echo "$line" ;;
      *) [ -f "grader/$inc" ] || echo "$line" ;;
    esac
done)
if [ -z "$private" ]; then ok "grader/ includes only public and its own headers"
else bad "grader/ includes private headers: $private"; fi

if grep -q 'PROJECT_SOURCE_DIR}/sim' grader/CMakeLists.txt; then
    bad "grader/CMakeLists.txt puts sim/ on the grader's include path"
else ok "sim/ is not on the grader's include path"; fi

lib=${DSLAB_BUILD_DIR:-}/grader/libdslab_grader.a
if ! command -v nm >/dev/null || [ ! -f "$lib" ]; then
    echo "SKIP: no nm or no $lib (run from ctest, which sets DSLAB_BUILD_DIR)"; exit 77
fi
symbols=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
count=$(grep -c . <<<"$symbols")
stray=$(grep -v -E '^(grader|gr)_' <<<"$symbols" | tr '\n' ' ')
if [ "$count" -ge 20 ] && [ -z "$stray" ]; then ok "all $count global symbols carry grader_ or gr_"
else bad "global symbols without a grader prefix ($count read): $stray"; fi

e2e_finish

#!/usr/bin/env bash
# test-install-tree.sh BUILD SOURCE: the install tree on this machine (ctest
# package.install_tree, cmake/DslabPackage.cmake).
#   - `make install PREFIX=P` (through the top-level Makefile) into a
#     prefix whose path has a space; the files README "Install" lists;
#   - the installed dslab, run from an empty directory with DSLAB_ROOT
#     unset: `dslab help` names P/share/dslab and P/include; run, exercises,
#     reveal + grade, viz --png (when built), a lab graded with the
#     reference node code compiled against P/include;
#   - the tree copied to another prefix still finds its own data;
#   - --version is the CMake project version and CHANGELOG's newest entry;
#   - pkg-config and find_package(dslab) consumers build against libdslab.a;
#   - `make uninstall` leaves no file under P.
set -uo pipefail
build=$(cd "${1:?usage: test-install-tree.sh BUILD SOURCE}" && pwd) || exit 1
. "$(dirname "$0")/../tests/e2e/lib/common.sh" "$build/dslab" "${2:?usage: test-install-tree.sh BUILD SOURCE}"

e2e_need cmake "cmake is needed to install"
prefix="$tmp/pre fix"
make -s -C "$root" BUILD="$build" install PREFIX="$prefix" >"$tmp/install.log" 2>&1 \
  && ok "make install PREFIX='$prefix'" || { bad "make install"; cat "$tmp/install.log"; }

for f in bin/dslab share/dslab/scenarios/intro/leader-loses-majority.yaml share/dslab/exercises/taxonomy.yaml \
         share/dslab/exercises/labs/echo/lab.yaml share/dslab/tests/labs/echo/echo.c share/dslab/tests/labs/raft/raft.c \
         share/dslab/clients/python/dslab_node.py include/dslab/node.h lib/libdslab.a lib/pkgconfig/dslab.pc \
         lib/cmake/dslab/dslabConfig.cmake lib/cmake/dslab/dslabConfigVersion.cmake lib/cmake/dslab/dslabTargets.cmake \
         share/man/man1/dslab.1 share/bash-completion/completions/dslab share/zsh/vendor-completions/_dslab \
         share/doc/dslab/LICENSE share/doc/dslab/CHANGELOG.md share/doc/dslab/README.md; do
  [ -f "$prefix/$f" ] || bad "not installed: $f"
done
ok "the files are installed (binary, data, headers, library, pkg-config, CMake package, man page, completions, docs)"
[ -x "$prefix/bin/dslab" ] && ok "bin/dslab is executable" || bad "bin/dslab not executable"

# The installed binary, from an empty directory, as a newcomer would run it.
mkdir -p "$tmp/empty" "$tmp/home"
cd "$tmp/empty" || exit 1
d() { env -u DSLAB_ROOT -u DSLAB_CACHE_DIR -u XDG_CACHE_HOME HOME="$tmp/home" "$prefix/bin/dslab" "$@"; }

want_version=$(sed -n 's/^project(dslab VERSION \([0-9][0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
changelog_version=$(sed -n 's/^## \[\([0-9][0-9.]*\)\].*/\1/p' "$root/CHANGELOG.md" | head -n 1)
[ -n "$want_version" ] && [ "$(d --version)" = "dslab $want_version" ] \
  && ok "--version prints the CMake project version ($want_version)" || bad "--version: '$(d --version)', CMakeLists.txt has '$want_version'"
[ "$changelog_version" = "$want_version" ] && ok "CHANGELOG.md's newest version is $want_version" \
  || bad "CHANGELOG.md's newest version '$changelog_version' is not the project's '$want_version'"

d help >"$tmp/help" 2>&1
grep -qxF "data:    $prefix/share/dslab (installed with this binary)" "$tmp/help" \
  && ok "dslab help: the data is the installed share/dslab" || { bad "dslab help data line"; tail -n 3 "$tmp/help"; }
grep -qxF "headers: $prefix/include (for node code)" "$tmp/help" \
  && ok "dslab help: node code compiles against the installed headers" || { bad "dslab help headers line"; tail -n 3 "$tmp/help"; }
DSLAB_ROOT="$root" "$prefix/bin/dslab" help | grep -qxF "data:    $root (set by DSLAB_ROOT)" \
  && ok "DSLAB_ROOT wins over the installed data" || bad "DSLAB_ROOT not used"

d run scenarios/intro/leader-loses-majority.yaml --quiet >"$tmp/run" 2>&1; code=$?
[ "$code" = 1 ] && grep -qF "repro: dslab run '$prefix/share/dslab/scenarios/intro/leader-loses-majority.yaml' --seed" "$tmp/run" \
  && ok "dslab run scenarios/... from an empty directory: the installed scenario, its check fails as it should (exit 1)" \
  || { bad "dslab run from an empty directory: exit $code"; cat "$tmp/run"; }
d run scenarios/no/such.yaml >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "scenarios/no/such.yaml" "$tmp/err" && ok "a scenario found nowhere: exit 2 naming it" \
  || { bad "missing scenario: exit $code"; cat "$tmp/err"; }
d exercises >"$tmp/ex" 2>&1 && grep -q "split-votes-forever" "$tmp/ex" \
  && ok "dslab exercises lists the installed exercises" || { bad "dslab exercises"; head -n 5 "$tmp/ex"; }
d exercises --root "$tmp/nowhere" >/dev/null 2>&1; code=$?
[ "$code" = 2 ] && ok "--root naming no data: exit 2" || bad "--root nowhere: exit $code"
d reveal split-votes-forever --answers >model.yaml 2>"$tmp/err" \
  && d grade split-votes-forever model.yaml >"$tmp/grade" 2>&1 && grep -q "result: PASS" "$tmp/grade" \
  && ok "dslab grade: the model answers pass" || { bad "dslab grade"; cat "$tmp/err" "$tmp/grade"; }
[ -n "$(find "$XDG_DATA_HOME" -name progress.yaml 2>/dev/null)" ] && ok "progress was recorded under XDG_DATA_HOME" \
  || bad "no progress file"

if grep -q '^  viz ' "$tmp/help"; then
  unset DISPLAY WAYLAND_DISPLAY
  d viz scenarios/intro/leader-loses-majority.yaml --png frame.png --at 3.3s >/dev/null 2>"$tmp/err" \
    && [ "$(head -c 8 frame.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
    && ok "dslab viz --png draws a frame (fonts found)" || { bad "dslab viz --png"; cat "$tmp/err"; }
  # fontconfig knowing no font: the bundled search finds the same files.
  printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' >"$tmp/empty-fonts.conf"
  FONTCONFIG_FILE="$tmp/empty-fonts.conf" d viz scenarios/intro/leader-loses-majority.yaml --png frame2.png --at 3.3s >/dev/null 2>"$tmp/err" \
    && cmp -s frame.png frame2.png && ok "without fontconfig's fonts, the bundled font search gives the same frame" \
    || { bad "font fallback"; cat "$tmp/err"; }
  DSLAB_FONT_DIR="$tmp/nowhere" d viz scenarios/intro/leader-loses-majority.yaml --png frame3.png >/dev/null 2>"$tmp/err"; code=$?
  [ "$code" = 2 ] && grep -q "DSLAB_FONT_DIR is set" "$tmp/err" && ok "a DSLAB_FONT_DIR without the fonts: exit 2 naming it" \
    || { bad "DSLAB_FONT_DIR nowhere: exit $code"; cat "$tmp/err"; }
else
  echo "note: dslab was built without the visualiser: viz --png not tried"
fi

# Node code compiled against the installed headers (the cache starts empty).
d grade labs/echo --node "$prefix/share/dslab/tests/labs/echo/echo.c" --no-progress >"$tmp/lab" 2>&1; code=$?
[ "$code" = 0 ] && [ -n "$(find "$tmp/home/.cache/dslab" -name '*.so' 2>/dev/null)" ] \
  && ok "a lab's reference node code compiles against $prefix/include and passes" \
  || { bad "dslab grade labs/echo --node: exit $code"; tail -n 20 "$tmp/lab"; }
cat >bad_node.c <<'EOF'
#include "dslab/no_such_header.h"
EOF
printf 'name: bad\nseed: 1\nduration: 1s\nnodes: 3\nprotocol: { source: bad_node.c }\n' >bad.yaml
d run bad.yaml >/dev/null 2>"$tmp/err"; code=$?
[ "$code" = 2 ] && grep -q "no_such_header.h" "$tmp/err" && ok "node code that does not compile: exit 2 with the compiler's message" \
  || { bad "bad node code: exit $code"; head -n 5 "$tmp/err"; }

# The install tree moves: a copy finds its own data, not the first one's.
cp -a "$prefix" "$tmp/moved"
env -u DSLAB_ROOT "$tmp/moved/bin/dslab" help | grep -qxF "data:    $tmp/moved/share/dslab (installed with this binary)" \
  && ok "a copied install tree uses its own share/dslab" || bad "the copied tree does not find its data"
rm -rf "$tmp/moved"
# A symbolic link to the installed binary (~/bin/dslab) finds the install.
mkdir -p "$tmp/links" && ln -s "$prefix/bin/dslab" "$tmp/links/dslab"
env -u DSLAB_ROOT "$tmp/links/dslab" help | grep -qxF "data:    $prefix/share/dslab (installed with this binary)" \
  && ok "a symbolic link to the installed binary finds the install" || bad "symlinked binary: wrong data root"
env -u DSLAB_ROOT PATH="$tmp/links:$PATH" dslab help | grep -qxF "data:    $prefix/share/dslab (installed with this binary)" \
  && ok "found through PATH, too" || bad "dslab through PATH: wrong data root"
# A lone binary (no share/dslab next to it) falls back to its source tree.
mkdir -p "$tmp/lone" && cp "$prefix/bin/dslab" "$tmp/lone/"
env -u DSLAB_ROOT "$tmp/lone/dslab" help | grep -qxF "data:    $root (the source tree this binary was built from)" \
  && ok "a lone copy of the binary falls back to the source tree" || bad "lone binary: $(env -u DSLAB_ROOT "$tmp/lone/dslab" help | grep '^data')"

# Consumers of the public library: pkg-config and find_package(dslab).
cat >consumer.c <<'EOF'
#include <stdio.h>
#include "dslab/node.h"
int main(void) {
    printf("%d protocols\n", dslab_protocol_count());
    return dslab_protocol_count() > 0 ? 0 : 1;
}
EOF
if command -v pkg-config >/dev/null && command -v cc >/dev/null; then
  flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs dslab) \
    && eval "cc -std=c11 -o consumer_pc consumer.c $flags" 2>"$tmp/err" && ./consumer_pc >/dev/null \
    && ok "pkg-config: a program builds against the installed libdslab.a and runs" || { bad "pkg-config consumer"; cat "$tmp/err"; }
else
  bad "pkg-config or cc missing (both are build dependencies)"
fi
mkdir -p cm && cat >cm/CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(dslab 0.1 REQUIRED)
add_executable(consumer ../consumer.c)
target_link_libraries(consumer PRIVATE dslab::dslab)
EOF
cmake -S cm -B cm/build -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/cm.log" 2>&1 && cmake --build cm/build >>"$tmp/cm.log" 2>&1 \
  && cm/build/consumer >/dev/null && ok "find_package(dslab): dslab::dslab builds and runs" || { bad "CMake consumer"; tail -n 20 "$tmp/cm.log"; }

# Uninstall: nothing of dslab's is left under the prefix.
make -s -C "$root" BUILD="$build" uninstall >"$tmp/uninstall.log" 2>&1 && ok "make uninstall" || { bad "make uninstall"; cat "$tmp/uninstall.log"; }
left=$(find "$prefix" -type f -o -type l | head -n 5)
[ -z "$left" ] && ok "no file is left under the prefix" || bad "left after uninstall: $left"
for dir in share/dslab include/dslab lib/cmake/dslab share/doc/dslab; do
  [ ! -e "$prefix/$dir" ] || bad "directory left after uninstall: $dir"
done
ok "dslab's own directories are gone"

e2e_finish "install tree"

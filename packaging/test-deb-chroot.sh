#!/usr/bin/env bash
# test-deb-chroot.sh BUILD SOURCE: the Debian package in a pristine Debian 12
# (ctest package.deb_chroot, cmake/DslabPackage.cmake; `make test-package`).
#
#   1. cpack builds BUILD/package-test/pkg/dslab_VERSION_ARCH.deb from BUILD;
#   2. a minimal Debian 12 made by debootstrap, cached as
#      BUILD/package-test/debian12.tar (made once: minutes, network), is
#      unpacked fresh; downloaded .debs are kept in BUILD/package-test/apt/;
#   3. in that chroot: apt-get installs the .deb (with its dependencies and
#      recommended C compiler); from an empty directory dslab --version,
#      help, run, exercises, viz --png, reveal + grade, and a lab graded with
#      node code compiled against /usr/include/dslab; the man page and the
#      bash completion are there; apt-get purge leaves no dslab file.
#
# It runs in `make test` whenever its tools are there (root, debootstrap,
# chroot, cpack on Debian 12; DSLAB_TEST_DEB=0 turns it off, and
# `make test-package` runs it alone). It takes minutes: measured on a loaded 2-core machine,
# about 6.5 minutes the first time (debootstrap and downloads) and 2.5 to
# 3 minutes with the caches (cpack ~40 s, installing 145 packages ~85 s).
# Otherwise, and without root, debootstrap, chroot or cpack, when the
# package is not built on Debian 12 (its dependencies would not resolve
# there), or when Debian's mirror cannot be reached to make the cache, it
# is SKIPPED (exit 77) with the reason.
# DSLAB_DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian).
set -uo pipefail
build=$(cd "${1:?usage: test-deb-chroot.sh BUILD SOURCE}" && pwd) || exit 1
src=$(cd "${2:?usage: test-deb-chroot.sh BUILD SOURCE}" && pwd) || exit 1
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

work="$build/package-test"
cache="$work/debian12.tar"
mirror=${DSLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ "${DSLAB_TEST_DEB:-}" = 0 ]; then
  skip "turned off (DSLAB_TEST_DEB=0)"
fi
[ "$(id -u)" = 0 ] || skip "needs root (chroot and mount)"
for t in debootstrap chroot cpack dpkg-deb mount umount tar; do
  command -v "$t" >/dev/null 2>&1 || skip "$t not found (Debian: apt-get install debootstrap)"
done
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ "$codename" = bookworm ] || skip "the package is built on '${codename:-unknown}', not Debian 12: its library dependencies are that system's"
mkdir -p "$work/apt" || fail "cannot create $work"

# 1. The package, from this build tree.
rm -rf "$work/pkg"
(cd "$build" && cpack -G DEB -B "$work/pkg") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work/pkg"/dslab_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "cpack wrote no dslab_*.deb (see $work/cpack.log)"
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB, cpack ${SECONDS}s)"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/dslab ./usr/share/dslab/exercises/taxonomy.yaml ./usr/include/dslab/node.h; do
  grep -q " $f\$" <<<"$contents" || fail "the package has no $f"
done

# 2. A pristine Debian 12, from the cache (made now if missing).
if [ ! -f "$cache" ]; then
  echo "making the Debian 12 chroot cache (debootstrap --variant=minbase bookworm $mirror) ..."
  rm -rf "$work/bootstrap"
  if ! debootstrap --variant=minbase bookworm "$work/bootstrap" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 5 "$work/debootstrap.log"
    rm -rf "$work/bootstrap"
    skip "debootstrap failed (is $mirror reachable?); log: $work/debootstrap.log"
  fi
  tar -C "$work/bootstrap" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache" || fail "cannot write $cache"
  rm -rf "$work/bootstrap"
fi
root="$work/root"
mounted() { grep -qF " $1 " /proc/mounts; }
unmount_all() {
  local m
  for m in "$root/var/cache/apt/archives" "$root/proc"; do
    if mounted "$m"; then umount "$m" 2>/dev/null || umount -l "$m"; fi
  done
}
# Never delete a tree that still has something mounted in it (the .deb cache).
remove_root() {
  unmount_all
  if mounted "$root/var/cache/apt/archives" || mounted "$root/proc"; then
    echo "warning: $root still has mounts; left in place"
  else
    rm -rf "$root"
  fi
}
remove_root
[ -e "$root" ] && fail "cannot clear $root"
trap remove_root EXIT
mkdir -p "$root" && tar -C "$root" -xf "$cache" || fail "cannot unpack $cache"
mount -t proc proc "$root/proc" || fail "cannot mount /proc in the chroot"
mkdir -p "$root/var/cache/apt/archives"
mount --bind "$work/apt" "$root/var/cache/apt/archives" || fail "cannot bind-mount the .deb cache"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
cp "$deb" "$root/tmp/" || fail "cannot copy the package into the chroot"

# 3. In the chroot, as a newcomer would: install, run from an empty
# directory, uninstall. Its own checks; exit 1 on the first failure.
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive DEB="/tmp/$(basename "$deb")" /bin/bash -s <<'CHROOT'
set -uo pipefail
pass=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { echo "FAIL: $*"; exit 1; }
show() { echo "\$ $*" >&2; "$@"; }

. /etc/os-release && echo "chroot: $PRETTY_NAME"
apt-get update -q >/tmp/update.log 2>&1 || { tail -n 3 /tmp/update.log; echo "note: apt-get update failed; using the cached lists"; }
# --force-unsafe-io: no fsync per file (a throw-away chroot; much faster).
apt-get install -y -q -o Dpkg::Options::=--force-unsafe-io "$DEB" >/tmp/install.log 2>&1 || { tail -n 20 /tmp/install.log; bad "apt-get install the package"; }
ok "apt-get install $(basename "$DEB") ($(grep -c '^Setting up' /tmp/install.log) packages set up, ${SECONDS}s)"
command -v dslab >/dev/null && ok "dslab is on PATH: $(command -v dslab)" || bad "no dslab on PATH"

mkdir -p /tmp/empty && cd /tmp/empty || bad "cd"
show dslab --version || bad "--version"
show dslab help | tail -n 2
dslab help | grep -qxF "data:    /usr/share/dslab (installed with this binary)" && ok "the data is /usr/share/dslab" || bad "data root"
dslab help | grep -qxF "headers: /usr/include (for node code)" && ok "node code headers: /usr/include" || bad "headers"

show dslab run scenarios/intro/leader-loses-majority.yaml >run.txt; code=$?
head -n 3 run.txt; echo "..."; tail -n 4 run.txt
[ "$code" = 1 ] && grep -q "^result: a check failed" run.txt && ok "dslab run: the guided scenario's check fails, as it should (exit 1)" || bad "dslab run: exit $code"

show dslab exercises >ex.txt; code=$?
head -n 4 ex.txt; echo "... ($(grep -c '^  \[' ex.txt) exercises)"
[ "$code" = 0 ] && grep -q split-votes-forever ex.txt && ok "dslab exercises" || bad "dslab exercises: exit $code"

show dslab viz scenarios/intro/leader-loses-majority.yaml --png frame.png --at 3.3s; code=$?
magic=$(head -c 8 frame.png 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$code" = 0 ] && [ "$magic" = 89504e470d0a1a0a ] && ok "dslab viz --png: a $(stat -c %s frame.png)-byte PNG" || bad "viz --png: exit $code"

dslab reveal split-votes-forever --answers >answers.yaml || bad "reveal --answers"
show dslab grade split-votes-forever answers.yaml >grade.txt; code=$?
tail -n 3 grade.txt
[ "$code" = 0 ] && grep -q "result: PASS" grade.txt && ok "dslab grade: the model answers pass" || bad "dslab grade: exit $code"

cp /usr/share/dslab/tests/labs/echo/echo.c my_echo.c
show dslab grade labs/echo --node my_echo.c --no-progress >lab.txt 2>&1; code=$?
tail -n 3 lab.txt
[ "$code" = 0 ] && ok "a lab graded with C node code compiled against /usr/include/dslab ($(cc --version | head -n 1))" || bad "grade labs/echo --node: exit $code"

ls /usr/share/man/man1/dslab.1* >/dev/null 2>&1 && ok "man page: $(ls /usr/share/man/man1/dslab.1*)" || bad "no man page"
[ -f /usr/share/bash-completion/completions/dslab ] && ok "bash completion installed" || bad "no bash completion"

apt-get purge -y -q -o Dpkg::Options::=--force-unsafe-io dslab >/tmp/purge.log 2>&1 || { tail -n 5 /tmp/purge.log; bad "apt-get purge dslab"; }
hash -r
[ ! -e /usr/bin/dslab ] && ! command -v dslab >/dev/null && ok "apt-get purge dslab: the command is gone" || bad "dslab still on PATH"
dpkg -s dslab >/dev/null 2>&1 && bad "dpkg still knows dslab"
# What the runs wrote for the user (progress, the node-code cache) is the
# user's, not the package's: only /root and this test's directory may
# still name dslab.
left=$(find / -xdev \( -path /proc -o -path /tmp/empty -o -path /root \) -prune -o -name '*dslab*' -print 2>/dev/null | grep -v '^/tmp/dslab_.*\.deb$')
[ -z "$left" ] && ok "no dslab file left outside the user's home" || bad "left after purge: $left"
echo "in the chroot: $pass passed, 0 failed"
CHROOT
code=$?
[ "$code" = 0 ] || fail "in the chroot (exit $code)"
echo "package.deb_chroot: passed (${SECONDS}s)"

#!/usr/bin/env bash
# Installs the system packages dslab needs, and nothing else.
# Debian/Ubuntu: apt-get (with sudo when not root), only what is missing.
# Other systems: print the exact install line and stop (exit 1).
# Called by `make run`, `make test` and `.ci/run` (through make).
set -euo pipefail

DEB_PKGS=(build-essential cmake pkg-config libyaml-dev libjansson-dev libcmocka-dev
          libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libfontconfig-dev fonts-dejavu-core
          clang libclang-rt-dev valgrind xvfb xauth python3 python3-yaml xdotool nodejs)

missing=()
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  for p in "${DEB_PKGS[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in *"install ok installed"*) ;; *) missing+=("$p") ;; esac
  done
  if [ ${#missing[@]} -eq 0 ]; then
    exit 0
  fi
  echo "dslab: installing missing packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  exit 0
fi

echo "dslab: this is not a Debian/Ubuntu system; install the dependencies yourself:" >&2
if command -v brew >/dev/null 2>&1; then
  echo "  brew install cmake pkg-config libyaml jansson cmocka sdl2 sdl2_ttf sdl2_image fontconfig font-dejavu python pyyaml node" >&2
elif command -v dnf >/dev/null 2>&1; then
  echo "  sudo dnf install gcc make cmake pkgconf-pkg-config libyaml-devel jansson-devel libcmocka-devel SDL2-devel SDL2_ttf-devel SDL2_image-devel fontconfig-devel dejavu-sans-fonts dejavu-sans-mono-fonts clang valgrind python3 python3-pyyaml nodejs" >&2
elif command -v pacman >/dev/null 2>&1; then
  echo "  sudo pacman -S --needed base-devel cmake pkgconf libyaml jansson cmocka sdl2 sdl2_ttf sdl2_image fontconfig ttf-dejavu clang valgrind python python-yaml nodejs" >&2
else
  echo "  a C11 compiler, cmake >= 3.16, pkg-config, libyaml, Jansson, cmocka (tests), SDL2, SDL2_ttf, SDL2_image, fontconfig, DejaVu fonts" >&2
fi
echo "then run make again." >&2
exit 1

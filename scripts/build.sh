#!/usr/bin/env bash
# Configures and builds gridscope into a build folder (with ccache when it is installed).
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
#   BUILD_TYPE (default RelWithDebInfo), NINJA_TARGETS (default: everything) from the environment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
jobs=$(nproc)
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  "${launcher[@]}" "$@" > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
# shellcheck disable=SC2086 # a list of targets
ninja -C "$build" -j "$jobs" ${NINJA_TARGETS:-}

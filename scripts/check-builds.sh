#!/usr/bin/env bash
# The build checks CI runs beside the test suite (called by scripts/test.sh):
#   1. The demo build needs only the runtime packages: a tree configured with BUILD_TESTING=OFF
#      and every test-only package that find_package looks up disabled configures and builds.
#   2. Every plugin configures and builds alone (-DGRIDSCOPE_PLUGINS=<it>): its target, with the
#      libraries (libs/) it links.
# With ccache the objects are those of the normal build (same compiler flags): mostly cache hits.
#   scripts/check-builds.sh [WORK_DIR]      (default: build-checks/ beside build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build-checks}
mkdir -p "$work"
# Objects made in another build folder are reused: the folder is left out of ccache's key.
export CCACHE_NOHASHDIR=true

# The packages only the tests and benchmarks look up with find_package (setup.sh --test).
test_only=(doctest SQLite3 Python3)
disabled=()
for pkg in "${test_only[@]}"; do disabled+=("-DCMAKE_DISABLE_FIND_PACKAGE_$pkg=ON"); done

status=0
start=$SECONDS
echo "== build without tests or test-only packages (${test_only[*]} disabled)"
"$root/scripts/build.sh" "$work/no-tests" -DBUILD_TESTING=OFF "${disabled[@]}" || status=1
echo "   $((SECONDS - start)) s"

for dir in "$root"/plugins/*/; do
  plugin=$(basename "$dir")
  [ -f "$dir/CMakeLists.txt" ] || continue
  start=$SECONDS
  echo "== plugin $plugin alone"
  NINJA_TARGETS="$plugin" "$root/scripts/build.sh" "$work/alone-$plugin" \
    -DGRIDSCOPE_PLUGINS="$plugin" > "$work/alone-$plugin.log" 2>&1 ||
    { cat "$work/alone-$plugin.log"; status=1; }
  echo "   $((SECONDS - start)) s"
done

[ $status -eq 0 ] && echo "build checks passed" || echo "some build checks FAILED"
exit $status

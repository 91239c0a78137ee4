#!/usr/bin/env bash
# The build checks CI runs beside the test suite (called by scripts/test.sh):
#   1. The demo build needs only the runtime packages: a tree configured with BUILD_TESTING=OFF
#      and every test-only package that find_package looks up disabled configures and builds.
#   2. Every plugin configures and builds alone (-DGRIDSCOPE_PLUGINS=<it>): its target, with the
#      libraries (libs/) it links.
# With ccache the objects are those of the normal build (same compiler flags): mostly cache hits.
# The folders are build-no-tests/ and build-alone-<plugin>/, beside build/ and at its depth (with
# a ccache base_dir, paths are hashed relative to the build folder).
#   scripts/check-builds.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Objects made in another build folder are reused: the folder is left out of ccache's key.
export CCACHE_NOHASHDIR=true

# The packages only the tests and benchmarks look up with find_package (setup.sh --test).
test_only=(doctest SQLite3 Python3)
disabled=()
for pkg in "${test_only[@]}"; do disabled+=("-DCMAKE_DISABLE_FIND_PACKAGE_$pkg=ON"); done

status=0
start=$SECONDS
echo "== build without tests or test-only packages (${test_only[*]} disabled)"
"$root/scripts/build.sh" "$root/build-no-tests" -DBUILD_TESTING=OFF "${disabled[@]}" || status=1
echo "   $((SECONDS - start)) s"

for folder in "$root"/plugins/*/; do
  plugin=$(basename "$folder")
  [ -f "$folder/CMakeLists.txt" ] || continue
  start=$SECONDS
  echo "== plugin $plugin alone"
  dir="$root/build-alone-$plugin"
  mkdir -p "$dir"
  NINJA_TARGETS="$plugin" "$root/scripts/build.sh" "$dir" -DGRIDSCOPE_PLUGINS="$plugin" \
    > "$dir/check.log" 2>&1 || { cat "$dir/check.log"; status=1; }
  echo "   $((SECONDS - start)) s"
done

[ $status -eq 0 ] && echo "build checks passed" || echo "some build checks FAILED"
exit $status

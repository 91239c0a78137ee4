#!/usr/bin/env bash
# Installs the SDK from a gridscope build into a fresh prefix, builds the example plugin out of
# tree against it alone (find_package(gridscope)), and checks the kernel loads the result.
set -euo pipefail
build=$1 source=$2 work=$3 gridscope=$4
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" --component Unspecified > "$work/install.log"
test -f "$work/prefix/lib/cmake/gridscope/gridscopeConfig.cmake" ||
  test -f "$work/prefix/lib/x86_64-linux-gnu/cmake/gridscope/gridscopeConfig.cmake"
cp -r "$source/examples/virtual_meter" "$work/virtual_meter"   # a copy: nothing of the tree around it
cmake -S "$work/virtual_meter" -B "$work/vm-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/vm-build" > "$work/build.log"
plugin=$(find "$work/vm-build" -name example_virtual_meter.so | head -n 1)
test -n "$plugin"
# Exactly one exported symbol: the entry point.
exported=$(nm -D --defined-only "$plugin" | awk '{print $3}')
[ "$exported" = "gs_module_entry" ] || { echo "exports: $exported"; exit 1; }
"$gridscope" plugins --plugin-dir "$(dirname "$plugin")" --format json | grep -q '"id": "example_virtual_meter"'
echo "out-of-tree build OK: $plugin"

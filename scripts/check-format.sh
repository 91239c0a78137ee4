#!/usr/bin/env bash
# Fails if a C or C++ file is not formatted as .clang-format says.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v clang-format > /dev/null || { echo "format: clang-format not installed, skipped"; exit 0; }
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
[ ${#files[@]} -eq 0 ] && exit 0
bad=$(clang-format --dry-run "${files[@]}" 2>&1 | grep -c "warning:" || true)
if [ "$bad" != "0" ]; then
  clang-format --dry-run "${files[@]}" 2>&1 | grep "warning:" | cut -d: -f1 | sort -u | sed 's/^/format: not formatted: /'
  echo "format: run clang-format -i on the files above"
  exit 1
fi
echo "format: OK (${#files[@]} files)"

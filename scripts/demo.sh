#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo site
# (simulated devices, real storage, live web UI) until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
# Without the tests: the demo needs only the runtime packages setup.sh installs.
"$root/scripts/build.sh" "$root/build" -DBUILD_TESTING=OFF
port=${GRIDSCOPE_HTTP_PORT:-8080}
data=${GRIDSCOPE_DATA_DIR:-$root/gridscope-data}
mkdir -p "$data"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; wait; }
trap cleanup EXIT INT TERM
if [ -x "$root/build/bin/gridscope-sim" ]; then
  "$root/build/bin/gridscope-sim" --site "$root/examples/demo/site.yaml" &
  pids+=($!)
fi
echo "demo: data in $data; web UI on http://127.0.0.1:$port/ (Ctrl-C stops)"
"$root/build/bin/gridscope" run --config "$root/examples/demo/site.yaml" --data-dir "$data" \
  --http-port "$port" &
pids+=($!)
wait "${pids[-1]}"

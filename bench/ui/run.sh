#!/bin/sh
# Web UI benchmark: bench/ui/run.sh <build-dir> [duration-s]
#   1. a site of 200 simulated devices (virtual meters with the DIRIS A40 test profile, 1 s period)
#   2. wrk: GET /api/v1/live for a random device, keep-alive, while the 200 devices are polled
#   3. chromium: time to first render of the Monitor page; the UI's transfer size
# Prints the figures; docs/performance.md records them.
set -eu
build=$(cd "${1:?usage: $0 <build-dir> [duration-s]}" && pwd)
duration=${2:-15}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/gs-bench-ui.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

n=200
{
    echo "site: {name: UI benchmark, timezone: Europe/Paris}"
    echo "profiles: [$repo/tests/browser/site/profiles]"
    echo "sources:"
    i=1
    while [ $i -le $n ]; do
        printf '  - {name: meter-%03d, profile: test/diris-a40-sim, period_ms: 1000, location: "Site/Building %d", rated_current_a: 100,\n' $i $((i % 10))
        printf '     circuits: [{index: 1, name: Load %d, fluid: electricity, usage: General}]}\n' $i
        i=$((i + 1))
    done
    echo "plugins: {ui_web: {num_threads: 64}}"
} > "$work/site.yaml"

. "$here/site.sh"
start_site "$build" "$work/site.yaml" "$work/data" "$work"
login_user "$work"
sleep 3 # let every device publish a few times (the table is then in steady state)
values=$(curl -s -H "Cookie: $cookie" "$url/api/v1/live?source=meter-001" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["values"]))')
echo "== $n devices x $values values, 1 s period; $(nproc) cores"

echo "== wrk: GET /api/v1/live (random device), 2 threads, 32 connections, ${duration}s"
GS_COOKIE="$cookie" GS_SOURCES=$n wrk -t2 -c32 -d"${duration}s" --latency -s "$here/live.lua" "$url" | tee "$work/wrk.txt"

echo "== chromium: Monitor first render and UI transfer size"
node "$here/render.mjs" "$url" meter-001 10

echo "== the site still serves"
curl -s "$url/api/v1/health"; echo

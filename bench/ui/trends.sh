#!/bin/sh
# Trends benchmark (issue 13): bench/ui/trends.sh <build-dir> [runs] [data-dir]
#   data-dir: keep the site's data there and reuse it on the next run (the fill takes minutes on
#   a loaded machine); default: a temporary folder, removed at the end.
#   1. a site of 10 simulated devices (the DIRIS A40 test profile, 1 s period) with the store;
#   2. build/bin/history_fill writes a year of one-minute P (IPSumInst) of each into the store
#      before the site starts (5.26 M values; then the devices' live values follow);
#   3. a favourite "bench" with the 10 series, saved through the API;
#   4. trends.mjs: chromium loads the Trends page on that favourite over the year, N times:
#      first chart paint, and a zoom round trip (drag over 1 % of the chart -> finer data drawn);
#   5. with TRACE=1: trends_trace.mjs, where the main thread of 3 warm loads went (a trace).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/page_bench.sh"
data=${keep:-$work/data}

n=10
series=
loads=
{
    echo "site: {name: Trends benchmark, timezone: Europe/Paris}"
    echo "profiles: [$repo/tests/browser/site/profiles]"
    echo "sources:"
    i=1
    while [ $i -le $n ]; do
        printf '  - {name: meter-%02d, profile: test/diris-a40-sim, period_ms: 1000, location: "Site/Building %d", rated_current_a: 100,\n' $i $i
        printf '     circuits: [{index: 1, name: Load %d, fluid: electricity, usage: General}]}\n' $i
        i=$((i + 1))
    done
    echo "plugins: {storage_rocksdb: {}, ui_web: {}}"
} > "$work/site.yaml"
i=1
while [ $i -le $n ]; do
    series="$series meter-$(printf %02d $i)/1/IPSumInst=$((20000 + i * 5000))"
    loads="$loads{\"source\":\"meter-$(printf %02d $i)\",\"circuit\":1},"
    i=$((i + 1))
done
if [ -f "$data/filled-until-ms" ]; then
    now_ms=$(cat "$data/filled-until-ms")
    echo "== reusing the year of history in $data"
else
    now_ms=$(($(date +%s) * 1000))
    echo "== history_fill: a year of one-minute IPSumInst for $n devices"
    # shellcheck disable=SC2086 # the list of series
    /usr/bin/time -f "   %e s, %M KB" "$build/bin/history_fill" --store "$data/store" --end-ms $((now_ms - 60000)) --days 365 $series
    echo "$now_ms" > "$data/filled-until-ms"
fi
from_ms=$((now_ms - 365 * 86400000))

start_site "$build" "$work/site.yaml" "$data" "$work"
login_user "$work"
favourite=$(echo "[$loads]" | sed 's/,]/]/' | python3 -c '
import json, sys
loads = json.load(sys.stdin)
print(json.dumps({"name": "bench", "title": "10 meters, P", "selection": {"loads": loads, "category": "measure",
      "mode": "overlay", "scale": "zero", "data": [{"source": l["source"], "circuit": 1, "data": "IPSumInst"} for l in loads]}}))')
curl -sf -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$favourite" "$url/api/v1/trends/favourites" > /dev/null

echo "== chromium: Trends first chart paint and zoom round trip, $n series over a year; $(nproc) cores"
node "$here/trends.mjs" "$url" bench "$from_ms" "$now_ms" "$runs"
if [ "${TRACE:-0}" = 1 ]; then
    echo "== chromium trace of warm loads: main-thread time by kind (trends_trace.mjs)"
    node "$here/trends_trace.mjs" "$url" bench "$from_ms" "$now_ms" 3
fi

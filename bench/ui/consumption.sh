#!/bin/sh
# Consumption page benchmark (issue 12 item 10): bench/ui/consumption.sh <build-dir> [runs] [data-dir]
#   data-dir: keep the site and its store there and reuse them on the next run (the import takes
#   minutes on a loaded machine); default: a temporary folder, removed at the end.
#   1. build/bin/hierarchy_bench writes its site (a 200-load hierarchy: a metered root, 10
#      metered nodes of 20 loads) and imports a year (2026) of hourly indexes with `gridscope
#      import` (--keep leaves them);
#   2. `gridscope run` of that site with ui_web;
#   3. consumption.mjs: chromium opens the Consumption page N times (the first hierarchy, its
#      root: 10 nodes and the unmeasured part) over 2026 (by month) and over March 2026 (by day):
#      the first chart.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/page_bench.sh"
site=${keep:-$work/site}

if [ -f "$site/data/imported" ]; then
    echo "== reusing the hierarchy and its year of data in $site"
else
    echo "== hierarchy_bench: 200-load hierarchy, a year of hourly indexes imported"
    "$build/bin/hierarchy_bench" --dir "$site" --keep --runs 1
    touch "$site/data/imported"
fi
# the same site, with the web UI
sed 's/^  storage_rocksdb: {}$/  storage_rocksdb: {}\n  ui_web: {}/' "$site/site.yaml" > "$work/site.yaml"
grep -q 'ui_web' "$work/site.yaml" || { echo "site.yaml: no plugins section to extend" >&2; exit 1; }

start_site "$build" "$work/site.yaml" "$site/data" "$work"

echo "== chromium: Consumption page first chart, 200-load hierarchy; $(nproc) cores"
node "$here/consumption.mjs" "$url" 2026-01-01 2026-12-31 "$runs"
node "$here/consumption.mjs" "$url" 2026-03-01 2026-03-31 "$runs"

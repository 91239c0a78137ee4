#!/usr/bin/env bash
# Data publishing through the exporter_files plugin (issue 16): a day of 200 devices' index and
# measurement files, read from a real storage_rocksdb store and sent to a loopback FTP server
# (pyftpdlib) by `gridscope publish --now`, as after a day-long outage (the cursors start a day
# behind). The store is filled first with build/bin/history_fill: a day of one-minute readings of
# 4 counters (IEaPInst, IErPInst, IEsInst, IEaNInst) and 4 measures (IPSumInst, IQSumInst,
# IFreqInst, IV1Inst) per device. Prints the files and bytes sent, the wall time, the command's
# CPU (user + system) and peak memory, and the server's CPU; then checks the server holds them.
#
#   bench/publish/plugin.sh [--build DIR] [--devices N] [--work DIR]
#                           [--plans "index:600:all measurement:3600:per_device"]
#                           [--compare OTHER_BUILD]
#
# --compare: the same store and cursors are published again by OTHER_BUILD's gridscope (another
# version of the plugin) into a second folder of the server; the files both sent must be the
# same byte for byte (a run ends a few seconds after the other: a period that ended in between
# is sent by one only, and is reported).
# Everything listens on 127.0.0.1 (a free port picked by the server), and the server started here
# is stopped on exit. Needs a build (gridscope, the plugins, history_fill) and python3-pyftpdlib.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build
DEVICES=200
PLANS="index:600:all measurement:3600:per_device"
WORK=""
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
COMPARE=""
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --devices) DEVICES=$2; shift 2 ;;
    --plans) PLANS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --compare) COMPARE=$(cd "$2" && pwd); shift 2 ;;
    *) usage ;;
    esac
done
for tool in gridscope history_fill; do
    [ -x "$BUILD/bin/$tool" ] || { echo "plugin.sh: $BUILD/bin/$tool not found (ninja $tool)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import pyftpdlib' || { echo "plugin.sh: needs python3-pyftpdlib" >&2; exit 1; }
WORK=${WORK:-$(mktemp -d /tmp/gs-publish-plugin-bench-XXXXXX)}
. "$HERE/ftp.sh"
PLUGIN_DIR=$(dirname "$(find "$BUILD" -name 'exporter_files.so' -print -quit)")

# Runs "$@" once per plan of PLANS with type, every (seconds) and files set.
each_plan() {
    for p in $PLANS; do
        IFS=: read -r type every files <<< "$p"
        "$@"
    done
}
yaml_plan() { echo "      - {type: $type, every: ${every}s, files: $files}"; }
cursor_plan() { echo "plan $type/$files/every=${every}s $((hour - 86400))"; }

# The site: DEVICES virtual meters, the store, the exporter with the plans.
site=$WORK/site.yaml
data=$WORK/data
{
    echo "site: {name: Publish bench, timezone: UTC}"
    echo "sources:"
    for i in $(seq -f '%03g' "$DEVICES"); do
        echo "  - {name: m$i, profile: examples/virtual-meter, period_ms: 60000,"
        echo "     circuits: [{index: 1, models: [metered_energy, metrology]}]}"
    done
    echo "plugins:"
    echo "  storage_rocksdb: {}"
    echo "  exporter_files:"
    echo "    identification: {site: Publish bench, server: box-01}"
    echo "    server: {protocol: ftp, host: 127.0.0.1, port: $PORT, user: u, password: p, directory: /in}"
    echo "    plans:"
    each_plan yaml_plan
} > "$site"

now=$(date +%s)
hour=$((now / 3600 * 3600))
series=()
for i in $(seq -f '%03g' "$DEVICES"); do
    for d in IEaPInst=1000000 IErPInst=200000 IEsInst=1100000 IEaNInst=10 \
        IPSumInst=50000 IQSumInst=8000 IFreqInst=50 IV1Inst=230; do
        series+=("m$i/1/$d")
    done
done
echo "== history_fill: a day of one-minute readings, ${#series[@]} series"
/usr/bin/time -f "   %e s, %M KB" "$BUILD/bin/history_fill" --store "$data/store" \
    --end-ms $((now * 1000)) --days 1 --step-s 60 "${series[@]}" | tail -1

# The cursors a day behind (the format of libs/publish's delivery queue).
mkdir -p "$data/exporter_files"
{
    echo "gridscope-publish-cursor 1"
    echo "dropped 0"
    each_plan cursor_plan
} > "$data/exporter_files/cursor"

if [ -n "$COMPARE" ]; then cp -a "$data" "$WORK/data-compare"; fi

echo "devices $DEVICES, plans: $PLANS, server 127.0.0.1:$PORT, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
server_before=$(server_cpu)
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$BUILD/bin/gridscope" publish --config "$site" \
    --data-dir "$data" --plugin-dir "$PLUGIN_DIR" --now --format json > "$WORK/out.json" \
    2> "$WORK/publish.err" || { cat "$WORK/publish.err" >&2; exit 1; }
read -r wall user sys rss < "$WORK/time"
server_used=$(awk "BEGIN {print $(server_cpu) - $server_before}")
summary=$(/usr/bin/python3 -c '
import json, sys
out = json.load(open(sys.argv[1]))
sent = [f for f in out if f["status"] == "sent"]
print(len(out), len(sent), sum(f["bytes"] for f in sent))' "$WORK/out.json")
read -r tried sent bytes <<< "$summary"
echo "| files tried / sent | bytes | wall | gridscope publish CPU | peak RSS | FTP server CPU (pyftpdlib) |"
echo "|---|---|---|---|---|---|"
echo "| $tried / $sent | $bytes | $wall s | $(awk "BEGIN {print $user + $sys}") s (user $user, sys $sys) | $((rss / 1024)) MiB | $server_used s |"
on_server=$(find "$WORK/root" -type f -name '*.csv' | wc -l)
bytes_on_server=$(find "$WORK/root" -type f -name '*.csv' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
leftovers=$(find "$WORK/root" -type f -name '*.tmp' | wc -l)
echo "on the server: $on_server files, $bytes_on_server bytes, $leftovers temporary files left;" \
    "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "$COMPARE" ]; then
    echo "== the same store published by $COMPARE into /in-compare"
    sed 's|directory: /in}|directory: /in-compare}|' "$site" > "$WORK/site-compare.yaml"
    other_plugins=$(dirname "$(find "$COMPARE" -name 'exporter_files.so' -print -quit)")
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-compare" "$COMPARE/bin/gridscope" publish \
        --config "$WORK/site-compare.yaml" --data-dir "$WORK/data-compare" \
        --plugin-dir "$other_plugins" --now --format json > "$WORK/out-compare.json" \
        2> "$WORK/publish-compare.err" || { cat "$WORK/publish-compare.err" >&2; exit 1; }
    read -r wall user sys rss < "$WORK/time-compare"
    echo "   $COMPARE: wall $wall s, CPU $(awk "BEGIN {print $user + $sys}") s (user $user, sys $sys), peak RSS $((rss / 1024)) MiB"
    /usr/bin/python3 - "$WORK/root/in" "$WORK/root/in-compare" <<'PY'
import filecmp, os, sys
a, b = sys.argv[1:3]
na, nb = set(os.listdir(a)), set(os.listdir(b))
both = sorted(na & nb)
_, differ, errors = filecmp.cmpfiles(a, b, both, shallow=False)
print(f"   files sent by both: {len(both)}, different: {len(differ)}, unreadable: {len(errors)}; "
      f"only in /in: {len(na - nb)} {sorted(na - nb)[:4]}, only in /in-compare: {len(nb - na)} "
      f"{sorted(nb - na)[:4]}")
sys.exit(1 if differ or errors or not both else 0)
PY
fi

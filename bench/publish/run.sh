#!/usr/bin/env bash
# Data publishing benchmark (issue 16): a day of 200 devices' index and measurement files, built
# and sent to a loopback FTP server (pyftpdlib), as after a day-long outage. Prints wall time,
# the sender's CPU (user + system) and peak memory, the server's CPU, file count and bytes; first
# with --no-send (building only) to separate building from sending.
#
#   bench/publish/run.sh [--build DIR] [--devices N] [--counters K] [--work DIR]
#                        [--plans "index:600:all measurement:3600:per_device"]
#
# Everything listens on 127.0.0.1 (a free port picked by the server) and the server started
# here is stopped on exit. Needs a build with tests (gs_publish_send) and python3-pyftpdlib.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build
DEVICES=200
COUNTERS=4
PLANS="index:600:all measurement:3600:per_device"
WORK=""
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --devices) DEVICES=$2; shift 2 ;;
    --counters) COUNTERS=$2; shift 2 ;;
    --plans) PLANS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) usage ;;
    esac
done
SEND=$BUILD/bin/gs_publish_send
[ -x "$SEND" ] || { echo "run.sh: $SEND not found (build with tests: ninja gs_publish_send)" >&2; exit 1; }
/usr/bin/python3 -c 'import pyftpdlib' || { echo "run.sh: needs python3-pyftpdlib" >&2; exit 1; }
WORK=${WORK:-$(mktemp -d /tmp/gs-publish-bench-XXXXXX)}
. "$HERE/ftp.sh"

NOW=1764806400 # 2025-12-04 00:00:00 UTC; the backlog is the day before
plan_args=()
for p in $PLANS; do plan_args+=(--plan "$p"); done
run() { # label, extra args...
    local label=$1; shift
    rm -f "$WORK/cursor"
    local server_before
    server_before=$(server_cpu)
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$SEND" --protocol ftp --port "$PORT" \
        --cursor "$WORK/cursor" --now $NOW --since $((NOW - 86400)) --backlog 100000 \
        --devices "$DEVICES" --counters "$COUNTERS" "${plan_args[@]}" "$@" > "$WORK/$label.out"
    read -r wall user sys rss < "$WORK/time"
    local done_line
    done_line=$(tail -1 "$WORK/$label.out")
    local server_used
    server_used=$(awk "BEGIN {print $(server_cpu) - $server_before}")
    echo "| $label | $done_line | ${wall} s | $(awk "BEGIN {print $user + $sys}") s (user $user, sys $sys) | $((rss / 1024)) MiB | $server_used s |"
}
echo "devices $DEVICES, counters/measures per device $COUNTERS, plans: $PLANS, server 127.0.0.1:$PORT"
echo "| run | files, bytes | wall | sender CPU | sender peak RSS | FTP server CPU (pyftpdlib) |"
echo "|---|---|---|---|---|---|"
run build-only --no-send
run build-and-send
on_server=$(find "$WORK/root" -type f -name '*.csv' | wc -l)
bytes_on_server=$(find "$WORK/root" -type f -name '*.csv' -printf '%s\n' | awk '{s += $1} END {print s}')
leftovers=$(find "$WORK/root" -type f -name '*.tmp' | wc -l)
echo "on the server: $on_server files, $bytes_on_server bytes, $leftovers temporary files left"

#!/usr/bin/env bash
# The Modbus polling benchmark: N simulated devices x 60 points at a 1 s period over loopback,
# polled by gridscope (driver_modbus) and then, against the same simulator and devices, by a
# straightforward synchronous pymodbus script. Prints a Markdown table; see README.md here.
#
#   bench/modbus/run.sh [--build DIR] [--plugin-dir DIR] [--sizes "200 1000"] [--warmup S]
#                       [--window S] [--py-warmup S] [--py-window S] [--per-gateway N]
#                       [--work DIR] [--out FILE] [--no-pymodbus] [--phase-spacing-ms MS]
#
# Defaults: build /tmp/mbench/build (bin/gridscope, bin/gridscope-sim, lib/gridscope), sizes
# 200 and 1000, 100 units per simulated gateway, gridscope 10 s warm-up + 40 s window,
# pymodbus 5 s + 30 s: about 3.5 minutes. Everything listens on 127.0.0.1 (free ports picked
# at start) and every process started here is stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${GRIDSCOPE_BUILD:-/tmp/mbench/build}
PLUGIN_DIR=""
SIZES="200 1000"
WARMUP=10
WINDOW=40
PY_WARMUP=5
PY_WINDOW=30
PER_GATEWAY=100
WORK=/tmp/mbench/run
OUT=""
PROFILE=bench/meter60
PERIOD_MS=1000
PY=/usr/bin/python3
PYMODBUS=1
SPACING_ARGS=()

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --plugin-dir) PLUGIN_DIR=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --py-warmup) PY_WARMUP=$2; shift 2 ;;
    --py-window) PY_WINDOW=$2; shift 2 ;;
    --per-gateway) PER_GATEWAY=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-pymodbus) PYMODBUS=0; shift ;;
    --phase-spacing-ms) SPACING_ARGS=(--phase-spacing-ms "$2"); shift 2 ;;
    *) usage ;;
    esac
done
PLUGIN_DIR=${PLUGIN_DIR:-$BUILD/lib/gridscope}
GRIDSCOPE=$BUILD/bin/gridscope
SIM=$BUILD/bin/gridscope-sim
PROFILES=$HERE/profiles
for f in "$GRIDSCOPE" "$SIM" "$PLUGIN_DIR/driver_modbus.so"; do
    [ -e "$f" ] || { echo "run.sh: $f not found (build first, see README.md)" >&2; exit 1; }
done
"$PY" -c 'import pymodbus, yaml' || { echo "run.sh: needs python3-pymodbus and python3-yaml" >&2; exit 1; }

log() { echo "run.sh: $*" >&2; }

# --- processes: every one started here is stopped on exit ---------------------------------
PIDS=()
stop_pid() { # PID: SIGTERM, up to 10 s, then SIGKILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop, killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE PATTERN PID SECONDS: until FILE has a line matching PATTERN (bounded).
wait_for() {
    local file=$1 pattern=$2 pid=$3 deadline=$((SECONDS + $4))
    until grep -q "$pattern" "$file" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { log "process $pid ended before '$pattern'"; tail -20 "$file"* >&2 || true; return 1; }
        [ $SECONDS -lt $deadline ] || { log "no '$pattern' in $file after $4 s"; return 1; }
        sleep 0.1
    done
}

# --- the run -----------------------------------------------------------------------------
rm -rf "$WORK"
mkdir -p "$WORK"
HAVE_STATS=0
# Whole output first: `grep -q` stopping the pipe early would fail it under pipefail.
"$GRIDSCOPE" plugins --plugin-dir "$PLUGIN_DIR" > "$WORK/plugins.txt" 2>/dev/null || true
grep -q stats_file "$WORK/plugins.txt" && HAVE_STATS=1
[ $HAVE_STATS = 1 ] || log "driver_modbus has no stats_file option: no jitter, nominal cycle counts"
STARTED=$SECONDS
DIRS=()
for N in $SIZES; do
    d=$WORK/$N
    mkdir -p "$d"
    DIRS+=("$d")
    G=$(((N + PER_GATEWAY - 1) / PER_GATEWAY))
    POINTS=$(grep -c '^ *- {data:' "$PROFILES/$PROFILE.yaml")
    PORTS=$("$PY" "$HERE/bench.py" ports "$G" | paste -sd, -)
    printf '{"devices": %d, "points": %d, "gateways": %d, "period_ms": %d, "warmup_s": %d}\n' \
        "$N" "$POINTS" "$G" "$PERIOD_MS" "$WARMUP" > "$d/meta.json"
    STATS_ARGS=()
    SYNC_ARGS=()
    if [ $HAVE_STATS = 1 ]; then
        STATS_ARGS=(--stats-file "$d/stats.json")
        SYNC_ARGS=(--sync "$d/stats.json" --json "stats=$d/stats.json")
    fi
    "$PY" "$HERE/gen_site.py" --devices "$N" --ports "$PORTS" --profile "$PROFILE" \
        --period-ms "$PERIOD_MS" "${STATS_ARGS[@]}" "${SPACING_ARGS[@]}" --out "$d/site.yaml"
    "$GRIDSCOPE" plan --profile "$PROFILE" --profiles "$PROFILES" --plugin-dir "$PLUGIN_DIR" \
        > "$d/plan.txt"

    log "$N devices x $POINTS points on $G gateways: starting the simulator"
    "$SIM" --site "$d/site.yaml" --profiles "$PROFILES" > "$d/sim.out" 2> "$d/sim.err" &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
    wait_for "$d/sim.out" "gridscope-sim: ready" "$SIM_PID" 120

    log "gridscope: ${WARMUP} s warm-up, ${WINDOW} s window"
    "$GRIDSCOPE" run --config "$d/site.yaml" --data-dir "$d/data" --profiles "$PROFILES" \
        --plugin-dir "$PLUGIN_DIR" > "$d/gs.out" 2> "$d/gs.err" &
    GS_PID=$!
    PIDS+=("$GS_PID")
    wait_for "$d/gs.out" "gridscope: ready" "$GS_PID" 60
    sleep "$WARMUP"
    "$PY" "$HERE/bench.py" snapshot --out "$d/gs0.json" --pid "gridscope=$GS_PID" --pid "sim=$SIM_PID" --server-ports "$PORTS" "${SYNC_ARGS[@]}"
    sleep "$WINDOW"
    "$PY" "$HERE/bench.py" snapshot --out "$d/gs1.json" --pid "gridscope=$GS_PID" --pid "sim=$SIM_PID" --server-ports "$PORTS" "${SYNC_ARGS[@]}"
    stop_pid "$GS_PID"
    if [ $PYMODBUS = 0 ]; then stop_pid "$SIM_PID"; continue; fi

    log "pymodbus: ${PY_WARMUP} s warm-up, ${PY_WINDOW} s window"
    "$PY" "$HERE/pymodbus_poller.py" --site "$d/site.yaml" --profiles "$PROFILES" \
        --status "$d/py-status.json" --period-s "$(awk "BEGIN{print $PERIOD_MS/1000}")" \
        > "$d/py.out" 2> "$d/py.err" &
    PY_PID=$!
    PIDS+=("$PY_PID")
    wait_for "$d/py-status.json" cycles "$PY_PID" 30
    sleep "$PY_WARMUP"
    "$PY" "$HERE/bench.py" snapshot --out "$d/py0.json" --pid "poller=$PY_PID" --pid "sim=$SIM_PID" \
        --server-ports "$PORTS" --sync "$d/py-status.json" --json "status=$d/py-status.json"
    sleep "$PY_WINDOW"
    "$PY" "$HERE/bench.py" snapshot --out "$d/py1.json" --pid "poller=$PY_PID" --pid "sim=$SIM_PID" \
        --server-ports "$PORTS" --sync "$d/py-status.json" --json "status=$d/py-status.json"
    stop_pid "$PY_PID"
    stop_pid "$SIM_PID"
done

{
    echo "### Modbus polling benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)," \
        "$(. /etc/os-release && echo "$PRETTY_NAME"); pymodbus $("$PY" -c 'import pymodbus; print(pymodbus.__version__)')."
    echo "Profile \`$PROFILE\` ($POINTS points: u16/u32/f32, holding registers 0..99), period ${PERIOD_MS} ms," \
        "$PER_GATEWAY units per simulated gateway, all on 127.0.0.1; gridscope and the simulator share the cores."
    echo "Command: \`bench/modbus/run.sh --build $BUILD --plugin-dir $PLUGIN_DIR --sizes \"$SIZES\"\`" \
        "(run took $((SECONDS - STARTED)) s)."
    echo
    "$PY" "$HERE/bench.py" report "${DIRS[@]}"
} | tee "$WORK/report.md" ${OUT:+"$OUT"}

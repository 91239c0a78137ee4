# Sourced by bench/publish/run.sh and plugin.sh: starts the loopback FTP server (pyftpdlib) on a
# free port, serving $WORK/root, stopped on exit. Sets PORT and server_pid; server_cpu prints its
# user + system CPU so far, in seconds. Needs ROOT and WORK.
mkdir -p "$WORK/root"
server_pid=""
# (Under set -e a failing `wait` in the trap would end the script with the server's 143.)
cleanup() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
}
trap cleanup EXIT
/usr/bin/python3 "$ROOT/libs/publish/tests/ftp_server.py" --root "$WORK/root" --quiet > "$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q READY "$WORK/server.log" && break; sleep 0.1; done
PORT=$(awk '/READY/ {print $2}' "$WORK/server.log")
[ -n "$PORT" ] || { echo "the FTP server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
server_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server_pid/stat"
}

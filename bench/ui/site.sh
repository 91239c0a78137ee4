# Sourced by the bench/ui scripts (POSIX sh): the site under test and its User session.
# start_site BUILD CONFIG DATA-DIR WORK-DIR: `gridscope run` on a free 127.0.0.1 port, its
#   readiness the "gridscope: ready" line (60 s at most); sets $pid (the caller's cleanup stops
#   it) and $url.
start_site() {
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkfifo "$4/out"
    "$1/bin/gridscope" run --config "$2" --data-dir "$3" --http-port "$port" > "$4/out" 2> "$4/log" &
    pid=$!
    if ! timeout 60 grep -q -m1 'gridscope: ready' "$4/out"; then
        echo "gridscope did not start:" >&2; cat "$4/log" >&2; exit 1
    fi
    cat "$4/out" > /dev/null &
    url="http://127.0.0.1:$port"
}

# login_user WORK-DIR: logs in as User on $url; sets $cookie and $csrf.
login_user() {
    login=$(curl -s -D "$1/headers" -H 'Content-Type: application/json' -d '{"profile":"user"}' "$url/api/v1/login")
    cookie=$(sed -n 's/^Set-Cookie: \(gs_session=[0-9a-f]*\).*/\1/p' "$1/headers")
    [ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
    csrf=$(echo "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
}

#!/usr/bin/env python3
"""ui_web API test: the real `gridscope run` with ui_web and virtual meters on an ephemeral
127.0.0.1 port, walked over HTTP as anonymous, User, Advanced User and Admin, plus bad input.
Readiness: the kernel's "gridscope: ready" line, then /api/v1/health. Bounded: every wait has a
deadline and the server is stopped (SIGTERM, then SIGKILL) whatever happens.

  api_test.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml [--pwhash BIN]
"""
import http.client
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import check, finish, test_arguments  # noqa: E402




def set_password(args, data_dir, site, profile, password):
    r = subprocess.run([args.gridscope, "passwd", "--config", site, "--data-dir", data_dir, "--profile", profile],
                       input=f"{password}\n{password}\n", text=True, capture_output=True, timeout=30)
    if r.returncode == 0:
        return
    if not args.pwhash:  # `gridscope passwd` missing: the helper writes the same file
        raise RuntimeError("gridscope passwd failed: " + r.stderr)
    line = subprocess.run([args.pwhash, profile], input=password + "\n", text=True, capture_output=True,
                          check=True, timeout=30).stdout
    path = os.path.join(data_dir, "passwords")
    lines = [l for l in (open(path).read().splitlines() if os.path.exists(path) else []) if not l.startswith(profile + ":")]
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write("\n".join(lines + [line.strip()]) + "\n")
    os.replace(tmp, path)


def login(srv, profile, password=None):
    status, body, r = srv.request("POST", "/api/v1/login", {"profile": profile, "password": password or ""})
    check(status == 200, f"login {profile}: {status} {body}")
    cookie = r.getheader("Set-Cookie", "")
    return cookie.split(";")[0], body["csrf_token"] if isinstance(body, dict) else "", cookie


# The permission matrix of docs/api.md: (method, path, body, {who: status}).
MATRIX = [
    ("GET", "/api/v1/health", None, dict(anonymous=200, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/auth", None, dict(anonymous=200, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/session", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/site", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/catalog", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/perimeter?view=location", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/perimeter?view=usage&filter=hvac", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/monitor?source=diris-main&circuit=1", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/live?source=diris-main", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/live/stream?source=diris-main,hvac", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/alarms/summary", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("GET", "/api/v1/diagnostics", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("POST", "/api/v1/energy/partial-reset", {"source": "diris-main", "circuit": 1},
     dict(anonymous=401, user=403, advanced=409, admin=409)),  # 409: its profile has no reset command
    ("POST", "/api/v1/password", {"current": "not it", "new": "whatever long"},
     dict(anonymous=401, user=403, advanced=401, admin=401)),
    ("GET", "/api/v1/config/site", None, dict(anonymous=401, user=403, advanced=403, admin=200)),
    ("GET", "/api/v1/openapi.json", None, dict(anonymous=200, user=200, advanced=200, admin=200)),
    # Trends: this site runs no storage (503); favourites: the User saves, higher profiles
    # replace it (then it is the Admin's), and only the Admin may delete it.
    ("GET", "/api/v1/history/series", None, dict(anonymous=401, user=503, advanced=503, admin=503)),
    ("GET", "/api/v1/trends/favourites", None, dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("POST", "/api/v1/trends/favourites", {"name": "matrix", "title": "t", "selection": {}},
     dict(anonymous=401, user=200, advanced=200, admin=200)),
    ("POST", "/api/v1/trends/favourites/delete", {"name": "matrix"},
     dict(anonymous=401, user=403, advanced=403, admin=200)),
]


def main():
    args = test_arguments("--site", optional=("--pwhash",))
    srv = None
    try:
        srv = Server(args.gridscope, args.site)
        data_dir = srv.data_dir

        # No default passwords: until one is set, advanced/admin logins are refused.
        for profile, pw in (("admin", "Admin"), ("advanced", "UserAdvanced"), ("admin", "")):
            status, body, _ = srv.request("POST", "/api/v1/login", {"profile": profile, "password": pw})
            check(status == 403 and body["error"] == "password_not_set", f"default password {profile}/{pw}: {status}")
        set_password(args, data_dir, args.site, "admin", "admin secret 1")
        set_password(args, data_dir, args.site, "advanced", "advanced secret 1")
        mode = os.stat(os.path.join(data_dir, "passwords")).st_mode & 0o777
        check(mode == 0o600, f"passwords file mode {oct(mode)}")

        who = {"anonymous": (None, None)}
        _, _, user_cookie = login(srv, "user")
        check("HttpOnly" in user_cookie and "SameSite=Strict" in user_cookie and "Path=/" in user_cookie,
              "cookie attributes: " + user_cookie)
        check(len(user_cookie.split(";")[0].split("=")[1]) >= 32, "session id of at least 128 bits")
        who["user"] = login(srv, "user")[:2]
        who["advanced"] = login(srv, "advanced", "advanced secret 1")[:2]
        who["admin"] = login(srv, "admin", "admin secret 1")[:2]

        for method, path, body, expected in MATRIX:
            for name, want in expected.items():
                cookie, csrf = who[name]
                status, payload, r = srv.request(method, path, body, cookie=cookie, csrf=csrf)
                check(status == want, f"{name} {method} {path}: {status}, expected {want}")
                if status == 200 and "stream" in path:
                    check(r.getheader("Content-Type") == "text/event-stream", "stream content type")
                elif payload is not None:
                    check(isinstance(payload, dict), f"{name} {method} {path}: JSON object body")

        ucookie, ucsrf = who["user"]
        # Live values arrive and carry their quality.
        deadline = time.time() + 5
        while True:
            _, snap, _ = srv.request("GET", "/api/v1/live?source=diris-main", cookie=ucookie)
            if not snap["stale"] or time.time() > deadline:
                break
            time.sleep(0.1)
        check(snap["stale"] is False, "diris-main is live")
        values = {v["d"]: v for v in snap["values"]}
        check(values["IPSumInst"]["q"] == "good" and values["IPSumInst"]["s"] is False, "P is live and good")
        check(values["IHarmonicsTHDI1Inst"]["v"] is None and values["IHarmonicsTHDI1Inst"]["s"] is True,
              "a value never delivered is stale")

        # CSRF and origin on state-changing requests.
        acookie, acsrf = who["advanced"]
        status, _, _ = srv.request("POST", "/api/v1/energy/partial-reset", {"source": "diris-main"}, cookie=acookie)
        check(status == 403, f"POST without CSRF token: {status}")
        status, _, _ = srv.request("POST", "/api/v1/energy/partial-reset", {"source": "diris-main"}, cookie=acookie,
                                   csrf=acsrf, headers={"Origin": "http://evil.example"})
        check(status == 403, f"cross-origin POST: {status}")

        # Bad input: a clear 4xx, and the server keeps running.
        bad = [
            ("POST", "/api/v1/login", None, "{not json", {}, 400),
            ("POST", "/api/v1/login", None, "[]", {}, 400),
            ("POST", "/api/v1/login", {"profile": ["admin"]}, None, {}, 400),
            ("POST", "/api/v1/login", {"profile": "root"}, None, {}, 400),
            ("POST", "/api/v1/login", None, "x" * (64 * 1024), {}, 413),
            ("POST", "/api/v1/login", None, '{"profile": "user"}', {"Content-Type": "text/plain"}, 415),
            ("GET", "/api/v1/monitor?source=nope", None, None, {}, 404),
            ("GET", "/api/v1/monitor?source=diris-main&circuit=7", None, None, {}, 404),
            ("GET", "/api/v1/monitor?source=diris-main&circuit=-1", None, None, {}, 400),
            ("GET", "/api/v1/live?source=nope", None, None, {}, 404),
            ("GET", "/api/v1/live?source=%zz", None, None, {}, 400),
            ("GET", "/api/v1/live/stream?source=nope", None, None, {}, 404),
            ("GET", "/api/v1/perimeter?view=nope", None, None, {}, 400),
            ("GET", "/api/v1/nope", None, None, {}, 404),
            ("DELETE", "/api/v1/site", None, None, {}, 405),
            ("GET", "/api/v1/../../../etc/passwd", None, None, {}, 404),
            ("GET", "/api/v1/%2e%2e/%2e%2e/etc/passwd", None, None, {}, 404),
            ("GET", "/../../etc/passwd", None, None, {}, 404),
            ("GET", "/%2e%2e/%2e%2e/etc/passwd", None, None, {}, 404),
            ("GET", "/js/..%2f..%2f..%2fetc/passwd", None, None, {}, 404),
            ("GET", "/.gitignore", None, None, {}, 404),
        ]
        for method, path, body, raw, headers, want in bad:
            status, payload, _ = srv.request(method, path, body, raw_body=raw.encode() if raw else None,
                                             headers=headers, cookie=ucookie, csrf=ucsrf)
            check(status == want, f"bad input {method} {path[:60]}: {status}, expected {want}")
            check(not (isinstance(payload, bytes) and b"root:" in payload), f"{path}: no file outside webroot")
        # An announced huge body is refused before it is read.
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.putrequest("POST", "/api/v1/login")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(100 * 1024 * 1024))
        conn.endheaders()
        r = conn.getresponse()
        check(r.status == 413, f"announced 100 MiB body: {r.status}")
        conn.close()

        # Throttled logins: after 5 failures from one address (the two wrong current passwords of
        # the matrix count), 429 with Retry-After, even for the right password.
        statuses = [srv.request("POST", "/api/v1/login", {"profile": "admin", "password": f"guess {i}"})[0]
                    for i in range(5)]
        check(statuses == [401, 401, 401, 429, 429], f"throttling: {statuses}")
        status, body, r = srv.request("POST", "/api/v1/login", {"profile": "admin", "password": "admin secret 1"})
        check(status == 429 and int(r.getheader("Retry-After")) >= 1 and body["retry_after_s"] >= 1,
              f"throttled right password: {status}")

        # A password set while the site runs: the old one stops working, sessions of the profile end.
        admin_cookie, _ = who["admin"]
        set_password(args, data_dir, args.site, "advanced", "advanced secret 2")
        time.sleep(0.6)  # the per-request re-read interval of the passwords file (500 ms)
        status, body, _ = srv.request("GET", "/api/v1/session", cookie=acookie)
        check(status == 401 and body["error"] == "password_changed", f"advanced session after passwd: {status}")
        status, _, _ = srv.request("GET", "/api/v1/session", cookie=admin_cookie)
        check(status == 200, "the admin session is unaffected")

        status, body, _ = srv.request("GET", "/api/v1/health")
        check(status == 200 and body["status"] == "ok", "the server still runs after bad input")
        check(srv.proc.poll() is None, "gridscope is alive")
    finally:
        if srv:
            srv.stop()
    return finish("ui_web API test")


if __name__ == "__main__":
    sys.exit(main())

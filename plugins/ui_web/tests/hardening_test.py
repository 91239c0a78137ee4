#!/usr/bin/env python3
"""Issue 10, the web server's findings, against the real `gridscope run` with ui_web:
  1  invalid UTF-8 anywhere in a request: 400 with the reason, the process keeps running;
  4  idle and slow connections are closed after request_timeout_ms, a 413 at once, live streams
     are capped (429), and the server answers while connections and streams are held;
  5  1,001+ User logins leave the Admin's session valid;
  7  Host must be one of the site's names (421), is required (400); Origin is compared with the
     names, not with Host;
  9  only GET/HEAD/POST (PROPFIND/PUT/... 405, no WebDAV, no Digest auth), HEAD answers without
     a body, duplicate or conflicting lengths 400 and close (no smuggled request answered),
     %00 400, symbolic links out of the web root 404;
  11 `gridscope passwd` and POST /api/v1/password apply the same rule.
Bounded: every socket has a timeout, the server is stopped whatever happens.

  hardening_test.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml \
      --webroot webroot
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import FAILURES, check, finish, test_arguments  # noqa: E402

TIMEOUT_MS = 2000  # request_timeout_ms of the test server


def status_line(answer):
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def make_webroot(real_webroot, folder):
    """A web root with index.html, and symbolic links that point outside it."""
    root = os.path.join(folder, "webroot")
    os.makedirs(root)
    shutil.copy(os.path.join(real_webroot, "index.html"), root)
    secret_dir = os.path.join(folder, "outside")
    os.makedirs(secret_dir)
    with open(os.path.join(secret_dir, "secret.txt"), "w") as f:
        f.write("SECRET-OUTSIDE-WEBROOT\n")
    with open(os.path.join(secret_dir, "index.html"), "w") as f:
        f.write("SECRET-OUTSIDE-WEBROOT\n")
    os.symlink(os.path.join(secret_dir, "secret.txt"), os.path.join(root, "leak.txt"))
    os.symlink(secret_dir, os.path.join(root, "leakdir"))
    os.makedirs(os.path.join(root, "inside"))
    with open(os.path.join(root, "inside", "ok.txt"), "w") as f:
        f.write("inside\n")
    os.symlink(os.path.join(root, "inside", "ok.txt"), os.path.join(root, "alias.txt"))
    for hidden in (".hidden", "package.json"):  # never served (hide_files_patterns)
        with open(os.path.join(root, hidden), "w") as f:
            f.write("SECRET-HIDDEN-FILE\n")
    return root


def test_utf8(srv, cookie):
    for path in ("/api/v1/live?source=", "/api/v1/monitor?source=", "/api/v1/live/stream?source=",
                 "/api/v1/perimeter?view=location&filter="):
        for bad in ("%ff", "%c3", "%ed%a0%80", "%c0%af"):
            status, body, _ = srv.request("GET", path + bad, cookie=cookie)
            check(status == 400 and isinstance(body, dict) and "UTF-8" in body.get("message", ""),
                  f"finding 1: GET {path}{bad} -> {status} {body}")
            check(srv.alive(), "finding 1: gridscope still runs")
    status, body, _ = srv.request("POST", "/api/v1/login", raw_body=b'{"profile": "us\xff"}')
    check(status == 400 and body["error"] == "invalid_utf8", f"finding 1: JSON body with \\xff -> {status} {body}")
    for name, value in (("Cookie", b"gs_session=\xff"), ("X-CSRF-Token", b"\xc3"), ("User-Agent", b"\xed\xa0\x80")):
        answer, _ = srv.raw(b"GET /api/v1/session HTTP/1.1\r\nHost: " + srv.host.encode() + b"\r\n" +
                            name.encode() + b": " + value + b"\r\nConnection: close\r\n\r\n")
        check(status_line(answer).startswith("HTTP/1.1 400") and b"invalid_utf8" in answer,
              f"finding 1: header {name} not UTF-8 -> {status_line(answer)}")
    answer, _ = srv.raw(b"GET /api/v1/\xff HTTP/1.1\r\nHost: " + srv.host.encode() + b"\r\nConnection: close\r\n\r\n")
    check(" 400 " in status_line(answer), f"finding 1: raw \\xff in the path -> {status_line(answer)}")
    check(srv.request("GET", "/api/v1/health")[0] == 200 and srv.alive(), "finding 1: /health answers afterwards")


def test_http_surface(srv):
    h = srv.host.encode()
    # The methods CivetWeb knows get the guard's 405; those it does not (MOVE, COPY, TRACE...)
    # its own 400 before any handler. Neither ever reaches WebDAV (207) or Digest auth (401).
    for method in ("PROPFIND", "PUT", "DELETE", "MKCOL", "OPTIONS", "PATCH", "LOCK", "MOVE", "COPY", "TRACE"):
        answer, closed = srv.raw(method.encode() + b" / HTTP/1.1\r\nHost: " + h + b"\r\nDepth: 1\r\nContent-Length: 0\r\n\r\n")
        known = method not in ("MOVE", "COPY", "TRACE")
        expected = "HTTP/1.1 405" if known else "HTTP/1.1 400"
        check(status_line(answer).startswith(expected) and b"WWW-Authenticate" not in answer
              and (not known or b"Allow: GET, HEAD, POST" in answer) and closed is not None,
              f"finding 9: {method} / -> {status_line(answer)} (closed: {closed is not None})")
    status, body, r = srv.request("HEAD", "/api/v1/health")
    check(status == 200 and body is None and r.getheader("Content-Length") not in (None, "0"),
          f"finding 9: HEAD /api/v1/health -> {status}, Content-Length {r.getheader('Content-Length')}")
    status, body, r = srv.request("HEAD", "/index.html")
    check(status == 200 and body is None, f"finding 9: HEAD /index.html -> {status}")
    status, _, _ = srv.request("HEAD", "/api/v1/site")
    check(status == 401, f"finding 9: HEAD /api/v1/site without a session -> {status}")

    # Framing: two lengths, or a length with chunked: 400, closed, the hidden request unanswered.
    smuggled = b"GET /api/v1/health HTTP/1.1\r\nHost: " + h + b"\r\n\r\n"
    cases = {
        "two Content-Length": b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                              b"Content-Length: 2\r\nContent-Length: 60\r\n\r\n{}" + smuggled,
        "Content-Length with chunked": b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                                       b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
        "chunked with Content-Length": b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                                       b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled,
    }
    for name, data in cases.items():
        answer, closed = srv.raw(data, timeout=TIMEOUT_MS / 1000 * 3)
        check(status_line(answer).startswith("HTTP/1.1 400") and answer.count(b"HTTP/1.1 ") == 1
              and closed is not None and closed < 1.0,
              f"finding 9: {name} -> {status_line(answer)}, {answer.count(b'HTTP/1.1 ')} answer(s), "
              f"closed after {closed}")
    answer, _ = srv.raw(b"GET /index.html%00.txt HTTP/1.1\r\nHost: " + h + b"\r\nConnection: close\r\n\r\n")
    check(status_line(answer).startswith("HTTP/1.1 400"), f"finding 9: %00 in the path -> {status_line(answer)}")
    answer, _ = srv.raw(b"GET /api/v1/health%00 HTTP/1.1\r\nHost: " + h + b"\r\nConnection: close\r\n\r\n")
    check(status_line(answer).startswith("HTTP/1.1 400"), f"finding 9: %00 in an API path -> {status_line(answer)}")

    # Symbolic links: out of the web root refused, inside it served.
    for path in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir"):
        status, body, _ = srv.request("GET", path)
        leaked = isinstance(body, bytes) and b"SECRET" in body
        check(status in (403, 404) and not leaked, f"finding 9: symlink {path} -> {status}")
    status, body, _ = srv.request("GET", "/alias.txt")
    check(status == 200, f"finding 9: a symlink inside the web root is served -> {status}")
    test_versioned_files(srv)


def test_versioned_files(srv):
    """index.html names the files under /v/<version>/ (cached for good); the same limits apply."""
    status, body, r = srv.request("GET", "/")
    text = body.decode() if isinstance(body, bytes) else ""
    m = re.search(r'src="/v/([0-9a-f]{16})/js/boot\.js"', text)
    check(status == 200 and m is not None and r.getheader("Cache-Control") == "no-cache"
          and "frame-ancestors 'none'" in (r.getheader("Content-Security-Policy") or ""),
          f"index.html names versioned files, no-cache, with the CSP: {status} {r.getheader('Cache-Control')} {text[:200]}")
    version = m.group(1) if m else "0" * 16
    status, body, r = srv.request("GET", f"/v/{version}/inside/ok.txt")
    check(status == 200 and body == b"inside\n"
          and r.getheader("Cache-Control") == "public, max-age=31536000, immutable"
          and r.getheader("X-Content-Type-Options") == "nosniff" and r.getheader("Content-Security-Policy"),
          f"a file under the current version is immutable: {status} {r.getheader('Cache-Control')}")
    status, body, r = srv.request("HEAD", f"/v/{version}/inside/ok.txt")
    check(status == 200 and body is None and r.getheader("Content-Length") == "7", f"HEAD of a versioned file: {status}")
    status, body, r = srv.request("GET", "/v/0123456789abcdef/inside/ok.txt")
    check(status == 200 and r.getheader("Cache-Control") == "no-cache",
          f"another version: the current file, not kept: {status} {r.getheader('Cache-Control')}")
    for path in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/missing.js", "/inside", "/.hidden",
                 "/package.json", "/inside/../../outside/secret.txt", "/inside/%2e%2e/leak.txt"):
        for prefix in ("", f"/v/{version}"):
            if path == "/inside" and not prefix:
                continue  # CivetWeb redirects a folder to its "/": not a file, nothing served
            status, body, _ = srv.request("GET", prefix + path)
            leaked = isinstance(body, bytes) and b"SECRET" in body
            check(status in (400, 403, 404) and not leaked, f"{prefix}{path} refused -> {status}")
    check(srv.alive(), "gridscope still runs after the versioned requests")


def test_hosts(srv):
    port = srv.port
    status, body, _ = srv.request("GET", "/api/v1/health", headers={"Host": f"attacker.example:{port}"})
    check(status == 421 and body["error"] == "unknown_host", f"finding 7: Host attacker.example -> {status}")
    status, _, _ = srv.request("GET", "/index.html", headers={"Host": f"attacker.example:{port}"})
    check(status == 421, f"finding 7: static file with Host attacker.example -> {status}")
    status, _, _ = srv.request("POST", "/api/v1/login", {"profile": "user"},
                               headers={"Host": f"attacker.example:{port}", "Origin": f"http://attacker.example:{port}"})
    check(status == 421, f"finding 7: rebinding login (Host and Origin agree) -> {status}")
    answer, _ = srv.raw(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
    check(" 400 " in status_line(answer) and b"bad_host" in answer,
          f"finding 7: no Host -> {status_line(answer)}")
    status, _, _ = srv.request("GET", "/api/v1/health", headers={"Host": f"gridscope.test:{port}"})
    check(status == 200, f"finding 7: a name of allowed_hosts -> {status}")
    status, _, _ = srv.request("GET", "/api/v1/health", headers={"Host": f"gridscope.test:{port + 1}"})
    check(status == 421, f"finding 7: the right name with another port -> {status}")
    # Origin: compared with the list, not with Host.
    status, _, _ = srv.request("POST", "/api/v1/login", {"profile": "user"}, headers={"Origin": f"http://gridscope.test:{port}"})
    check(status == 200, f"finding 7: Origin of another allowed name -> {status}")
    status, body, _ = srv.request("POST", "/api/v1/login", {"profile": "user"},
                                  headers={"Host": f"gridscope.test:{port}", "Origin": f"http://evil.example:{port}"})
    check(status == 403 and body["error"] == "bad_origin", f"finding 7: foreign Origin -> {status}")


def test_sessions(srv, admin):
    t0 = time.time()
    for i in range(1001):
        status, _, _ = srv.request("POST", "/api/v1/login", {"profile": "user"})
        if status != 200:
            check(False, f"finding 5: user login {i} -> {status}")
            break
    status, body, _ = srv.request("GET", "/api/v1/session", cookie=admin[0])
    check(status == 200 and body["profile"] == "admin",
          f"finding 5: the Admin session after 1,001 User logins ({time.time() - t0:.1f} s) -> {status}")
    status, _, _ = srv.request("GET", "/api/v1/config/site", cookie=admin[0])
    check(status == 200, f"finding 5: the Admin still reads /config/site -> {status}")


def open_stream(srv, cookie):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(f"GET /api/v1/live/stream?source=diris-main HTTP/1.1\r\nHost: {srv.host}\r\nCookie: {cookie}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, status_line(head)


def test_pressure(srv, admin):
    h = srv.host.encode()
    # An idle connection (no byte sent) is closed after request_timeout_ms.
    _, closed = srv.raw(b"", timeout=TIMEOUT_MS / 1000 * 4)
    check(closed is not None and closed < TIMEOUT_MS / 1000 * 3,
          f"finding 4: an idle connection is closed after {closed} s (request_timeout_ms {TIMEOUT_MS})")
    # A body shorter than its Content-Length: 400 and closed after request_timeout_ms.
    answer, closed = srv.raw(b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 100\r\n\r\n{\"profile\"", timeout=TIMEOUT_MS / 1000 * 4)
    check(status_line(answer).startswith("HTTP/1.1 400") and b"incomplete_body" in answer and
          closed is not None and closed < TIMEOUT_MS / 1000 * 3,
          f"finding 4: a short body -> {status_line(answer)}, closed after {closed} s")
    # Headers that never end (one byte a second): closed after request_timeout_ms too.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=1) as s:
        t0, closed = time.time(), None
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
        while time.time() - t0 < TIMEOUT_MS / 1000 * 4:
            try:
                s.sendall(b"X")
                if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    closed = time.time() - t0
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed = time.time() - t0
                break
            time.sleep(0.5)
        check(closed is not None and closed < TIMEOUT_MS / 1000 * 3,
              f"finding 4: headers sent a byte at a time are cut after {closed} s")
    # A 413 closes the socket at once, even when the client says nothing more.
    for extra in (b"", b"Connection: close\r\n"):
        answer, closed = srv.raw(b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 104857600\r\n" + extra + b"\r\n", timeout=TIMEOUT_MS / 1000 * 4)
        check(status_line(answer).startswith("HTTP/1.1 413") and closed is not None and closed < 1.0,
              f"finding 4: 413 {extra.strip().decode()} -> closed after {closed} s")

    # Live streams: 4 per session, 6 in all (this server's config): the next gets 429.
    users = [srv.login("user") for _ in range(3)]
    held, statuses = [], []
    for cookie, _ in users[:1] * 5:
        s, line = open_stream(srv, cookie)
        held.append(s)
        statuses.append(line.split(" ")[1] if " " in line else line)
    check(statuses == ["200"] * 4 + ["429"], f"finding 4: streams of one session: {statuses}")
    statuses = []
    for cookie, _ in users[1:] * 2:
        s, line = open_stream(srv, cookie)
        held.append(s)
        statuses.append(line.split(" ")[1] if " " in line else line)
    check(statuses.count("200") == 2 and statuses.count("429") == 2, f"finding 4: streams over the total: {statuses}")
    status, body, _ = srv.request("GET", "/api/v1/diagnostics", cookie=admin[0])
    check(status == 200 and body["stream_clients"] == 6, f"finding 4: 6 streams counted: {body and body.get('stream_clients')}")

    # Idle connections and streams held at once: the server still answers, the Admin works.
    idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(40)]
    t0 = time.time()
    status, _, _ = srv.request("GET", "/api/v1/health", timeout=5)
    took = time.time() - t0
    check(status == 200, f"finding 4: /health with 40 idle connections and 6 streams held: {status} in {took:.3f} s")
    status, _, _ = srv.request("GET", "/api/v1/config/site", cookie=admin[0], timeout=5)
    check(status == 200, f"finding 4: the Admin works meanwhile: {status}")
    for s in idle + held:
        s.close()
    deadline = time.time() + 5
    while time.time() < deadline:
        body = srv.request("GET", "/api/v1/diagnostics", cookie=admin[0])[1]
        if body["stream_clients"] == 0:
            break
        time.sleep(0.2)
    check(body["stream_clients"] == 0, f"finding 4: closed streams give their places back: {body['stream_clients']}")


def test_password_rule(srv):
    code, cli_err = srv.passwd("advanced", "nine char")
    check(code != 0 and "10" in cli_err, f"finding 11: gridscope passwd with 9 characters -> {code} {cli_err.strip()}")
    code, err = srv.passwd("advanced", "advanced secret 1")
    check(code == 0, f"finding 11: gridscope passwd with 17 characters -> {code} {err.strip()}")
    cookie, csrf = srv.login("advanced", "advanced secret 1")
    status, body, _ = srv.request("POST", "/api/v1/password", {"current": "advanced secret 1", "new": "nine char"},
                                  cookie=cookie, csrf=csrf)
    check(status == 400 and body["error"] == "weak_password" and body["message"] in cli_err,
          f"finding 11: POST /password with 9 characters -> {status} {body}")
    status, body, _ = srv.request("POST", "/api/v1/password", {"current": "advanced secret 1", "new": "ten chars!"},
                                  cookie=cookie, csrf=csrf)
    check(status == 200, f"finding 11: POST /password with 10 characters -> {status}")


def main():
    args = test_arguments("--site", "--webroot")
    folder = tempfile.mkdtemp(prefix="gs-hardening-")
    srv = None
    try:
        webroot = make_webroot(args.webroot, folder)
        srv = Server(args.gridscope, args.site, ui_web={
            "webroot": webroot, "num_threads": 64, "max_live_streams": 6, "max_live_streams_per_session": 4,
            "request_timeout_ms": TIMEOUT_MS, "allowed_hosts": "[127.0.0.1, localhost, gridscope.test]"})
        code, err = srv.passwd("admin", "admin secret 1")
        check(code == 0, f"gridscope passwd admin: {err.strip()}")
        admin = srv.login("admin", "admin secret 1")
        user = srv.login("user")
        test_utf8(srv, user[0])
        test_http_surface(srv)
        test_hosts(srv)
        test_sessions(srv, admin)
        test_pressure(srv, admin)
        test_password_rule(srv)
        check(srv.request("GET", "/api/v1/health")[0] == 200 and srv.alive(), "the server runs at the end")
    finally:
        if srv:
            code = srv.stop()
            check(code == 0, f"gridscope stopped cleanly (exit {code})")
            if FAILURES:
                print(srv.out.decode(errors="replace")[-4000:])
        shutil.rmtree(folder, ignore_errors=True)
    return finish("ui_web hardening test")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A bounded HTTP fuzz test of ui_web against the real `gridscope run` (issue 10).

Random requests, reproducible from --seed (request i uses Random(seed * 1_000_003 + i)):
methods (valid, WebDAV, garbage), paths (API, static files, traversal, escapes, raw bytes,
invalid UTF-8), query strings, headers (Host right, wrong, missing or twice; cookies of real
sessions, garbage, invalid UTF-8; lengths right, wrong, twice, with chunked) and bodies (JSON,
broken JSON, invalid UTF-8, random bytes, shorter than announced). At most --count requests and
--seconds seconds, 8 at a time, each on its own connection with a timeout.

Asserts: every request is answered or its connection closed within the server's
request_timeout_ms plus a margin; no 5xx except the documented ones (505 for an HTTP version
other than 1.0/1.1; 501/502/504 from POST /api/v1/energy/partial-reset, the device's answer);
the process never dies; /api/v1/health and a login answer afterwards and SIGTERM stops it
cleanly. (The requests carry real session cookies and CSRF tokens, so some log out or change a
password: sessions are not expected to survive.)

  http_fuzz.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml \
      [--seed 10] [--count 3000] [--seconds 90]
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gs_server import Server  # noqa: E402

TIMEOUT_MS = 1000  # request_timeout_ms of the server under test
ANSWER_WITHIN = 20  # seconds: 2 x request_timeout_ms at most, plus room for a loaded machine

METHODS = ["GET"] * 16 + ["POST"] * 10 + ["HEAD"] * 3 + [
    "PUT", "DELETE", "PROPFIND", "MKCOL", "OPTIONS", "PATCH", "TRACE", "CONNECT", "MOVE", "get", "G\xc3T", ""]
PATHS = ["/", "/index.html", "/js/app.js", "/css/app.css", "/api", "/api/v1", "/api/v1/health", "/api/v1/auth",
         "/api/v1/login", "/api/v1/logout", "/api/v1/session", "/api/v1/password", "/api/v1/site",
         "/api/v1/catalog", "/api/v1/perimeter", "/api/v1/monitor", "/api/v1/live", "/api/v1/live/stream",
         "/api/v1/alarms/summary", "/api/v1/diagnostics", "/api/v1/energy/partial-reset", "/api/v1/config/site",
         "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/../../etc/passwd", "/.git/config", "/nope"]
QUERY_KEYS = ["source", "view", "filter", "circuit", "x", ""]
QUERY_VALUES = ["diris-main", "hvac", "diris-main,hvac", "location", "usage", "fluid", "hierarchy", "1", "0",
                "-1", "99999999999", "Building", ""]
BAD_ESCAPES = ["%ff", "%c3", "%ed%a0%80", "%c0%af", "%00", "%zz", "%", "%e2%82", "%f4%90%80%80", "%C3%A9", "+"]
RAW_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x01", b"\x7f", b" ", b"\t"]


def rand_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def mutate_text(rng, text):
    """Inserts escapes or raw bytes at random places."""
    data = text.encode()
    for _ in range(rng.randrange(0, 3)):
        pos = rng.randrange(len(data) + 1)
        piece = rng.choice(BAD_ESCAPES).encode() if rng.random() < 0.6 else rng.choice(RAW_BYTES)
        data = data[:pos] + piece + data[pos:]
    return data


def make_body(rng, cookies):
    kind = rng.randrange(9)
    if kind == 0:
        return json.dumps({"profile": rng.choice(["user", "admin", "advanced", "root", 7, None]),
                           "password": rng.choice(["", "admin secret 1", "x" * 300, "\u00e9" * 12])}).encode()
    if kind == 1:
        return json.dumps({"source": rng.choice(QUERY_VALUES), "circuit": rng.choice([1, 0, -1, "1", 1e30, None])}).encode()
    if kind == 2:
        return json.dumps({"current": "admin secret 1", "new": rng.choice(["short", "long enough!", "\u00e9" * 9])}).encode()
    if kind == 3:
        return b'{"profile": "us' + rng.choice(RAW_BYTES) + b'er"}'
    if kind == 4:
        return b"[" * rng.randrange(1, 5000) + b"]" * rng.randrange(0, 5000)
    if kind == 5:
        return rand_bytes(rng, rng.randrange(0, 2000))
    if kind == 6:
        return b'{"a": "\\ud800", "b": "\\u0000"}'
    if kind == 7:
        return b"x" * rng.choice([16385, 20000, 100])
    return b""


def make_request(rng, port, cookies):
    method = rng.choice(METHODS)
    path = rng.choice(PATHS)
    if rng.random() < 0.15:
        path_bytes = mutate_text(rng, path)
    else:
        path_bytes = path.encode()
    if rng.random() < 0.05:
        path_bytes += b"/" + b"a" * rng.randrange(100, 20000)
    query = b""
    if rng.random() < 0.7:
        parts = []
        for _ in range(rng.randrange(1, 4)):
            key = rng.choice(QUERY_KEYS)
            value = rng.choice(QUERY_VALUES)
            item = (key + "=" + value).encode()
            parts.append(mutate_text(rng, item.decode()) if rng.random() < 0.15 else item)
        query = b"?" + b"&".join(parts)
    version = b"HTTP/1.1" if rng.random() < 0.97 else rng.choice([b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9", b"FOO"])
    headers = []
    host = rng.random()
    if host < 0.9:
        headers.append(b"Host: 127.0.0.1:%d" % port)
    elif host < 0.94:
        headers.append(b"Host: attacker.example:%d" % port)
    elif host < 0.97:
        headers += [b"Host: 127.0.0.1:%d" % port, b"Host: localhost:%d" % port]
    if rng.random() < 0.6 and cookies:
        cookie, csrf = rng.choice(cookies)
        headers.append(b"Cookie: " + cookie.encode())
        if rng.random() < 0.7:
            headers.append(b"X-CSRF-Token: " + csrf.encode())
    elif rng.random() < 0.2:
        headers.append(b"Cookie: gs_session=" + rng.choice([b"\xff" * 64, b"a" * 64, rand_bytes(rng, 20)]))
    if rng.random() < 0.2:
        headers.append(b"Origin: " + rng.choice([b"http://127.0.0.1:%d" % port, b"http://evil.example", b"null",
                                                 b"http://\xff"]))
    if rng.random() < 0.06:
        headers.append(rng.choice([b"X-Fuzz", b"User-Agent", b"Accept", b"X-\xff"]) + b": " + rand_bytes(rng, rng.randrange(0, 40)).replace(b"\r", b"").replace(b"\n", b""))
    body = make_body(rng, cookies) if method in ("POST", "PUT", "PROPFIND", "PATCH") or rng.random() < 0.05 else b""
    if body or rng.random() < 0.1:
        headers.append(b"Content-Type: " + rng.choice([b"application/json", b"application/json; charset=utf-8",
                                                       b"text/plain", b"application/\xff"]))
    framing = rng.random()
    if framing < 0.86:
        headers.append(b"Content-Length: %d" % len(body))
    elif framing < 0.89:
        headers += [b"Content-Length: %d" % len(body), b"Content-Length: %d" % (len(body) + 7)]
    elif framing < 0.92:
        headers += [b"Content-Length: %d" % len(body), b"Transfer-Encoding: chunked"]
        body = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    elif framing < 0.95:
        headers.append(b"Transfer-Encoding: chunked")
        body = (b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n") if rng.random() < 0.8 else b"zz\r\n" + body
    elif framing < 0.97:
        headers.append(b"Content-Length: %d" % (len(body) + rng.randrange(1, 50)))  # shorter than announced
    else:
        headers.append(rng.choice([b"Content-Length: -1", b"Content-Length: 1e3", b"Content-Length: 99999999999999999999"]))
    if rng.random() < 0.9:
        headers.append(b"Connection: close")
    rng.shuffle(headers)
    return method.encode("utf-8", "surrogateescape") + b" " + path_bytes + query + b" " + version + b"\r\n" + \
        b"\r\n".join(headers) + b"\r\n\r\n" + body


def send(port, data):
    """(status or None, seconds, answered-or-closed)"""
    t0 = time.time()
    answer = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            while b"\r\n" not in answer or (b"text/event-stream" not in answer and b"\r\n\r\n" not in answer):
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
                if b"text/event-stream" in answer and b"\r\n\r\n" in answer:
                    break  # a live stream: its headers are enough
            if b"\r\n\r\n" in answer and b"text/event-stream" not in answer:
                # read the rest until close or the keep-alive timeout
                s.settimeout(TIMEOUT_MS / 1000 + 2)
                try:
                    while s.recv(65536):
                        pass
                except (socket.timeout, ConnectionResetError):
                    pass
    except socket.timeout:
        return None, time.time() - t0, False
    except ConnectionResetError:
        pass
    line = answer.split(b"\r\n", 1)[0].split(b" ")
    status = int(line[1]) if len(line) > 1 and line[0].startswith(b"HTTP/") and line[1].isdigit() else None
    return status, time.time() - t0, True


def documented_5xx(status, data):
    if status == 505:
        return True  # HTTP version other than 1.0 / 1.1 (CivetWeb)
    return status in (501, 502, 504) and b"/api/v1/energy/partial-reset" in data.split(b"\r\n", 1)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gridscope", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=90)
    args = ap.parse_args()
    failures = []
    srv = Server(args.gridscope, args.site, ui_web={"num_threads": 64, "request_timeout_ms": TIMEOUT_MS})
    try:
        srv.passwd("admin", "admin secret 1")
        srv.passwd("advanced", "advanced secret 1")
        cookies = [srv.login("user"), srv.login("admin", "admin secret 1"), srv.login("advanced", "advanced secret 1")]
        statuses = collections.Counter()
        deadline = time.time() + args.seconds
        done = 0

        def one(i):
            rng = random.Random(args.seed * 1_000_003 + i)
            data = make_request(rng, srv.port, cookies)
            if time.time() > deadline:
                return i, data, "skipped", 0, True
            status, took, closed = send(srv.port, data)
            return i, data, status, took, closed

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for i, data, status, took, closed in pool.map(one, range(args.count)):
                if status == "skipped":
                    continue
                done += 1
                statuses[status] += 1
                if not closed:
                    failures.append(f"request {i}: no answer and not closed within {took:.1f} s: {data[:300]!r}")
                elif status is not None and status >= 500 and not documented_5xx(status, data):
                    failures.append(f"request {i}: {status}: {data[:300]!r}")
                if i % 200 == 0 and not srv.alive():
                    failures.append(f"gridscope died around request {i}: {data[:300]!r}")
                    break
        print(f"{done} requests (seed {args.seed}) in {args.seconds - max(0, deadline - time.time()):.0f} s; "
              f"statuses: {dict(sorted(statuses.items(), key=lambda kv: str(kv[0])))}")
        if not srv.alive():
            failures.append("gridscope is not running after the fuzzing")
        else:
            status, body, _ = srv.request("GET", "/api/v1/health")
            if status != 200:
                failures.append(f"/api/v1/health after the fuzzing: {status}")
            status, body, _ = srv.request("POST", "/api/v1/login", {"profile": "user"})
            if status != 200:
                failures.append(f"a User login after the fuzzing: {status} {body}")
        if done < min(args.count, 200):
            failures.append(f"only {done} requests were sent")
    finally:
        code = srv.stop()
        if code != 0:
            failures.append(f"gridscope exit code {code} after SIGTERM")
        if failures:
            print(srv.out.decode(errors="replace")[-3000:])
    for f in failures[:30]:
        print("FAIL:", f)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ui_web HTTP fuzz test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

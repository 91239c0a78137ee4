#!/usr/bin/env python3
"""ui_web under connection pressure (issue 10): a bounded load generator on 127.0.0.1.

With the ui_web defaults (num_threads, request_timeout_ms, stream limits untouched), it holds
--idle idle TCP connections (connected, nothing sent; reopened as soon as the server closes
one) and --streams live streams over --sessions User sessions at the same time, and meanwhile
times GET /api/v1/health (a new connection every 250 ms) and an Admin session's requests
(GET /api/v1/session and /api/v1/config/site, every second). Then: how many streams one
session and the whole server accept before 429, how long the server keeps an idle connection,
a body shorter than its Content-Length and a 413, and the memory and threads of the process.

  bench/http/pressure.py --build build [--idle 500] [--streams 200] [--sessions 20] [--seconds 20]
                         [--num-threads N]   (ui_web's num_threads; default: the plugin's default)

Everything it starts it stops; every socket has a timeout.
"""
import argparse
import os
import selectors
import socket
import statistics
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(repo, "plugins", "ui_web", "tests"))
from gs_server import Server  # noqa: E402


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads", "VmSize"):
                out[key] = value.strip()
    return out


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class IdleHolder(threading.Thread):
    """Keeps `n` idle connections open; records how long the server kept each one."""

    def __init__(self, port, n):
        super().__init__(daemon=True)
        self.port, self.n = port, n
        self.sel = selectors.DefaultSelector()
        self.opened_at = {}
        self.kept = []  # seconds the server kept an idle connection
        self.failed_connects = 0
        self.stop = threading.Event()
        self.ready = threading.Event()

    def open_one(self):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", self.port))
        except OSError:
            self.failed_connects += 1
            s.close()
            return
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ)
        self.opened_at[s] = time.time()

    def run(self):
        for _ in range(self.n):
            self.open_one()
        self.ready.set()
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.1):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.kept.append(time.time() - self.opened_at.pop(s))
                    self.sel.unregister(s)
                    s.close()
                    self.open_one()
        for s in list(self.opened_at):
            s.close()

    def held(self):
        return len(self.opened_at)


class StreamHolder(threading.Thread):
    """Live streams: opened, checked (200), then read and discarded while they last."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv = srv
        self.sel = selectors.DefaultSelector()
        self.socks = []
        self.events = 0
        self.closed = 0
        self.stop = threading.Event()

    def open(self, cookie, source="diris-main"):
        """The HTTP status of a new stream (0: no answer within 10 s)."""
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(f"GET /api/v1/live/stream?source={source} HTTP/1.1\r\nHost: {self.srv.host}\r\n"
                  f"Cookie: {cookie}\r\n\r\n".encode())
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    break
                head += chunk
        except OSError:
            s.close()
            return 0
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
        if status != 200:
            s.close()
            return status
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ)
        self.socks.append(s)
        return status

    def run(self):
        while not self.stop.is_set():
            if not self.socks:
                time.sleep(0.1)
                continue
            for key, _ in self.sel.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.closed += 1
                    self.sel.unregister(key.fileobj)
                    continue
                self.events += data.count(b"event: live")

    def close_all(self):
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass


def timed(fn):
    t0 = time.perf_counter()
    try:
        ok = fn()
    except OSError:
        ok = False
    return ok, time.perf_counter() - t0


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(repo, "build"))
    ap.add_argument("--idle", type=int, default=500)
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--num-threads", type=int)
    args = ap.parse_args()
    gridscope = os.path.join(args.build, "bin", "gridscope")
    site = os.path.join(repo, "tests", "browser", "site", "site.yaml")
    srv = Server(gridscope, site, ui_web={"num_threads": args.num_threads} if args.num_threads else None)
    idle = streams = None
    try:
        code, err = srv.passwd("admin", "admin secret 1")
        if code:
            raise RuntimeError(err)
        admin_cookie, _ = srv.login("admin", "admin secret 1")
        pid = srv.proc.pid
        time.sleep(2)  # the site settles
        base = proc_status(pid)
        print(f"== gridscope {pid} started: {base}; {os.cpu_count()} cores")

        base_health = [timed(lambda: srv.request("GET", "/api/v1/health", timeout=5)[0] == 200)[1] for _ in range(20)]

        idle = IdleHolder(srv.port, args.idle)
        idle.start()
        idle.ready.wait(60)
        streams = StreamHolder(srv)
        users = [srv.login("user")[0] for _ in range(args.sessions)]
        refused = 0
        for i in range(args.streams):
            if streams.open(users[i % args.sessions]) != 200:
                refused += 1
        streams.start()
        print(f"== holding {idle.held()} idle connections (failed connects {idle.failed_connects}) and "
              f"{len(streams.socks)} live streams over {args.sessions} User sessions ({refused} refused)")

        health, admin, failures = [], [], []
        cpu0, t_start = cpu_seconds(pid), time.time()
        peak = {}
        next_admin = time.time()
        while time.time() - t_start < args.seconds:
            ok, took = timed(lambda: srv.request("GET", "/api/v1/health", timeout=10)[0] == 200)
            health.append(took)
            if not ok or took > 1.0:
                failures.append(f"health: ok={ok} {took:.3f} s")
            if time.time() >= next_admin:
                next_admin += 1
                for path in ("/api/v1/session", "/api/v1/config/site"):
                    ok, took = timed(lambda: srv.request("GET", path, cookie=admin_cookie, timeout=10)[0] == 200)
                    admin.append(took)
                    if not ok or took > 1.0:
                        failures.append(f"admin {path}: ok={ok} {took:.3f} s")
            st = proc_status(pid)
            if int(st["VmRSS"].split()[0]) > int(peak.get("VmRSS", "0 kB").split()[0]):
                peak = st
            time.sleep(0.25)
        window = time.time() - t_start
        cpu = cpu_seconds(pid) - cpu0
        print(f"== during {window:.0f} s: idle connections held {idle.held()}, streams open "
              f"{len(streams.socks) - streams.closed}, live events received {streams.events}")
        print(f"   /api/v1/health: {len(health)} requests, p50 {statistics.median(health) * 1000:.1f} ms, "
              f"p99 {pct(health, 99) * 1000:.1f} ms, max {max(health) * 1000:.1f} ms "
              f"(without load: p50 {statistics.median(base_health) * 1000:.1f} ms)")
        print(f"   Admin /session + /config/site: {len(admin)} requests, p50 {statistics.median(admin) * 1000:.1f} ms, "
              f"max {max(admin) * 1000:.1f} ms")
        print(f"   answers over 1 s or failed: {len(failures)} {failures[:5]}")
        print(f"   gridscope: RSS {peak.get('VmRSS')}, threads {peak.get('Threads')}, virtual {peak.get('VmSize')}, "
              f"CPU {cpu / window * 100:.1f} % of one core")
        if len(admin) == 0 or len(health) == 0:
            failures.append("nothing measured")
        if idle.kept:
            print(f"   idle connections closed by the server after: median {statistics.median(idle.kept):.2f} s, "
                  f"max {max(idle.kept):.2f} s ({len(idle.kept)} closed and reopened)")

        # The limits: one more session's streams until 429, then other sessions up to the total.
        extra = srv.login("user")[0]
        per_session = 0
        while per_session < 1000 and streams.open(extra) == 200:
            per_session += 1
        total = len(streams.socks) - streams.closed
        more_sessions = 0
        status = 200
        while status == 200 and total < 5000:
            cookie = srv.login("user")[0]
            more_sessions += 1
            for _ in range(per_session):
                status = streams.open(cookie)
                if status != 200:
                    break
                total += 1
        if args.streams == 0:
            return 0 if not failures else 1
        print(f"== limits: one session got {per_session} streams, then 429; all sessions {total} streams, "
              f"then {status}")
        ok, took = timed(lambda: srv.request("GET", "/api/v1/health", timeout=5)[0] == 200)
        print(f"   /api/v1/health with {total} streams and {idle.held()} idle connections: ok={ok} {took * 1000:.1f} ms")
        ok, took = timed(lambda: srv.request("GET", "/api/v1/config/site", cookie=admin_cookie, timeout=5)[0] == 200)
        print(f"   Admin /config/site: ok={ok} {took * 1000:.1f} ms")
        st = proc_status(pid)
        print(f"   gridscope: RSS {st['VmRSS']}, threads {st['Threads']}")
        streams.stop.set()
        streams.close_all()
        idle.stop.set()
        idle.join(10)

        # Slow and refused bodies.
        h = srv.host.encode()
        _, short = srv.raw(b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100\r\n\r\n{", timeout=60)
        _, big = srv.raw(b"POST /api/v1/login HTTP/1.1\r\nHost: " + h + b"\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 104857600\r\nConnection: close\r\n\r\n", timeout=60)
        _, idle_one = srv.raw(b"", timeout=60)
        print(f"== connection closed by the server: short body after {short:.2f} s, 413 after {big * 1000:.1f} ms, "
              f"idle (nothing sent) after {idle_one:.2f} s")
        print(f"== result: {'PASS' if not failures else 'FAIL'} (/health and the Admin within 1 s under load)")
        return 0 if not failures else 1
    finally:
        if streams:
            streams.stop.set()
            streams.close_all()
        if idle:
            idle.stop.set()
        srv.stop()


if __name__ == "__main__":
    sys.exit(main())

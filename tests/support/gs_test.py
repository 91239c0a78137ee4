"""The one set of helpers of gridscope's Python tests and benchmarks (standard library only):
free ports of 127.0.0.1, waiting with a deadline, checks that are counted, stopping processes
(SIGTERM, then SIGKILL; every wait bounded), the real `gridscope run` with its output kept (and
shown on failure), and HTTP to it (requests, login with its CSRF token, a cookie session).

Scripts find it from their own place, whoever runs them (ctest, scripts/test.sh, by hand):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "<relative path to>/tests/support"))
"""
import argparse
import calendar
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time


def test_arguments(*required, optional=()):
    """A test's command line: --gridscope BINARY and each option of `required` (e.g. "--site")
    are required, those of `optional` may be left out (None)."""
    ap = argparse.ArgumentParser()
    for name in ("--gridscope",) + required:
        ap.add_argument(name, required=True)
    for name in optional:
        ap.add_argument(name)
    return ap.parse_args()


# --- ports -------------------------------------------------------------------------------------

def free_ports(n):
    """n distinct free TCP ports of 127.0.0.1 (IPv4 only: the tests never listen elsewhere); all
    are held until the last one is found, so no two are the same."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    """A free TCP port of 127.0.0.1 (nobody listens there until the caller starts a server)."""
    return free_ports(1)[0]


def port_open(port):
    """Whether something accepts a TCP connection on 127.0.0.1:port (0.2 s at most)."""
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def wait_port(port, seconds=30):
    """Waits until something listens on 127.0.0.1:port; RuntimeError after `seconds`."""
    if not wait_until(lambda: port_open(port), seconds, 0.1):
        raise RuntimeError("nothing listens on 127.0.0.1:%d after %g s" % (port, seconds))


# --- waiting -----------------------------------------------------------------------------------

def wait_until(cond, seconds, interval=0.5, errors=()):
    """Calls cond() every `interval` seconds until it returns a true value, which is returned;
    after `seconds`, the value of one last call. Exceptions of the types in `errors` count as a
    false value (a server not answering yet)."""
    def attempt():
        try:
            return cond()
        except errors:
            return None
    end = time.time() + seconds
    while time.time() < end:
        value = attempt()
        if value:
            return value
        time.sleep(interval)
    return attempt()


# --- checks ------------------------------------------------------------------------------------

FAILURES = []


def check(cond, what):
    """Records a check; a failed one is kept and the test goes on."""
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def finish(name, work=None):
    """The test's exit status: 1 after any failed check, else 0. `work`, the test's own folder,
    is removed when every check passed (and GS_KEEP is not set), else kept and named."""
    if work:
        if FAILURES or os.environ.get("GS_KEEP"):
            print("kept " + work, flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{name}: {len(FAILURES)} failure(s)", flush=True)
        return 1
    print(f"{name}: all checks passed", flush=True)
    return 0


# --- processes ---------------------------------------------------------------------------------

def stop_process(proc, timeout=20, sig=signal.SIGTERM):
    """`sig` (SIGTERM), then SIGKILL after `timeout` seconds; the exit status (None: no process)."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


def kill_all(procs):
    """SIGKILL to each process of `procs` still running (the end of a test, whatever happened)."""
    for p in procs:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait(timeout=10)


def outage(server, seconds, name):
    """`server` (anything with stop() and start()) stopped for `seconds`, then started again:
    the time it was back (time.time())."""
    server.stop()
    down_from = time.time()
    time.sleep(seconds)
    server.start()
    back = time.time()
    print(f"{name} down {back - down_from:.0f} s", flush=True)
    return back


class ReadyServer:
    """A test server started as `command` that prints `READY <port>` once it listens (e.g.
    libs/publish/tests/ftp_server.py, plugins/exporter_influxdb/tests/v2_server.py); the rest
    of its output is read and dropped. stop() kills it."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"READY (\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(" ".join(command) + " did not start: " + line)
        self.port = int(m.group(1))
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stop(self):
        kill_all([self.proc])


def ms_of_utc(text):
    """'2026-12-03T17:27:31.123Z' (any number of fraction digits) -> ms since the epoch."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$", text)
    whole = calendar.timegm(tuple(int(g) for g in m.groups()[:6]))
    return whole * 1000 + int(((m.group(7) or "") + "000")[:3])


def gridscope_check(gridscope, site, text=None, plugin_dir=None):
    """`gridscope check --config SITE` (the site file written with `text` first, when given): the
    CompletedProcess, text mode (60 s at most)."""
    if text is not None:
        with open(site, "w") as f:
            f.write(text)
    command = [gridscope, "check", "--config", site]
    if plugin_dir:
        command += ["--plugin-dir", plugin_dir]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def gridscope_query(gridscope, site, data_dir, *args, plugin_dir=None):
    """`gridscope query` on a site and its store (works while it runs): its JSON;
    RuntimeError with its stderr when it fails."""
    command = [gridscope, "query", "--config", site, "--data-dir", data_dir, *args]
    if plugin_dir:
        command += ["--plugin-dir", plugin_dir]
    r = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("gridscope query " + " ".join(args) + " failed: " + r.stderr)
    return json.loads(r.stdout)


def stored_points(gridscope, site, data_dir, source, circuit, data, plugin_dir=None):
    """The points ({"time", "value", "quality", ...}) the store holds for source/circuit/data
    over all time, read with `gridscope query`; [] while the series does not exist."""
    series = [s for s in gridscope_query(gridscope, site, data_dir, "--format", "json",
                                         plugin_dir=plugin_dir)
              if s.get("source") == source and s.get("circuit") == circuit
              and s.get("data") == data]
    if not series:
        return []
    return gridscope_query(gridscope, site, data_dir, "--series", str(series[0]["id"]), "--from",
                           "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--format",
                           "json", plugin_dir=plugin_dir)


class Gridscope(subprocess.Popen):
    """`gridscope run --config SITE --data-dir DATA [--plugin-dir D] [--http-port P] [ARGS]`: the
    caller gives a private data folder. Its output (stdout and stderr) is read all the time (a
    full pipe would block its logging) into .out, and appended to the file `log` when given. A
    Popen: poll(), wait(), send_signal(), kill(), returncode work as usual."""

    def __init__(self, binary, site, data_dir, plugin_dir=None, http_port=None, log=None,
                 env=None, args=()):
        command = [binary, "run", "--config", site, "--data-dir", data_dir]
        if plugin_dir:
            command += ["--plugin-dir", plugin_dir]
        if http_port:
            command += ["--http-port", str(http_port)]
        super().__init__(command + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=env)
        self._out = bytearray()  # grows in place: a long run's output is not copied each time
        self._log = open(log, "ab") if log else None
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self):
        try:
            while True:
                chunk = os.read(self.stdout.fileno(), 65536)
                if not chunk:
                    return
                self._out += chunk
                if self._log:
                    self._log.write(chunk)
                    self._log.flush()
        finally:
            if self._log:
                self._log.close()

    @property
    def out(self):
        """The output so far, as bytes."""
        return bytes(self._out)

    def text(self):
        """The output so far, as text."""
        return self._out.decode(errors="replace")

    def wait_ready(self, seconds=60):
        """Waits for the kernel's "gridscope: ready" line; if it does not come within `seconds`
        or the process ends, stops it and raises RuntimeError with the end of its output."""
        ready = wait_until(lambda: b"gridscope: ready" in self._out or self.poll() is not None,
                           seconds, 0.1)
        if not ready or b"gridscope: ready" not in self._out:
            self.stop()
            raise RuntimeError("gridscope did not start:\n" + self.text()[-3000:])

    def stop(self, timeout=20, sig=signal.SIGTERM):
        """stop_process(), then the rest of its output read; the exit status."""
        code = stop_process(self, timeout, sig)
        self._reader.join(timeout=5)
        return code


# --- HTTP --------------------------------------------------------------------------------------

def http_request(port, method, path, body=None, headers=None, cookie=None, csrf=None,
                 raw_body=None, timeout=10):
    """One request on a new connection to 127.0.0.1:port: (status, answer, response). `body` is
    sent as JSON, `raw_body` as it is. The answer is the parsed JSON, else the bytes (of a live
    stream, the first 64); response.raw_body holds the bytes either way."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    data = raw_body
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        if r.getheader("Content-Type", "").startswith("text/event-stream"):
            payload = r.read(64) if method != "HEAD" else b""
        else:
            payload = r.read()
    finally:
        conn.close()
    r.raw_body = payload
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = payload
    return r.status, parsed, r


def login(port, profile, password=None):
    """POST /api/v1/login: (session cookie, CSRF token); RuntimeError unless 200."""
    status, body, r = http_request(port, "POST", "/api/v1/login",
                                   {"profile": profile, "password": password or ""})
    if status != 200:
        raise RuntimeError(f"login {profile}: {status} {r.raw_body[:200]!r}")
    return r.getheader("Set-Cookie", "").split(";")[0], body["csrf_token"]


class Session:
    """A browser's session on /api/v1 of 127.0.0.1:port: keeps the session cookie it is given,
    sends it with an Origin header, and the CSRF token once logged in."""

    def __init__(self, port, timeout=10):
        self.port, self.timeout = port, timeout
        self.cookie, self.csrf = "", ""

    def call(self, method, path, body=None, raw=False):
        """(status, answer text), or the answer's bytes when raw."""
        headers = {"Origin": f"http://127.0.0.1:{self.port}"}
        status, _, r = http_request(self.port, method, "/api/v1" + path, body, headers,
                                    self.cookie, self.csrf, timeout=self.timeout)
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("gs_session="):
                self.cookie = v.split(";")[0]
        return status, r.raw_body if raw else r.raw_body.decode()

    def login(self, profile, password=""):
        """Logs in (AssertionError unless 200); keeps the cookie and the CSRF token."""
        status, text = self.call("POST", "/login", {"profile": profile, "password": password})
        assert status == 200, text
        self.csrf = json.loads(text)["csrf_token"]


class WebSite:
    """The real `gridscope run` of a site with ui_web on a free port of 127.0.0.1 (Gridscope; the
    caller gives the site file and a private data folder). Ready once it said "gridscope: ready"
    (`ready_s` at most) and /api/v1/health answered 200 (20 s at most); else stopped, and
    RuntimeError with the end of its output."""

    def __init__(self, binary, site, data_dir, plugin_dir=None, log=None, env=None, ready_s=60,
                 stop_s=20):
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.stop_s = stop_s
        self.proc = Gridscope(binary, site, data_dir, plugin_dir=plugin_dir, http_port=self.port,
                              log=log, env=env)
        self.proc.wait_ready(ready_s)
        if not wait_until(lambda: self.request("GET", "/api/v1/health")[0] == 200, 20, 0.05,
                          errors=(OSError,)):
            self.proc.stop(self.stop_s)
            raise RuntimeError("/api/v1/health never answered:\n" + self.proc.text()[-3000:])

    @property
    def out(self):
        return self.proc.out

    def request(self, method, path, body=None, headers=None, cookie=None, csrf=None,
                raw_body=None, timeout=10):
        """http_request() to this server: (status, answer, response)."""
        return http_request(self.port, method, path, body, headers, cookie, csrf, raw_body,
                            timeout)

    def login(self, profile, password=None):
        """(session cookie, CSRF token) of a login; RuntimeError unless 200."""
        return login(self.port, profile, password)

    def raw(self, data, timeout=10, read_until_close=True):
        """Sends bytes as they are on a new connection; returns (answer bytes, seconds until
        the server closed the connection, or None if it did not within `timeout`)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            t0 = time.time()
            s.sendall(data)
            answer = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    return answer, None
                except ConnectionResetError:
                    return answer, time.time() - t0
                if not chunk:
                    return answer, time.time() - t0
                answer += chunk
                if not read_until_close and b"\r\n\r\n" in answer:
                    return answer, None

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM, SIGKILL after stop_s seconds; the exit status."""
        return self.proc.stop(self.stop_s)

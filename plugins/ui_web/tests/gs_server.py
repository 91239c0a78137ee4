"""The real `gridscope run` with ui_web on a free 127.0.0.1 port, for the Python tests of ui_web
(api_test.py, hardening_test.py, history_test.py, http_fuzz.py) and bench/http/pressure.py. Readiness: the kernel's
"gridscope: ready" line, then /api/v1/health. Bounded: every wait has a deadline; stop() sends
SIGTERM, then SIGKILL. The site file is a copy of tests/browser/site/site.yaml with its profile
folder made absolute and `ui_web` settings added; its data folder is private.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FAILURES = []


def check(cond, what):
    """Records a check; a failed one is kept and the test goes on."""
    print(("ok:   " if cond else "FAIL: ") + what)
    if not cond:
        FAILURES.append(what)


def finish(name):
    """The test's exit code: 1 after any failed check, else 0."""
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print(f"{name}: all checks passed")
    return 0


def stop_process(proc, timeout=20):
    """SIGTERM, then SIGKILL after `timeout` seconds; waits for the end either way."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def gridscope_query(gridscope, srv, *extra):
    """`gridscope query` on the server's site and store (works while it runs), its JSON."""
    r = subprocess.run([gridscope, "query", "--config", srv.site, "--data-dir", srv.data_dir, *extra],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("gridscope query failed: " + r.stderr)
    return json.loads(r.stdout)


def site_copy(site, folder, ui_web=None, plugins=None):
    """tests/browser/site/site.yaml into `folder`, with extra ui_web keys (a dict of YAML text)
    and extra plugin sections (a dict of plugin id to inline YAML, {"storage_rocksdb": "{}"})."""
    text = open(site).read()
    here = os.path.dirname(os.path.abspath(site))
    text = text.replace("profiles: [profiles]", f"profiles: [{os.path.join(here, 'profiles')}]")
    for key, value in (ui_web or {}).items():
        text = re.sub(r"(\n  ui_web:\n)", rf"\1    {key}: {value}\n", text, count=1)
    for plugin, value in (plugins or {}).items():  # `plugins:` is the file's last section
        text = text.rstrip("\n") + f"\n  {plugin}: {value}\n"
    path = os.path.join(folder, "site.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class Server:
    def __init__(self, gridscope, site, ui_web=None, env=None, plugins=None):
        self.gridscope = gridscope
        self.dir = tempfile.mkdtemp(prefix="gs-ui-test-")
        self.site = site_copy(site, self.dir, ui_web, plugins)
        self.data_dir = os.path.join(self.dir, "data")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.out = b""
        self.proc = subprocess.Popen(
            [gridscope, "run", "--config", self.site, "--data-dir", self.data_dir, "--http-port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        # Its output is read all the time: a full pipe would block the server's logging.
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        deadline = time.time() + 60
        while b"gridscope: ready" not in self.out:
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("gridscope did not start:\n" + self.out.decode(errors="replace"))
            time.sleep(0.1)
        deadline = time.time() + 20
        while True:
            try:
                if self.request("GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("/api/v1/health never answered")
            time.sleep(0.05)

    def _read_output(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return
            self.out += chunk

    def request(self, method, path, body=None, headers=None, cookie=None, csrf=None, raw_body=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
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
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload
        return r.status, parsed, r

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

    def login(self, profile, password=None):
        status, body, r = self.request("POST", "/api/v1/login", {"profile": profile, "password": password or ""})
        if status != 200:
            raise RuntimeError(f"login {profile}: {status} {body}")
        return r.getheader("Set-Cookie", "").split(";")[0], body["csrf_token"]

    def passwd(self, profile, password):
        """`gridscope passwd`; returns (exit code, stderr)."""
        r = subprocess.run([self.gridscope, "passwd", "--config", self.site, "--data-dir", self.data_dir,
                            "--profile", profile], input=f"{password}\n{password}\n", text=True,
                           capture_output=True, timeout=60)
        return r.returncode, r.stderr

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        stop_process(self.proc)
        self._reader.join(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode

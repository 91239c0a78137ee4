"""Helpers shared by exporter_mqtt's broker tests: Debian's mosquitto on a free port of
127.0.0.1 with a private config (password file u/p, persistence in a private folder), waiting,
and the samples the store holds (read with `gridscope query`)."""
import calendar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def clean_up(work, procs, stoppable):
    """Kills the processes a test started, stops its subscribers and brokers (None skipped),
    removes its folder when every check passed (else keeps it and says so); the exit status."""
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)
    for s in stoppable:
        if s:
            s.stop()
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept " + work)
    print("FAILED: %d" % len(failures) if failures else "all passed")
    return 1 if failures else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.5)
    return cond()


def prepare_broker_dir(work):
    """The password file (user u, password p) and the persistence folder of a Broker."""
    os.makedirs(os.path.join(work, "persist"), exist_ok=True)
    subprocess.run(["mosquitto_passwd", "-c", "-b", os.path.join(work, "passwd"), "u", "p"],
                   check=True, capture_output=True)


class Broker:
    def __init__(self, work, port, tls_port=None, extra=""):
        self.work, self.port, self.tls_port, self.extra = work, port, tls_port, extra
        self.proc = None

    def start(self):
        conf = os.path.join(self.work, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"user root\nper_listener_settings false\nallow_anonymous false\n"
                    f"password_file {self.work}/passwd\n"
                    f"persistence true\npersistence_location {self.work}/persist/\n"
                    f"autosave_interval 1\nlog_dest file {self.work}/mosquitto.log\n"
                    f"{self.extra}listener {self.port} 127.0.0.1\n")
            if self.tls_port:
                f.write(f"listener {self.tls_port} 127.0.0.1\ncafile {self.work}/cert.pem\n"
                        f"certfile {self.work}/cert.pem\nkeyfile {self.work}/key.pem\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        end = time.time() + 10
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # saves the persistent sessions
            self.proc.wait(10)


def start_site(gridscope, plugin_dir, site, data, log):
    return subprocess.Popen([gridscope, "run", "--config", site, "--data-dir", data,
                             "--plugin-dir", plugin_dir], stdout=log, stderr=subprocess.STDOUT)


def ms_of_utc(text):
    """'2026-12-03T17:27:31.123Z' (any number of fraction digits) -> ms since the epoch."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$", text)
    whole = calendar.timegm(tuple(int(g) for g in m.groups()[:6]))
    return whole * 1000 + int(((m.group(7) or "") + "000")[:3])


def stored_points(gridscope, plugin_dir, site, data, source, circuit, name):
    """[(ms, value)] the store holds for source/circuit/name, read with `gridscope query`."""
    r = subprocess.run([gridscope, "query", "--config", site, "--data-dir", data,
                        "--plugin-dir", plugin_dir, "--format", "json"],
                       capture_output=True, text=True, timeout=60)
    series = [s for s in json.loads(r.stdout)
              if s.get("source") == source and s.get("circuit") == circuit
              and s.get("data") == name]
    if not series:
        raise RuntimeError("no series %s/%d/%s: %s%s" % (source, circuit, name, r.stdout[:300],
                                                         r.stderr[:300]))
    r = subprocess.run([gridscope, "query", "--config", site, "--data-dir", data, "--plugin-dir",
                        plugin_dir, "--series", str(series[0]["id"]), "--from",
                        "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--format",
                        "json"], capture_output=True, text=True, timeout=60)
    return [(ms_of_utc(p["time"]), p.get("value")) for p in json.loads(r.stdout)]

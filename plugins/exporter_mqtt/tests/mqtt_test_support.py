"""Helpers shared by exporter_mqtt's broker tests: Debian's mosquitto on a free port of
127.0.0.1 with a private config (password file u/p, persistence in a private folder; the
launcher is tests/integration/mqtt_broker.py), waiting, and the samples the store holds (read
with `gridscope query`)."""
import calendar
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../tests/integration"))
import mqtt_broker  # noqa: E402
from mqtt_broker import free_port  # noqa: E402,F401 (the tests import it from here)

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


def Broker(work, port, tls_port=None, extra=""):
    """mosquitto with the password file and persistence of prepare_broker_dir()."""
    return mqtt_broker.Broker(work, port, tls_port=tls_port, extra=extra, secured=True)


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

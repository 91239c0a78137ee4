#!/usr/bin/python3
"""exporter_files against a real FTP server (libs/publish/tests/ftp_server.py, pyftpdlib) on
127.0.0.1, with the real gridscope process, the example virtual meter and storage_rocksdb.

  test_exporter_files.py GRIDSCOPE PLUGIN_DIR SOURCE_DIR

1. A wrong plans entry: `gridscope check` names file:line:column and the key.
2. The site runs and sends index (all devices), measurement (per device) and alarm files every
   30 s;
   `gridscope publish` refuses while the site runs; kill -9 of gridscope, restart with the FTP
   server down, server back: every period's files arrive, in order, complete, none missing
   and no temporary name left; the outage's events reach the store and an alarms file.
3. Site stopped: `gridscope publish --now` with a wrong password reports the error per file and
   moves no cursor; with the right one prints [{"file","type","rows","bytes","status"}] with
   status "sent" for the same files, whose sizes match what the server holds.
"""
import calendar
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_test import Gridscope, ReadyServer, check, finish, kill_all, wait_until  # noqa: E402

GRIDSCOPE, PLUGIN_DIR, SOURCE_DIR = sys.argv[1:4]
FTP_SERVER = os.path.join(SOURCE_DIR, "libs/publish/tests/ftp_server.py")
PERIOD = 30


def site_text(port, password="p", plans=None):
    plans = plans or ("      - {type: index, every: 30s, files: all}\n"
                      "      - {type: measurement, every: 30s, files: per_device}\n"
                      "      - {type: alarms, every: 30s, files: all}\n")
    return ("site: {name: Publish test, timezone: Europe/Paris}\n"
            "sources:\n"
            "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
            "     circuits: [{index: 1, models: [metered_energy, metrology]}]}\n"
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  exporter_files:\n"
            "    identification: {site: Demo building, server: box-01}\n"
            f"    server: {{protocol: ftp, host: 127.0.0.1, port: {port}, user: u, "
            f"password: {password},\n"
            "             directory: /in, passive: true}\n"
            "    plans:\n" + plans)


def Ftp(root, port=0):
    """libs/publish/tests/ftp_server.py (user u, password p) serving `root`."""
    return ReadyServer(["/usr/bin/python3", FTP_SERVER, "--root", root, "--port", str(port),
                        "--quiet"])


def gridscope(*args, **kw):
    return subprocess.run([GRIDSCOPE, *args, "--plugin-dir", PLUGIN_DIR], capture_output=True,
                          text=True, timeout=120, **kw)


def csv_files(root):
    d = os.path.join(root, "in")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def period_end(name):
    return re.search(r"_(\d{14})\.csv$", name).group(1)


def complete(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\r\n")
    return (data.endswith(b"\r\n") and lines[0] == b"site;Demo building"
            and any(l.startswith(b"local time;UTC offset;") for l in lines))


def main():
    work = tempfile.mkdtemp(prefix="gs_exporter_files_")
    root = os.path.join(work, "ftp")
    os.makedirs(root)
    site, data = os.path.join(work, "site.yaml"), os.path.join(work, "data")
    ftp = Ftp(root)
    procs = []
    try:
        # 1. Bad config: gridscope check names file:line:column and the key.
        with open(site, "w") as f:
            f.write(site_text(ftp.port, plans="      - {type: index, every: 30s, files: all}\n"
                              "      - {type: index, every: 10s, files: all}\n"))
        r = gridscope("check", "--config", site)
        err = r.stderr
        check(r.returncode == 1, "check refuses a 10 s plan (exit %d)" % r.returncode)
        check(re.search(re.escape(site) + r":13:\d+: field 'plugins\.exporter_files\.plans\.1\."
                        r"every'", err) is not None, "the error names site.yaml:13 and "
                        "plugins.exporter_files.plans.1.every: " + err.strip()[:300])

        # 2. The running site sends; kill -9; restart with the server away; server back.
        with open(site, "w") as f:
            f.write(site_text(ftp.port))
        r = gridscope("check", "--config", site)
        check(r.returncode == 0, "check accepts the issue's form: " + r.stderr.strip()[:300])
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run1.log"))
        procs.append(run)
        # The first run sends the last complete period, then one file set per 30 s.
        check(wait_until(lambda: len([n for n in csv_files(root) if "_index_" in n]) >= 2,
                         3 * PERIOD + 10), "index files arrive while the site runs")
        r = gridscope("publish", "--config", site, "--data-dir", data, "--now",
                      "--format", "json")
        check(r.returncode == 1 and "the site is running" in r.stderr,
              "publish refuses while the site runs: " + r.stderr.strip()[:200])
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        before = csv_files(root)
        port = ftp.port
        ftp.stop()
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run2.log"))
        procs.append(run)
        time.sleep(PERIOD + 15)  # at least one period due while the server is away
        ftp = Ftp(root, port)
        down_until = time.time()
        # Backoff: 5 s doubling, each delay in its upper half: the server is found again
        # within ~80 s; then every missed period goes out.
        def caught_up():
            names = [n for n in csv_files(root) if "_index_" in n]
            return names and period_end(names[-1]) >= time.strftime(
                "%Y%m%d%H%M%S", time.gmtime((int(down_until) // PERIOD) * PERIOD))
        check(wait_until(caught_up, 120), "every file missed while the server was away arrives")
        # The "restored" event is raised right after those files went out: let it reach the
        # store before the stop (one raised in the same millisecond as a SIGTERM can be lost:
        # see the closing note of session 5).
        time.sleep(2)
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        names = csv_files(root)
        check(not [n for n in names if n.endswith(".tmp")], "no temporary name is left")
        index = [n for n in names if "_index_all_" in n]
        measure = [n for n in names if "_measurement_m1_" in n]
        ends = [calendar.timegm((time.strptime(period_end(n), "%Y%m%d%H%M%S"))) for n in index]
        check(len(ends) >= 3 and all(b - a == PERIOD for a, b in zip(ends, ends[1:])),
              "index periods are contiguous, none missing: %s" % index)
        check({period_end(n) for n in measure} == {period_end(n) for n in index},
              "a measurement file for every index period")
        check(all(complete(os.path.join(root, "in", n)) for n in names),
              "every file is complete")
        check(set(before) <= set(names), "files sent before the kill are kept")

        # 3. gridscope publish --now, site stopped.
        time.sleep(PERIOD - time.time() % PERIOD + 1)  # a new period is due
        with open(site, "w") as f:
            f.write(site_text(ftp.port, password="wrong"))
        r = gridscope("publish", "--config", site, "--data-dir", data, "--now",
                      "--format", "json")
        out = json.loads(r.stdout or "[]")
        check(r.returncode == 1 and out and "530" in out[0]["status"],
              "a wrong password is reported per file: %s" % out)
        refused = out[0]["file"] if out else None
        with open(site, "w") as f:
            f.write(site_text(ftp.port))
        r = gridscope("publish", "--config", site, "--data-dir", data, "--now",
                      "--format", "json")
        out = json.loads(r.stdout or "[]")
        check(r.returncode == 0 and len(out) >= 2, "publish --now sends: %s %s" % (out, r.stderr))
        check(out and out[0]["file"] == refused, "the refused file is sent first: nothing lost")
        check(all(sorted(e) == ["bytes", "file", "rows", "status", "type"] for e in out),
              "entries have exactly file, type, rows, bytes, status")
        check(all(e["status"] == "sent" and e["type"] in ("index", "measurement", "alarms")
                  and isinstance(e["rows"], int) and (e["rows"] == 1 or e["type"] == "alarms")
                  for e in out),
              "status sent, type and rows")
        check(all(os.path.getsize(os.path.join(root, "in", e["file"])) == e["bytes"]
                  for e in out), "bytes match the files the server holds")
        r = gridscope("publish", "--config", site, "--data-dir", data, "--now",
                      "--format", "json")
        check(r.returncode == 0 and json.loads(r.stdout) == [],
              "nothing is due right after: %s" % r.stdout.strip())
        def alarm_text():
            return "".join(open(os.path.join(root, "in", n), encoding="utf-8").read()
                           for n in csv_files(root) if "_alarms_all_" in n)

        # The "restored" event may fall in the 30-s period still open: once it has ended, a
        # publish sends its alarms file (bounded wait).
        deadline = time.time() + 45
        while "exporter_files.restored" not in alarm_text() and time.time() < deadline:
            time.sleep(5)
            gridscope("publish", "--config", site, "--data-dir", data, "--now", "--format", "json")
        alarms = alarm_text()
        check("exporter_files.unreachable" in alarms and "exporter_files.restored" in alarms,
              "the outage was raised as events, stored, and sent in alarms files")
    finally:
        kill_all(procs)
        ftp.stop()
    return finish("exporter_files servers test", work)


sys.exit(main())

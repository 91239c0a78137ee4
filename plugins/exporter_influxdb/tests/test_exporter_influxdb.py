#!/usr/bin/python3
"""exporter_influxdb against Debian's influxdb 1.6 (v1 API; private config, meta, data and wal
folders, HTTP and RPC bind addresses on free ports of 127.0.0.1) and a Python stand-in for the
v2 write endpoint (tests/v2_server.py), with the real gridscope process, the example virtual
meter and storage_rocksdb.

  test_exporter_influxdb.py GRIDSCOPE PLUGIN_DIR
  GS_INFLUX_OUTAGE_S (default 20): how long the database stays down (the issue says 5 minutes)

1. `gridscope check` accepts the issue's exact form; api v2 without its token is refused.
2. v1: kill -9 of gridscope while writing, restart; influxd down GS_INFLUX_OUTAGE_S, back: every
   sample the store holds for m1 is in the database with its original timestamp and its tags.
3. v1, a real 400 (a field type conflict): each refused batch is parked once, delivery goes on.
4. v2 stand-in: token, org, bucket, gzip; the first batch answered 400 is parked with an event
   and never sent again; two 429 with Retry-After: 2 are waited out; then the lines arrive.
"""
import glob
import os
import re
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../tests/support"))
sys.path.insert(0, os.path.join(HERE, "../../../tests/integration"))
from gs_test import (Gridscope, ReadyServer, check, finish, gridscope_check,  # noqa: E402
                     kill_all, ms_of_utc, outage, stored_points, wait_until)
from influxd import Influxd  # noqa: E402

GRIDSCOPE, PLUGIN_DIR = sys.argv[1:3]
OUTAGE_S = float(os.environ.get("GS_INFLUX_OUTAGE_S", "20"))


ISSUE_FORM = """plugins:
  exporter_influxdb:
    url: http://127.0.0.1:8086
    api: v1                 # v1: database; v2: org, bucket, token
    database: gridscope
"""


def site_text(exporter):
    return ("site: {name: Influx test, timezone: Europe/Paris}\n"
            "sources:\n"
            "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
            "     circuits: [{index: 1, models: [metered_energy, metrology]}]}\n"
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  exporter_influxdb:\n" + exporter +
            "    retry: {initial_ms: 500, max_ms: 4000}\n")


def stored_ts_ms(site, data, name):
    """The timestamps (ms) the store holds for m1/1/<name>, read with `gridscope query`."""
    return [ms_of_utc(p["time"])
            for p in stored_points(GRIDSCOPE, site, data, "m1", 1, name, PLUGIN_DIR)]


def run_for(site, data, work, name, seconds):
    """The site run for `seconds`, then stopped: its output."""
    run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, name + ".log"))
    time.sleep(seconds)
    run.stop(30)
    return run.text()


def main():
    work = tempfile.mkdtemp(prefix="gs_exporter_influxdb_")
    influx = Influxd(work)
    procs = []
    v2 = None
    try:
        # 1. The issue's exact form; a v2 section without its token.
        site = os.path.join(work, "form.yaml")
        r = gridscope_check(GRIDSCOPE, site, "site: {name: Form, timezone: UTC}\nsources: []\n" +
                            ISSUE_FORM, PLUGIN_DIR)
        check(r.returncode == 0, "check accepts the issue's form: " + r.stderr.strip()[:300])
        r = gridscope_check(GRIDSCOPE, site, "site: {name: Form, timezone: UTC}\nsources: []\n"
                            "plugins:\n  exporter_influxdb: {url: 'http://127.0.0.1:8086', api: v2, "
                            "org: o, bucket: b}\n", PLUGIN_DIR)
        check(r.returncode != 0 and "'token'" in r.stderr,
              "api v2 without a token is refused: " + r.stderr.strip()[:300])

        # 2. v1 against influxd: kill -9, restart, outage.
        influx.start()
        influx.query("CREATE DATABASE gridscope")
        site, data = os.path.join(work, "site.yaml"), os.path.join(work, "gs-data")
        with open(site, "w") as f:
            f.write(site_text(f"    url: http://127.0.0.1:{influx.http}\n    api: v1\n"
                              "    database: gridscope\n"))
        q = "SELECT value FROM IPSumInst WHERE source = 'm1' AND circuit = '1'"
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run1.log"))
        procs.append(run)
        check(wait_until(lambda: len(influx.rows(q, "gridscope")) >= 5, 30),
              "points arrive in influxd")
        tags = influx.query("SHOW TAG KEYS FROM IEaPInst", "gridscope")
        keys = sorted(v[0] for v in tags["results"][0]["series"][0]["values"])
        check(keys == ["circuit", "site", "source", "unit"], "tags site, source, circuit, unit: "
              "%s" % keys)
        units = influx.rows("SHOW TAG VALUES FROM IEaPInst WITH KEY = unit", "gridscope")
        sites = influx.rows("SHOW TAG VALUES FROM IEaPInst WITH KEY = site", "gridscope")
        check(units and units[0][1] == "Wh" and sites and sites[0][1] == "Influx test",
              "unit and site tags: %s %s" % (units, sites))
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        time.sleep(2)
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run2.log"))
        procs.append(run)
        time.sleep(4)
        back = outage(influx, OUTAGE_S, "influxd")

        def caught_up():
            rows = influx.rows(q + " ORDER BY time DESC LIMIT 1", "gridscope")
            return rows and rows[0][0] >= (back + 2) * 1000

        check(wait_until(caught_up, 60 + OUTAGE_S / 2), "the outage is caught up afterwards")
        time.sleep(2)
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        check(run.returncode == 0, "gridscope stops cleanly (exit %s)" % run.returncode)
        in_db = [r[0] for r in influx.rows(q, "gridscope")]
        last = max(in_db)
        stored = [t for t in stored_ts_ms(site, data, "IPSumInst") if t <= last]
        missing = sorted(set(stored) - set(in_db))
        check(len(stored) > OUTAGE_S and not missing,
              "every stored sample up to the last written is in the database: %d stored, %d "
              "in the database, missing %s" % (len(stored), len(in_db), missing[:10]))
        check(set(in_db) <= set(stored_ts_ms(site, data, "IPSumInst")),
              "every timestamp in the database is an original, stored one")

        # 3. A real 400 from influxd: IPSumInst's field `value` is a string in this database.
        influx.query("CREATE DATABASE conflict")
        influx.write("conflict", 'IPSumInst,source=x value="text"')
        site3, data3 = os.path.join(work, "site3.yaml"), os.path.join(work, "gs-data3")
        with open(site3, "w") as f:
            f.write(site_text(f"    url: http://127.0.0.1:{influx.http}\n    api: v1\n"
                              "    database: conflict\n"))
        text = run_for(site3, data3, work, "run3", 8)
        parked = sorted(glob.glob(os.path.join(data3, "exporter_influxdb/parked/*.lp")))
        firsts = [int(os.path.basename(p).split("-")[0]) for p in parked]
        check(parked and len(firsts) == len(set(firsts)),
              "influxd's 400 batches are parked, each once: %s" % [os.path.basename(p)
                                                                  for p in parked])
        check(text.count("refused a batch") == len(parked), "one log line per parked batch")
        other = influx.rows("SELECT count(value) FROM IEaPInst", "conflict")
        check(other and other[0][1] > 0, "the points without conflict were written (partial "
              "write): %s" % other)
        influx.stop()

        # 4. The v2 stand-in: 400 once (parked), 429 twice (Retry-After: 2), then 204.
        out = os.path.join(work, "v2.lp")
        v2 = ReadyServer(["/usr/bin/python3", os.path.join(HERE, "v2_server.py"), "--org",
                          "acme", "--bucket", "energy", "--token", "s3cret", "--out", out,
                          "--reject-first", "1", "--busy-first", "2"])
        port = v2.port
        site4, data4 = os.path.join(work, "site4.yaml"), os.path.join(work, "gs-data4")
        with open(site4, "w") as f:
            f.write(site_text(f"    url: http://127.0.0.1:{port}\n    api: v2\n    org: acme\n"
                              "    bucket: energy\n    token: s3cret\n"))
        t0 = time.time()
        text = run_for(site4, data4, work, "run4", 14)
        statuses = [l.split()[0] for l in open(out + ".log")]
        check(statuses[:3] == ["400", "429", "429"] and set(statuses[3:]) == {"204"},
              "400, 429, 429, then 204 only: %s" % statuses)
        check(len(statuses) <= 3 + 14, "nothing is retried in a loop (%d requests)"
              % len(statuses))
        parked = glob.glob(os.path.join(data4, "exporter_influxdb/parked/*.lp"))
        check(len(parked) == 1, "the 400 batch is parked: %s" % parked)
        check("exporter_influxdb.batch_parked" in open(os.path.join(work, "run4.log")).read()
              or "refused a batch" in text, "the parked batch is reported")
        lines = open(out).read().splitlines()
        good = [l for l in lines if re.match(
            r"IPSumInst,circuit=1,site=Influx\\ test,source=m1,unit=W value=[-0-9.e+]+ \d{19}$",
            l)]
        check(len(good) >= 3, "v2 lines in line protocol with ns timestamps: %s" % lines[:2])
        ts = [int(l.rsplit(" ", 1)[1]) for l in good]
        check(ts == sorted(ts), "in order")
        parked_lines = open(parked[0]).read().splitlines() if parked else []
        check(parked_lines and not set(parked_lines) & set(lines),
              "the parked lines were not sent again")
        del t0
    finally:
        kill_all(procs)
        if v2:
            v2.stop()
        influx.stop()
    return finish("exporter_influxdb servers test", work)


if __name__ == "__main__":
    sys.exit(main())

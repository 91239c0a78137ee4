#!/usr/bin/python3
"""The Alarms and events page's API with 100,000 stored rows (issue 14 item 5): the time of
GET /api/v1/alarms pages (filtered, deep, with KPIs) and of GET /alarms/export, through the real
`gridscope run`.

bench_alarms_seed fills <data>/alarms/ with 90,000 finished alarm records (4 limit rules of
each criticality over 10 virtual meters, raised, returned to normal and acknowledged) and
10,000 ended voltage dips, through libs/alarms' engine; then the site starts on that folder
(in /dev/shm) and a User session times each request, one at a time, from the request to the
last byte of the answer (Python's http.client on 127.0.0.1). Prints a Markdown table.

    /usr/bin/python3 bench/alarms/page_latency.py --build build [--repeat 30]
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
from gs_test import Gridscope, Session, free_port  # noqa: E402

SOURCES = 10
SITE_HEAD = "site: {name: Bench, timezone: Europe/Paris}\nsources:\n" + "".join(
    f"  - {{name: m{i}, profile: examples/virtual-meter, period_ms: 1000}}\n"
    for i in range(SOURCES))
# Virtual meters stay near 50 Hz and 230 V: nothing fires while the bench runs.
RULES = """plugins:
  ui_web: {}
alarms:
  - {name: f-low, data: IFreqInst, high: 1000, criticality: low}
  - {name: f-medium, data: IFreqInst, high: 1100, criticality: medium}
  - {name: f-high, data: IFreqInst, high: 1200, criticality: high}
  - {name: f-critical, data: IFreqInst, high: 1300, criticality: critical}
  - {name: en50160, kind: voltage_events, nominal_v: 230}
"""

CASES = [
    ("first page, no filter", "/alarms?type=all&limit=50"),
    ("first page + KPIs", "/alarms?type=all&limit=50&kpis=1"),
    ("filtered: source m3, high, acknowledged", "/alarms?source=m3&criticality=high&status=acked&limit=50"),
    ("filtered: events (dips) only", "/alarms?type=event&category=dip&limit=50"),
    ("filtered: a period of 6 h", None),  # filled in main(): the period's middle
    ("deep page: rows 99,951-100,000", "/alarms?type=all&offset=99950&limit=50"),
]


def timed(s, path, repeat):
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        status, body = s.call("GET", path, raw=True)
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, (path, status, body[:200])
        size = len(body)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    binary = os.path.join(args.build, "bin", "gridscope")
    seeder = os.path.join(args.build, "bin", "bench_alarms_seed")
    tmp = tempfile.mkdtemp(prefix="gs-alarms-page-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    site, data = os.path.join(tmp, "site.yaml"), os.path.join(tmp, "data")
    with open(site, "w") as f:
        f.write(SITE_HEAD + RULES)
    os.makedirs(os.path.join(data, "alarms"))
    t0 = time.time()
    seeded = subprocess.run([seeder, "--site", site, "--dir", os.path.join(data, "alarms"),
                             "--records", "90000", "--events", "10000", "--sources", str(SOURCES)],
                            capture_output=True, text=True, check=True)
    print(f"<!-- {seeded.stdout.strip()} in {time.time() - t0:.1f} s -->")
    port = free_port()
    t0 = time.time()
    gs = Gridscope(binary, site, data, http_port=port)
    try:
        gs.wait_ready(120)
        ready_s = time.time() - t0
        s = Session(port)
        s.login("user")
        first = json.loads(s.call("GET", "/alarms?type=all&limit=1")[1])
        assert first["total"] == 100000, first["total"]
        newest = first["items"][0]["raised"]
        # a 6-hour window a day before the newest row
        end = datetime.datetime.fromisoformat(newest.replace("Z", "+00:00")) - datetime.timedelta(days=1)
        iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        frm, to = iso(end - datetime.timedelta(hours=6)), iso(end)
        cases = [(n, p if p else f"/alarms?type=all&from={frm}&to={to}&limit=50") for n, p in CASES]
        print(f"Site ready in {ready_s:.1f} s with 100,000 stored rows.\n")
        print("| request | rows selected | median ms | p95 ms | answer bytes |")
        print("|---|---|---|---|---|")
        for name, path in cases:
            total = json.loads(s.call("GET", path)[1])["total"]
            med, p95, size = timed(s, path, args.repeat)
            print(f"| {name} | {total:,} | {med:.1f} | {p95:.1f} | {size:,} |")
        s.timeout = 300  # every row: seconds, not milliseconds
        med, p95, size = timed(s, "/alarms/export?type=all", 3)
        print(f"| export, every row (zip: alarms.csv + events.csv), 3 runs | 100,000 | {med:.0f} | {p95:.0f} | {size:,} |")
    finally:
        gs.stop(60)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Event to banner (issue 14, item 9): the time from a poll that raises an alarm to the banner's
live stream announcing the new count, through the real `gridscope run`.

A virtual meter polled every 200 ms; a rule `IFreqInst high: 50.0` (deadband 0): the simulated
frequency (50 Hz + noise) crosses it every few polls. An Advanced session keeps the banner's
stream open (GET /api/v1/live/stream?alarms=1) and, at each `alarms` event with a count,
takes the time it arrived, reads the records not acknowledged (GET /alarms?state=unacked:
`raised` is the poll's timestamp of a new one) and acknowledges them, so the next crossing
raises a new record. The stream pushes whenever the engine's records change. The latency is
arrival - raised (wall clocks of one machine). Prints a Markdown table.

    /usr/bin/python3 bench/alarms/banner_latency.py --build build [--samples 50]
"""
import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
from gs_test import Gridscope, Session, free_port  # noqa: E402

SITE = """site: {name: Bench}
sources:
  - {name: m1, profile: examples/virtual-meter, period_ms: 200}
plugins:
  ui_web: {}
alarms:
  - name: freq-high
    data: IFreqInst
    high: 50.0
    deadband: 0
    criticality: high
"""


def iso_ns(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1e9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--samples", type=int, default=50)
    args = ap.parse_args()
    binary = os.path.join(args.build, "bin", "gridscope")
    tmp = tempfile.mkdtemp(prefix="gs-banner-")
    site, data = os.path.join(tmp, "site.yaml"), os.path.join(tmp, "data")
    with open(site, "w") as f:
        f.write(SITE)
    password = "bench-pass-1"
    subprocess.run([binary, "passwd", "--config", site, "--data-dir", data, "--profile",
                    "advanced"], input=f"{password}\n{password}\n", text=True, check=True,
                   capture_output=True)
    port = free_port()
    gs = Gridscope(binary, site, data, http_port=port)
    try:
        gs.wait_ready(30)
        s = Session(port)
        s.login("advanced", password)

        latencies = []
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/api/v1/live/stream?alarms=1", headers={"Cookie": s.cookie})
        stream = c.getresponse()
        assert stream.status == 200
        event = None
        seen = None  # the highest record id seen; None until the stream's first event
        while len(latencies) < args.samples:
            line = stream.fp.readline().decode()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "alarms":
                arrived = time.time_ns()
                if json.loads(line[5:])["count"] < 1:
                    seen = seen or 0
                    continue
                _, text = s.call("GET", "/alarms?state=unacked")
                unacked = json.loads(text)["alarms"]
                fresh = [r for r in unacked if seen is not None and r["id"] > seen]
                if fresh:  # raised since the last event: this event announced it
                    newest = max(fresh, key=lambda r: r["id"])
                    latencies.append((arrived - iso_ns(newest["raised"])) / 1e6)
                seen = max([seen or 0] + [r["id"] for r in unacked])
                if unacked:
                    s.call("POST", "/alarms/ack", {"ids": [r["id"] for r in unacked]})
        c.close()
    finally:
        gs.stop(30)
    body = sorted(latencies)
    print("| samples | median ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    p95 = body[min(len(body) - 1, int(len(body) * 0.95))]
    print(f"| {len(body)} | {statistics.median(body):.0f} | {p95:.0f} | {max(body):.0f} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reliability benchmark (issue 10): reloads under load and kill -9 cycles, through the real
`gridscope run` with storage_rocksdb, ui_web and virtual meters on 127.0.0.1.

  bench/reliability/bench.py BUILD_DIR [--sources 100] [--period-ms 200] [--reloads 20]
                                       [--kills 20]

1. Reload under load: N sources polled every P ms, a User session logged in; R SIGHUPs one
   second apart, cycling through (each a change of the file as running): the same file, a new
   site name (UI and store learn the model), a new location for one source (kernel-only key), a
   refused file (a driver key error), and a driver key change on one source (its driver
   instance is replaced). After each: the session
   must still answer 200. Then the store is read: for each series, polls expected from its span
   (absolute-deadline polling: round(span / P) + 1) against samples stored. A series short of
   its polls lost samples; one over them saw its driver replaced (the new instance polls at
   once, shifting the phase), which could hide one lost sample in that series: run with
   --no-driver-change to measure with drivers kept only.
2. kill -9 cycles: K times, run for 2 s then SIGKILL; after each cycle the stored count of every
   series is read: a series that has fewer samples than after the previous cycle shrank.
Prints the figures; docs/performance.md ("Reliability") records them.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
from gs_test import Gridscope, Session, free_port  # noqa: E402


def site_text(n, period, name="Bench", location="", driver_key=0, bad=False):
    lines = [f"site: {{name: {name}, timezone: Europe/Paris}}", "sources:"]
    for i in range(1, n + 1):
        extra = ""
        if i == 1 and location:
            extra += f", location: {location}"
        if i == 1 and driver_key:
            extra += f", rated_current_a: {driver_key}"
        if i == 1 and bad:
            extra += ", colour: blue"
        lines.append(f"  - {{name: m{i:03d}, profile: examples/virtual-meter, "
                     f"period_ms: {period}{extra}}}")
    lines += ["plugins:", "  storage_rocksdb: {}", "  ui_web: {}", ""]
    return "\n".join(lines)


class Site:
    def __init__(self, gridscope, work, port):
        self.gridscope, self.work, self.port = gridscope, work, port
        self.site = os.path.join(work, "site.yaml")
        self.data = os.path.join(work, "data")
        self.proc = None

    def start(self):
        self.proc = Gridscope(self.gridscope, self.site, self.data, http_port=self.port,
                              log=os.path.join(self.work, "gridscope.log"))
        self.proc.wait_ready(30)

    def log(self):
        """This run's output so far."""
        return self.proc.text()

    def stop(self, sig=signal.SIGTERM):
        if self.proc:
            self.proc.stop(30, sig)

    def series(self):
        out = subprocess.run([self.gridscope, "query", "--config", self.site, "--data-dir",
                              self.data, "--format", "json"], capture_output=True, timeout=120,
                             check=True).stdout
        return json.loads(out)


def iso_s(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def reload_under_load(gridscope, work, n, period, reloads, driver_change):
    port = free_port()
    site = Site(gridscope, work, port)
    with open(site.site, "w") as f:
        f.write(site_text(n, period))
    site.start()
    user = Session(port)
    user.login("user")
    # Each kind changes the file as running (the previous reload's) in one way only.
    kinds = [
        ("same file", lambda state, i: state),
        ("new site name", lambda state, i: dict(state, name=f"Bench {i}")),
        ("new location (kernel-only key)", lambda state, i: dict(state, location=f"Room {i}")),
        ("refused (driver key error)", lambda state, i: dict(state, bad=True)),
        ("driver key changed (driver replaced)", lambda state, i: dict(state, driver_key=50 + i)),
    ][:5 if driver_change else 4]
    counts = {k: [0, 0, []] for k, _ in kinds}  # done, sessions kept, seconds
    state = dict(name="Bench")
    time.sleep(2)
    try:
        for i in range(reloads):
            label, change = kinds[i % len(kinds)]
            args = change(state, i)
            with open(site.site, "w") as f:
                f.write(site_text(n, period, **args))
            marker = "reload refused" if args.get("bad") else "[kernel] reloaded"
            before = site.log().count(marker)
            t0 = time.time()
            site.proc.send_signal(signal.SIGHUP)
            while site.log().count(marker) == before:
                if time.time() - t0 > 30:
                    raise RuntimeError("no answer to SIGHUP " + label)
                time.sleep(0.01)
            c = counts[label]
            c[0] += 1
            c[2].append(time.time() - t0)
            c[1] += user.call("GET", "/session")[0] == 200
            if not args.get("bad"):
                state = args
            assert site.proc.poll() is None, "gridscope exited"
            time.sleep(1)
        time.sleep(1)
    finally:
        site.stop()
    expected = stored = lost = extra = 0
    shrunk = []
    for s in site.series():
        if s["count"] == 0:
            continue
        span = iso_s(s["to"]) - iso_s(s["from"])
        polls = round(span * 1000 / period) + 1
        expected += polls
        stored += s["count"]
        if polls > s["count"]:
            lost += polls - s["count"]
            shrunk.append((s["source"], s["data"], polls, s["count"]))
        else:
            extra += s["count"] - polls
    return counts, expected, stored, lost, extra, shrunk


def kill_cycles(gridscope, work, n, period, kills):
    port = free_port()
    site = Site(gridscope, work, port)
    with open(site.site, "w") as f:
        f.write(site_text(n, period))
    previous = {}
    shrank = 0
    for _ in range(kills):
        site.start()
        time.sleep(2)
        site.stop(signal.SIGKILL)
        now = {s["id"]: s["count"] for s in site.series()}
        shrank += sum(1 for k, v in previous.items() if now.get(k, 0) < v)
        previous = now
    return len(previous), sum(previous.values()), shrank


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--period-ms", type=int, default=200)
    ap.add_argument("--reloads", type=int, default=20)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--no-driver-change", action="store_true",
                    help="leave out the reloads that replace the driver instance")
    a = ap.parse_args()
    gridscope = os.path.join(os.path.abspath(a.build), "bin", "gridscope")
    work = tempfile.mkdtemp(prefix="gs-bench-reliability.")
    try:
        os.makedirs(os.path.join(work, "reload"))
        counts, expected, stored, lost, extra, shrunk = reload_under_load(
            gridscope, os.path.join(work, "reload"), a.sources, a.period_ms, a.reloads,
            not a.no_driver_change)
        print(f"reload under load: {a.sources} sources every {a.period_ms} ms, "
              f"{a.reloads} SIGHUPs one second apart")
        for label, (done, kept, secs) in counts.items():
            if done:
                print(f"  {label:40s} {done:3d} reloads, sessions kept {kept}/{done}, "
                      f"SIGHUP -> done {1000 * sum(secs) / len(secs):6.0f} ms avg, "
                      f"{1000 * max(secs):6.0f} ms max")
        print(f"  samples: {expected} polls expected from the series' spans, {stored} stored, "
              f"lost {lost} (series short of their polls), extra {extra} (a replaced driver "
              f"polls at once: a phase shift adds up to one sample per series)")
        for s in shrunk[:10]:
            print("   gap:", s)
        os.makedirs(os.path.join(work, "kill"))
        series, samples, shrank = kill_cycles(gridscope, os.path.join(work, "kill"),
                                              a.sources, a.period_ms, a.kills)
        print(f"kill -9 cycles: {a.kills} x (start, 2 s of polling, SIGKILL): {series} series, "
              f"{samples} samples kept, series that shrank after a cycle: {shrank}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

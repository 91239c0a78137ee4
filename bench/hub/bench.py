#!/usr/bin/python3
"""Hub benchmark (issue 17 item 3): BOXES simulated boxes x DEVICES devices publishing through
Debian's mosquitto to one hub (the real `gridscope run` with driver_mqtt, storage_rocksdb and
ui_web), all on 127.0.0.1 (free ports, private folders; everything started here is stopped on
exit).

  bench/hub/bench.py [--build DIR] [--boxes 20] [--devices 200] [--period-ms 1000]
                     [--warmup 20] [--window 30] [--work DIR] [--check]

The boxes are bench/hub/boxes.py (Python, a minimal MQTT 3.1.1 client): one connection per box,
each device one message per period on gridscope/box-NN/mNNN/1 in exporter_mqtt's exact payload
(the 18 values of the virtual meter), qos 1. The hub's site lists only the boxes
(plugins.driver_mqtt.boxes): it learns one source per device (examples/virtual-meter, location
box-NN, all 18 data stored) from each box's retained description, before the boxes send data;
the time from the boxes' descriptions to the hub running all the sources is printed.
Measured over the window, after the warm-up:
- the hub's CPU (user + system, the whole process: driver, bus, storage, web) per value stored
  in the window, and its share of a core; the driver's box threads (named `hub <box>`) alone;
- values stored per second (`gridscope_samples_stored_total` of GET /metrics) against values
  published, and the values published but not yet stored at the end (the hub behind);
- end-to-end latency, from the `ts` a box put in the message (taken as it builds the message)
  to the moment the value reaches a browser's live stream (/live/stream, push_interval_ms 50,
  200 sources: 10 per box), median, p99 and max; the push interval adds up to 50 ms.
Prints a Markdown table and the load average.

--check: instead, times `gridscope check` of the hub's site with its BOXES x DEVICES sources as
the hub writes them when it learns them (the kernel's per-source check of the driver's keys).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "plugins/ui_web/tests"))
sys.path.insert(0, os.path.join(ROOT, "tests/integration"))
sys.path.insert(0, os.path.join(ROOT, "tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import wait_until  # noqa: E402
from mqtt_broker import Broker  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")
VALUES_PER_MESSAGE = 18


def hub_site(port, boxes, devices, period_ms, learned=False):
    """The hub's site: the boxes only, or (learned) with the sources it learns from them."""
    lines = ["site: {name: Hub bench, timezone: UTC}", "sources:" if learned else "sources: []"]
    for b in range(1, boxes + 1 if learned else 1):
        for d in range(devices):
            lines.append(f"  - {{name: box-{b:02d}.m{d:03d}, profile: examples/virtual-meter, "
                         f"driver: driver_mqtt, box: box-{b:02d}, remote_source: m{d:03d}, "
                         f"learned: true, period_ms: {period_ms}, location: box-{b:02d}, "
                         "circuits: [{index: 1, fluid: electricity, "
                         "models: [metered_energy, metrology]}]}")
    lines += ["plugins:", "  storage_rocksdb: {}",
              "  ui_web: {bind_address: 127.0.0.1, push_interval_ms: 50, metrics: true}",
              "  driver_mqtt:", "    boxes:"]
    for b in range(1, boxes + 1):
        lines.append(f"      box-{b:02d}: {{broker: {{host: 127.0.0.1, port: {port}}}, "
                     f"topic_prefix: gridscope/box-{b:02d}}}")
    return "\n".join(lines) + "\n"


def time_check(gridscope, work, a):
    site = os.path.join(work, "hub-learned.yaml")
    with open(site, "w") as f:
        f.write(hub_site(1883, a.boxes, a.devices, a.period_ms, learned=True))
    load = os.getloadavg()
    t, r0 = time.time(), os.times()
    r = subprocess.run([gridscope, "check", "--config", site], capture_output=True, text=True,
                       timeout=1800)
    wall, r1 = time.time() - t, os.times()
    cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
    print(f"gridscope check of {a.boxes * a.devices} learned sources: exit {r.returncode}, "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU (load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f})")
    if r.returncode != 0:
        print(r.stderr[-2000:])


def sources_running(srv):
    """The hub's sources in its perimeter (by location). A learn reloads the hub: its web server
    restarts meanwhile and forgets the session, so this logs in each time."""
    try:
        cookie, _ = srv.login("user")
        status, body, _ = srv.request("GET", "/api/v1/perimeter?view=location", cookie=cookie,
                                      timeout=60)
    except (OSError, RuntimeError):
        return 0
    if status != 200:
        return 0
    found = set()

    def walk(nodes):
        for n in nodes:
            if n.get("source"):
                found.add(n["source"])
            walk(n.get("children") or [])
    walk(body.get("nodes", []))
    return len(found)


def cpu_ticks(pid, thread_prefix=None):
    """utime + stime of the process, or of its threads whose name starts with thread_prefix."""
    def ticks(stat_path):
        with open(stat_path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    if thread_prefix is None:
        return ticks(f"/proc/{pid}/stat")
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith(thread_prefix):
                    total += ticks(f"/proc/{pid}/task/{tid}/stat")
        except OSError:
            pass
    return total


def metric(srv, name):
    status, body, _ = srv.request("GET", "/metrics")
    text = body.decode() if isinstance(body, bytes) else str(body)
    total = 0.0
    for line in text.splitlines():
        m = re.match(rf"{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", line)
        if m:
            total += float(m.group(1))
    return total


class LiveLatency:
    """One /live/stream of `sources`: for every new IEaPInst timestamp, now - ts (ms)."""

    def __init__(self, srv, cookie, sources):
        self.samples = []  # (receive time s, latency ms)
        self.seen = {}
        self.stop = False
        self.conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        self.conn.request("GET", "/api/v1/live/stream?source=" + ",".join(sources),
                          headers={"Cookie": cookie})
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            raise RuntimeError(f"live stream: {self.resp.status}")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = None
        while not self.stop:
            line = self.resp.fp.readline()
            if not line:
                return
            now = time.time()
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "live":
                for snap in json.loads(line[6:]):
                    for v in snap.get("values", []):
                        if v["d"] != "IEaPInst" or v.get("t") is None or v["q"] != "good":
                            continue
                        if self.seen.get(snap["source"]) != v["t"]:
                            self.seen[snap["source"]] = v["t"]
                            self.samples.append((now, now * 1000 - v["t"]))


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--boxes", type=int, default=20)
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--period-ms", type=int, default=1000)
    ap.add_argument("--warmup", type=float, default=20)
    ap.add_argument("--window", type=float, default=30)
    ap.add_argument("--work")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    gridscope = os.path.join(a.build, "bin/gridscope")
    work = a.work or tempfile.mkdtemp(prefix="gs_hub_bench_")
    os.makedirs(work, exist_ok=True)
    if a.check:
        time_check(gridscope, work, a)
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
        return
    broker = Broker(work).start()
    site = os.path.join(work, "hub.yaml")
    with open(site, "w") as f:
        f.write(hub_site(broker.port, a.boxes, a.devices, a.period_ms))
    hub = pub = live = None
    last = {"line": ""}
    try:
        t = time.time()
        hub = Server(gridscope, site)
        print(f"hub ready in {time.time() - t:.1f} s (no sources)", flush=True)
        pub = subprocess.Popen([sys.executable, os.path.join(HERE, "boxes.py"), str(broker.port),
                                str(a.boxes), str(a.devices), str(a.period_ms)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if pub.stdout.readline().strip() != "described":
            raise RuntimeError("the boxes did not publish their descriptions")
        t = time.time()
        want = a.boxes * a.devices
        if not wait_until(lambda: sources_running(hub) >= want, 600):
            raise RuntimeError(f"the hub learned {sources_running(hub)} of {want} "
                               "sources in 10 min")
        cookie, _ = hub.login("user")
        print(f"the hub learned and runs the {want} sources {time.time() - t:.1f} s after the "
              "boxes' descriptions", flush=True)
        pub.stdin.write("go\n")
        pub.stdin.flush()

        def read_pub():
            for line in pub.stdout:
                last["line"] = line.strip()
        threading.Thread(target=read_pub, daemon=True).start()

        def sent():
            m = re.match(r"sent (\d+) acked (\d+)", last["line"])
            return int(m.group(1)) if m else 0
        per_box = max(1, 200 // a.boxes)
        sample = [f"box-{b:02d}.m{d:03d}" for b in range(1, a.boxes + 1)
                  for d in range(0, a.devices, max(1, a.devices // per_box))][:256]
        live = LiveLatency(hub, cookie, sample)
        time.sleep(a.warmup)
        load0 = os.getloadavg()
        pid = hub.proc.pid
        c0, d0, b0 = cpu_ticks(pid), cpu_ticks(pid, "hub "), cpu_ticks(broker.proc.pid)
        s0, m0, t0 = metric(hub, "gridscope_samples_stored_total"), sent(), time.time()
        n0 = len(live.samples)
        time.sleep(a.window)
        c1, d1, b1 = cpu_ticks(pid), cpu_ticks(pid, "hub "), cpu_ticks(broker.proc.pid)
        s1, m1, t1 = metric(hub, "gridscope_samples_stored_total"), sent(), time.time()
        backlog = m1 * VALUES_PER_MESSAGE - s1  # published since the start, not yet stored
        load1 = os.getloadavg()
        lat = [l for _, l in live.samples[n0:]]
        elapsed = t1 - t0
        values = (m1 - m0) * VALUES_PER_MESSAGE
        cpu = (c1 - c0) / HZ
        stored = s1 - s0
        print(f"\nload average before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
              f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
        print(f"boxes {a.boxes} x devices {a.devices}, period {a.period_ms} ms, window "
              f"{elapsed:.1f} s: {m1 - m0} messages, {values} values published "
              f"({values / elapsed:.0f}/s), {stored:.0f} stored ({stored / elapsed:.0f}/s), "
              f"published but not yet stored at the end: {backlog:.0f} values")
        print("\n| hub CPU per value stored | hub share of a core | driver threads per value | "
              "broker share of a core | latency median | p99 | max | latency samples |")
        print("|---|---|---|---|---|---|---|---|")
        print(f"| {cpu / max(stored, 1) * 1e6:.2f} µs | {cpu / elapsed * 100:.1f} % | "
              f"{(d1 - d0) / HZ / max(stored, 1) * 1e6:.2f} µs | "
              f"{(b1 - b0) / HZ / elapsed * 100:.1f} % | {percentile(lat, 50):.0f} ms | "
              f"{percentile(lat, 99):.0f} ms | {max(lat) if lat else float('nan'):.0f} ms | "
              f"{len(lat)} |")
    finally:
        if live:
            live.stop = True
            live.conn.close()
        if pub:
            pub.kill()
            pub.wait(10)
        if hub:
            hub.stop()
        broker.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

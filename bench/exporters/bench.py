#!/usr/bin/python3
"""Exporter benchmark (issue 17): N simulated Modbus devices x 60 values polled at a 1 s period,
all 60 in one site model (bench_all, built from the profile's points), so all are stored, journaled
and exported (gridscope-sim, driver_modbus, storage_rocksdb), published by exporter_mqtt to Debian's
mosquitto and by exporter_influxdb to Debian's influxd 1.6, all on 127.0.0.1 (free ports,
private folders; everything started here is stopped on exit).

  bench/exporters/bench.py [--build DIR] [--devices 1000] [--warmup 15] [--window 40]
                           [--outage 60] [--work DIR] [--sparkplug]

--sparkplug: exporter_mqtt publishes Sparkplug B (sparkplug: {group_id: bench, edge_node_id:
site}) instead of JSON; the subscriber reads the first metric's timestamp of each DDATA.

1. Steady state: the CPU (user + system) of each exporter's delivery thread (named after its
   cursor: exporter_mqtt, exporter_influx) over the window, divided by the values produced.
2. Catch-up: mosquitto and influxd are stopped for --outage seconds while polling goes on (the
   journal fills), then started again; the time until each exporter has delivered the samples
   polled just after the restart gives its catch-up rate (values per second, backlog included)
   and what an hour's outage would take at that rate.
Prints a Markdown table and the load average.
"""
import argparse
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
sys.path.insert(0, os.path.join(ROOT, "tests/support"))
sys.path.insert(0, os.path.join(ROOT, "tests/integration"))
from gs_test import Gridscope, free_ports, stop_process  # noqa: E402
from influxd import Influxd  # noqa: E402
from mqtt_broker import Broker  # noqa: E402

PROFILES = os.path.join(ROOT, "bench/modbus/profiles")
HZ = os.sysconf("SC_CLK_TCK")
procs = []


def start(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def thread_cpu(pid, name):
    """CPU seconds (user + system) of the threads of pid whose name is `name`."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() != name:
                    continue
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / HZ
        except OSError:
            pass
    return total


def influx_latest_ms(influx):
    """The newest IPSumInst timestamp (ms) in influxd's database gridscope, 0 if none."""
    rows = influx.rows("SELECT last(value) FROM IPSumInst", "gridscope")
    return rows[0][0] if rows else 0


class Subscriber:
    """The newest `ts` seen on bench/+/1 (mosquitto_sub, C)."""

    def __init__(self, port):
        self.latest = 0
        self.count = 0
        self.values_per_poll = 0
        self.proc = start(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t",
                           "bench/+/1", "-q", "0", "-v"], stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.count += 1
            if not self.values_per_poll:
                self.values_per_poll = len(json.loads(line.split(" ", 1)[1])["values"])
            i = line.find('"ts": ')
            if i >= 0:
                ts = int(line[i + 6:line.index(",", i)])
                self.latest = max(self.latest, ts)


def varint(buf, i):
    """A protobuf varint at buf[i:]: (value, next index)."""
    value = shift = 0
    while True:
        b = buf[i]
        value |= (b & 0x7F) << shift
        i += 1
        if b < 0x80:
            return value, i
        shift += 7


def fields(buf):
    """(field number, wire type, value) of a protobuf message: varints and length-delimited."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            size, i = varint(buf, i)
            value, i = buf[i:i + size], i + size
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, value


class SparkplugSubscriber(Subscriber):
    """The newest metric timestamp seen in the DDATA of spBv1.0/bench (Sparkplug B: Payload.metrics
    = field 2, Metric.timestamp = field 3)."""

    def __init__(self, port):
        self.latest = 0
        self.count = 0
        self.values_per_poll = 0
        self.proc = start(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t",
                           "spBv1.0/bench/DDATA/#", "-q", "0", "-F", "%x"],
                          stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.count += 1
            payload = bytes.fromhex(line.strip())
            metrics = [v for n, w, v in fields(payload) if n == 2]
            if not self.values_per_poll:
                self.values_per_poll = len(metrics)
            for n, w, v in fields(metrics[0]):
                if n == 3:
                    self.latest = max(self.latest, v)
                    break


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--warmup", type=float, default=15)
    ap.add_argument("--window", type=float, default=40)
    ap.add_argument("--outage", type=float, default=60)
    ap.add_argument("--work")
    ap.add_argument("--sparkplug", action="store_true",
                    help="exporter_mqtt publishes Sparkplug B payloads")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="gs-exporters-bench-")
    os.makedirs(work, exist_ok=True)
    gridscope = os.path.join(a.build, "bin/gridscope")
    sim = os.path.join(a.build, "bin/gridscope-sim")
    plugin_dir = os.path.join(a.build, "lib/gridscope")
    gateways = (a.devices + 99) // 100
    ports = ",".join(str(p) for p in free_ports(gateways))
    site = os.path.join(work, "site.yaml")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench/modbus/gen_site.py"),
                    "--devices", str(a.devices), "--ports", ports, "--profile", "bench/meter60",
                    "--out", site], check=True)
    broker = Broker(work, max_queued=0)
    influx = Influxd(os.path.join(work, "influx"))
    # Every circuit in a model holding all the profile's points, so that the storage keeps (and
    # journals) the 60 values of each poll.
    with open(os.path.join(PROFILES, "bench/meter60.yaml")) as f:
        points = re.findall(r"data: ([A-Za-z0-9_]+)", f.read())
    text = open(site).read().replace(", name: m", ", models: [bench_all], name: m")
    with open(site, "w") as f:
        f.write(text)
    with open(site, "a") as f:
        f.write("models:\n  - {id: bench_all, name: Benchmark, data: [%s]}\n" % ", ".join(points))
        f.write("plugins:\n  storage_rocksdb: {}\n  exporter_mqtt:\n"
                f"    broker: {{host: 127.0.0.1, port: {broker.port}}}\n" +
                ("    sparkplug: {group_id: bench, edge_node_id: site}\n" if a.sparkplug
                 else "    topic_prefix: bench\n    qos: 1\n") +
                "    retry: {initial_ms: 500, max_ms: 2000}\n"
                "  exporter_influxdb:\n"
                f"    url: http://127.0.0.1:{influx.http}\n    api: v1\n"
                "    database: gridscope\n    retry: {initial_ms: 500, max_ms: 2000}\n")
    try:
        broker.start()
        influx.start()
        influx.query("CREATE DATABASE gridscope")
        sub = SparkplugSubscriber(broker.port) if a.sparkplug else Subscriber(broker.port)
        s = start([sim, "--site", site, "--profiles", PROFILES], stdout=subprocess.PIPE,
                  stderr=subprocess.DEVNULL, text=True)
        for line in s.stdout:
            if "ready" in line:
                break
        gs = Gridscope(gridscope, site, os.path.join(work, "data"), plugin_dir,
                       log=os.path.join(work, "gs.log"), args=["--profiles", PROFILES])
        procs.append(gs)
        # Starting many sources takes a while on a loaded machine: the warm-up counts from the
        # first delivered message.
        end = time.time() + 300
        while time.time() < end and not (sub.count and influx_latest_ms(influx)):
            time.sleep(0.5)
        time.sleep(a.warmup)
        names = ["exporter_mqtt", "exporter_influx"]
        c0, t0 = [thread_cpu(gs.pid, n) for n in names], time.time()
        p0 = os.times()
        time.sleep(a.window)
        c1, t1 = [thread_cpu(gs.pid, n) for n in names], time.time()
        load = os.getloadavg()
        per_poll = sub.values_per_poll or 60
        values = a.devices * per_poll * (t1 - t0)
        lag = [time.time() * 1000 - sub.latest, time.time() * 1000 - influx_latest_ms(influx)]
        print(f"exporter_mqtt payloads: {'Sparkplug B' if a.sparkplug else 'JSON'}")
        print(f"devices {a.devices} x {per_poll} values stored / s, window {t1 - t0:.0f} s, load average "
              f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print("| exporter | thread CPU, % of a core | CPU per value | lag at the end |")
        print("|---|---|---|---|")
        for n, x, y, l in zip(names, c0, c1, lag):
            print(f"| {n} | {100 * (y - x) / (t1 - t0):.1f} % | "
                  f"{1e6 * (y - x) / values:.2f} us | {l / 1000:.1f} s |")
        del p0

        # Catch-up after an outage of both servers.
        broker.stop()
        influx.stop()
        time.sleep(a.outage)
        c2 = [thread_cpu(gs.pid, n) for n in names]
        back = time.time()
        broker.start()
        influx.start()
        done = [None, None]
        end = back + 30 * a.outage + 120
        while time.time() < end and None in done:
            time.sleep(0.5)
            for i, latest in enumerate([lambda: sub.latest, lambda: influx_latest_ms(influx)]):
                if done[i] is None and latest() >= (back + 1) * 1000:
                    done[i] = (time.time(), thread_cpu(gs.pid, names[i]))
        load = os.getloadavg()
        print(f"\noutage {a.outage:.0f} s (backlog {a.devices * per_poll * a.outage:.0f} values), "
              f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print("| exporter | catch-up time | values delivered per s while catching up | "
              "CPU per value | an hour's outage would take |")
        print("|---|---|---|---|---|")
        for i, n in enumerate(names):
            if done[i] is None:
                print(f"| {n} | not caught up | | | |")
                continue
            took = done[i][0] - back
            delivered = a.devices * per_poll * (a.outage + took)
            rate = delivered / took
            spare = rate - a.devices * per_poll
            hour = (3600 * a.devices * per_poll / spare) if spare > 0 else float("inf")
            print(f"| {n} | {took:.1f} s | {rate:,.0f} | "
                  f"{1e6 * (done[i][1] - c2[i]) / delivered:.2f} us | "
                  f"{hour / 60:.0f} min |")
    finally:
        for p in reversed(procs):
            stop_process(p)
        broker.stop()
        influx.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

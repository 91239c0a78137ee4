#!/usr/bin/python3
"""The benchmark's baseline: a straightforward synchronous pymodbus poller.

Reads the same registers of the same devices as gridscope (every Modbus source of the site
file, the block of its profile: one read of holding registers covering all points), decodes
every point (u16/s16/u32/s32/f32, big endian, high word first, x coefficient), once per second,
one device after the other, one TCP connection per gateway address. No storage, like the
gridscope run it is compared with.

After every cycle it rewrites --status FILE (JSON: cycles, reads, values, errors, late cycles)
so the benchmark can take the difference over its measuring window. Stops on SIGTERM.

    pymodbus_poller.py --site SITE --profiles DIR --status FILE [--period-s 1]
"""
import argparse
import json
import os
import signal
import struct
import sys
import time

import yaml
from pymodbus.client import ModbusTcpClient

FORMATS = {"u16": (">H", 1), "s16": (">h", 1), "u32": (">I", 2), "s32": (">i", 2),
           "f32": (">f", 2)}


def load_profile(profiles_dir, profile_id):
    with open(os.path.join(profiles_dir, profile_id + ".yaml")) as f:
        profile = yaml.safe_load(f)["profile"]
    points = []
    for p in profile["points"]:
        fmt, count = FORMATS[p["type"]]  # the benchmark profile uses only these types
        points.append((p["address"], fmt, count, float(p.get("coefficient", 1))))
    start = min(p[0] for p in points)
    end = max(p[0] + p[2] for p in points)
    return start, end - start, [(a - start, fmt, n, k) for a, fmt, n, k in points]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--period-s", type=float, default=1.0)
    ap.add_argument("--timeout-s", type=float, default=1.0)
    a = ap.parse_args()

    with open(a.site) as f:
        site = yaml.safe_load(f)
    profiles = {}
    clients = {}
    devices = []  # (client, unit, start, count, points)
    for source in site["sources"]:
        if "tcp" not in source:
            continue
        if source["profile"] not in profiles:
            profiles[source["profile"]] = load_profile(a.profiles, source["profile"])
        host, port = source["tcp"].rsplit(":", 1)
        if source["tcp"] not in clients:
            clients[source["tcp"]] = ModbusTcpClient(host, port=int(port), timeout=a.timeout_s)
        devices.append((clients[source["tcp"]], int(source.get("unit", 1))) +
                       profiles[source["profile"]])

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    status = {"devices": len(devices), "cycles": 0, "reads": 0, "values": 0, "errors": 0,
              "late_cycles": 0}
    last = {}
    due = time.monotonic()
    while not stopping:
        for client, unit, start, count, points in devices:
            try:
                rr = client.read_holding_registers(start, count, slave=unit)
            except Exception:  # connection lost or timed out: pymodbus reconnects on next call
                rr = None
            if rr is None or rr.isError():
                status["errors"] += 1
                continue
            raw = struct.pack(">%dH" % count, *rr.registers)
            for offset, fmt, n, coefficient in points:
                value = struct.unpack_from(fmt, raw, offset * 2)[0] * coefficient
                last[(unit, offset)] = value
            status["reads"] += 1
            status["values"] += len(points)
        status["cycles"] += 1
        tmp = a.status + ".tmp"
        with open(tmp, "w") as f:
            json.dump(status, f)
        os.replace(tmp, a.status)
        due += a.period_s
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:  # the cycle took longer than the period: start the next one now
            status["late_cycles"] += 1
            due = time.monotonic()
    for client in clients.values():
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

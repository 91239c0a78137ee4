#!/usr/bin/python3
"""Helpers of bench/modbus/run.sh (standard library only).

    bench.py ports N                        N free TCP ports on 127.0.0.1, one per line
    bench.py snapshot --out F --pid NAME=PID... [--sync FILE] [--json NAME=FILE]...
                      [--server-ports P1,P2...]
        Waits (at most 3 s) until FILE is rewritten, then records at once, for each process:
        CPU time (utime+stime), VmRSS and VmHWM, plus the JSON files given (the driver's
        stats_file, the pymodbus poller's status) and the bytes received so far by the
        server side of every established TCP connection on the ports given (`ss -ti`). Taking
        the snapshot right after the rewrite keeps the counters in those files and /proc in
        step.
    bench.py report DIR...                  prints the Markdown table of the runs in DIR...
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
from gs_test import free_ports  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
REQUEST_ADU_BYTES = 12  # MBAP header 7 + function 1 + address 2 + count 2 (FC3 read)


def cmd_ports(a):
    for port in free_ports(a.n):
        print(port)


def proc(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out = {"cpu_s": (int(fields[11]) + int(fields[12])) / CLK_TCK, "threads": int(fields[17])}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])  # kB
    return out


def server_bytes_received(ports):
    """Bytes received by the listening side of the established connections on `ports`."""
    filt = "( " + " or ".join("sport = :%d" % p for p in ports) + " )"
    text = subprocess.run(["ss", "-tinH", "state", "established", filt], check=True,
                          capture_output=True, text=True).stdout
    return sum(int(n) for n in re.findall(r"bytes_received:(\d+)", text))


def cmd_snapshot(a):
    if a.sync:
        try:
            before = os.stat(a.sync).st_mtime_ns
        except FileNotFoundError:
            before = None
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                if os.stat(a.sync).st_mtime_ns != before:
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.002)
    snap = {"t": time.monotonic()}
    with open("/proc/stat") as f:  # "cpu user nice system idle iowait irq softirq steal ..."
        jiffies = [int(x) for x in f.readline().split()[1:9]]
    snap["machine_busy_s"] = (sum(jiffies) - jiffies[3] - jiffies[4]) / CLK_TCK
    for item in a.pid:
        name, pid = item.split("=")
        snap[name] = proc(int(pid))
    if a.server_ports:
        snap["server_bytes_received"] = server_bytes_received(
            [int(p) for p in a.server_ports.split(",")])
    for item in a.json or []:
        name, path = item.split("=", 1)
        try:
            with open(path) as f:
                snap[name] = json.load(f)
        except (FileNotFoundError, ValueError):
            snap[name] = None
    with open(a.out, "w") as f:
        json.dump(snap, f)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def jitter_histogram(stats):
    merged = {}
    for link in stats["links"]:
        for lower, count in link["start_jitter_us"]:
            merged[lower] = merged.get(lower, 0) + count
    return merged


def percentile(hist, q):
    """Upper bound (us) of the bucket holding the q-quantile: a conservative figure."""
    total = sum(hist.values())
    if total == 0:
        return None
    bounds = sorted(hist)
    seen = 0
    for i, lower in enumerate(bounds):
        seen += hist[lower]
        if seen >= q * total:
            # the next bucket's lower bound: at most 1/16 above this one's (see JitterHistogram)
            return lower + 1 if lower < 16 else lower + max(1, lower // 16)
    return bounds[-1]


def ms(us):
    return "n/a" if us is None else ("%.2f ms" % (us / 1000.0))


def analyse(d):
    meta = load(os.path.join(d, "meta.json"))
    r = {"meta": meta}
    g0, g1 = load(os.path.join(d, "gs0.json")), load(os.path.join(d, "gs1.json"))
    if g0 and g1:
        wall = g1["t"] - g0["t"]
        cpu = g1["gridscope"]["cpu_s"] - g0["gridscope"]["cpu_s"]
        sim_cpu = g1["sim"]["cpu_s"] - g0["sim"]["cpu_s"]
        sim_requests = (g1["server_bytes_received"] - g0["server_bytes_received"]) / REQUEST_ADU_BYTES
        s0, s1 = g0.get("stats"), g1.get("stats")
        if s0 and s1:
            def total(s, key):
                return sum(link[key] for link in s["links"])
            cycles = total(s1, "cycles") - total(s0, "cycles")
            h0, h1 = jitter_histogram(s0), jitter_histogram(s1)
            hist = {k: h1.get(k, 0) - h0.get(k, 0) for k in h1}
            r.update(cycles_measured=True, overruns=total(s1, "overruns") - total(s0, "overruns"),
                     driver_requests=total(s1, "requests") - total(s0, "requests"),
                     failed=total(s1, "failed_requests") - total(s0, "failed_requests"),
                     p50=percentile(hist, 0.50), p99=percentile(hist, 0.99),
                     pmax=percentile(hist, 1.0))
        else:  # no stats_file in this driver build: nominal cycles, no jitter
            cycles = meta["devices"] * wall * 1000.0 / meta["period_ms"]
            r.update(cycles_measured=False, p50=None, p99=None, pmax=None)
        values = cycles * meta["points"]
        r.update(wall=wall, cpu=cpu, cycles=cycles, values=values,
                 cpu_pct=100.0 * cpu / wall, us_per_value=1e6 * cpu / values if values else None,
                 sim_cpu_pct=100.0 * sim_cpu / wall, sim_requests=sim_requests,
                 requests_per_cycle=sim_requests / cycles if cycles else None,
                 rss_mb=g1["gridscope"]["VmRSS"] / 1024.0, hwm_mb=g1["gridscope"]["VmHWM"] / 1024.0,
                 threads=g1["gridscope"]["threads"], sim_rss_mb=g1["sim"]["VmRSS"] / 1024.0,
                 other_pct=100.0 * (g1["machine_busy_s"] - g0["machine_busy_s"] - cpu - sim_cpu)
                 / wall)
    p0, p1 = load(os.path.join(d, "py0.json")), load(os.path.join(d, "py1.json"))
    if p0 and p1 and p0.get("status") and p1.get("status"):
        wall = p1["t"] - p0["t"]
        cpu = p1["poller"]["cpu_s"] - p0["poller"]["cpu_s"]
        st0, st1 = p0["status"], p1["status"]
        values = st1["values"] - st0["values"]
        cycles = st1["cycles"] - st0["cycles"]
        r.update(py_wall=wall, py_cpu_pct=100.0 * cpu / wall, py_values=values,
                 py_us_per_value=1e6 * cpu / values if values else None,
                 py_cycles_per_s=cycles / wall, py_late=st1["late_cycles"] - st0["late_cycles"],
                 py_errors=st1["errors"] - st0["errors"],
                 py_sim_cpu_pct=100.0 * (p1["sim"]["cpu_s"] - p0["sim"]["cpu_s"]) / wall,
                 py_requests_per_read=(p1["server_bytes_received"] - p0["server_bytes_received"])
                 / REQUEST_ADU_BYTES / (st1["reads"] - st0["reads"]),
                 py_other_pct=100.0 * (p1["machine_busy_s"] - p0["machine_busy_s"] - cpu
                                       - (p1["sim"]["cpu_s"] - p0["sim"]["cpu_s"])) / wall,
                 py_rss_mb=p1["poller"]["VmRSS"] / 1024.0)
    plan = os.path.join(d, "plan.txt")
    if os.path.exists(plan):
        with open(plan) as f:
            first = f.readline()  # "bench/meter60: 60 points in 1 request(s)"
        try:
            r["plan_requests"] = int(first.split(" in ")[1].split()[0])
        except (IndexError, ValueError):
            r["plan_requests"] = None
    return r


def cmd_report(a):
    runs = [analyse(d) for d in a.dirs]
    f1 = lambda v, fmt: "n/a" if v is None else fmt % v
    head = ["", *("%d x %d" % (r["meta"]["devices"], r["meta"]["points"]) for r in runs)]
    rows = []

    def row(label, fn):
        cells = []
        for r in runs:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("n/a")
        rows.append([label, *cells])

    row("gateways (sim addresses) x units", lambda r: "%d x %d" % (
        r["meta"]["gateways"], -(-r["meta"]["devices"] // r["meta"]["gateways"])))
    row("measuring window", lambda r: "%.0f s (after %d s warm-up)" % (r["wall"], r["meta"]["warmup_s"]))
    row("device cycles in window" , lambda r: ("%d" if r["cycles_measured"] else "~%d (nominal)") % r["cycles"])
    row("**gridscope CPU, % of one core**", lambda r: "%.2f %%" % r["cpu_pct"])
    row("**gridscope CPU per value**", lambda r: "%.3f us" % r["us_per_value"])
    row("**requests per device cycle** (counted at the sim)", lambda r: "%.3f" % r["requests_per_cycle"])
    row("minimum the profile allows (`gridscope plan`)", lambda r: "%d" % r["plan_requests"])
    row("failed requests (driver count)", lambda r: "%d of %d" % (r["failed"], r["driver_requests"]))
    row("**cycle-start jitter p50 / p99**", lambda r: "%s / %s" % (ms(r["p50"]), ms(r["p99"])))
    row("cycle-start jitter max in window", lambda r: ms(r["pmax"]))
    row("overruns (skipped periods)", lambda r: "%d" % r["overruns"])
    row("**gridscope RSS** (peak)", lambda r: "%.1f MiB (%.1f MiB)" % (r["rss_mb"], r["hwm_mb"]))
    row("gridscope threads", lambda r: "%d" % r["threads"])
    row("simulator CPU while gridscope polls", lambda r: "%.1f %% (RSS %.0f MiB)" % (r["sim_cpu_pct"], r["sim_rss_mb"]))
    row("other processes' CPU during the window (out of 200 %)", lambda r: "%.1f %%" % r["other_pct"])
    row("pymodbus poller CPU, % of one core", lambda r: "%.1f %%" % r["py_cpu_pct"])
    row("pymodbus CPU per value", lambda r: "%.3f us" % r["py_us_per_value"])
    row("pymodbus cycles/s achieved (late cycles, errors)", lambda r: "%.2f (%d, %d)" % (
        r["py_cycles_per_s"], r["py_late"], r["py_errors"]))
    row("pymodbus requests per device cycle (at the sim)", lambda r: "%.3f" % r["py_requests_per_read"])
    row("simulator CPU while pymodbus polls", lambda r: "%.1f %%" % r["py_sim_cpu_pct"])
    row("other processes' CPU during the pymodbus window", lambda r: "%.1f %%" % r["py_other_pct"])
    row("**CPU per value, pymodbus / gridscope**", lambda r: "**%.1fx**" % (r["py_us_per_value"] / r["us_per_value"]))

    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    if any(r.get("cycles_measured") is False for r in runs):
        print("\nThe driver has no `stats_file` option: cycles are nominal (devices x window / "
              "period), jitter and overruns are not measured.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ports")
    p.add_argument("n", type=int)
    p.set_defaults(fn=cmd_ports)
    p = sub.add_parser("snapshot")
    p.add_argument("--out", required=True)
    p.add_argument("--pid", action="append", required=True)
    p.add_argument("--sync")
    p.add_argument("--json", action="append")
    p.add_argument("--server-ports")
    p.set_defaults(fn=cmd_snapshot)
    p = sub.add_parser("report")
    p.add_argument("dirs", nargs="+")
    p.set_defaults(fn=cmd_report)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    sys.exit(main())

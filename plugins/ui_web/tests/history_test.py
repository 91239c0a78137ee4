#!/usr/bin/env python3
"""GET /api/v1/history (issue 13 item 1) against the real `gridscope run` with ui_web, the
storage_rocksdb store and virtual meters on an ephemeral 127.0.0.1 port: logged out, each bad
input, the exact shape of an answer over a real range, at most N points, min <= avg <= max, the
exact min and max of buckets, and raw values (min = max = avg) equal to what `gridscope query`
reads from the store for a short range. Bounded: every wait has a deadline and the server is
stopped whatever happens.

  history_test.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml
"""
import datetime
import math
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import check, finish, gridscope_query, test_arguments  # noqa: E402




def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def cli_query(args, srv, *extra):
    return gridscope_query(args.gridscope, srv.site, srv.data_dir, *extra)


def history(srv, cookie, **params):
    status, body, _ = srv.request("GET", "/api/v1/history?" + urllib.parse.urlencode(params), cookie=cookie)
    return status, body


def main():
    args = test_arguments("--site")
    srv = None
    try:
        srv = Server(args.gridscope, args.site, plugins={"storage_rocksdb": "{}"})
        cookie, _ = srv.login("user")

        # Some seconds of data: diris-main polls every 500 ms.
        deadline = time.time() + 30
        while True:
            listed = cli_query(args, srv)
            by_name = {(s["source"], s["circuit"], s["data"]): s for s in listed}
            p = by_name.get(("diris-main", 1, "IPSumInst"))
            if (p and p["count"] >= 8) or time.time() > deadline:
                break
            time.sleep(0.5)
        check(p and p["count"] >= 8, f"diris-main IPSumInst stored: {p}")
        v = by_name[("diris-main", 1, "IV1Inst")]
        now_ms = int(time.time() * 1000)
        wide = {"series": f"{p['id']},{v['id']}", "from": iso(now_ms - 3600_000), "to": iso(now_ms + 60_000)}

        # Logged out: 401, whatever the input.
        status, body = history(srv, None, points=10, **wide)
        check(status == 401 and body["error"] == "unauthenticated", f"logged out: {status} {body}")

        # Each bad input: 400 with its reason.
        bad = [
            (dict(wide, series="x", points=10), "series: 'x' is not a series id"),
            (dict(wide, series="999999", points=10), "series: no stored series 999999"),
            (dict(wide, series=f"{p['id']},{p['id']}", points=10), "given twice"),
            ({"series": p["id"], "from": wide["to"], "to": wide["from"], "points": 10}, "to: must be after from"),
            (dict(wide, points=0), "points: expected 1 to 10000"),
            (dict(wide, points=10001), "points: expected 1 to 10000"),
            (dict(wide, points="ten"), "points: expected 1 to 10000"),
            (dict(wide, **{"from": "yesterday"}, points=10), "from: 'yesterday' is not an ISO 8601 time"),
            (dict(wide, to="2026-02-30T00:00:00Z", points=10), "to: '2026-02-30T00:00:00Z' is not an ISO 8601"),
            (dict(wide, to="2026-03-29T00:00:00", points=10), "is not an ISO 8601 time with an offset"),
            ({"from": wide["from"], "to": wide["to"], "points": 10}, "series: required"),
        ]
        for params, reason in bad:
            status, body = history(srv, cookie, **params)
            check(status == 400 and isinstance(body, dict) and reason in body.get("message", ""),
                  f"bad input {params}: {status} {body}, expected 400 with '{reason}'")

        # A real range: the shape exactly, at most N points, times increasing, min <= avg <= max.
        for n in (1, 3, 10000):
            status, body = history(srv, cookie, points=n, **wide)
            check(status == 200, f"history points={n}: {status} {body}")
            if status != 200:
                continue
            check(list(body.keys()) == ["series"] and len(body["series"]) == 2, f"answer keys: {list(body)}")
            for s, want in zip(body["series"], (p, v)):
                check(set(s.keys()) == {"id", "source", "circuit", "data", "unit", "points"}, f"series keys {list(s)}")
                check((s["id"], s["source"], s["circuit"], s["data"]) ==
                      (want["id"], "diris-main", 1, want["data"]), f"series names {s}")
                pts = s["points"]
                check(0 < len(pts) <= n, f"{want['data']} points={n}: {len(pts)} points")
                check(all(isinstance(x, list) and len(x) == 4 and isinstance(x[0], int) for x in pts),
                      "points are [t_ms, min, max, avg]")
                check(all(a[0] < b[0] for a, b in zip(pts, pts[1:])), f"{want['data']}: t_ms increasing")
                check(all(x[1] <= x[3] <= x[2] for x in pts), f"{want['data']}: min <= avg <= max")
            check(body["series"][0]["unit"] == "W" and body["series"][1]["unit"] == "V",
                  f"units {[s['unit'] for s in body['series']]}")
        # Buckets keep the exact extremes of the raw values they cover (a range that ended two
        # seconds ago: both reads see the same values).
        frozen = {"series": p["id"], "from": wide["from"], "to": iso(now_ms - 2000)}
        _, raw = history(srv, cookie, points=10000, **frozen)
        raw_pts = raw["series"][0]["points"]
        frozen["from"] = iso(raw_pts[0][0])  # from the first value: both halves hold values
        _, few = history(srv, cookie, points=2, **frozen)
        few_pts = few["series"][0]["points"]
        check(all(x[1] == x[2] == x[3] for x in raw_pts), "fewer values than N come raw: min = max = avg")
        check(len(raw_pts) > 2 and len(few_pts) == 2, f"points=2 buckets {len(raw_pts)} raw values: {few_pts}")
        if raw_pts and few_pts:
            check(min(x[1] for x in few_pts) == min(x[1] for x in raw_pts) and
                  max(x[2] for x in few_pts) == max(x[2] for x in raw_pts),
                  f"bucket min/max exact: {few_pts} against {len(raw_pts)} raw values")
            # Each bucket against the raw values from its start to the next one's (min, max exact).
            ends = [x[0] for x in few_pts[1:]] + [math.inf]
            for b, end in zip(few_pts, ends):
                inside = [x[3] for x in raw_pts if b[0] <= x[0] < end]
                check(inside and b[1] == min(inside) and b[2] == max(inside) and
                      math.isclose(b[3], sum(inside) / len(inside), rel_tol=1e-9),
                      f"bucket {b} against raw values {inside}")

        # A short range read raw from the store (`gridscope query`, no --points) equals the API's.
        first_ms = raw_pts[0][0]
        short = {"from": iso(first_ms), "to": iso(first_ms + 3000)}
        stored = [x for x in cli_query(args, srv, "--series", str(p["id"]), "--from", short["from"], "--to", short["to"])
                  if x["quality"] == "good"]
        status, body = history(srv, cookie, series=p["id"], points=100, **short)
        got = body["series"][0]["points"] if status == 200 else []
        check(len(stored) >= 4 and len(got) == len(stored), f"short range: {len(got)} points, store has {len(stored)}")
        for x, s in zip(got, stored):
            t = datetime.datetime.strptime(s["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
            check(x[0] == round(t.timestamp() * 1000), f"raw time {x[0]} against {s['time']}")
            check(x[1] == x[2] == x[3] and math.isclose(x[3], s["value"], rel_tol=1e-8, abs_tol=1e-4),
                  f"raw value {x} against {s['value']}")

        check(srv.alive(), "gridscope is alive")
    finally:
        if srv:
            srv.stop()
    return finish("ui_web history test")


if __name__ == "__main__":
    sys.exit(main())

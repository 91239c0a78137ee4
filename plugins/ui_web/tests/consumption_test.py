#!/usr/bin/env python3
"""GET /api/v1/consumption (issue 12 item 7) against the real `gridscope run` with ui_web and the
storage_rocksdb store on an ephemeral 127.0.0.1 port: a 15-minute history of the site's
hierarchy loads is imported into the running site (`gridscope import`), then the API's buckets
must equal `gridscope query --consumption --hierarchy` (the same maths, checked against a
brute-force reference in tests/integration/test_hierarchy_cli.cpp) by node, by usage, and for
circuits without hierarchy; the answer's shape exactly; logged out, each bad input. Bounded:
every wait has a deadline and the server is stopped whatever happens.

  consumption_test.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml
"""
import datetime
import os
import random
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import check, finish, gridscope_query, test_arguments  # noqa: E402

LOADS = ["diris-main/1", "hvac/1", "lighting/1"]
FIRST = 1774566000  # 2026-03-27T00:00+01:00
LAST = 1775000000   # 2026-04-01 (Paris), after the spring DST change


def write_history(path):
    rnd = random.Random(3)
    with open(path, "w") as f:
        f.write("time,source,circuit,data,value\n")
        index = {load: 1000 for load in LOADS}
        for t in range(FIRST, LAST, 900):
            stamp = datetime.datetime.fromtimestamp(t, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            hvac, light = rnd.randint(0, 900), rnd.randint(0, 300)
            for load, use in (("hvac/1", hvac), ("lighting/1", light), ("diris-main/1", hvac + light + rnd.randint(0, 50))):
                index[load] += use
                source, circuit = load.split("/")
                f.write(f"{stamp},{source},{circuit},IEaPInst,{index[load]}\n")


def cli(args, srv, *extra):
    return gridscope_query(args.gridscope, srv.site, srv.data_dir, "--consumption", "--format", "json", *extra)


def api(srv, cookie, **params):
    status, body, _ = srv.request("GET", "/api/v1/consumption?" + urllib.parse.urlencode(params), cookie=cookie,
                                  timeout=30)
    return status, body


def main():
    args = test_arguments("--site")
    srv = None
    try:
        srv = Server(args.gridscope, args.site, plugins={"storage_rocksdb": "{}"})
        cookie, _ = srv.login("user")
        csv = os.path.join(srv.dir, "history.csv")
        write_history(csv)
        imp = subprocess.run([args.gridscope, "import", "--config", srv.site, "--data-dir", srv.data_dir, "--csv", csv],
                             capture_output=True, text=True, timeout=300)
        check(imp.returncode == 0, f"import into the running site: {imp.stdout} {imp.stderr}")

        period = {"from": "2026-03-28T00:00:00+01:00", "to": "2026-04-01T00:00:00+02:00"}
        status, body = api(srv, None, hierarchy="Electricity", node="Building A", bucket="day", **period)
        check(status == 401, f"logged out: {status}")

        # By node, by usage, and circuits without hierarchy: the CLI's buckets, exactly.
        cases = [
            ({"hierarchy": "Electricity", "node": "Building A", "bucket": "day"},
             ["--hierarchy", "Electricity", "--node", "Building A", "--bucket", "day"]),
            ({"hierarchy": "Electricity", "node": "HVAC", "bucket": "hour", "from": "2026-03-29T00:00:00+01:00",
              "to": "2026-03-30T00:00:00+02:00"},
             ["--hierarchy", "Electricity", "--node", "HVAC", "--bucket", "hour", "--from", "2026-03-29", "--to",
              "2026-03-30"]),
            ({"hierarchy": "Electricity", "by": "usage", "bucket": "day"},
             ["--hierarchy", "Electricity", "--by", "usage", "--bucket", "day"]),
        ]
        for params, extra in cases:
            q = dict(period, **params)
            status, body = api(srv, cookie, **q)
            check(status == 200, f"{params}: {status} {body if status != 200 else ''}")
            if status != 200:
                continue
            cli_args = list(extra)
            if "--from" not in cli_args:
                cli_args += ["--from", "2026-03-28", "--to", "2026-04-01"]
            want = cli(args, srv, *cli_args)
            check(body["buckets"] == want, f"{params}: API buckets equal the CLI's ({len(want)} buckets)")
            check(set(body) == {"hierarchy", "node", "by", "bucket", "from", "to", "timezone", "unit", "buckets",
                                "total", "imbalances"}, f"answer keys {sorted(body)}")
            check(body["unit"] == "Wh" and body["timezone"] == "Europe/Paris", f"unit, timezone {body['unit']}")
            total = sum(b["value"] for b in body["buckets"])
            check(body["total"]["value"] == total and total > 0, f"total {body['total']['value']} = {total}")
            check(sum(p["value"] for p in body["total"]["parts"]) == total, "total parts add up")
        status, body = api(srv, cookie, hierarchy="Electricity", node="HVAC", bucket="hour",
                           **{"from": "2026-03-29T00:00:00+01:00", "to": "2026-03-30T00:00:00+02:00"})
        check(status == 200 and len(body["buckets"]) == 23, "2026-03-29 in Paris has 23 hours")

        # Circuits without a hierarchy: each circuit a load part, the value their sum.
        status, body = api(srv, cookie, circuit="hvac/1,lighting/1", bucket="day", **period)
        check(status == 200 and len(body["buckets"]) == 4, f"circuits: {status}")
        if status == 200:
            hvac = cli(args, srv, "--circuit", "hvac/1", "--bucket", "day", "--from", "2026-03-28", "--to", "2026-04-01")
            for b, h in zip(body["buckets"], hvac):
                parts = {p["name"]: p for p in b["parts"]}
                check(parts["hvac/1"]["kind"] == "load" and parts["hvac/1"]["value"] == h["value"] and
                      b["value"] == parts["hvac/1"]["value"] + parts["lighting/1"]["value"],
                      f"circuits {b['start']}: {b['parts']} against {h}")
            check(body["circuits"] == ["hvac/1", "lighting/1"] and body["hierarchy"] is None, "circuits echoed")

        # Default bucket from the period: 4 days -> day.
        status, body = api(srv, cookie, hierarchy="Electricity", **period)
        check(status == 200 and body["bucket"] == "day" and body["node"] == "Building A",
              f"default bucket and root node: {status} {body.get('bucket')} {body.get('node')}")

        bad = [
            ({"node": "x"}, "hierarchy or circuit: give one"),
            ({"hierarchy": "Nope"}, "no hierarchy 'Nope'"),
            ({"hierarchy": "Electricity", "node": "Nope"}, "has no node 'Nope'"),
            ({"hierarchy": "Electricity", "by": "fluid"}, "by: expected usage"),
            ({"hierarchy": "Electricity", "by": "usage", "node": "HVAC"}, "node, by: give one"),
            ({"circuit": "nope/1"}, "no circuit 'nope/1'"),
            ({"circuit": "hvac/1,hvac/1"}, "given twice"),
            ({"hierarchy": "Electricity", "bucket": "year"}, "bucket: expected hour, day, week or month"),
            ({"hierarchy": "Electricity", "bucket": "hour", "from": "2020-01-01T00:00:00Z"}, "more than 10000"),
            ({"hierarchy": "Electricity", "from": "2026-03-28"}, "is not an ISO 8601 time with an offset"),
            ({"hierarchy": "Electricity", "to": "2026-03-01T00:00:00Z"}, "to: must be after from"),
        ]
        for params, reason in bad:
            status, body = api(srv, cookie, **dict(period, **params))
            check(status == 400 and reason in body.get("message", ""), f"bad input {params}: {status} {body}")
        check(srv.alive(), "gridscope is alive")
    finally:
        if srv:
            srv.stop()
    return finish("ui_web consumption test")


if __name__ == "__main__":
    sys.exit(main())

"""GET /metrics against the real server (issue 17 item 4): a site with a Modbus meter served by
gridscope-sim, a Modbus unit nobody answers, a virtual meter, the real store and ui_web with
`metrics: true`. Checks the exposition strictly (text format 0.0.4), that the counters come from
the drivers, the store and the server and grow between two scrapes, and who may read it
(127.0.0.1 without a token here; the rule for other addresses is unit-tested in
test_metrics.cpp, since this test can only connect from the loopback).
Usage: metrics_test.py --gridscope BIN --sim BIN
"""
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_test import Gridscope, check, finish, free_port, stop_process, test_arguments, wait_until  # noqa: E402

TOKEN = "metrics-token-0123456789abcdef"

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"({NAME})(?:\{{({LABEL}(?:,{LABEL})*)\}})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')


def parse_exposition(text):
    """Strict reader of the text format 0.0.4 (the subset gridscope writes: HELP, TYPE and
    samples without timestamps): every sample belongs to the family whose TYPE came last, a
    family is declared once, the text ends with a newline. Returns {family: (type, {labels
    tuple: value})}; raises ValueError on anything else."""
    if not text.endswith("\n"):
        raise ValueError("the text does not end with a newline")
    families, current, helped = {}, None, None
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if not re.fullmatch(NAME, name) or name in families or len(line.split(" ", 3)) < 4:
                raise ValueError("bad HELP line: " + line)
            helped = name
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[2] != helped or parts[3] not in ("counter", "gauge", "untyped",
                                                                         "summary", "histogram"):
                raise ValueError("bad TYPE line: " + line)
            current = parts[2]
            families[current] = (parts[3], {})
        elif line.startswith("#") or not line:
            raise ValueError("unexpected line: " + repr(line))
        else:
            m = SAMPLE.fullmatch(line)
            if not m or m.group(1) != current:
                raise ValueError("bad sample line: " + line)
            labels = tuple(LABEL_RE.findall(m.group(2) or ""))
            if labels in families[current][1]:
                raise ValueError("duplicate sample: " + line)
            families[current][1][labels] = float(m.group(3))
    return families


def write_site(folder, port, with_sim_units):
    units = "\n".join(f"""  - name: meter-{u}
    profile: socomec/countis-e2x
    tcp: "127.0.0.1:{port}"
    unit: {u}
    timeout_ms: 200
    period_ms: 500
    circuits:
      - {{index: 1, name: Meter {u}, models: [metered_energy, metrology]}}""" for u in with_sim_units)
    text = f"""site:
  name: Metrics test
  timezone: Europe/Paris
sources:
{units}
  - name: virtual
    profile: examples/virtual-meter
    period_ms: 500
    circuits:
      - {{index: 1, name: Virtual}}
plugins:
  driver_modbus: {{offline_after_failures: 1000000}}  # the silent unit stays polled
  storage_rocksdb: {{}}
  ui_web: {{bind_address: 127.0.0.1, metrics: true, metrics_token: {TOKEN}}}
"""
    path = os.path.join(folder, f"site-{'-'.join(map(str, with_sim_units))}.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read().decode()
    finally:
        conn.close()


def value(families, name, **labels):
    _, samples = families.get(name, (None, {}))
    for key, v in samples.items():
        if all((k, str(val)) in key for k, val in labels.items()):
            return v
    return None


def main():
    args = test_arguments("--sim")
    folder = tempfile.mkdtemp(prefix="gs-metrics-test-")
    modbus_port, http_port = free_port(), free_port()
    procs = []
    try:
        # The simulator serves unit 4 only; the site also polls unit 9, which never answers.
        sim_site = write_site(folder, modbus_port, [4])
        site = write_site(folder, modbus_port, [4, 9])
        procs.append(subprocess.Popen([args.sim, "--site", sim_site, "--absent-units", "exception"],
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        gs = Gridscope(args.gridscope, site, os.path.join(folder, "data"), http_port=http_port)
        procs.append(gs)

        def scrape_with_counters():
            status, ctype, body = get(http_port, "/metrics")
            if status != 200:
                return None
            fam = parse_exposition(body)
            # (a scrape is counted once answered: the next one shows it)
            if (value(fam, "gridscope_poll_requests_total", plugin="driver_modbus") or 0) > 0 and \
                    (value(fam, "gridscope_samples_stored_total") or 0) > 0 and \
                    value(fam, "gridscope_http_requests_total", method="GET", code="200"):
                return ctype, fam
            return None
        first = wait_until(scrape_with_counters, 60, 0.2, errors=(OSError,))
        check(first is not None, "GET /metrics answers 200 with driver and store counters")
        if first is None:
            print(gs.text()[-3000:])
            return finish("metrics_test")
        ctype, fam = first
        check(ctype == "text/plain; version=0.0.4; charset=utf-8", "content type of format 0.0.4: " + ctype)
        for name, kind in [("gridscope_poll_requests_total", "counter"), ("gridscope_poll_errors_total", "counter"),
                           ("gridscope_samples_stored_total", "counter"),
                           ("gridscope_journal_lag_samples", "gauge"),
                           ("gridscope_http_requests_total", "counter")]:
            check(fam.get(name, (None,))[0] == kind, f"{name} is a {kind}")
        link = f"tcp 127.0.0.1:{modbus_port}"
        check(value(fam, "gridscope_poll_requests_total", plugin="driver_modbus", link=link) is not None,
              "poll requests labelled by plugin and link")
        check(value(fam, "gridscope_poll_requests_total", plugin="example_virtual_meter",
                    link="virtual virtual") is not None, "the virtual meter's polls too")
        check(value(fam, "gridscope_http_requests_total", method="GET", code="200") is not None,
              "HTTP requests by method and code")

        time.sleep(3)
        get(http_port, "/no-such-file")  # a 404 counted too
        status, _, body = get(http_port, "/metrics")
        later = parse_exposition(body)
        for name, labels in [("gridscope_poll_requests_total", {"plugin": "driver_modbus", "link": link}),
                             ("gridscope_poll_errors_total", {"plugin": "driver_modbus", "link": link}),
                             ("gridscope_poll_requests_total", {"plugin": "example_virtual_meter"}),
                             ("gridscope_samples_stored_total", {}),
                             ("gridscope_http_requests_total", {"method": "GET", "code": "200"})]:
            a, b = value(fam, name, **labels), value(later, name, **labels)
            check(a is not None and b is not None and b > a, f"{name} {labels} grows: {a} -> {b}")
        errors = value(later, "gridscope_poll_errors_total", plugin="driver_modbus", link=link)
        requests = value(later, "gridscope_poll_requests_total", plugin="driver_modbus", link=link)
        check(errors and requests and 0 < errors < requests,
              f"errors count the silent unit only: {errors} of {requests}")
        check(value(later, "gridscope_http_requests_total", method="GET", code="404") is not None,
              "a 404 is counted")

        # From 127.0.0.1: no session, no token needed; the token is accepted too.
        check(get(http_port, "/metrics")[0] == 200, "127.0.0.1 without a token: 200")
        check(get(http_port, "/metrics", {"Authorization": "Bearer " + TOKEN})[0] == 200,
              "127.0.0.1 with the token: 200")
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        conn.request("POST", "/metrics", body=b"{}", headers={"Content-Type": "application/json"})
        check(conn.getresponse().status == 405, "POST /metrics: 405")
        conn.close()
        # The OpenAPI document is served and lists /metrics.
        status, _, body = get(http_port, "/api/v1/openapi.json")
        check(status == 200 and '"/metrics"' in body, "GET /api/v1/openapi.json lists /metrics")
    finally:
        for p in reversed(procs):
            stop_process(p)
        shutil.rmtree(folder, ignore_errors=True)
    return finish("metrics_test")


if __name__ == "__main__":
    sys.exit(main())

"""The Diagnostics page's API against the real server (issue 15 item 4): a site with a Modbus
meter served by gridscope-sim (unit 4), a Modbus unit nobody answers (unit 9), the real store,
an MQTT exporter whose broker is down (its password must never leave the server) and ui_web.
Checks who may read (User and Advanced get 403), that the per-source counters move, that the
absent unit counts timeouts and goes offline, that the bus view shows the hex frames of a real
Modbus exchange, and the diagnostics file: the JSON parses, the log lines are there and at most
1,000, the site copy has no password. Also POST /session/language (the Profile page).
Usage: diagnostics_test.py --gridscope BIN --sim BIN
"""
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import check, finish, free_port, stop_process, test_arguments, wait_until  # noqa: E402

SECRET = "mqtt-Secret-Passw0rd-4242"
ADMIN_PW = "admin secret 1"
ADVANCED_PW = "advanced secret 1"


def write_site(folder, name, modbus_port, units, mqtt_port=None):
    sources = "\n".join(f"""  - name: meter-{u}
    profile: socomec/countis-e2x
    tcp: "127.0.0.1:{modbus_port}"
    unit: {u}
    timeout_ms: 200
    period_ms: 500
    circuits:
      - {{index: 1, name: Meter {u}, models: [metered_energy, metrology]}}""" for u in units)
    mqtt = ""
    if mqtt_port:
        mqtt = f"""  exporter_mqtt:
    broker: {{host: 127.0.0.1, port: {mqtt_port}, username: gs, password: "{SECRET}"}}
    topic_prefix: gridscope/diagnostics-test
"""
    text = f"""site:
  name: Diagnostics test
  timezone: Europe/Paris
sources:
{sources}
plugins:
  driver_modbus: {{offline_after_failures: 2}}
  storage_rocksdb: {{}}
{mqtt}  ui_web:
    bind_address: 127.0.0.1
"""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_for(what, fn, timeout=60):
    """fn()'s first true value within `timeout` s (a server not answering yet counts as false);
    a failed check if none."""
    value = wait_until(fn, timeout, 0.25, errors=(OSError, ValueError, KeyError, TypeError))
    if not value:
        check(False, f"in time: {what}")
    return value or None


def source_row(report, name):
    return next((s for s in report["devices"]["sources"] if s["source"] == name), None)


def main():
    args = test_arguments("--sim")
    folder = tempfile.mkdtemp(prefix="gs-diagnostics-test-")
    modbus_port = free_port()
    sim = srv = None
    try:
        sim_site = write_site(folder, "sim.yaml", modbus_port, [4])
        sim = subprocess.Popen([args.sim, "--site", sim_site, "--absent-units", "silent"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        site = write_site(folder, "site.yaml", modbus_port, [4, 9], mqtt_port=free_port())  # no listener: the broker is down
        srv = Server(args.gridscope, site)
        # Yesterday's log with 1,500 lines: the file keeps the last 1,000 of both days.
        logs = os.path.join(srv.data_dir, "logs")
        os.makedirs(logs, exist_ok=True)
        yesterday = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
        with open(os.path.join(logs, f"gridscope-{yesterday}.log"), "w") as f:
            for i in range(1500):
                f.write(f"2000-01-01T00:00:00Z info filler line {i}\n")
        for profile, pw in (("admin", ADMIN_PW), ("advanced", ADVANCED_PW)):
            code, err = srv.passwd(profile, pw)
            check(code == 0, f"gridscope passwd {profile}: {err}")
        who = {"user": srv.login("user"), "advanced": srv.login("advanced", ADVANCED_PW),
               "admin": srv.login("admin", ADMIN_PW)}

        # Who may read: Admin only; the communication status stays open to all (manual §4).
        link = f"tcp 127.0.0.1:{modbus_port}"
        for path in ("/api/v1/diagnostics/report", "/api/v1/diagnostics/bus?link=" + link.replace(" ", "%20"),
                     "/api/v1/diagnostics/export"):
            check(srv.request("GET", path)[0] == 401, f"anonymous GET {path}: 401")
            for profile in ("user", "advanced"):
                status, body, _ = srv.request("GET", path, cookie=who[profile][0])
                check(status == 403 and body["error"] == "forbidden", f"{profile} GET {path}: {status}")
        check(srv.request("GET", "/api/v1/diagnostics", cookie=who["user"][0])[0] == 200,
              "user GET /diagnostics (communication status): 200")
        admin = who["admin"][0]

        def report():
            status, body, _ = srv.request("GET", "/api/v1/diagnostics/report", cookie=admin)
            return body if status == 200 else None

        first = wait_for("meter-4 answers and meter-9 is offline", lambda: (
            lambda r: r if (source_row(r, "meter-4") or {}).get("requests", 0) >= 3 and
            (source_row(r, "meter-9") or {}).get("state") == "offline" else None)(report()))
        if not first:
            print(srv.out.decode(errors="replace")[-3000:])
            return finish("diagnostics_test")
        g = first["global"]
        check(re.fullmatch(r"\d+\.\d+\.\d+", g["gridscope"] or "") is not None, f"gridscope version {g['gridscope']}")
        check(g["abi"] == "1.6", f"kernel ABI {g['abi']}")
        plugins = {p["id"]: p for p in g["plugins"]}
        for pid in ("driver_modbus", "storage_rocksdb", "ui_web", "exporter_mqtt"):
            check(plugins.get(pid, {}).get("state") == "running", f"plugin {pid} running: {plugins.get(pid)}")
            check(re.fullmatch(r"\d+\.\d+", plugins.get(pid, {}).get("abi", "")) is not None, f"{pid} has its ABI")
        check(SECRET not in json.dumps(first), "the MQTT password is nowhere in the report")
        check(g["process"]["uptime_s"] > 0 and g["process"]["rss_bytes"] > 1 << 20 and g["process"]["threads"] > 1,
              f"process: {g['process']}")
        st = g["storage"]
        check(st["data_dir_bytes"] > 0 and st["plugin"] == "storage_rocksdb", f"storage size {st['data_dir_bytes']}")
        check(st["retention_days"].get("raw") == 90 and st["retention_days"].get("event") == 732,
              f"retention from the storage's defaults: {st['retention_days']}")
        check(any(c["cursor"] == "exporter_mqtt" for c in st["cursors"]), f"journal cursors: {st['cursors']}")

        live, absent = source_row(first, "meter-4"), source_row(first, "meter-9")
        check(live["state"] == "online" and live["link"] == link and live["plugin"] == "driver_modbus",
              f"meter-4 online on {link}: {live}")
        check(live["last_good_utc_ns"] and abs(live["last_good_utc_ns"] / 1e9 - time.time()) < 30,
              "meter-4 has a recent last good poll")
        check(live["timeouts"] == 0 and live["exceptions"] == 0 and live["invalid"] == 0, "meter-4: no errors")
        check(live["mean_response_us"] is not None and 0 < live["mean_response_us"] < 200_000,
              f"meter-4 mean response {live['mean_response_us']} us")
        check(absent["timeouts"] >= 1 and absent["timeouts"] == absent["requests"] and absent["last_good_utc_ns"] is None,
              f"meter-9 (absent) counts timeouts: {absent}")
        check(absent["mean_response_us"] >= 150_000, "a timeout costs about the 200 ms timeout")
        links = {l["link"]: l for l in first["devices"]["links"]}
        check(link in links and 0 < links[link]["utilisation"] <= 1, f"link utilisation: {links.get(link)}")

        # The counters move.
        later = wait_for("meter-4's counters grow", lambda: (
            lambda r: r if source_row(r, "meter-4")["requests"] > live["requests"] and
            source_row(r, "meter-9")["timeouts"] >= absent["timeouts"] else None)(report()), timeout=30)
        if later:
            check(source_row(later, "meter-4")["last_good_utc_ns"] >= live["last_good_utc_ns"], "last good poll moves on")

        # The bus view: the first call arms the recording, later ones show the frames.
        bus_path = "/api/v1/diagnostics/bus?link=" + link.replace(" ", "%20")

        def frames():
            status, body, _ = srv.request("GET", bus_path, cookie=admin)
            if status != 200:
                return None
            sent = [f for f in body["frames"] if f["direction"] == "sent" and f["unit"] == 4]
            got = [f for f in body["frames"] if f["direction"] == "received" and f["unit"] == 4 and f["note"] == "good"]
            return body if sent and got else None

        trace = wait_for("the bus view shows a request and its answer", frames, timeout=30)
        if trace:
            check(trace["link"] == link and trace["capacity"] == 64 and len(trace["frames"]) <= 64, "bus view bounded")
            hexes = [f["hex"] for f in trace["frames"] if f["hex"]]
            check(all(re.fullmatch(r"[0-9A-F]{2}( [0-9A-F]{2})*", x) for x in hexes), "frames are hex pairs")
            sent = next(f for f in trace["frames"] if f["direction"] == "sent" and f["unit"] == 4)
            b = bytes.fromhex(sent["hex"].replace(" ", ""))
            # MBAP: protocol 0, length 6, unit 4, function 3 (read holding registers).
            check(len(b) == 12 and b[2:4] == b"\0\0" and b[4:6] == b"\0\x06" and b[6] == 4 and b[7] == 3,
                  f"a Modbus TCP read request: {sent['hex']}")
            answer = next(f for f in trace["frames"] if f["direction"] == "received" and f["unit"] == 4 and f["note"] == "good")
            a = bytes.fromhex(answer["hex"].replace(" ", ""))
            check(a[6] == 4 and a[7] == 3 and a[8] == len(a) - 9, f"its answer: {answer['hex']}")
        status, body, _ = srv.request("GET", "/api/v1/diagnostics/bus?link=tcp%20192.0.2.1:502", cookie=admin)
        check(status == 404 and body["error"] == "unknown_link", f"unknown link: {status}")
        status, body, _ = srv.request("GET", "/api/v1/diagnostics/bus", cookie=admin)
        check(status == 400 and body["error"] == "invalid_parameter", f"no link: {status}")

        # The diagnostics file.
        status, body, r = srv.request("GET", "/api/v1/diagnostics/export", cookie=admin, timeout=30)
        check(status == 200 and r.getheader("Content-Type") == "application/zip", f"export: {status}")
        check(re.search(r'attachment; filename="gridscope-diagnostics-\d{4}-\d{2}-\d{2}\.zip"',
                        r.getheader("Content-Disposition", "")) is not None, "export file name")
        z = zipfile.ZipFile(io.BytesIO(body))
        check(sorted(z.namelist()) == ["diagnostics.json", "logs.txt", "site.yaml"], f"zip entries {z.namelist()}")
        doc = json.loads(z.read("diagnostics.json"))
        check(source_row(doc, "meter-4")["requests"] > 0 and doc["global"]["abi"] == "1.6", "diagnostics.json: the report")
        check(any(b["link"] == link and b["frames"] for b in doc["bus"]), "diagnostics.json: the bus views")
        lines = z.read("logs.txt").decode().splitlines()
        check(len(lines) == 1000 == doc["export"]["log_lines"], f"1,000 log lines: {len(lines)}")
        fillers = sum(1 for l in lines if "filler" in l)
        check(0 < fillers < 1000 and all("filler" in l for l in lines[:fillers]) and
              lines[0].endswith(f"filler line {1500 - fillers}"),
              f"yesterday's last {fillers} lines first: {lines[0]}")
        check(any("driver_modbus" in l for l in lines) and "filler" not in lines[-1],
              "today's lines of the running site come last")
        site_copy = z.read("site.yaml").decode()
        check(SECRET not in site_copy and "<removed>" in site_copy and "meter-9" in site_copy,
              "site.yaml without its password")
        check(SECRET not in z.read("diagnostics.json").decode() and SECRET not in "\n".join(lines),
              "the password is nowhere in the file")

        # The Profile page's language.
        cookie, csrf = who["advanced"]
        status, body, r = srv.request("POST", "/api/v1/session/language", {"language": "fr"}, cookie=cookie, csrf=csrf)
        check(status == 200 and body["language"] == "fr" and body["profile"] == "advanced", f"language fr: {status} {body}")
        new_cookie = r.getheader("Set-Cookie", "").split(";")[0]
        check(srv.request("GET", "/api/v1/session", cookie=new_cookie)[1]["language"] == "fr", "the new session is in French")
        check(srv.request("GET", "/api/v1/session", cookie=cookie)[0] == 401, "the old session ended")
        status, body, _ = srv.request("POST", "/api/v1/session/language", {"language": "xx"},
                                      cookie=new_cookie, csrf=body["csrf_token"])
        check(status == 400 and body["error"] == "invalid_field", f"unknown language: {status}")
        status, _, _ = srv.request("POST", "/api/v1/session/language", {"language": "en"}, cookie=new_cookie)
        check(status == 403, f"no CSRF token: {status}")
    finally:
        if srv:
            srv.stop()
        if sim:
            stop_process(sim)
        shutil.rmtree(folder, ignore_errors=True)
    return finish("diagnostics_test")


if __name__ == "__main__":
    sys.exit(main())

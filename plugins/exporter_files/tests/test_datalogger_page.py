#!/usr/bin/python3
"""The Datalogger page's API (GET /api/v1/datalogger, POST /datalogger/send-now,
/datalogger/test-connection) through the real `gridscope run` with ui_web, storage_rocksdb and
exporter_files, against real servers on 127.0.0.1: pyftpdlib with explicit FTPS and the HTTPS
receiver (libs/publish/tests), certificates made by openssl here.

  test_datalogger_page.py GRIDSCOPE PLUGIN_DIR SOURCE_DIR

1. FTPS, wrong password, a status plan whose cursor is 10,500 hours old (the box was off): the
   budget drops the oldest 500 periods; the page shows the failure (login), the pending periods,
   the dropped count, the server without its password; "test connection" says login; User is
   refused (403), a POST without the CSRF token too.
2. FTPS, right password (site restarted): "test connection" is ok; "send now" sends index, log,
   alarm files and the configuration backup (site file without its secret, custom profiles),
   each file on the server with the bytes the answer gives; the alarm files carry the
   exporter_files.dropped and exporter_files.login events from the store; a send-now of one type,
   and of a type no plan has (400).
3. HTTPS (POST, Basic): "send now" stores the files on the receiver; a wrong type refused.
"""
import calendar
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_test import ReadyServer, WebSite, check, finish, wait_until  # noqa: E402

GRIDSCOPE, PLUGIN_DIR, SOURCE_DIR = map(os.path.abspath, sys.argv[1:4])
TESTS = os.path.join(SOURCE_DIR, "libs/publish/tests")
CUSTOM_PROFILES = os.path.join(SOURCE_DIR, "tests/browser/site/profiles")
SECRET = "s3cr3t-Pw"  # the right password
WRONG = "wr0ng-Pw"
ADMIN_PW = "datalogger-admin-1"


def site_text(server, plans):
    return ("site: {name: Datalogger page test, timezone: Europe/Paris}\n"
            f"profiles: [{CUSTOM_PROFILES}]\n"
            "sources:\n"
            "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
            "     circuits: [{index: 1, models: [metered_energy, metrology]}]}\n"
            "plugins:\n"
            "  ui_web: {bind_address: 127.0.0.1}\n"
            "  storage_rocksdb: {}\n"
            "  exporter_files:\n"
            "    identification: {site: Demo building, server: box-01}\n"
            f"    server: {server}\n"
            "    plans:\n" + "".join(f"      - {p}\n" for p in plans))


def Child(script, *args):
    """A test server of libs/publish/tests (ftp_server.py / http_server.py)."""
    return ReadyServer(["/usr/bin/python3", os.path.join(TESTS, script), *args])


class Site(WebSite):
    """`gridscope run` of the test's site with ui_web on a free port; output kept in a log
    file; the Admin's requests."""

    def __init__(self, site, data, log):
        super().__init__(GRIDSCOPE, site, data, PLUGIN_DIR, log=log, stop_s=60)
        self.cookie = self.csrf = None

    def request(self, method, path, body=None, cookie=None, csrf=None, timeout=60):
        """(status, parsed JSON or None, answer bytes, response)."""
        status, answer, r = super().request(method, path, body, cookie=cookie, csrf=csrf,
                                            timeout=timeout)
        return status, None if isinstance(answer, bytes) else answer, r.raw_body, r

    def admin(self, method, path, body=None):
        if not self.cookie:
            self.cookie, self.csrf = self.login("admin", ADMIN_PW)
        return self.request(method, "/api/v1" + path, body, self.cookie, self.csrf)


def make_certificate(folder):
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True,
                   timeout=60)
    both = os.path.join(folder, "server.pem")
    with open(both, "w") as f:
        f.write(open(key).read() + open(cert).read())
    return both, cert


def files_in(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    work = tempfile.mkdtemp(prefix="gs_datalogger_page_")
    pem, cert = make_certificate(work)
    site, data = os.path.join(work, "site.yaml"), os.path.join(work, "data")
    ftp_root, http_root = os.path.join(work, "ftp"), os.path.join(work, "http")
    os.makedirs(ftp_root)
    os.makedirs(http_root)
    children, sites = [], []
    try:
        ftp = Child("ftp_server.py", "--root", ftp_root, "--user", "u", "--password", SECRET,
                    "--tls", "explicit", "--cert", pem, "--quiet")
        children.append(ftp)
        ftps = ("{protocol: ftps, host: 127.0.0.1, port: %d, user: u, password: %%s, "
                "directory: /in, passive: true, ca_file: %s}" % (ftp.port, cert))
        plans = ["{type: index, every: 30s, files: all}",
                 "{type: log, every: 30s, files: all}",
                 "{type: alarms, every: 30s, files: all}",
                 "{type: config_backup, at: \"03:00\", files: all}"]
        status_plan = "{type: status, every: 1h, files: all}"

        # 1. Wrong password; a status cursor 10,500 hours old: the budget keeps 10,000.
        with open(site, "w") as f:
            f.write(site_text(ftps % WRONG, [status_plan] + plans))
        os.makedirs(os.path.join(data, "exporter_files"))
        hour = int(time.time()) // 3600 * 3600
        with open(os.path.join(data, "exporter_files", "cursor"), "w") as f:
            f.write("gridscope-publish-cursor 1\ndropped 0\n"
                    f"plan status/all/every=3600s {hour - 10500 * 3600}\n")
        r = subprocess.run([GRIDSCOPE, "passwd", "--config", site, "--data-dir", data,
                            "--profile", "admin", "--plugin-dir", PLUGIN_DIR],
                           input=f"{ADMIN_PW}\n{ADMIN_PW}\n", text=True, capture_output=True,
                           timeout=60)
        check(r.returncode == 0, "admin password set: " + r.stderr.strip()[:200])
        s = Site(site, data, os.path.join(work, "run1.log"))
        sites.append(s)

        status = wait_until(lambda: (lambda a: a[1] if a[0] == 200 and a[1]["failing"] else None)(
            s.admin("GET", "/datalogger")), 60)
        check(status is not None, "GET /datalogger answers and shows a failure")
        status = status or {}
        raw = s.admin("GET", "/datalogger")[2]
        check(WRONG.encode() not in raw and b'"password"' not in raw,
              "the password is never sent to the browser")
        srv = status.get("server", {})
        check(srv.get("password_set") is True and srv.get("protocol") == "ftps"
              and srv.get("port") == ftp.port and srv.get("user") == "u"
              and srv.get("directory") == "/in" and srv.get("passive") is True,
              "server shown: %s" % srv)
        check(status.get("failing") == "login", "failing: login (%s)" % status.get("failing"))
        check(status.get("dropped_total") in (500, 501),
              "500 periods over the budget were dropped: %s" % status.get("dropped_total"))
        plans_shown = {p["type"]: p for p in status.get("plans", [])}
        check(sorted(plans_shown) == ["alarms", "config_backup", "index", "log", "status"],
              "every plan listed: %s" % sorted(plans_shown))
        st = plans_shown.get("status", {})
        check(st.get("pending") == 10000 and st.get("last_failure")
              and "530" in st.get("last_error", "") and st.get("last_success") is None
              and st.get("schedule") == "every 1h" and st.get("files") == "all",
              "the status plan: 10,000 periods waiting, its login failure: %s" % st)
        check(st.get("next_run") and (status.get("retry_at") or st.get("next_run")),
              "a next run is given")
        ok, body, _, _ = s.admin("POST", "/datalogger/test-connection", {})
        check(ok == 200 and body["ok"] is False and body["failure"] == "login"
              and WRONG not in body["message"], "test connection: login refused: %s" % body)
        user_cookie, user_csrf = s.login("user")
        check(s.request("GET", "/api/v1/datalogger", cookie=user_cookie)[0] == 403,
              "User may not see the Datalogger")
        check(s.request("POST", "/api/v1/datalogger/send-now", {}, cookie=user_cookie,
                        csrf=user_csrf)[0] == 403, "User may not send")
        check(s.request("GET", "/api/v1/datalogger")[0] == 401, "anonymous: 401")
        check(s.request("POST", "/api/v1/datalogger/send-now", {}, cookie=s.cookie)[0] == 403,
              "send-now without the CSRF token is refused")
        code, body, _, _ = s.admin("POST", "/datalogger/send-now", {})
        check(code == 200 and body["files"] and "530" in body["files"][0]["status"],
              "send now with the wrong password reports the refusal: %s" % body)
        s.stop()

        # 2. The right password, without the status plan (its 10,000 hourly files), the server
        # away at first: the exporter waits a backoff, "send now" does not wait for it.
        ftp.stop()
        with open(site, "w") as f:
            f.write(site_text(ftps % SECRET, plans))
        s = Site(site, data, os.path.join(work, "run2.log"))
        sites.append(s)
        code, body, _, _ = s.admin("POST", "/datalogger/test-connection", {})
        check(code == 200 and body["ok"] is False and body["failure"] == "unreachable",
              "test connection, server away: unreachable: %s" % body)

        def retry_far():  # a backoff with at least 4 s to go
            _, st, _, _ = s.admin("GET", "/datalogger")
            at = (st or {}).get("retry_at")
            return at and calendar.timegm(time.strptime(at, "%Y-%m-%dT%H:%M:%SZ")) \
                - time.time() >= 4
        check(wait_until(retry_far, 90), "the exporter waits a backoff while the server is away")
        ftp = Child("ftp_server.py", "--root", ftp_root, "--port", str(ftp.port), "--user", "u",
                    "--password", SECRET, "--tls", "explicit", "--cert", pem, "--quiet")
        children.append(ftp)
        code, body, _, _ = s.admin("POST", "/datalogger/send-now", {})
        sent = body["files"] if code == 200 else []
        check(code == 200 and sent and all(f["status"] == "sent" for f in sent),
              "send now sends: %s" % body)
        inbox = os.path.join(ftp_root, "in")

        def logs_in(names):
            return [n for n in names if re.match(r"box-01_log_all_\d{14}\.log$", n)]

        def alarm_text(names):
            return "".join(read(os.path.join(inbox, n)) for n in names if "_alarms_all_" in n)

        # "Send now" sends the periods that have ended; those of the first site's log lines and
        # events may end up to one plan period (30 s) later: the plugin's own thread sends them.
        def all_arrived():
            names = files_in(inbox)
            alarms = alarm_text(names)
            return (any("[exporter_files]" in read(os.path.join(inbox, n))
                        for n in logs_in(names))
                    and "exporter_files.login" in alarms and "exporter_files.dropped" in alarms)
        wait_until(all_arrived, 90)
        got = files_in(inbox)
        check(any(re.match(r"box-01_index_all_\d{14}\.csv$", n) for n in got), "index files")
        logs = logs_in(got)
        check(logs and any("[exporter_files]" in read(os.path.join(inbox, n))
                           for n in logs), "log files with gridscope's log lines: %s" % logs)
        backup = [n for n in got if re.match(r"box-01_config_backup_site_\d{14}\.yaml$", n)]
        check(len(backup) == 1, "one configuration backup of the site file: %s" % backup)
        if backup:
            text = read(os.path.join(ftp_root, "in", backup[0]))
            check(SECRET not in text and 'password: "<removed>"' in text
                  and "identification: {site: Demo building, server: box-01}" in text,
                  "the backup is the site file without its password")
        profiles = [n for n in got if re.match(r"box-01_config_backup_profiles_\d{14}\.json$", n)]
        if profiles:
            ids = [p["id"] for p in json.loads(read(os.path.join(ftp_root, "in", profiles[0])))]
            check(ids and all(i.startswith("test/") for i in ids),
                  "the custom profiles only, not the installed ones: %s" % ids)
        else:
            check(False, "a backup of the custom profiles")
        check(all(os.path.getsize(os.path.join(ftp_root, "in", f["file"])) == f["bytes"]
                  for f in sent), "bytes match the files on the server")
        code, body, _, _ = s.admin("POST", "/datalogger/test-connection", {})
        check(code == 200 and body["ok"] is True and body["failure"] == ""
              and body["destination"].startswith("ftp://127.0.0.1:%d/in" % ftp.port),
              "test connection: ok: %s" % body)
        check(not [n for n in got if n.endswith(".tmp")], "no temporary name left")
        alarms = alarm_text(got)
        check("exporter_files.login" in alarms and "exporter_files.dropped" in alarms,
              "the login and budget events were stored and published in alarm files")
        code, status, _, _ = s.admin("GET", "/datalogger")
        shown = {p["type"]: p for p in status["plans"]} if code == 200 else {}
        check(status.get("failing") == "" and shown.get("index", {}).get("last_success")
              and shown.get("index", {}).get("pending") == 0,
              "the page shows the deliveries: %s" % shown.get("index"))
        code, body, _, _ = s.admin("POST", "/datalogger/send-now", {"type": "index"})
        check(code == 200 and isinstance(body.get("files"), list)
              and all(f["type"] == "index" for f in body["files"]),
              "send now of one type: %s" % body)
        code, body, _, _ = s.admin("POST", "/datalogger/send-now", {"type": "load_curve"})
        check(code == 400 and body["error"] == "invalid_field", "a type no plan has: 400")
        s.stop()

        # 3. HTTPS with Basic authentication.
        web = Child("http_server.py", "--root", http_root, "--user", "u", "--password", SECRET,
                    "--cert", pem)
        children.append(web)
        with open(site, "w") as f:
            f.write(site_text("{protocol: https, host: 127.0.0.1, port: %d, user: u, "
                              "password: %s, directory: /up, ca_file: %s}"
                              % (web.port, SECRET, cert),
                              ["{type: index, every: 30s, files: per_device}"]))
        s = Site(site, data, os.path.join(work, "run3.log"))
        sites.append(s)
        code, body, _, _ = s.admin("POST", "/datalogger/test-connection", {})
        check(code == 200 and body["ok"] is True, "HTTPS test connection: %s" % body)
        arrived = wait_until(lambda: [n for n in files_in(os.path.join(http_root, "up"))
                                      if re.match(r"box-01_index_m1_\d{14}\.csv$", n)], 40)
        code, body, _, _ = s.admin("POST", "/datalogger/send-now", {})
        check(code == 200 and all(f["status"] == "sent" for f in body["files"]),
              "HTTPS send now: %s" % body)
        check(arrived, "index files of m1 arrive over HTTPS")
        code, status, _, _ = s.admin("GET", "/datalogger")
        check(code == 200 and status["server"]["auth"] == "basic"
              and status["server"]["method"] == "post" and status["server"]["passive"] is None,
              "the HTTP server's settings: %s" % (status or {}).get("server"))
        s.stop()
    finally:
        for s in sites:
            s.stop()
        for c in children:
            c.stop()
    return finish("exporter_files Datalogger page test", work)


sys.exit(main())

"""Debian's influxdb 1.6 (`influxd`, v1 API) on free ports of 127.0.0.1 with a private config
and folder (meta, data, wal): the one influxd launcher of the tests and benchmarks
(plugins/exporter_influxdb/tests, bench/exporters). Bounded: start() waits at most 30 s for
/ping, stop() SIGTERM then SIGKILL after 20 s."""
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../support"))
from gs_test import free_ports, stop_process, wait_until  # noqa: E402


class Influxd:
    def __init__(self, folder):
        self.folder = folder
        self.http, self.rpc = free_ports(2)
        self.proc = None
        os.makedirs(folder, exist_ok=True)
        self.conf = os.path.join(folder, "influxdb.conf")
        with open(self.conf, "w") as f:
            f.write(f'reporting-disabled = true\nbind-address = "127.0.0.1:{self.rpc}"\n'
                    f'[meta]\n  dir = "{folder}/meta"\n'
                    f'[data]\n  dir = "{folder}/data"\n  wal-dir = "{folder}/wal"\n'
                    f'  query-log-enabled = false\n'
                    f'[monitor]\n  store-enabled = false\n'
                    f'[http]\n  bind-address = "127.0.0.1:{self.http}"\n  log-enabled = false\n'
                    f'[logging]\n  level = "warn"\n')

    def start(self):
        self.proc = subprocess.Popen(["influxd", "-config", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ping = f"http://127.0.0.1:{self.http}/ping"
        if not wait_until(lambda: urllib.request.urlopen(ping, timeout=1).close() or True, 30, 0.2,
                          errors=(OSError,)):
            self.stop()
            raise RuntimeError("influxd did not start")
        return self

    def stop(self):
        stop_process(self.proc)

    def query(self, q, db=None):
        params = {"q": q, "epoch": "ms"}
        if db:
            params["db"] = db
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/query", data, timeout=30) as r:
            return json.loads(r.read())

    def write(self, db, line):
        req = urllib.request.Request(f"http://127.0.0.1:{self.http}/write?db={db}",
                                     data=line.encode(), method="POST")
        urllib.request.urlopen(req, timeout=10).close()

    def rows(self, q, db):
        res = self.query(q, db)["results"][0]
        return res["series"][0]["values"] if res.get("series") else []

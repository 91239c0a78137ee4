"""Helpers shared by exporter_mqtt's broker tests: Debian's mosquitto on a free port of
127.0.0.1 with a private config (password file u/p, persistence in a private folder; the
launcher is tests/integration/mqtt_broker.py) and the samples the store holds (read with
`gridscope query`). Checks, waiting, ports and processes are tests/support/gs_test.py's."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../tests/integration"))
sys.path.insert(0, os.path.join(HERE, "../../../tests/support"))
import mqtt_broker  # noqa: E402
import gs_test  # noqa: E402
from gs_test import finish, kill_all, ms_of_utc  # noqa: E402


def clean_up(name, work, procs, stoppable):
    """Kills the processes a test started, stops its subscribers and brokers (None skipped),
    removes its folder when every check passed (else keeps it and says so); the exit status."""
    kill_all(procs)
    for s in stoppable:
        if s:
            s.stop()
    return finish(name, work)


def prepare_broker_dir(work):
    """The password file (user u, password p) and the persistence folder of a Broker."""
    os.makedirs(os.path.join(work, "persist"), exist_ok=True)
    subprocess.run(["mosquitto_passwd", "-c", "-b", os.path.join(work, "passwd"), "u", "p"],
                   check=True, capture_output=True)


def Broker(work, port, tls_port=None, extra=""):
    """mosquitto with the password file and persistence of prepare_broker_dir()."""
    return mqtt_broker.Broker(work, port, tls_port=tls_port, extra=extra, secured=True)


def stored_points(gridscope, plugin_dir, site, data, source, circuit, name):
    """[(ms, value)] the store holds for source/circuit/name; RuntimeError if it has none."""
    points = gs_test.stored_points(gridscope, site, data, source, circuit, name, plugin_dir)
    if not points:
        raise RuntimeError("no stored points of %s/%d/%s" % (source, circuit, name))
    return [(ms_of_utc(p["time"]), p.get("value")) for p in points]

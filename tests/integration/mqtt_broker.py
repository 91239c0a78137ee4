"""Debian's mosquitto on a free port of 127.0.0.1 with a private config and folder, and the
mosquitto_pub client: the one broker launcher of the MQTT tests and benchmarks (the hub's
test_hub_mqtt.py and bench/hub, exporter_mqtt's broker tests through mqtt_test_support.py).
Bounded: start() waits at most 10 s, stop() SIGTERM (mosquitto then saves its persistent
sessions) then SIGKILL after 10 s. Ports and processes: tests/support/gs_test.py."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../support"))
from gs_test import free_port, stop_process, wait_port  # noqa: E402


class Broker:
    """Anonymous clients without persistence (each test starts clean), or with `secured`: the
    password file <work>/passwd and persistence in <work>/persist/ (make them first: e.g.
    mqtt_test_support.prepare_broker_dir). `tls_port`: a TLS listener with <work>/cert.pem and
    key.pem. `extra`: more lines of mosquitto.conf, before the listeners. `max_queued`: the
    messages queued per client (0: no limit)."""

    def __init__(self, work, port=None, tls_port=None, extra="", secured=False, max_queued=100000):
        self.work, self.port, self.tls_port = work, port or free_port(), tls_port
        self.extra, self.secured, self.max_queued = extra, secured, max_queued
        self.proc = None

    def start(self):
        conf = os.path.join(self.work, "mosquitto.conf")
        w = self.work
        access = (f"allow_anonymous false\npassword_file {w}/passwd\npersistence true\n"
                  f"persistence_location {w}/persist/\nautosave_interval 1\n"
                  if self.secured else "allow_anonymous true\npersistence false\n")
        with open(conf, "w") as f:
            f.write(f"user root\nper_listener_settings false\n{access}"
                    f"max_queued_messages {self.max_queued}\nlog_dest file {w}/mosquitto.log\n"
                    f"{self.extra}listener {self.port} 127.0.0.1\n")
            if self.tls_port:
                f.write(f"listener {self.tls_port} 127.0.0.1\ncafile {w}/cert.pem\n"
                        f"certfile {w}/cert.pem\nkeyfile {w}/key.pem\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        try:
            wait_port(self.port, 10)
        except RuntimeError:
            self.stop()
            raise RuntimeError("mosquitto did not start")
        return self

    def stop(self):
        stop_process(self.proc, 10)

    def publish(self, topic, payload, retain=False, qos=1):
        """One message with mosquitto_pub (waits for its PUBACK at qos 1)."""
        args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-q", str(qos),
                "-t", topic, "-m", payload]
        subprocess.run(args + (["-r"] if retain else []), check=True, timeout=15)

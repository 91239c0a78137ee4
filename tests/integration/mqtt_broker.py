"""Debian's mosquitto on a free port of 127.0.0.1 with a private config and folder, and the
mosquitto_pub client: the one broker launcher of the MQTT tests and benchmarks (the hub's
test_hub_mqtt.py and bench/hub, exporter_mqtt's broker tests through mqtt_test_support.py).
Bounded: start() waits at most 10 s, stop() SIGTERM (mosquitto then saves its persistent
sessions) then SIGKILL after 10 s."""
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """Anonymous clients without persistence (each test starts clean), or with `secured`: the
    password file <work>/passwd and persistence in <work>/persist/ (make them first: e.g.
    mqtt_test_support.prepare_broker_dir). `tls_port`: a TLS listener with <work>/cert.pem and
    key.pem. `extra`: more lines of mosquitto.conf, before the listeners."""

    def __init__(self, work, port=None, tls_port=None, extra="", secured=False):
        self.work, self.port, self.tls_port = work, port or free_port(), tls_port
        self.extra, self.secured = extra, secured
        self.proc = None

    def start(self):
        conf = os.path.join(self.work, "mosquitto.conf")
        w = self.work
        access = (f"allow_anonymous false\npassword_file {w}/passwd\npersistence true\n"
                  f"persistence_location {w}/persist/\nautosave_interval 1\n"
                  if self.secured else "allow_anonymous true\npersistence false\n")
        with open(conf, "w") as f:
            f.write(f"user root\nper_listener_settings false\n{access}"
                    f"max_queued_messages 100000\nlog_dest file {w}/mosquitto.log\n"
                    f"{self.extra}listener {self.port} 127.0.0.1\n")
            if self.tls_port:
                f.write(f"listener {self.tls_port} 127.0.0.1\ncafile {w}/cert.pem\n"
                        f"certfile {w}/cert.pem\nkeyfile {w}/key.pem\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        end = time.time() + 10
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def publish(self, topic, payload, retain=False, qos=1):
        """One message with mosquitto_pub (waits for its PUBACK at qos 1)."""
        args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-q", str(qos),
                "-t", topic, "-m", payload]
        subprocess.run(args + (["-r"] if retain else []), check=True, timeout=15)

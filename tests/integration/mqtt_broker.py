"""Debian's mosquitto on a free port of 127.0.0.1 with a private config and folder, and the
mosquitto_pub client, for the hub's test (test_hub_mqtt.py) and benchmark (bench/hub). Bounded:
start() waits at most 10 s, stop() SIGTERM then SIGKILL."""
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
    """Anonymous clients on 127.0.0.1:<port>, no persistence: each test starts clean."""

    def __init__(self, work, port=None):
        self.work, self.port = work, port or free_port()
        self.proc = None

    def start(self):
        conf = os.path.join(self.work, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"user root\nallow_anonymous true\npersistence false\n"
                    f"max_queued_messages 100000\n"
                    f"log_dest file {self.work}/mosquitto.log\n"
                    f"listener {self.port} 127.0.0.1\n")
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

#!/usr/bin/python3
"""exporter_mqtt against Debian's mosquitto on 127.0.0.1 (a free port, a private config with a
password file, persistence in a private folder), with the real gridscope process, the example
virtual meter and storage_rocksdb.

  test_exporter_mqtt.py GRIDSCOPE PLUGIN_DIR
  GS_MQTT_OUTAGE_S (default 20): how long the broker stays down (the issue says 5 minutes: 300)

1. `gridscope check` accepts the issue's exact form; a wrong broker key is named.
2. The site publishes one message per poll on <prefix>/m1/1 with {"ts", "values", "quality"};
   <prefix>/status is retained "online"; wrong credentials deliver nothing.
3. kill -9 of gridscope while publishing: the will sets the status "offline"; restart.
4. The broker down GS_MQTT_OUTAGE_S seconds, then back: everything arrives afterwards.
5. Every sample the store holds for m1 arrived (no gap; duplicates allowed), in order, with its
   original timestamp. Then a TLS listener: the site publishes over TLS with ca_file.
Home Assistant discovery (homeassistant: {enabled: true, ...}): the retained config messages of
m1's counters, field by field; sent again on homeassistant/status "online" and on a reload
(SIGHUP) that renames the circuit; removed by a reload that drops the counters' model.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
import mqtt_test_support as support  # noqa: E402
from gs_test import Gridscope, check, free_port, gridscope_check, outage, wait_until  # noqa: E402
from mqtt_test_support import Broker  # noqa: E402

GRIDSCOPE, PLUGIN_DIR = sys.argv[1:3]
OUTAGE_S = float(os.environ.get("GS_MQTT_OUTAGE_S", "20"))
PREFIX = "gridscope/test"


ISSUE_FORM = """plugins:
  exporter_mqtt:
    broker: {host: 127.0.0.1, port: 1883, username: null, password: null, tls: false}
    topic_prefix: gridscope/demo
    qos: 1
"""


def site_text(port, user="u", password="p", extra="", circuit="models: [metered_energy, metrology]"):
    return ("site: {name: MQTT test, timezone: Europe/Paris}\n"
            "sources:\n"
            "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
            f"     circuits: [{{index: 1, {circuit}}}]}}\n"
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  exporter_mqtt:\n"
            f"    broker: {{host: 127.0.0.1, port: {port}, username: {user}, "
            f"password: {password}, tls: false{extra}}}\n"
            f"    topic_prefix: {PREFIX}\n"
            "    qos: 1\n"
            "    retry: {initial_ms: 500, max_ms: 4000}\n"
            "    homeassistant: {enabled: true, prefix: homeassistant}\n")


class Subscriber:
    """mosquitto_sub with a persistent session (qos 1, clean session off): it reconnects after
    the broker's outage and gets what was queued for it."""

    def __init__(self, port):
        self.lines = []
        self.proc = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "u", "-P", "p",
             "-q", "1", "-c", "-i", "gs-test-sub", "-v", "-t", PREFIX + "/#"],
            stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def messages(self, topic):
        out = []
        for line in list(self.lines):
            t, _, payload = line.partition(" ")
            if t == topic:
                out.append(payload)
        return out

    def stop(self):
        self.proc.kill()
        self.proc.wait(10)


def retained_status(port):
    r = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "u", "-P",
                        "p", "-t", PREFIX + "/status", "-C", "1", "-W", "5"],
                       capture_output=True, text=True, timeout=15)
    return r.stdout.strip()


def retained_configs(port):
    """The retained Home Assistant discovery messages: {topic: parsed JSON}."""
    r = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "u", "-P",
                        "p", "-t", "homeassistant/#", "-v", "-W", "3"],
                       capture_output=True, text=True, timeout=15)
    out = {}
    for line in r.stdout.splitlines():
        topic, _, payload = line.partition(" ")
        if payload not in ("", "(null)"):  # mosquitto_sub prints "(null)" for a removal
            out[topic] = json.loads(payload)
    return out


def expected_config(name, unit, device_class, circuit_name="m1/1"):
    config = {"name": circuit_name + " " + name[1], "unique_id": "gridscope_gridscope_test_m1_1_"
              + name[0], "state_topic": PREFIX + "/m1/1",
              "value_template": "{{ value_json['values'][\"%s\"] }}" % name[0],
              "state_class": "total_increasing", "unit_of_measurement": unit,
              "availability_topic": PREFIX + "/status", "payload_available": "online",
              "payload_not_available": "offline",
              "device": {"identifiers": ["gridscope_gridscope_test_m1"], "name": "m1",
                         "manufacturer": "gridscope", "model": "Virtual 3-phase meter"}}
    if device_class:
        config["device_class"] = device_class
    return config


def check_discovery(port, site, run):
    """The retained configs of m1's counters; sent again on Home Assistant's "online"; a reload
    renames them, another removes them (the file is left as it was)."""
    topic = "homeassistant/sensor/m1/1_%s/config"
    energy = ("IEaPInst", "Total positive active energy (imported)")
    configs = retained_configs(port)
    check(sorted(configs) == sorted(topic % d for d in ("IEaPInst", "IErPInst", "IEsInst")),
          "a retained config per stored counter of m1: %s" % sorted(configs))
    check(configs.get(topic % "IEaPInst") == expected_config(energy, "Wh", "energy"),
          "the energy counter's config: %s" % configs.get(topic % "IEaPInst"))
    reactive = configs.get(topic % "IErPInst", {})
    check(reactive.get("device_class") == "reactive_energy" and
          reactive.get("unit_of_measurement") == "varh" and
          reactive.get("state_class") == "total_increasing", "reactive energy: %s" % reactive)
    apparent = configs.get(topic % "IEsInst", {})
    check("device_class" not in apparent and apparent.get("unit_of_measurement") == "VAh",
          "apparent energy has no device class: %s" % apparent)

    # Home Assistant restarts: its birth message brings the configs again (live, not retained).
    live = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "u",
                             "-P", "p", "-t", "homeassistant/sensor/#", "-R", "-C", "3", "-W",
                             "15"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-u", "u", "-P", "p",
                    "-t", "homeassistant/status", "-m", "online"], check=True, timeout=15)
    out, _ = live.communicate(timeout=30)
    check(len(out.splitlines()) == 3, "homeassistant/status 'online' re-sends the 3 configs")

    with open(site) as f:
        original = f.read()
    try:
        # A reload that names the circuit: the configs follow.
        with open(site, "w") as f:
            f.write(original.replace("{index: 1, ", "{index: 1, name: Main, "))
        run.send_signal(signal.SIGHUP)
        check(wait_until(lambda: retained_configs(port).get(topic % "IEaPInst") ==
                         expected_config(energy, "Wh", "energy", "Main"), 30),
              "a reload naming the circuit re-publishes the configs")
        # A reload without the counters' model: their configs are removed.
        with open(site, "w") as f:
            f.write(original.replace("metered_energy, ", ""))
        run.send_signal(signal.SIGHUP)
        check(wait_until(lambda: not retained_configs(port), 30),
              "a reload without counters removes their retained configs")
    finally:
        with open(site, "w") as f:
            f.write(original)
        run.send_signal(signal.SIGHUP)


def stored_ts_ms(site, data, name):
    """The timestamps (ms) the store holds for m1/1/<name>."""
    return [t for t, _ in support.stored_points(GRIDSCOPE, PLUGIN_DIR, site, data, "m1", 1, name)]


def main():
    work = tempfile.mkdtemp(prefix="gs_exporter_mqtt_")
    support.prepare_broker_dir(work)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", os.path.join(work, "key.pem"), "-out",
                    os.path.join(work, "cert.pem"), "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    site, data = os.path.join(work, "site.yaml"), os.path.join(work, "data")
    broker = Broker(work, free_port(), free_port())
    sub = None
    procs = []
    try:
        # 1. The issue's exact form is accepted; a wrong key is named.
        r = gridscope_check(GRIDSCOPE, site, "site: {name: Form, timezone: UTC}\nsources: []\n" +
                            ISSUE_FORM, PLUGIN_DIR)
        check(r.returncode == 0, "check accepts the issue's form: " + r.stderr.strip()[:300])
        r = gridscope_check(GRIDSCOPE, site, "site: {name: Form, timezone: UTC}\nsources: []\n" +
                            ISSUE_FORM.replace("tls: false", "tsl: false"), PLUGIN_DIR)
        check(r.returncode != 0 and "broker.tsl" in r.stderr,
              "check names a wrong broker key: " + r.stderr.strip()[:300])

        broker.start()
        sub = Subscriber(broker.port)
        time.sleep(1)
        data_topic = PREFIX + "/m1/1"

        # 2a. Wrong credentials: refused, nothing delivered, the cursor does not move.
        with open(site, "w") as f:
            f.write(site_text(broker.port, password="wrong"))
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run0.log"))
        procs.append(run)
        # The first attempt comes with the first stored poll (slow to start under ASan).
        refused = wait_until(lambda: "not authori" in run.text().lower(), 60)
        time.sleep(2)
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        check(not sub.messages(data_topic), "wrong credentials: nothing is delivered")
        check(refused, "the log says the broker refused the login")

        # 2b. The right credentials: what was stored meanwhile arrives, then one per poll.
        with open(site, "w") as f:
            f.write(site_text(broker.port))
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run1.log"))
        procs.append(run)
        check(wait_until(lambda: len(sub.messages(data_topic)) >= 10, 30),
              "messages arrive on " + data_topic)
        first = json.loads(sub.messages(data_topic)[0])
        check(sorted(first) == ["quality", "ts", "values"], "payload keys: %s" % sorted(first))
        check(isinstance(first["ts"], int) and first["ts"] > 1.6e12, "ts in ms since the epoch")
        check(isinstance(first["values"].get("IPSumInst"), (int, float)) and
              isinstance(first["values"].get("IEaPInst"), (int, float)),
              "values hold the polled data as numbers: %s" % list(first["values"])[:5])
        check(first["quality"] == {}, "quality lists no good value")
        check(retained_status(broker.port) == "online", "status is retained 'online'")
        check_discovery(broker.port, site, run)

        # 3. kill -9 while publishing: the will says offline; restart.
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        check(wait_until(lambda: retained_status(broker.port) == "offline", 10),
              "after kill -9 the will sets the retained status 'offline'")
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run2.log"))
        procs.append(run)
        check(wait_until(lambda: retained_status(broker.port) == "online", 20),
              "after the restart the status is 'online' again")
        time.sleep(3)

        # 4. The broker down for a while, then back.
        back = outage(broker, OUTAGE_S, "broker")

        def caught_up():
            msgs = sub.messages(data_topic)
            return msgs and json.loads(msgs[-1])["ts"] >= (back + 2) * 1000

        check(wait_until(caught_up, 60 + OUTAGE_S / 2), "the outage is caught up afterwards")
        time.sleep(2)
        run.send_signal(signal.SIGTERM)
        run.wait(30)
        check(run.returncode == 0, "gridscope stops cleanly (exit %s)" % run.returncode)
        check(retained_status(broker.port) == "offline", "a clean stop says 'offline'")

        # 5. No gap, in order, original timestamps.
        received = [json.loads(m)["ts"] for m in sub.messages(data_topic)]
        last = max(received)
        stored = [t for t in stored_ts_ms(site, data, "IPSumInst") if t <= last]
        missing = sorted(set(stored) - set(received))
        check(len(stored) > OUTAGE_S and not missing,
              "every stored sample up to the last received arrived: %d stored, %d received, "
              "missing %s" % (len(stored), len(received), missing[:10]))
        seen, out_of_order = set(), []
        for prev, ts in zip(received, received[1:]):
            seen.add(prev)
            if ts <= prev and ts not in seen:
                out_of_order.append((prev, ts))
        check(not out_of_order, "in order (a step back only re-sends a delivered message): %s"
              % out_of_order[:5])
        check(set(received) <= set(stored_ts_ms(site, data, "IPSumInst")),
              "every timestamp received is an original, stored one")
        events = [json.loads(m) for m in sub.messages(PREFIX + "/events")]
        check(all(sorted(e) == ["circuit", "message", "severity", "source", "state", "ts", "type"]
                  for e in events), "event payloads have their keys (%d events)" % len(events))

        # 6. TLS with a CA file.
        with open(site, "w") as f:
            f.write(site_text(broker.tls_port, extra=", ca_file: " + work + "/cert.pem")
                    .replace("tls: false", "tls: true"))
        count = len(sub.messages(data_topic))
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run3.log"))
        procs.append(run)
        check(wait_until(lambda: len(sub.messages(data_topic)) >= count + 5, 30),
              "over TLS (ca_file) the messages arrive")
        run.stop(30)
        # Under ASan a leak report at exit (e.g. libmosquitto's TLS state, see client.cpp) makes
        # the exit status non-zero.
        tail = run.text()[-2000:]
        check(run.returncode == 0, "gridscope with TLS stops cleanly (exit %s): %s"
              % (run.returncode, tail if run.returncode else ""))
    finally:
        status = support.clean_up("exporter_mqtt broker test", work, procs, [sub, broker])
    return status


if __name__ == "__main__":
    sys.exit(main())

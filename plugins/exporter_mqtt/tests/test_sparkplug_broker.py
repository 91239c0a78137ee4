#!/usr/bin/python3
"""exporter_mqtt's Sparkplug B payloads against Debian's mosquitto on 127.0.0.1 (a free port, a
private config), with the real gridscope process, two virtual meters and storage_rocksdb. The
payloads are decoded with sparkplug_decode (the plugin's own protobuf-c code).

  test_sparkplug_broker.py GRIDSCOPE PLUGIN_DIR SPARKPLUG_DECODE

1. `gridscope check`: the issue's form with a sparkplug section is accepted (also without
   topic_prefix, which JSON needs); a group_id with '/' and Home Assistant discovery with
   Sparkplug are refused, naming the field.
2. NBIRTH (seq 0, bdSeq 0 = the first connection, Node Control/Rebirth false without an alias),
   a DBIRTH per source (names, datatype Double, unique aliases), then DDATA (aliases only) with
   seq one more per message, wrapping 255 -> 0.
3. An NCMD Rebirth Request: a new NBIRTH (seq 0, the same bdSeq) and DBIRTHs, then DDATA.
4. The broker down and back: the next NBIRTH carries bdSeq 1; the samples stored meanwhile
   arrive as historical DDATA.
5. kill -9: the broker publishes the will, an NDEATH with the session's bdSeq and no seq.
6. Every sample stored for m1/1/IPSumInst up to the last received arrived with its original
   timestamp and value.
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
from gs_test import Gridscope, check, free_port, gridscope_check, wait_until  # noqa: E402
from mqtt_test_support import Broker  # noqa: E402

GRIDSCOPE, PLUGIN_DIR, DECODE = sys.argv[1:4]
GROUP, EDGE = "Plant", "box1"


ISSUE_FORM = """plugins:
  exporter_mqtt:
    broker: {host: 127.0.0.1, port: 1883, username: null, password: null, tls: false}
    topic_prefix: gridscope/demo
    qos: 1
"""


def site_text(port):
    sources = "".join(
        f"  - {{name: {name}, profile: examples/virtual-meter, period_ms: 200,\n"
        f"     circuits: [{{index: 1, models: [metered_energy, metrology]}}]}}\n"
        for name in ("m1", "m2"))
    return ("site: {name: Sparkplug test, timezone: Europe/Paris}\n"
            "sources:\n" + sources +
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  exporter_mqtt:\n"
            f"    broker: {{host: 127.0.0.1, port: {port}, username: u, password: p, tls: false}}\n"
            f"    sparkplug: {{group_id: {GROUP}, edge_node_id: {EDGE}}}\n"
            "    retry: {initial_ms: 500, max_ms: 2000}\n")


class Subscriber:
    """mosquitto_sub on spBv1.0/# printing '<topic> <hex payload>', with a persistent session
    (the broker queues QoS 0 messages for it during its outage: queue_qos0_messages)."""

    def __init__(self, port):
        self.lines = []
        self.done = []  # self.lines[:len(self.done)], decoded
        self.proc = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "u", "-P", "p", "-q", "1",
             "-c", "-i", "gs-spb-sub", "-F", "%t %x", "-t", "spBv1.0/#"],
            stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def decoded(self):
        """Every message so far, decoded (the new lines only: the test asks often)."""
        lines = self.lines[len(self.done):]
        if lines:
            r = subprocess.run([DECODE], input="\n".join(lines) + "\n", capture_output=True,
                               text=True, timeout=60)
            out = [json.loads(line) for line in r.stdout.splitlines()]
            for m in out:
                m["type"] = m["topic"].split("/")[2]
            self.done.extend(out)
        return list(self.done)

    def stop(self):
        self.proc.kill()
        self.proc.wait(10)


def metric(message, name):
    return next((m for m in message["metrics"] if m["name"] == name), None)


def sessions(messages):
    """The messages split at each NBIRTH (the first part: what came before any)."""
    out = [[]]
    for m in messages:
        if m["type"] == "NBIRTH":
            out.append([])
        out[-1].append(m)
    return out


def check_seq(session, what):
    seqs = [m["seq"] for m in session if m["type"] != "NDEATH"]
    bad = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != (a + 1) % 256]
    check(seqs and seqs[0] == 0 and not bad,
          "%s: seq from 0, one more per message (%d messages, breaks %s)"
          % (what, len(seqs), bad[:5]))
    return seqs


def run_check(site, text):
    return gridscope_check(GRIDSCOPE, site, text, PLUGIN_DIR)


def main():
    work = tempfile.mkdtemp(prefix="gs_exporter_mqtt_spb_")
    support.prepare_broker_dir(work)
    site, data = os.path.join(work, "site.yaml"), os.path.join(work, "data")
    broker = Broker(work, free_port(), extra="queue_qos0_messages true\n")
    sub = None
    procs = []
    try:
        # 1. The configuration.
        head = "site: {name: Form, timezone: UTC}\nsources: []\n"
        r = run_check(site, head + ISSUE_FORM + "    sparkplug: {group_id: G, edge_node_id: E}\n")
        check(r.returncode == 0, "check accepts the issue's form with sparkplug: " + r.stderr[:300])
        no_prefix = ISSUE_FORM.replace("    topic_prefix: gridscope/demo\n", "")
        r = run_check(site, head + no_prefix + "    sparkplug: {group_id: G, edge_node_id: E}\n")
        check(r.returncode == 0, "with sparkplug, topic_prefix may be left out: " + r.stderr[:300])
        r = run_check(site, head + no_prefix)
        check(r.returncode != 0 and "topic_prefix" in r.stderr,
              "without sparkplug, topic_prefix is required: " + r.stderr.strip()[-200:])
        r = run_check(site, head + ISSUE_FORM + "    sparkplug: {group_id: a/b, edge_node_id: E}\n")
        check(r.returncode != 0 and "sparkplug.group_id" in r.stderr,
              "a group_id with '/' is refused: " + r.stderr.strip()[-200:])
        r = run_check(site, head + ISSUE_FORM + "    sparkplug: {group_id: G, edge_node_id: E}\n"
                      "    homeassistant: {enabled: true}\n")
        check(r.returncode != 0 and "homeassistant.enabled" in r.stderr,
              "Home Assistant discovery with Sparkplug is refused: " + r.stderr.strip()[-200:])

        broker.start()
        sub = Subscriber(broker.port)
        time.sleep(1)
        with open(site, "w") as f:
            f.write(site_text(broker.port))
        run = Gridscope(GRIDSCOPE, site, data, PLUGIN_DIR, log=os.path.join(work, "run1.log"))
        procs.append(run)

        # 2. Births, then DDATA past a seq wrap (10 polls a second).
        check(wait_until(lambda: len(sub.lines) >= 300, 120),
              "300 messages arrive (%d)" % len(sub.lines))
        msgs = sub.decoded()
        first = sessions(msgs)[1]
        nbirth = first[0]
        check(nbirth["topic"] == f"spBv1.0/{GROUP}/NBIRTH/{EDGE}", "NBIRTH topic")
        bd = metric(nbirth, "bdSeq")
        check(bd and bd["value"] == 0 and bd["datatype"] == 4,
              "NBIRTH: bdSeq 0 (the first connection), Int64: %s" % bd)
        rebirth = metric(nbirth, "Node Control/Rebirth")
        check(rebirth and rebirth["value"] is False and rebirth["datatype"] == 11 and
              rebirth["alias"] is None, "NBIRTH: Node Control/Rebirth false, Boolean, no alias")
        births = [m for m in first if m["type"] == "DBIRTH"]
        check(sorted(m["topic"] for m in births) ==
              [f"spBv1.0/{GROUP}/DBIRTH/{EDGE}/m1", f"spBv1.0/{GROUP}/DBIRTH/{EDGE}/m2"],
              "a DBIRTH per source: %s" % [m["topic"] for m in births])
        aliases = {}
        for b in births:
            for m in b["metrics"]:
                aliases[(b["topic"].split("/")[-1], m["name"])] = m["alias"]
                if m["datatype"] != 10:
                    check(False, "DBIRTH metric %s is a Double" % m["name"])
        check(len(set(aliases.values())) == len(aliases) and None not in aliases.values(),
              "every DBIRTH metric has an alias, unique in the node (%d)" % len(aliases))
        check(("m1", "1/IPSumInst") in aliases and ("m1", "1/IEaPInst") in aliases,
              "DBIRTH m1 names 1/IPSumInst and 1/IEaPInst")
        ddata = [m for m in first if m["type"] == "DDATA"]
        check(ddata and all(x["name"] is None and x["datatype"] is None and x["alias"] is not None
                            and x["timestamp"] for m in ddata for x in m["metrics"]),
              "DDATA metrics carry an alias and a timestamp, no name or datatype")
        seqs = check_seq(first, "first session")
        check(any(a == 255 and b == 0 for a, b in zip(seqs, seqs[1:])), "seq wraps 255 -> 0")

        # 3. A Rebirth Request.
        request = os.path.join(work, "rebirth.bin")
        subprocess.run([DECODE, "--rebirth-request", request], check=True, timeout=30)
        count = len(sub.lines)
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-u", "u",
                        "-P", "p", "-q", "1", "-t", f"spBv1.0/{GROUP}/NCMD/{EDGE}", "-f",
                        request], check=True, timeout=15)
        check(wait_until(lambda: sum(1 for m in sub.decoded()[count:]
                                     if m["type"] == "DDATA") >= 5, 30), "data after the rebirth")
        parts = sessions(sub.decoded())
        check(len(parts) == 3, "the NCMD brought one more NBIRTH (NBIRTHs: %d)" % (len(parts) - 1))
        reborn = parts[-1]
        check(metric(reborn[0], "bdSeq")["value"] == 0, "the rebirth keeps bdSeq 0 (same session)")
        check([m["type"] for m in reborn[:3]] == ["NBIRTH", "DBIRTH", "DBIRTH"],
              "NBIRTH then the DBIRTHs: %s" % [m["type"] for m in reborn[:4]])
        check_seq(reborn, "after the rebirth")

        # 4. The broker down and back: a new connection, bdSeq 1; the gap comes as historical.
        broker.stop()
        down_ms = time.time() * 1000
        time.sleep(5)
        broker.start()
        check(wait_until(lambda: len(sessions(sub.decoded())) >= 4, 60),
              "an NBIRTH after the broker came back")
        check(wait_until(lambda: sum(1 for m in sessions(sub.decoded())[-1]
                                     if m["type"] == "DDATA") >= 40, 60), "data after the outage")
        after = sessions(sub.decoded())[-1]
        check(metric(after[0], "bdSeq")["value"] == 1, "the new connection's NBIRTH: bdSeq 1")
        check_seq(after, "after the outage")
        late = [x for m in after if m["type"] == "DDATA" for x in m["metrics"]
                if x["timestamp"] < down_ms + 4000]
        check(late and all(x["historical"] for x in late),
              "samples stored during the outage arrive as historical (%d)" % len(late))

        # 5. kill -9: the will. Only NDEATHs that arrive after the kill count: the broker may
        # publish the first connection's will (bdSeq 0) around its own stop and start, which is
        # why a host matches an NDEATH's bdSeq to the NBIRTH's.
        before_kill = sum(1 for m in sub.decoded() if m["type"] == "NDEATH")
        run.send_signal(signal.SIGKILL)
        run.wait(10)

        def deaths():
            return [m for m in sub.decoded() if m["type"] == "NDEATH"][before_kill:]

        check(wait_until(lambda: deaths(), 30), "kill -9: the broker publishes the NDEATH")
        if deaths():
            death = deaths()[-1]
            check(death["topic"] == f"spBv1.0/{GROUP}/NDEATH/{EDGE}" and death["seq"] is None and
                  [m["name"] for m in death["metrics"]] == ["bdSeq"] and
                  death["metrics"][0]["value"] == metric(after[0], "bdSeq")["value"] == 1 and
                  death["metrics"][0]["datatype"] == 4,
                  "the NDEATH: bdSeq 1 as the NBIRTH of its connection, no seq: %s" % death)

        # 6. Timestamps and values as stored.
        msgs = sub.decoded()
        alias = aliases[("m1", "1/IPSumInst")]
        received = {}
        for m in msgs:
            if m["topic"] == f"spBv1.0/{GROUP}/DDATA/{EDGE}/m1":
                for x in m["metrics"]:
                    if x["alias"] == alias:
                        received[x["timestamp"]] = x["value"]
        stored = dict(support.stored_points(GRIDSCOPE, PLUGIN_DIR, site, data, "m1", 1,
                                            "IPSumInst"))
        last = max(received)
        wanted = {t: v for t, v in stored.items() if t <= last}
        missing = sorted(set(wanted) - set(received))
        check(len(wanted) > 100 and not missing,
              "every stored sample of m1/1/IPSumInst up to the last received arrived: %d stored, "
              "missing %s" % (len(wanted), missing[:5]))
        wrong = [(t, v, wanted[t]) for t, v in received.items()
                 if t in wanted and v is not None and abs(v - wanted[t]) > 1e-9 * abs(wanted[t])]
        check(not wrong and set(received) <= set(stored),
              "original timestamps and the stored values: %s" % wrong[:3])
    finally:
        status = support.clean_up("exporter_mqtt Sparkplug test", work, procs, [sub, broker])
    return status


if __name__ == "__main__":
    sys.exit(main())

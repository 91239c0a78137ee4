#!/usr/bin/python3
"""A hub (issue 17 item 3): a gridscope whose driver_mqtt receives other boxes through Debian's
mosquitto on 127.0.0.1 (a free port, a private config), with storage_rocksdb and ui_web.

  test_hub_mqtt.py GRIDSCOPE

- box-01 is a real gridscope (the example virtual meter m1, storage_rocksdb, exporter_mqtt on
  gridscope/box-01); the hub lists none of its sources: it learns them from the box's retained
  description (plugins.driver_mqtt.boxes only). box-02 is messages published with mosquitto_pub
  in exporter_mqtt's exact format (fixed, past timestamps), its source listed by hand; its
  description (published by hand) names that source and one whose profile the hub lacks.
0. The hub learns box-01.m1: its site file gets the entry (`learned: true`, the old file kept);
   the hand-listed box-02.meter is not touched; the unknown profile is logged, not learned.
1. The hub's /perimeter puts each box at the top of the location tree; /monitor describes the
   received sources; /live shows their values with the box's timestamps.
2. The hub's store holds box-02's values at their original timestamps, and its counter's
   consumption is the counter's difference.
3. box-01 killed (-9): its will `offline` makes box-01.m1 offline at the hub (quality
   disconnected, stale); box-02's `offline` status likewise, and its `online` brings it back;
   the broker stopped makes box-02 offline, and once it is back the hub reconnects by itself.
4. box-01 restarted with a source added (m2) and its meter m1 polled once an hour: the hub
   learns m2 (and m1's new period) and shows m2; the exporter sends what it had not sent; the
   hub's store then holds every IEaPInst sample of the box's store, with the same timestamps
   and values, and the consumption of box-01.m1/1 over the day equals the box's m1/1.
5. The hub restarted on its site file: the learned sources are there at once (nothing saved).
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "plugins/ui_web/tests"))
sys.path.insert(0, os.path.join(ROOT, "tests/support"))
from gs_server import Server  # noqa: E402
from gs_test import (Gridscope, check, finish, gridscope_check, gridscope_query,  # noqa: E402
                     ms_of_utc, stop_process, stored_points, wait_until)
from mqtt_broker import Broker  # noqa: E402

GRIDSCOPE = sys.argv[1]
CIRCUIT = "circuits: [{index: 1, name: Main, models: [metered_energy, metrology]}]"


def box_site(port, second_source=False):
    m2 = ("  - {name: m2, profile: examples/virtual-meter, period_ms: 1000, location: Building B,\n"
          f"     {CIRCUIT}}}\n") if second_source else ""
    return ("site: {name: Box 01, timezone: Europe/Paris}\n"
            "sources:\n"
            # restarted with m2, m1 polls once an hour: its store stops growing, to compare
            f"  - {{name: m1, profile: examples/virtual-meter, "
            f"period_ms: {3600000 if second_source else 1000},\n"
            f"     location: Building A, {CIRCUIT}}}\n" + m2 +
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  exporter_mqtt:\n"
            f"    broker: {{host: 127.0.0.1, port: {port}, username: null, password: null, "
            "tls: false}\n"
            "    topic_prefix: gridscope/box-01\n"
            "    qos: 1\n"
            "    retry: {initial_ms: 500, max_ms: 4000}\n")


# box-01's sources are learned, box-02's listed by hand. box-01 has a client_id: the broker
# keeps its messages while a learned description reloads the driver (its connections restart).
def hub_site(port):
    return ("site: {name: Hub, timezone: Europe/Paris}\n"
            "sources:\n"
            "  - {name: box-02.meter, profile: examples/virtual-meter, driver: driver_mqtt,\n"
            "     box: box-02, remote_source: meter, period_ms: 1000, location: box-02,\n"
            f"     {CIRCUIT}}}\n"
            "plugins:\n"
            "  storage_rocksdb: {}\n"
            "  driver_mqtt:\n"
            "    boxes:\n"
            f"      box-01: {{broker: {{host: 127.0.0.1, port: {port}, client_id: hub-test-box-01}}, "
            "topic_prefix: gridscope/box-01, qos: 1}\n"
            f"      box-02: {{broker: {{host: 127.0.0.1, port: {port}}}, "
            "topic_prefix: gridscope/box-02}\n"
            "    retry: {initial_ms: 500, max_ms: 4000}\n"
            "  ui_web: {bind_address: 127.0.0.1}\n")


def hub_entries(path):
    """The hub's site file's sources, by name (read with the kernel's own YAML: gridscope's
    config export is not needed, the entries are flow maps or blocks PyYAML reads)."""
    import yaml
    with open(path) as f:
        return {s["name"]: s for s in (yaml.safe_load(f).get("sources") or [])}


def points(site, data_dir, source, data, quality="good"):
    """[(time text, value)] of source/1/data over all time with that quality, from the store."""
    return [(p["time"], p.get("value")) for p in stored_points(GRIDSCOPE, site, data_dir, source, 1, data)
            if p.get("quality") == quality]


def consumption(site, data_dir, circuit, day_from, day_to):
    return gridscope_query(GRIDSCOPE, site, data_dir, "--format", "json", "--consumption",
                           "--circuit", circuit, "--bucket", "hour", "--from", day_from,
                           "--to", day_to)


def main():
    work = tempfile.mkdtemp(prefix="gs_hub_mqtt_")
    broker = Broker(work).start()
    port = broker.port
    hub_file = os.path.join(work, "hub.yaml")
    with open(hub_file, "w") as f:
        f.write(hub_site(port))
    box_file = os.path.join(work, "box.yaml")
    box_data = os.path.join(work, "box-data")
    box_log = os.path.join(work, "box.log")
    hub = box = None
    try:
        r = gridscope_check(GRIDSCOPE, hub_file)
        check(r.returncode == 0, "gridscope check accepts the hub's site: " + r.stderr.strip())
        learned_file = hub_file + ".learned.yaml"
        r = gridscope_check(GRIDSCOPE, learned_file, hub_site(port).replace(
            "remote_source: meter,", "remote_source: meter, learned: maybe,"))
        check(r.returncode != 0 and "learned" in r.stderr and "true or false" in r.stderr,
              "the kernel checks the driver's source keys: " + r.stderr.strip()[-160:])
        bad = hub_file + ".bad.yaml"
        r = gridscope_check(GRIDSCOPE, bad, hub_site(port).replace("box: box-02,", "box: box-03,"))
        check(r.returncode != 0 and "no box 'box-03'" in r.stderr,
              "a source naming an unknown box is refused: " + r.stderr.strip()[-160:])

        hub = Server(GRIDSCOPE, hub_file)
        session = {"cookie": hub.login("user")[0], "lost": 0}

        def api(path):
            # A learned description reloads the hub; ui_web keeps its server and its sessions.
            try:
                status, body, _ = hub.request("GET", "/api/v1" + path,
                                              cookie=session["cookie"])
                if status == 401:
                    session["lost"] += 1
                    session["cookie"] = hub.login("user")[0]
                    status, body, _ = hub.request("GET", "/api/v1" + path,
                                                  cookie=session["cookie"])
            except (OSError, RuntimeError):
                return None
            return body if status == 200 else None

        # box-02's description names the hand-listed source (never overwritten) and one whose
        # profile the hub does not have.
        broker.publish("gridscope/box-02/status", "online", retain=True)
        broker.publish("gridscope/box-02/description", json.dumps(
            {"format": 1, "site": "Box 02", "sources": [
                {"name": "meter", "profile": "examples/virtual-meter", "period_ms": 1000,
                 "location": "Elsewhere",
                 "circuits": [{"index": 1, "models": ["metered_energy"]}]},
                {"name": "ghost", "profile": "acme/not-installed", "period_ms": 1000,
                 "location": "", "circuits": [{"index": 1, "models": ["metrology"]}]}]}),
            retain=True)

        with open(box_file, "w") as f:
            f.write(box_site(port))
        box = Gridscope(GRIDSCOPE, box_file, box_data, log=box_log)

        def live(source):
            return api("/live?source=" + urllib.parse.quote(source))

        def value(snapshot, data):
            for v in (snapshot or {}).get("values", []):
                if v["d"] == data:
                    return v
            return None

        ok = wait_until(lambda: (value(live("box-01.m1"), "IEaPInst") or {}).get("q") == "good",
                        90)
        check(ok, "box-01.m1, learned from the box's description, shows good values at the hub")
        entries = hub_entries(hub.site)
        m1 = entries.get("box-01.m1", {})
        check(m1.get("learned") is True and m1.get("box") == "box-01" and
              m1.get("remote_source") == "m1" and m1.get("location") == "box-01/Building A" and
              m1.get("profile") == "examples/virtual-meter" and m1.get("driver") == "driver_mqtt",
              f"the hub's site file holds the learned entry: {m1}")
        check(os.path.exists(hub.site + ".1"), "the site file before learning is kept")
        meter = entries.get("box-02.meter", {})
        check("learned" not in meter and meter.get("location") == "box-02" and
              "box-02.ghost" not in entries,
              f"the hand-listed source is untouched, the unknown profile not learned: {meter}")
        check(wait_until(lambda: "acme/not-installed" in hub.out.decode(errors="replace"), 10),
              "the profile the hub lacks is logged")

        # box-02: the exact payloads of exporter_mqtt, published by hand, with past timestamps.
        t0 = (int(time.time()) - 600) * 1000
        energies = [1000, 1500, 2500]
        for i, e in enumerate(energies):
            broker.publish("gridscope/box-02/meter/1", json.dumps(
                {"ts": t0 + i * 1000, "values": {"IV1Inst": 230 + i, "IEaPInst": e,
                                                 "II1Inst": None},
                 "quality": {"II1Inst": "timeout"}}))
        snap = live("box-01.m1")
        v = value(snap, "IV1Inst")
        check(v is not None and v["v"] is not None and abs(v["t"] - time.time() * 1000) < 30000,
              f"box-01.m1 IV1Inst has a value and the box's recent timestamp: {v}")

        ok = wait_until(lambda: (value(live("box-02.meter"), "IEaPInst") or {}).get("v") == 2500,
                        30)
        snap = live("box-02.meter")
        e, u, i1 = (value(snap, d) for d in ("IEaPInst", "IV1Inst", "II1Inst"))
        check(ok and e["t"] == t0 + 2000 and u["v"] == 232,
              f"box-02.meter shows the published values at their original timestamps: {e} {u}")
        check(i1 is not None and i1["q"] == "timeout",
              f"a value the box marked timeout is not good at the hub: {i1}")

        per = api("/perimeter?view=location")
        tops = [n["name"] for n in (per or {}).get("nodes", [])]
        check(sorted(tops) == ["box-01", "box-02"],
              f"each box is a top level of the perimeter: {tops}")
        box01 = next((n for n in per["nodes"] if n["name"] == "box-01"), {})
        child = (box01.get("children") or [{}])[0]
        check(child.get("name") == "Building A" and
              any(d.get("source") == "box-01.m1" for d in child.get("children", [])),
              "box-01 holds the box's own location, then its device")
        mon = api("/monitor?source=box-01.m1")
        check(mon is not None and any(d["name"] == "IEaPInst" for d in mon["data"]) and
              mon["profile"]["id"] == "examples/virtual-meter",
              "the Monitor describes a received source")

        # 2. The hub's store: original timestamps, and the counter's consumption.
        hub_site_file = hub.site
        got = wait_until(lambda: len(points(hub_site_file, hub.data_dir, "box-02.meter",
                                            "IEaPInst")) == 3, 30)
        stored = points(hub_site_file, hub.data_dir, "box-02.meter", "IEaPInst")
        check(got, f"the hub's store holds box-02's three counter samples: {stored}")
        check([ms_of_utc(t) for t, _ in stored] == [t0, t0 + 1000, t0 + 2000] and
              [v for _, v in stored] == energies,
              "stored at the original timestamps with the values sent")
        day_from = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() - 86400))
        day_to = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() + 86400))
        c = consumption(hub_site_file, hub.data_dir, "box-02.meter/1", day_from, day_to)
        total = sum(b.get("value", 0) or 0 for b in c) if isinstance(c, list) else None
        check(total == 1500, f"the received counter's consumption is its difference: {total}")

        # 3. Offline: box-01 killed (its will), box-02's status.
        time.sleep(3)
        box.send_signal(signal.SIGKILL)
        box.wait(10)
        ok = wait_until(lambda: (value(live("box-01.m1"), "IEaPInst") or {}).get("q")
                        == "disconnected", 30)
        snap = live("box-01.m1")
        check(ok and snap["stale"], f"box-01 killed: its will makes box-01.m1 offline: "
              f"{value(snap, 'IEaPInst')}")
        check(wait_until(lambda: "box box-01" in hub.out.decode(errors="replace"), 5),
              "the hub logs the box's loss")
        check((value(live("box-02.meter"), "IEaPInst") or {}).get("q") == "good",
              "box-02 is not affected")
        broker.publish("gridscope/box-02/status", "offline", retain=True)
        ok = wait_until(lambda: (value(live("box-02.meter"), "IEaPInst") or {}).get("q")
                        == "disconnected", 20)
        check(ok, "box-02's status offline makes box-02.meter offline")
        broker.publish("gridscope/box-02/status", "online", retain=True)
        broker.publish("gridscope/box-02/meter/1", json.dumps(
            {"ts": int(time.time() * 1000), "values": {"IEaPInst": 2600}, "quality": {}}))
        ok = wait_until(lambda: (value(live("box-02.meter"), "IEaPInst") or {}).get("q")
                        == "good", 20)
        check(ok, "box-02 online again: good values")

        # The broker down, then back on the same port: the hub sees its boxes offline, then
        # reconnects by itself (backoff 0.5 to 4 s) and takes their data again.
        broker.stop()
        ok = wait_until(lambda: (value(live("box-02.meter"), "IEaPInst") or {}).get("q")
                        == "disconnected", 20)
        check(ok, "the broker lost: box-02.meter offline at the hub")
        broker.start()
        def reconnected():
            broker.publish("gridscope/box-02/meter/1", json.dumps(
                {"ts": int(time.time() * 1000), "values": {"IEaPInst": 2700}, "quality": {}}))
            return (value(live("box-02.meter"), "IEaPInst") or {}).get("v") == 2700
        check(wait_until(reconnected, 30), "the hub reconnected to the broker: box-02 good again")

        # 4. box-01 back with a source added, m1 polled once an hour: the hub learns them; the
        # exporter sends what it had not sent.
        with open(box_file, "w") as f:
            f.write(box_site(port, second_source=True))
        box = Gridscope(GRIDSCOPE, box_file, box_data, log=box_log)
        ok = wait_until(lambda: (value(live("box-01.m2"), "IEaPInst") or {}).get("q") == "good",
                        90)
        check(ok, "the source added on the box is learned and shows good values at the hub")
        entries = hub_entries(hub.site)
        check(entries.get("box-01.m1", {}).get("period_ms") == 3600000 and
              entries.get("box-01.m2", {}).get("location") == "box-01/Building B",
              "the changed source is updated, the new one added, in the hub's site file")
        per = api("/perimeter?view=location")
        box01 = next((n for n in (per or {}).get("nodes", []) if n["name"] == "box-01"), {})
        check(sorted(c.get("name") for c in box01.get("children", [])) ==
              ["Building A", "Building B"], "the new source is under its box in the perimeter")
        box_points = None
        def caught_up():
            nonlocal box_points
            if box_points is None:
                return False
            return points(hub_site_file, hub.data_dir, "box-01.m1", "IEaPInst")[-1:] == \
                box_points[-1:]
        time.sleep(2)
        box_points = points(box_file, box_data, "m1", "IEaPInst")
        ok = wait_until(caught_up, 60)
        hub_points = points(hub_site_file, hub.data_dir, "box-01.m1", "IEaPInst")
        check(ok and len(box_points) >= 5, f"the hub caught up with box-01 "
              f"({len(hub_points)} of {len(box_points)} samples)")
        lost = points(hub_site_file, hub.data_dir, "box-01.m1", "IEaPInst", "disconnected")
        check(len(lost) == 1 and ms_of_utc(lost[0][0]) < ms_of_utc(box_points[-1][0]),
              f"the hub's store holds box-01.m1's loss (the kill) before the restart's poll: "
              f"{lost}")
        check(set(box_points) <= set(hub_points) and hub_points == sorted(set(hub_points)),
              "every counter sample of the box is stored at the hub, same time and value")
        c_box = consumption(box_file, box_data, "m1/1", day_from, day_to)
        c_hub = consumption(hub_site_file, hub.data_dir, "box-01.m1/1", day_from, day_to)
        vb = [b.get("value") for b in c_box]
        vh = [b.get("value") for b in c_hub]
        check(vb == vh and any(v for v in vb),
              f"the consumption of box-01.m1/1 at the hub equals the box's: {vb} / {vh}")

        check(session["lost"] == 0,
              f"the user's session survives every learn ({session['lost']} logins lost)")

        # 5. The hub restarted on its site file: the sources are there, nothing is re-learned.
        kept = os.path.join(work, "hub-learned.yaml")  # the server's folder goes with it
        shutil.copyfile(hub_site_file, kept)
        code = hub.stop()
        check(code == 0, f"the hub stops cleanly (exit {code})")
        with open(os.path.join(work, "hub-1.log"), "wb") as f:
            f.write(hub.out)
        hub = Server(GRIDSCOPE, kept)
        check(wait_until(lambda: (value(live("box-01.m2"), "IEaPInst") or {}).get("q") ==
                         "good", 30), "after a restart the learned source shows values at once")
        time.sleep(3)  # the retained descriptions have come and been compared
        out = hub.out.decode(errors="replace")
        check("learned from the boxes' descriptions" not in out and
              not os.path.exists(hub.site + ".1"),
              "the restarted hub saved nothing: its learned sources were in force")
    finally:
        if box:
            stop_process(box)
        if hub:
            code = hub.stop()
            check(code == 0, f"the hub stops cleanly (exit {code})")
            with open(os.path.join(work, "hub.log"), "wb") as f:  # kept with GS_KEEP=1
                f.write(hub.out)
        broker.stop()
    return finish("hub_mqtt", work)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Simulated gridscope boxes for the hub benchmark: BOXES MQTT connections (one per box, with the
box's will `<prefix>/status` = offline, retained `online` once connected), each publishing every
PERIOD ms one message per device on `gridscope/box-NN/mNNN/1` in exporter_mqtt's exact payload
(`{"ts": <ms>, "values": {...18 values of the virtual meter...}, "quality": {}}`), qos 1. `ts`
is taken just before the message is written: the latency measured at the hub starts there.
Each box first publishes its retained description `<prefix>/description` (exporter_mqtt's
format: its DEVICES sources, profile examples/virtual-meter, the 18 data) and says `described`;
the data start once a line `go` arrives on stdin (the hub learns the sources meanwhile).
A minimal MQTT 3.1.1 client on the standard library (Debian has no paho for this python), one
thread per box; PUBACKs are read and counted. Every second it prints the messages sent and
acknowledged so far: `sent N acked M`.

  boxes.py PORT BOXES DEVICES PERIOD_MS
"""
import json
import random
import socket
import struct
import sys
import threading
import time

PORT, BOXES, DEVICES, PERIOD_MS = (int(a) for a in sys.argv[1:5])
DATA = ["IV1Inst", "IV2Inst", "IV3Inst", "IU12Inst", "IU23Inst", "IU31Inst", "II1Inst", "II2Inst",
        "II3Inst", "IInInst", "IPSumInst", "IQSumInst", "ISSumInst", "IpFSumInst", "IFreqInst",
        "IEaPInst", "IErPInst", "IEsInst"]
sent = [0] * BOXES
acked = [0] * BOXES
described = [False] * BOXES
go = threading.Event()


def text(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def remaining(n):
    out = b""
    while True:
        byte, n = n % 128, n // 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def packet(kind, body):
    return bytes([kind]) + remaining(len(body)) + body


def connect(box):
    prefix = f"gridscope/box-{box + 1:02d}"
    s = socket.create_connection(("127.0.0.1", PORT))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # CONNECT: clean session, will retained qos 1 (flags 0x02 | 0x04 | 0x08 | 0x20), keepalive 60
    body = text("MQTT") + bytes([4, 0x2E]) + struct.pack("!H", 60) + \
        text(f"bench-box-{box + 1:02d}") + text(prefix + "/status") + text("offline")
    s.sendall(packet(0x10, body))
    if s.recv(4)[:1] != b"\x20":
        raise RuntimeError("no CONNACK")
    s.sendall(packet(0x31, text(prefix + "/status") + b"online"))  # retained, qos 0
    s.sendall(packet(0x31, text(prefix + "/description") + description()))
    return s, prefix


def description():
    """The box's description as exporter_mqtt publishes it (retained, here qos 0)."""
    return json.dumps({"format": 1, "site": "bench box", "sources": [
        {"name": f"m{d:03d}", "profile": "examples/virtual-meter", "period_ms": PERIOD_MS,
         "location": "", "circuits": [{"index": 1, "name": f"m{d:03d}/1", "fluid": "electricity",
                                       "usage": "", "zone": "",
                                       "models": ["metered_energy", "metrology"],
                                       "data": DATA, "history": DATA}]}
        for d in range(DEVICES)], "units": {}}).encode()


def read_acks(box, s):
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        buf += chunk
        n = len(buf) // 4  # PUBACK: 0x40 0x02 mid mid
        acked[box] += n
        buf = buf[n * 4:]


def run(box):
    s, prefix = connect(box)
    threading.Thread(target=read_acks, args=(box, s), daemon=True).start()
    described[box] = True
    go.wait()
    start = go.start
    rnd = random.Random(box)
    energy = [rnd.uniform(1e6, 1e7) for _ in range(DEVICES)]
    topics = [text(f"{prefix}/m{d:03d}/1") for d in range(DEVICES)]
    mid = 0
    tick = start + (box / BOXES) * PERIOD_MS / 1000  # boxes spread over the period
    while True:
        time.sleep(max(0, tick - time.time()))
        out = []
        for d in range(DEVICES):
            energy[d] += rnd.uniform(0, 50)
            values = {name: round(rnd.uniform(0, 400), 2) for name in DATA}
            values["IEaPInst"] = round(energy[d], 1)
            mid = mid % 65535 + 1
            payload = json.dumps({"ts": int(time.time() * 1000), "values": values,
                                  "quality": {}}).encode()
            out.append(packet(0x32, topics[d] + struct.pack("!H", mid) + payload))
        s.sendall(b"".join(out))
        sent[box] += DEVICES
        tick += PERIOD_MS / 1000


def wait_for_go():
    for line in sys.stdin:
        if line.strip() == "go":
            go.start = time.time() + 1
            go.set()
            return


def main():
    for b in range(BOXES):
        threading.Thread(target=run, args=(b,), daemon=True).start()
    while not all(described):
        time.sleep(0.1)
    print("described", flush=True)
    threading.Thread(target=wait_for_go, daemon=True).start()
    while True:
        time.sleep(1)
        print(f"sent {sum(sent)} acked {sum(acked)}", flush=True)


if __name__ == "__main__":
    main()

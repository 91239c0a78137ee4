"""An independent Modbus TCP peer for the tests: Debian's pymodbus serving known registers.

usage: /usr/bin/python3 pymodbus_server.py PORT [--rtu]
With --rtu it speaks Modbus RTU frames (CRC, no MBAP header) over the TCP connection: RTU
over TCP, pymodbus' RTU framer on its TCP server.
Unit 1 holds, in holding registers (0-based PDU addresses):
  100-101  f32 123.456 in big-endian, high word first
  102-103  f32 -42.5 with the low word first
  104-105  s32 -123456 (high word first)
  106      u16 2301 (a voltage in V/10)
  108-111  u64 1234567890123 (high word first)
  120-121  u32 4000000000
Input register 200: s16 -7; coil 10: on.
"""
import struct
import sys
import threading

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer


def words(fmt, value):
    raw = struct.pack(">" + fmt, value)
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def main():
    port = int(sys.argv[1])
    holding = [0] * 300
    holding[100:102] = words("f", 123.456)
    holding[102:104] = list(reversed(words("f", -42.5)))
    holding[104:106] = words("i", -123456)
    holding[106] = 2301
    holding[108:112] = words("Q", 1234567890123)
    holding[120:122] = words("I", 4000000000)
    inputs = [0] * 300
    inputs[200] = words("h", -7)[0]
    coils = [0] * 100
    coils[10] = 1
    # pymodbus' sequential blocks are addressed from 1 internally for the PDU address 0.
    slave = ModbusSlaveContext(hr=ModbusSequentialDataBlock(1, holding),
                               ir=ModbusSequentialDataBlock(1, inputs),
                               co=ModbusSequentialDataBlock(1, coils),
                               di=ModbusSequentialDataBlock(1, [0] * 100),
                               zero_mode=False)
    context = ModbusServerContext(slaves={1: slave}, single=False)
    threading.Timer(0.5, lambda: print("pymodbus: ready", flush=True)).start()
    # Stops by itself after 60 s at the latest, should the test runner die.
    threading.Timer(60, lambda: __import__("os")._exit(0)).start()
    framer = ModbusRtuFramer if "--rtu" in sys.argv[2:] else ModbusSocketFramer
    StartTcpServer(context=context, address=("127.0.0.1", port), framer=framer)


if __name__ == "__main__":
    main()

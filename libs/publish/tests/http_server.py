#!/usr/bin/python3
"""An HTTP(S) upload receiver on 127.0.0.1 for the publish tests.

Accepts POST multipart/form-data (part "file", its filename) to any path and PUT to
<path>/<name>; stores the file under --root/<path>/<name>, written to a temporary name and
renamed once the whole body has arrived. Authentication: Basic, or NTLM (NTLMv2 checked for
real: challenge, HMAC-MD5 proof from the password). Prints "READY <port>", "STORED <path> <n>"
and "AUTH <scheme> <result>" lines, flushed.

  http_server.py --root DIR [--port N] [--user u --password p] [--auth basic|ntlm] [--cert PEM]
"""
import argparse
import base64
import hmac
import os
import ssl
import struct
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = argparse.ArgumentParser()
args.add_argument("--root", required=True)
args.add_argument("--port", type=int, default=0)
args.add_argument("--user", default="u")
args.add_argument("--password", default="p")
args.add_argument("--auth", choices=["basic", "ntlm"], default="basic")
args.add_argument("--cert")
opts = args.parse_args()


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def md4(data):
    """MD4 (RFC 1320): OpenSSL 3 keeps it in the legacy provider, so hashlib may lack it."""
    def f(x, y, z): return (x & y) | (~x & z)
    def g(x, y, z): return (x & y) | (x & z) | (y & z)
    def h(x, y, z): return x ^ y ^ z
    def rol(v, s): v &= 0xFFFFFFFF; return ((v << s) | (v >> (32 - s))) & 0xFFFFFFFF
    msg = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack("<Q", len(data) * 8)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for chunk in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[chunk:chunk + 64])
        aa, bb, cc, dd = a, b, c, d
        for i in range(16):
            k, s = i, [3, 7, 11, 19][i % 4]
            a, b, c, d = d, rol(a + f(b, c, d) + x[k], s), b, c
        for i in range(16):
            k, s = (i % 4) * 4 + i // 4, [3, 5, 9, 13][i % 4]
            a, b, c, d = d, rol(a + g(b, c, d) + x[k] + 0x5A827999, s), b, c
        for i in range(16):
            k = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15][i]
            s = [3, 9, 11, 15][i % 4]
            a, b, c, d = d, rol(a + h(b, c, d) + x[k] + 0x6ED9EBA1, s), b, c
        a, b, c, d = [(v + w) & 0xFFFFFFFF for v, w in zip((a, b, c, d), (aa, bb, cc, dd))]
    return struct.pack("<4I", a, b, c, d)


CHALLENGE = os.urandom(8)


def ntlm_type2():
    target_info = b"\x00\x00\x00\x00"  # MsvAvEOL: asks the client for NTLMv2
    # UNICODE | NTLM | NTLM2 key (curl then answers NTLMv2) | TARGET_INFO
    flags = 0x00000001 | 0x00000200 | 0x00080000 | 0x00800000
    header = b"NTLMSSP\x00" + struct.pack("<I", 2) + struct.pack("<HHI", 0, 0, 48)
    header += struct.pack("<I", flags) + CHALLENGE + b"\x00" * 8
    header += struct.pack("<HHI", len(target_info), len(target_info), 48)
    return header + target_info


def ntlm_type3_valid(msg):
    def field(offset):
        length, _, where = struct.unpack("<HHI", msg[offset:offset + 8])
        return msg[where:where + length]
    if msg[:8] != b"NTLMSSP\x00" or struct.unpack("<I", msg[8:12])[0] != 3:
        return False
    nt = field(20)
    domain, user = field(28).decode("utf-16-le"), field(36).decode("utf-16-le")
    if user != opts.user or len(nt) < 24:
        return False
    nt_hash = md4(opts.password.encode("utf-16-le"))
    v2_hash = hmac.new(nt_hash, (user.upper() + domain).encode("utf-16-le"), "md5").digest()
    proof = hmac.new(v2_hash, CHALLENGE + nt[16:], "md5").digest()
    return hmac.compare_digest(proof, nt[:16])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: NTLM authenticates the connection

    def log_message(self, *args):
        pass

    def reply(self, code, headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def authorized(self):
        given = self.headers.get("Authorization", "")
        if opts.auth == "basic":
            expected = base64.b64encode(("%s:%s" % (opts.user, opts.password)).encode()).decode()
            ok = given == "Basic " + expected
            say("AUTH basic " + ("ok" if ok else "refused"))
            if not ok:
                self.reply(401, [("WWW-Authenticate", 'Basic realm="gridscope"')])
            return ok
        token = base64.b64decode(given[5:]) if given.startswith("NTLM ") else b""
        if token[8:12] == struct.pack("<I", 1):
            say("AUTH ntlm negotiate")
            self.reply(401, [("WWW-Authenticate", "NTLM " + base64.b64encode(ntlm_type2()).decode())])
            return False
        ok = token[8:12] == struct.pack("<I", 3) and ntlm_type3_valid(token)
        say("AUTH ntlm " + ("ok" if ok else "refused"))
        if not ok:
            self.reply(401, [("WWW-Authenticate", "NTLM")])
        return ok

    def store(self, folder, name, data):
        folder = os.path.normpath(os.path.join(opts.root, folder.strip("/")))
        if not folder.startswith(os.path.abspath(opts.root)) or "/" in name or not name:
            self.reply(400)
            return
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path + ".receiving", "wb") as out:
            out.write(data)
        os.rename(path + ".receiving", path)
        say("STORED %s %d" % (path, len(data)))
        self.reply(201)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_PUT(self):
        data = self.body()
        if self.authorized():
            folder, _, name = self.path.rpartition("/")
            self.store(folder, name, data)

    def do_POST(self):
        data = self.body()
        if not self.authorized():
            return
        kind = self.headers.get("Content-Type", "")
        if "boundary=" not in kind:
            self.reply(400)
            return
        boundary = b"--" + kind.split("boundary=")[1].strip('"').encode()
        for part in data.split(boundary):
            head, _, content = part.partition(b"\r\n\r\n")
            if b'name="file"' in head and b"filename=" in head:
                name = head.split(b'filename="')[1].split(b'"')[0].decode()
                self.store(self.path, name, content[:-2])  # the CRLF before the next boundary
                return
        self.reply(400)


server = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
if opts.cert:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(opts.cert)
    server.socket = context.wrap_socket(server.socket, server_side=True)
say("READY %d" % server.socket.getsockname()[1])
server.serve_forever()

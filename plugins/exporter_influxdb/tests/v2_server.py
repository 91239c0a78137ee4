#!/usr/bin/python3
"""A stand-in for InfluxDB 2's write endpoint on 127.0.0.1, for exporter_influxdb's tests:
POST /api/v2/write?org=O&bucket=B&precision=ns with `Authorization: Token T` and a gzip body.
  v2_server.py --org O --bucket B --token T --out FILE [--reject-first N] [--busy-first N]
--reject-first N: the first N writes get 400 (a parse error), --busy-first N: the next N get 429
with Retry-After: 2. Accepted lines are appended to FILE; every request is logged to FILE.log as
"<status> <lines>". Prints "READY <port>" once listening."""
import argparse
import gzip
import http.server
import threading
import urllib.parse

args = None
lock = threading.Lock()
counts = {"requests": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, lines, headers=(), body=b""):
        with open(args.out + ".log", "a") as f:
            f.write("%d %d\n" % (status, lines))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if url.path != "/api/v2/write":
            return self.answer(404, 0, body=b'{"code":"not found"}')
        if self.headers.get("Authorization") != "Token " + args.token:
            return self.answer(401, 0, body=b'{"code":"unauthorized"}')
        if q.get("org") != [args.org] or q.get("bucket") != [args.bucket] or \
                q.get("precision") != ["ns"]:
            return self.answer(404, 0, body=b'{"code":"not found","message":"bucket"}')
        if self.headers.get("Content-Encoding") != "gzip":
            return self.answer(415, 0)
        text = gzip.decompress(raw).decode()
        lines = [l for l in text.split("\n") if l]
        with lock:
            counts["requests"] += 1
            n = counts["requests"]
        if n <= args.reject_first:
            return self.answer(400, len(lines), body=b'{"code":"invalid","message":"unable to '
                               b'parse: test rejection"}')
        if n <= args.reject_first + args.busy_first:
            return self.answer(429, len(lines), headers=[("Retry-After", "2")])
        with lock, open(args.out, "a") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        self.answer(204, len(lines))


def main():
    global args
    p = argparse.ArgumentParser()
    for k in ("--org", "--bucket", "--token", "--out"):
        p.add_argument(k, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--reject-first", type=int, default=0)
    p.add_argument("--busy-first", type=int, default=0)
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A pyftpdlib FTP server on 127.0.0.1 for the publish tests and benchmark.

Prints "READY <port>" once listening, then one line per command received ("CMD <line>",
passwords masked) and per completed upload ("RECEIVED <path>"), flushed, so the test can wait on
them and check the order of STOR/RNFR/RNTO.

  ftp_server.py --root DIR [--port N] [--user u --password p]
                [--tls explicit|implicit --cert PEM] [--throttle BYTES_PER_S] [--quiet]
"""
import argparse
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer

args = argparse.ArgumentParser()
args.add_argument("--root", required=True)
args.add_argument("--port", type=int, default=0)
args.add_argument("--user", default="u")
args.add_argument("--password", default="p")
args.add_argument("--tls", choices=["explicit", "implicit"])
args.add_argument("--cert")
args.add_argument("--throttle", type=int, default=0)
args.add_argument("--quiet", action="store_true")
opts = args.parse_args()


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


base = FTPHandler
if opts.tls:
    from pyftpdlib.handlers import TLS_DTPHandler, TLS_FTPHandler
    base = TLS_FTPHandler

    class EagerTLS_DTP(TLS_DTPHandler):
        """pyftpdlib 1.5.7 closes a data connection that is readable before the transfer command
        (DTPHandler.readable). curl connects and starts the TLS handshake on the data connection
        right after the EPSV answer, before STOR: keep it open while the handshake runs."""

        def readable(self):
            return True if self._ssl_accepting else super().readable()


class Handler(base):
    def pre_process_command(self, line, cmd, arg):
        if not opts.quiet:
            say("CMD " + ("PASS ******" if cmd == "PASS" else line))
        return super().pre_process_command(line, cmd, arg)

    def on_file_received(self, file):
        if not opts.quiet:
            say("RECEIVED " + file)


if opts.tls:
    Handler.certfile = opts.cert
    Handler.tls_control_required = True  # no USER/PASS in clear
    Handler.tls_data_required = True     # no file in clear
    Handler.dtp_handler = EagerTLS_DTP
    if opts.tls == "implicit":
        # Implicit FTPS: TLS from the first byte, the 220 greeting only once it is up.
        Explicit = Handler

        class Implicit(Explicit):
            def handle(self):
                self.secure_connection(self.ssl_context)

            def handle_ssl_established(self):
                Explicit.handle(self)
        Handler = Implicit

if opts.throttle:
    class Slow(ThrottledDTPHandler):
        read_limit = opts.throttle
    Handler.dtp_handler = Slow
    if opts.tls:
        class SlowTLS(EagerTLS_DTP, ThrottledDTPHandler):
            read_limit = opts.throttle
        Handler.dtp_handler = SlowTLS

authorizer = DummyAuthorizer()
authorizer.add_user(opts.user, opts.password, opts.root, perm="elradfmwMT")
Handler.authorizer = authorizer
Handler.banner = "gridscope test server"
Handler.passive_ports = None
import logging
logging.basicConfig(level=logging.CRITICAL)

server = FTPServer(("127.0.0.1", opts.port), Handler)
server.max_cons = 64
say("READY %d" % server.socket.getsockname()[1])
server.serve_forever(handle_exit=True)

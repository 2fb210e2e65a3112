"""NAME    test_malformed.py
PURPOSE Malformed requests, each on its own connection: answered 4xx (or 501/505) or closed, never
        a hang, while a well-formed keep-alive client on another connection keeps being served;
        the descriptor count returns to its baseline and /stats counts every rejection.
USAGE   python3 test_malformed.py PATH/TO/mockserver"""
import os
import random
import socket
import unittest

from msutil import Server, binary, request, wait_until

MOCKSERVER = None
H = b"Host: a\r\n"
ANY = -1  # a 400 or a close without a response, both fine

# (name, bytes sent, the status expected; None: a close without any response is expected)
CASES = [
    ("bare LF everywhere", b"GET / HTTP/1.1\nHost: a\n\n", 400),
    ("bare LF in a header", b"GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
    ("bare LF at the end", b"GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
    ("CR without LF", b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
    ("missing version", b"GET /\r\n" + H + b"\r\n", 400),
    ("missing method", b" / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    ("unknown version", b"GET / HTTP/1.2\r\n" + H + b"\r\n", 505),
    ("HTTP/3.0", b"GET / HTTP/3.0\r\n" + H + b"\r\n", 505),
    ("lowercase version", b"GET / http/1.1\r\n" + H + b"\r\n", 400),
    ("trailing space after version", b"GET / HTTP/1.1 \r\n" + H + b"\r\n", 400),
    ("two spaces", b"GET  / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("empty target", b"GET  HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("asterisk target", b"GET * HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("NUL in method", b"G\x00T / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("TAB in method", b"G\tT / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("colon in method", b"GE:T / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("NUL in target", b"GET /a\x00b HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("control byte in target", b"GET /a\x01b HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("byte over 0x7f in target", b"GET /\xff HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("bad percent-encoding", b"GET /%zz HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("truncated percent-encoding", b"GET /abc%4 HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("header without colon", b"GET / HTTP/1.1\r\nHost a\r\n\r\n", 400),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
    ("empty header name", b"GET / HTTP/1.1\r\n" + H + b": x\r\n\r\n", 400),
    ("NUL in header name", b"GET / HTTP/1.1\r\n" + H + b"X\x00Y: z\r\n\r\n", 400),
    ("NUL in header value", b"GET / HTTP/1.1\r\n" + H + b"X: a\x00b\r\n\r\n", 400),
    ("DEL in header value", b"GET / HTTP/1.1\r\n" + H + b"X: a\x7fb\r\n\r\n", 400),
    ("obs-fold", b"GET / HTTP/1.1\r\n" + H + b"X: a\r\n b\r\n\r\n", 400),
    ("missing Host on 1.1", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("duplicate Host", b"GET / HTTP/1.1\r\n" + H + H + b"\r\n", 400),
    ("duplicate Content-Length", b"GET / HTTP/1.1\r\n" + H +
     b"Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400),
    ("negative Content-Length", b"GET / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n", 400),
    ("non-digit Content-Length", b"GET / HTTP/1.1\r\n" + H + b"Content-Length: 1a\r\n\r\n", 400),
    ("empty Content-Length", b"GET / HTTP/1.1\r\n" + H + b"Content-Length:\r\n\r\n", 400),
    ("overflowing Content-Length", b"GET / HTTP/1.1\r\n" + H +
     b"Content-Length: 99999999999999999999999\r\n\r\n", 400),
    ("Transfer-Encoding and Content-Length", b"GET / HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
    ("unsupported transfer coding", b"GET / HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: gzip\r\n\r\n", 501),
    ("body over the limit", b"GET / HTTP/1.1\r\n" + H + b"Content-Length: 2000000\r\n\r\n", 413),
    ("POST", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 2\r\n\r\nhi", 405),
    ("lowercase method", b"get / HTTP/1.1\r\n" + H + b"\r\n", 405),
    ("request line too long", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n", 414),
    ("header too large", b"GET / HTTP/1.1\r\n" + H + b"X: " + b"a" * 40000 + b"\r\n\r\n", 431),
    ("too many headers", b"GET / HTTP/1.1\r\n" + b"".join(b"X%d: y\r\n" % i for i in range(101))
     + H + b"\r\n", 431),
    ("overflowing delay", request("/delay/99999999999999999999"), 400),
    ("negative bytes", request("/bytes/-1"), 400),
    ("status 99", request("/status/99"), 400),
    ("status 100", request("/status/100"), 400),
    ("status 600", request("/status/600"), 400),
    ("delay over the cap", request("/delay/10001"), 400),
    ("delay without ms", request("/delay?x=1"), 400),
    ("TLS ClientHello", bytes.fromhex("16030100a5010000a10303") + bytes(range(64)), ANY),
    ("binary garbage", bytes(random.Random(7).randrange(256) for _ in range(3000)), ANY),
    ("half a request", b"GET / HTTP/1.1\r\nHos", None),
]


class Malformed(unittest.TestCase):
    def check_case(self, srv, name, data, expect):
        with srv.connect() as c:
            try:
                c.send(data)
                c.sock.shutdown(socket.SHUT_WR)  # EOF ends a truncated request at once
            except (BrokenPipeError, ConnectionResetError):
                return  # closed on us mid-send: acceptable for oversized input
            try:
                status = c.response()[0]
            except (EOFError, ConnectionResetError):
                status = None
            if expect is None or expect == ANY:
                self.assertIn(status, (None, 400) if expect == ANY else (None,), name)
                return status
            # A peer may reset before we read (RST destroys the response); closing is allowed.
            self.assertIn(status, (expect, None), name)
            self.assertTrue(c.closed(), name)  # errors close; valid heads close after our EOF
        return status

    def test_cases(self):
        self.assertGreaterEqual(len(CASES), 25)
        with Server(MOCKSERVER, "--idle-timeout-ms", "3000") as srv:
            good = srv.connect()
            try:
                baseline = srv.quiet_fds()
                srv.reset_stats()
                answered = {}
                answered_any = 0
                for name, data, expect in CASES:
                    status = self.check_case(srv, name, data, expect)
                    answered_any += expect == ANY and status is not None
                    if status:
                        answered[status] = answered.get(status, 0) + 1
                    good.send(request("/"))  # the well-formed neighbour is still served
                    self.assertEqual(good.response()[0], 200, "after " + name)
                # Connect and close with nothing sent: a silent close, nothing counted.
                srv.connect().close()
                self.assertTrue(srv.alive())
                self.assertTrue(wait_until(lambda: srv.fds() == baseline, 3),
                                "descriptors: %d, baseline %d" % (srv.fds(), baseline))
                st = srv.stats()
                for status, n in answered.items():
                    self.assertEqual(st["status"].get(str(status)), n, status)
                self.assertEqual(st["status"]["200"], len(CASES))
                self.assertEqual(st["errors"]["bad_request"], answered.get(400, 0))
                self.assertEqual(st["errors"]["too_large"],
                                 sum(answered.get(s, 0) for s in (413, 414, 431)))
                self.assertEqual(st["errors"]["client_eof"], 3 - answered_any)
                self.assertEqual(st["in_flight"], 0)
            finally:
                good.close()

    def test_split_at_every_point(self):
        """The same bytes fed whole and in two writes at every split point answer alike."""
        data = request("/status/203", headers={"X-Long": "v" * 40})
        with Server(MOCKSERVER) as srv:
            with srv.connect() as c:
                for cut in range(1, len(data)):
                    c.send(data[:cut])
                    c.send(data[cut:])
                    self.assertEqual(c.response()[0], 203, cut)


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

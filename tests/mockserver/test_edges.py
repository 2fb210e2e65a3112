"""NAME    test_edges.py
PURPOSE HTTP/1.1 edges where the mock server must behave like a real server (nginx as the
        reference): absolute-form targets, Host validation, Connection as a token list,
        Expect: 100-continue, a client closing before its /delay answer, /stats/reset only
        resetting on POST (and GET), never on HEAD.
USAGE   python3 test_edges.py PATH/TO/mockserver"""
import json
import socket
import time
import unittest

from msutil import Server, binary, request, wait_until

MOCKSERVER = None


def raw(srv, data):
    """Sends data on a fresh connection; returns (status, headers, body, closed after it)."""
    with srv.connect() as c:
        c.send(data)
        status, headers, body = c.response()
        return status, headers, body, c.closed()


class Edges(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server(MOCKSERVER)

    @classmethod
    def tearDownClass(cls):
        code, _ = cls.srv.stop()
        assert code == 0, (code, cls.srv.stderr)

    def test_absolute_form_target(self):
        """RFC 9112 3.2.2: a server MUST accept absolute-form; its path is what is routed."""
        with self.srv.connect() as c:
            for target, status, body in (
                    ("http://127.0.0.1/", 200, b"Hello, world\n"),
                    ("HTTP://127.0.0.1:8080/status/201", 201, b'{"status":201}'),
                    ("http://127.0.0.1", 200, b"Hello, world\n"),  # empty path: "/"
                    ("http://[::1]/delay?ms=1", 200, b'{"delay_ms":1}'),
                    ("http://127.0.0.1/nope", 404, b'{"status":404}')):
                c.send(request(target))
                self.assertEqual(c.response()[::2], (status, body), target)
        # Bad authorities, other schemes and a missing Host (still required on 1.1) get 400.
        for target, headers in (("http://u@127.0.0.1/", None), ("http:///", None),
                                ("http://a b/", None), ("https://127.0.0.1/", None),
                                ("ftp://127.0.0.1/", None)):
            status, _, _, closed = raw(self.srv, request(target, headers=headers))
            self.assertEqual((status, closed), (400, True), target)
        status, _, _, closed = raw(self.srv, b"GET http://127.0.0.1/ HTTP/1.1\r\n\r\n")
        self.assertEqual((status, closed), (400, True))
        # The authority stands for Host, but a Host field must still be valid (as nginx does).
        status = raw(self.srv, b"GET http://127.0.0.1/ HTTP/1.1\r\nHost: a b\r\n\r\n")[0]
        self.assertEqual(status, 400)

    def test_host_validation(self):
        """Host is uri-host [":" port] (RFC 9112 3.2: an invalid one gets 400, as from nginx)."""
        for host in ("a b", "a/b@c", "", "a@b", ":80", "a:x", "a%zz", "[zz]", "[::1", "a,b/c"):
            data = b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n"
            status, _, _, closed = raw(self.srv, data)
            self.assertEqual((status, closed), (400, True), repr(host))
        status = raw(self.srv, b"GET / HTTP/1.0\r\nHost:\r\n\r\n")[0]
        self.assertEqual(status, 400)  # an empty Host is refused on 1.0 too, as by nginx
        with self.srv.connect() as c:
            for host in ("127.0.0.1", "127.0.0.1:8080", "localhost:", "[::1]:80", "a-b.c_d~e",
                         "%41", "EXAMPLE.org"):
                c.send(request("/", headers={"Host": host}))
                self.assertEqual(c.response()[0], 200, host)

    def test_connection_token_list(self):
        """Connection is a comma-separated, case-insensitive token list; close always wins."""
        closing = [("HTTP/1.0", "keep-alive, close"), ("HTTP/1.0", "close, Keep-Alive"),
                   ("HTTP/1.1", "foo, CLOSE"), ("HTTP/1.1", " close ,"), ("HTTP/1.0", "foo"),
                   ("HTTP/1.0", "keep alive")]
        for version, value in closing:
            status, h, _, closed = raw(self.srv, request("/", version=version,
                                                         headers={"Connection": value}))
            self.assertEqual((status, h.get("connection"), closed), (200, "close", True),
                             (version, value))
        # Two Connection lines are one list.
        status, h, _, closed = raw(self.srv, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
                                   b"Connection: close\r\n\r\n")
        self.assertEqual((h.get("connection"), closed), ("close", True))
        for version, value in (("HTTP/1.0", "KEEP-ALIVE"), ("HTTP/1.0", "foo,keep-alive"),
                               ("HTTP/1.1", "keep-alive"), ("HTTP/1.1", "foo")):
            with self.srv.connect() as c:
                for _ in range(2):  # still open: the second request is answered too
                    c.send(request("/", version=version, headers={"Connection": value}))
                    status, h, _ = c.response()
                    self.assertEqual(status, 200, (version, value))
                    self.assertEqual(h.get("connection"),
                                     "keep-alive" if version == "HTTP/1.0" else None)

    def test_expect_100_continue(self):
        """HTTP/1.1 and a body still to come: "100 Continue" first (RFC 9110 10.1.1)."""
        head = request("/status/201", headers={"Expect": "100-continue", "Content-Length": "5"})
        with self.srv.connect() as c:
            for _ in range(2):  # and again on the same connection
                t = time.monotonic()
                c.send(head)
                self.assertEqual(c.read_until(b"\r\n\r\n"), b"HTTP/1.1 100 Continue\r\n\r\n")
                self.assertLess(time.monotonic() - t, 1)  # not the head deadline (15 s)
                c.send(b"hello")
                self.assertEqual(c.response()[0], 201)
        # Body sent with the head: the 100 may be skipped (allowed), the answer must come.
        with self.srv.connect() as c:
            c.send(head + b"hello")
            status = c.response()[0]
            if status == 100:
                status = c.response()[0]
            self.assertEqual(status, 201)
        # No body, an HTTP/1.0 request, or a method answered at once: no 100.
        for data, status in (
                (request("/", headers={"Expect": "100-continue"}), 200),
                (request("/", version="HTTP/1.0",
                         headers={"Expect": "100-continue", "Content-Length": "5"}), None),
                (request("/", method="PUT",
                         headers={"Expect": "100-continue", "Content-Length": "5"}), 405)):
            with self.srv.connect() as c:
                c.send(data)
                if status is None:
                    c.sock.settimeout(0.3)
                    with self.assertRaises(socket.timeout):
                        c.sock.recv(100)
                    c.sock.settimeout(5)
                    c.send(b"hello")
                    status = 200
                self.assertEqual(c.response()[0], status, data)

    def test_expect_unknown_gets_417(self):
        self.srv.reset_stats()
        for value in ("foo", "100-continue, foo", "100-continue=1"):
            data = request("/", headers={"Expect": value, "Content-Length": "5"})
            status, h, body, closed = raw(self.srv, data)
            self.assertEqual((status, h.get("connection"), closed), (417, "close", True), value)
            self.assertEqual(json.loads(body), {"status": 417})
        st = self.srv.stats()
        self.assertEqual((st["status"], st["errors"]["unsupported"]), ({"417": 3}, 3))
        # HTTP/1.0 expectations are ignored.
        data = request("/", version="HTTP/1.0", headers={"Expect": "foo"})
        self.assertEqual(raw(self.srv, data)[0], 200)

    def test_close_before_delayed_answer(self):
        """A FIN before the /delay answer is the client's early close, counted like an RST."""
        self.srv.reset_stats()
        for how in ("close", "shutdown", "reset"):
            c = self.srv.connect()
            c.send(request("/delay/300"))
            self.assertTrue(wait_until(lambda: self.srv.stats()["in_flight"] == 1, 2))
            if how == "shutdown":
                c.sock.shutdown(socket.SHUT_WR)  # a lone request's FIN: the client has gone
            elif how == "reset":
                c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            if how != "shutdown":
                c.close()
            self.assertTrue(wait_until(lambda: self.srv.stats()["in_flight"] == 0, 1), how)
            c.close()
        time.sleep(0.4)  # past the delays: nothing is sent or counted later
        st = self.srv.stats()
        self.assertEqual(st["status"], {})
        self.assertEqual((st["requests"], st["errors"]["client_eof"],
                          st["errors"]["client_reset"]), (3, 2, 1))

    def test_pipelined_then_half_close_still_answered(self):
        for paths in (["/", "/delay/100"], ["/delay/50", "/delay/50"], ["/delay/30", "/"]):
            with self.srv.connect() as c:
                c.send(b"".join(request(p) for p in paths))
                c.sock.shutdown(socket.SHUT_WR)
                self.assertEqual([c.response()[0] for _ in paths], [200] * len(paths), paths)
                self.assertTrue(c.closed())

    def test_close_in_the_last_stretch_of_a_delay(self):
        """Closes while the precise waker holds the delay (its last 2 ms): nothing fires later
        on a freed connection (ASan builds check this), and every request has one outcome."""
        self.srv.reset_stats()
        n = 200
        for i in range(n):
            c = self.srv.connect()
            c.send(request("/delay/%d" % (1 + i % 3)))
            if i % 2:
                c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            c.close()
        self.assertTrue(wait_until(lambda: self.srv.stats()["in_flight"] == 0, 3))
        st = self.srv.stats()
        answered = st["status"].get("200", 0)
        outcomes = answered + st["errors"]["client_eof"] + st["errors"]["client_reset"]
        # A delay that fired just before the server saw the close (a slow sanitizer build) has
        # its 200 counted when queued, and then the client's reset too: at most one extra count
        # per answer that went out; never a request without an outcome.
        self.assertEqual(st["requests"], n, st)
        self.assertTrue(n <= outcomes <= n + answered, st)
        self.assertEqual(self.srv.get("/")[0], 200)

    def test_stats_reset_methods(self):
        def requests_counted():
            return self.srv.stats()["requests"]

        self.srv.get("/")
        self.assertGreater(requests_counted(), 0)
        status, h, body = self.srv.get("/stats/reset", method="HEAD")
        self.assertEqual((status, h["content-length"], body), (200, "11", b""))
        self.assertGreater(requests_counted(), 0)  # HEAD has no side effect
        for method, extra in (("POST", {}), ("POST", {"Content-Length": "4"}), ("GET", {})):
            self.srv.get("/")
            with self.srv.connect() as c:
                c.send(request("/stats/reset", method=method, headers=extra) +
                       (b"body" if extra else b""))
                self.assertEqual(c.response()[::2], (200, b'{"reset":1}'), (method, extra))
            self.assertEqual(requests_counted(), 0, (method, extra))
        status, h, _, closed = raw(self.srv, request("/stats/reset", method="PUT"))
        self.assertEqual((status, h["allow"], closed), (405, "GET, HEAD, POST", True))
        status, h, _, closed = raw(self.srv, request("/", method="POST"))
        self.assertEqual((status, h["allow"], closed), (405, "GET, HEAD", True))


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

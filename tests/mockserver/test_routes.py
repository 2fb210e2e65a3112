"""NAME    test_routes.py
PURPOSE Every route (GET and HEAD; decimal delays, /get), keep-alive reuse, pipelining in order, HTTP/1.0, /stats counts.
USAGE   python3 test_routes.py PATH/TO/mockserver"""
import json
import socket
import time
import unittest

from msutil import Server, binary, request, wait_until

MOCKSERVER = None


class Routes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server(MOCKSERVER, "--seed", "42")

    @classmethod
    def tearDownClass(cls):
        code, out = cls.srv.stop()
        assert code == 0, (code, cls.srv.stderr)

    def test_root(self):
        status, h, body = self.srv.get("/")
        self.assertEqual((status, body), (200, b"Hello, world\n"))
        self.assertEqual(h["content-length"], "13")
        self.assertEqual(h["connection"], "close")

    def test_head(self):
        for path, length in (("/", "13"), ("/bytes/1000", "1000"), ("/delay/1", None)):
            status, h, body = self.srv.get(path, method="HEAD")
            self.assertEqual((status, body), (200, b""), path)
            if length:
                self.assertEqual(h["content-length"], length)

    def test_delay(self):
        for path in ("/delay/150", "/delay?ms=150", "/delay?x=1&ms=150"):
            t = time.monotonic()
            status, _, body = self.srv.get(path)
            dt = time.monotonic() - t
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body), {"delay_ms": 150})
            self.assertGreaterEqual(dt, 0.150, path)
            self.assertLess(dt, 0.5, path)
        self.assertEqual(self.srv.get("/delay/0")[0], 200)

    def test_delay_decimal(self):
        """Milliseconds with up to 3 decimals; the body echoes the value as sent."""
        with self.srv.connect() as c:
            for value, body in (("0.3", b'{"delay_ms":0.3}'), ("2.125", b'{"delay_ms":2.125}'),
                                ("007.50", b'{"delay_ms":7.50}'), ("5", b'{"delay_ms":5}'),
                                ("0.000", b'{"delay_ms":0.000}')):
                for path in ("/delay/" + value, "/delay?ms=" + value):
                    t = time.monotonic()
                    c.send(request(path))
                    status, _, got = c.response()
                    self.assertGreaterEqual(time.monotonic() - t, float(value) / 1000, path)
                    self.assertEqual((status, got), (200, body), path)
                    json.loads(got)
            for value in ("1.2345", ".5", "5.", "+5", "-5", "5e3", "1.2.3", "10000.001"):
                c.send(request("/delay/" + value))
                self.assertEqual(c.response()[0], 400, value)

    def test_get(self):
        """httpbin-style /get: the target as sent and the method, as JSON."""
        for target in ("/get", "/get?a=1&b=%22x%22", '/get?q="quoted"\\back', "/get?"):
            status, h, body = self.srv.get(target)
            self.assertEqual((status, h["content-type"]), (200, "application/json"), target)
            self.assertEqual(json.loads(body), {"url": target, "method": "GET"}, target)
        status, h, body = self.srv.get("/get?x=1", method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(h["content-length"], str(len('{"url":"/get?x=1","method":"HEAD"}')))
        with self.srv.connect() as c:  # absolute-form: the whole target, as sent
            c.send(request("http://127.0.0.1/get?a=b"))
            self.assertEqual(json.loads(c.response()[2]),
                             {"url": "http://127.0.0.1/get?a=b", "method": "GET"})
            long = "/get?" + '"' * 4000
            c.send(request(long))
            self.assertEqual(json.loads(c.response()[2])["url"], long)
            c.send(request("/get", headers={"Content-Length": "3"}) + b"abc")  # body skipped
            self.assertEqual(json.loads(c.response()[2])["url"], "/get")
        self.assertEqual(self.srv.get("/get/x")[0], 404)

    def test_status(self):
        for code in (200, 201, 299, 404, 418, 500, 503, 599):
            status, _, body = self.srv.get("/status/%d" % code)
            self.assertEqual(status, code)
            self.assertEqual(json.loads(body), {"status": code})
        for code in (204, 304):
            status, h, body = self.srv.get("/status/%d" % code)
            self.assertEqual((status, body), (code, b""))
            self.assertNotIn("content-length", h)

    def test_bytes(self):
        status, h, body = self.srv.get("/bytes/200000")
        self.assertEqual((status, len(body)), (200, 200000))
        self.assertEqual(h["content-type"], "application/octet-stream")
        # Deterministic: the same again, a prefix of a longer one, periodic over 65536 bytes.
        self.assertEqual(self.srv.get("/bytes/200000")[2], body)
        self.assertEqual(self.srv.get("/bytes/10")[2], body[:10])
        self.assertEqual(body[:1000], body[65536:66536])
        self.assertEqual(self.srv.get("/bytes/0")[:3:2], (200, b""))
        with Server(MOCKSERVER, "--seed", "43") as other:
            self.assertNotEqual(other.get("/bytes/64")[2], body[:64])
        with Server(MOCKSERVER, "--seed", "42") as same:
            self.assertEqual(same.get("/bytes/64")[2], body[:64])

    def test_not_found_keeps_connection(self):
        with self.srv.connect() as c:
            for path in ("/nope", "/delay/abc", "/stats/x", "/dela%79/5"):
                c.send(request(path))
                status = c.response()[0]
                self.assertIn(status, (400, 404), path)
            c.send(request("/"))
            self.assertEqual(c.response()[0], 200)

    def test_keep_alive_reuse(self):
        self.srv.reset_stats()
        with self.srv.connect() as c:
            for i in range(50):
                c.send(request("/" if i % 2 else "/delay/1"))
                status, h, _ = c.response()
                self.assertEqual(status, 200)
                self.assertNotIn("connection", h)
        st = self.srv.stats()
        # The /stats/reset connection is gone by now; the /stats one counts itself.
        self.assertEqual(st["accepted"], 2)
        self.assertEqual(st["requests"], 50)
        self.assertEqual(st["status"], {"200": 50})

    def test_pipelining_in_order(self):
        paths = ["/delay/200", "/status/201", "/delay/50", "/", "/bytes/70000", "/status/202",
                 "/delay/1", "/delay/2", "/delay/3"]
        with self.srv.connect() as c:
            c.send(b"".join(request(p) for p in paths))
            got = [c.response() for _ in paths]
        self.assertEqual([g[0] for g in got], [200, 201, 200, 200, 200, 202, 200, 200, 200])
        self.assertEqual([json.loads(g[2])["delay_ms"] for g in got[6:]], [1, 2, 3])
        self.assertEqual(json.loads(got[0][2]), {"delay_ms": 200})
        self.assertEqual(json.loads(got[2][2]), {"delay_ms": 50})
        self.assertEqual(len(got[4][2]), 70000)

    def test_pipelining_then_half_close(self):
        with self.srv.connect() as c:
            c.send(b"\r\n" + request("/delay/20") * 3 + request("/"))
            c.sock.shutdown(socket.SHUT_WR)
            for _ in range(3):
                self.assertEqual(c.response()[0], 200)
            self.assertEqual(c.response()[2], b"Hello, world\n")
            self.assertTrue(c.closed())

    def test_connection_close_honoured(self):
        with self.srv.connect() as c:
            c.send(request("/", headers={"Connection": "close"}) + request("/"))
            status, h, _ = c.response()
            self.assertEqual((status, h.get("connection")), (200, "close"))
            self.assertTrue(c.closed())  # the second request is never answered

    def test_http10(self):
        with self.srv.connect() as c:
            c.send(request("/", version="HTTP/1.0", headers={"Connection": "keep-alive"}))
            status, h, _ = c.response()
            self.assertEqual((status, h.get("connection")), (200, "keep-alive"))
            c.send(b"GET / HTTP/1.0\r\n\r\n")  # no Host needed on 1.0, closes by default
            status, h, _ = c.response()
            self.assertEqual((status, h.get("connection")), (200, "close"))
            self.assertTrue(c.closed())

    def test_request_body_skipped(self):
        with self.srv.connect() as c:
            body = b"x" * 100000
            c.send(request("/", headers={"Content-Length": str(len(body))}) + body + request("/"))
            self.assertEqual(c.response()[0], 200)
            self.assertEqual(c.response()[0], 200)

    def test_stats_counts(self):
        self.srv.reset_stats()
        st = self.srv.stats()
        self.assertEqual(st["requests"], 0)
        self.assertEqual(st["status"], {})
        sent = {"/": 7, "/status/404": 3, "/status/503": 2, "/bytes/5": 4, "/nope": 1}
        with self.srv.connect() as c:
            for path, n in sent.items():
                for _ in range(n):
                    c.send(request(path))
                    c.response()
        st = self.srv.stats()
        self.assertEqual(st["requests"], 17)
        self.assertEqual(st["status"], {"200": 11, "404": 4, "503": 2})
        self.assertEqual(st["errors"]["not_found"], 1)  # only the unknown route, not /status/404
        self.assertEqual(st["in_flight"], 0)
        self.assertEqual(st["accepted"], 3)  # the first /stats, the test's, this /stats
        for key in ("peak_in_flight", "connections", "peak_connections", "errors"):
            self.assertIn(key, st)

    def test_in_flight_gauge(self):
        self.srv.reset_stats()
        conns = [self.srv.connect() for _ in range(5)]
        try:
            for c in conns:
                c.send(request("/delay/400"))
            self.assertTrue(wait_until(lambda: self.srv.stats()["in_flight"] == 5, 2))
            st = self.srv.stats()
            self.assertGreaterEqual(st["connections"], 6)
            self.assertGreaterEqual(st["peak_connections"], 6)
            for c in conns:
                self.assertEqual(c.response()[0], 200)
            st = self.srv.stats()
            self.assertEqual((st["in_flight"], st["peak_in_flight"]), (0, 5))
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

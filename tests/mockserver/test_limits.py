"""NAME    test_limits.py
PURPOSE Idle and slow clients closed at the deadline, a client that never reads dropped at the send
        timeout, --max-conns refusing cleanly, EMFILE on accept without a busy loop, and
        pipelined input beyond the buffer handled by backpressure.
USAGE   python3 test_limits.py PATH/TO/mockserver"""
import socket
import time
import unittest

from msutil import Server, binary, request, wait_until

MOCKSERVER = None


class Limits(unittest.TestCase):
    def test_idle_timeout(self):
        with Server(MOCKSERVER, "--idle-timeout-ms", "300") as srv:
            t = time.monotonic()
            with srv.connect() as c:
                self.assertTrue(c.closed())
                self.assertLess(time.monotonic() - t, 2.0)
            with srv.connect() as c:  # idle after a keep-alive response, too
                c.send(request("/"))
                self.assertEqual(c.response()[0], 200)
                self.assertTrue(c.closed())
            st = srv.stats()
            self.assertEqual(st["errors"]["idle_timeout"], 2)

    def test_slowloris_whole_head_deadline(self):
        with Server(MOCKSERVER, "--idle-timeout-ms", "400") as srv:
            data = request("/", headers={"X-Slow": "a" * 100})
            t = time.monotonic()
            closed = False
            with srv.connect() as c:
                try:
                    for b in data:  # one byte every 20 ms: 2.6 s in all, never finished
                        c.send(bytes([b]))
                        time.sleep(0.02)
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                closed = closed or c.closed()
            self.assertTrue(closed)
            self.assertLess(time.monotonic() - t, 1.5)  # every byte did not reset the deadline
            self.assertEqual(srv.stats()["errors"]["header_timeout"], 1)

    def test_send_timeout(self):
        with Server(MOCKSERVER, "--idle-timeout-ms", "300") as srv:
            baseline = srv.quiet_fds()
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(5)
            s.connect(("127.0.0.1", srv.port))
            try:
                s.sendall(request("/bytes/10000000"))
                self.assertTrue(wait_until(lambda: srv.stats()["errors"]["send_timeout"] == 1, 3))
            finally:
                s.close()
            self.assertTrue(wait_until(lambda: srv.fds() == baseline, 3))
            self.assertEqual(srv.stats()["in_flight"], 0)

    def test_max_conns(self):
        with Server(MOCKSERVER, "--max-conns", "3") as srv:
            held = [srv.connect() for _ in range(3)]
            try:
                for c in held:
                    c.send(request("/"))
                    self.assertEqual(c.response()[0], 200)
                with srv.connect() as extra:
                    extra.send(request("/"))
                    status, h, _ = extra.response()
                    self.assertEqual((status, h.get("connection")), (503, "close"))
                    self.assertTrue(extra.closed())
                for c in held:  # the held ones are unaffected
                    c.send(request("/"))
                    self.assertEqual(c.response()[0], 200)
            finally:
                held[0].close()
            self.assertTrue(wait_until(lambda: srv.get("/")[0] == 200, 3))
            for c in held[1:]:
                c.close()
            st = srv.stats()
            self.assertEqual(st["errors"]["refused"], 1)
            self.assertEqual(st["peak_connections"], 3)

    def test_emfile_no_busy_loop(self):
        with Server(MOCKSERVER, nofile=32) as srv:
            clients = []
            try:
                for _ in range(60):
                    s = socket.socket()
                    s.settimeout(5)
                    s.connect(("127.0.0.1", srv.port))  # the kernel completes the handshake
                    s.sendall(request("/delay/50"))
                    clients.append(s)
                time.sleep(0.3)
                t0 = srv.cpu_ticks()
                time.sleep(1.0)
                self.assertLess(srv.cpu_ticks() - t0, 30)  # ticks of 10 ms: under 30% of a core
            finally:
                for s in clients:
                    s.close()
            self.assertTrue(srv.alive())
            self.assertTrue(wait_until(lambda: srv.get("/")[0] == 200, 5))
            # libuv sheds the connections it cannot accept (its reserve descriptor) without
            # telling us, so the proof that descriptors ran out is the peak.
            self.assertLess(srv.stats()["peak_connections"], 32)

    def test_pipelined_flood_backpressure(self):
        """More pipelined requests than the input buffer holds: all answered, in order."""
        with Server(MOCKSERVER) as srv:
            n = 3000  # ~100 KiB of requests behind a delayed one
            with srv.connect() as c:
                c.send(request("/delay/100") + b"".join(request("/status/%d" % (200 + i % 300))
                                                        for i in range(n)))
                self.assertEqual(c.response()[0], 200)
                for i in range(n):
                    self.assertEqual(c.response()[0], 200 + i % 300)


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

"""NAME    test_faults.py
PURPOSE Fault injection: --error-rate answers 500, --reset-rate resets mid-response, --stall-rate
        never answers; /stats counts each, and /stats itself is never faulted.
USAGE   python3 test_faults.py PATH/TO/mockserver"""
import socket
import time
import unittest

from msutil import Server, binary, request

MOCKSERVER = None


class Faults(unittest.TestCase):
    def test_error_rate_one(self):
        with Server(MOCKSERVER, "--error-rate", "1") as srv:
            with srv.connect() as c:
                for path in ("/", "/delay/20", "/bytes/10", "/status/201"):
                    c.send(request(path))
                    self.assertEqual(c.response()[0], 500, path)
            st = srv.stats()
            self.assertEqual(st["errors"]["injected_error"], 4)
            self.assertEqual(st["status"], {"500": 4})

    def test_reset_rate_one(self):
        with Server(MOCKSERVER, "--reset-rate", "1") as srv:
            for path in ("/bytes/3000", "/", "/delay/20"):
                with srv.connect() as c:
                    c.send(request(path))
                    got = b""
                    reset = False
                    try:
                        while True:
                            data = c.sock.recv(65536)
                            if not data:
                                break
                            got += data
                    except ConnectionResetError:
                        reset = True
                    self.assertTrue(reset, path)
                    self.assertLess(len(got), len(request(path)) + 3000, path)
            st = srv.stats()
            self.assertEqual(st["errors"]["injected_reset"], 3)
            self.assertEqual(st["status"], {})
            self.assertEqual(st["in_flight"], 0)

    def test_stall_rate_one(self):
        with Server(MOCKSERVER, "--stall-rate", "1", "--idle-timeout-ms", "700") as srv:
            with srv.connect() as c:
                c.send(request("/"))
                c.sock.settimeout(0.3)
                with self.assertRaises(socket.timeout):
                    c.sock.recv(100)
                st = srv.stats()
                self.assertEqual(st["in_flight"], 1)
                self.assertEqual(st["errors"]["injected_stall"], 1)
                c.sock.settimeout(3)
                t = time.monotonic()
                self.assertTrue(c.closed())  # dropped at the idle timeout, never answered
                self.assertLess(time.monotonic() - t, 2)
            self.assertEqual(srv.stats()["in_flight"], 0)

    def test_mixed_rates_are_seeded_and_counted(self):
        counts = []
        for _ in range(2):
            with Server(MOCKSERVER, "--error-rate", "0.3", "--seed", "5") as srv:
                seen = []
                with srv.connect() as c:
                    for _ in range(200):
                        c.send(request("/"))
                        seen.append(c.response()[0])
                st = srv.stats()
                n500 = seen.count(500)
                self.assertTrue(30 <= n500 <= 90, n500)
                self.assertEqual(st["status"], {"200": 200 - n500, "500": n500})
                self.assertEqual(st["errors"]["injected_error"], n500)
                counts.append(seen)
        self.assertEqual(counts[0], counts[1])  # the same seed, the same faults


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

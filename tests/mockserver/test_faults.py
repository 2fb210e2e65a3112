"""NAME    test_faults.py
PURPOSE Fault injection: --error-rate answers 500, --reset-rate resets mid-response, --stall-rate
        never answers; /stats counts each, and /stats itself is never faulted; with all three
        rates at once a client's outcomes match the server's counts one for one, per seed.
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

    def test_all_three_rates_match_the_clients_outcomes(self):
        """Every request's outcome, as a client sees it, matches the server's counts one for
        one, and the same seed gives the same sequence of outcomes."""
        def run(seed):
            args = ("--error-rate", "0.2", "--reset-rate", "0.2", "--stall-rate", "0.2",
                    "--idle-timeout-ms", "100", "--seed", str(seed))
            with Server(MOCKSERVER, *args) as srv:
                seen = [outcome(srv, path) for path in ["/", "/bytes/3000", "/nope"] * 40]
                st = srv.stats()
            counts = {k: seen.count(k) for k in ("ok", "404", "error", "reset", "stall")}
            self.assertEqual(len(seen), sum(counts.values()), seen)  # nothing else was seen
            e = st["errors"]
            self.assertEqual((e["injected_error"], e["injected_reset"], e["injected_stall"]),
                             (counts["error"], counts["reset"], counts["stall"]))
            self.assertEqual(st["status"].get("200", 0), counts["ok"])
            self.assertEqual(st["status"].get("404", 0), counts["404"])
            self.assertEqual(st["status"].get("500", 0), counts["error"])
            self.assertEqual(e["not_found"], counts["404"])  # an injected 500 is not a 404 too
            self.assertEqual(e["bad_request"], 0)
            self.assertEqual((st["requests"], st["in_flight"]), (len(seen), 0))
            for k in ("error", "reset", "stall"):
                self.assertGreater(counts[k], 5, counts)
            return seen

        first = run(11)
        self.assertEqual(run(11), first)
        self.assertNotEqual(run(12), first)


def outcome(srv, path):
    """One request on its own connection, classified as a client would."""
    with srv.connect() as c:
        c.send(request(path))
        try:
            status, _, _ = c.response()
        except ConnectionResetError:
            return "reset"
        except EOFError:
            return "stall" if not c.buf else "reset"  # closed at the idle timeout, unanswered
        return {200: "ok", 404: "404", 500: "error"}.get(status, "status %d" % status)


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

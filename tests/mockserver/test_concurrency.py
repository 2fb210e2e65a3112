"""NAME    test_concurrency.py
PURPOSE 1000 concurrent connections on /delay/100 all complete well under 1 s, the counters agree,
        and the server's descriptor count returns to its baseline once the clients leave.
USAGE   python3 test_concurrency.py PATH/TO/mockserver"""
import resource
import unittest

import many_clients
from msutil import Server, binary, wait_until

MOCKSERVER = None
N = 1000


class Concurrency(unittest.TestCase):
    def test_thousand_delayed(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < N + 100:  # the client needs one descriptor per connection
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * N), hard))
        with Server(MOCKSERVER) as srv:
            srv.get("/")  # warm up: the loop is running and the first connection is done
            baseline = srv.quiet_fds()
            srv.reset_stats()
            ok, secs = many_clients.run(srv.port, N, "/delay/100", timeout=10)
            self.assertEqual(ok, N)
            self.assertLess(secs, 1.0)
            self.assertTrue(wait_until(lambda: srv.fds() == baseline, 3),
                            "descriptors: %d, baseline %d" % (srv.fds(), baseline))
            st = srv.stats()
            self.assertEqual(st["requests"], N)
            self.assertEqual(st["status"], {"200": N})
            self.assertEqual(st["accepted"], N + 1)
            self.assertEqual(st["in_flight"], 0)
            self.assertGreater(st["peak_in_flight"], N // 2)
            self.assertEqual(sum(st["errors"].values()), 0, st["errors"])


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

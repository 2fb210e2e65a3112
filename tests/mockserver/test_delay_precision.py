"""NAME    test_delay_precision.py
PURPOSE Sub-millisecond /delay values are kept: never early, and late by little more than the
        round trip of /delay/0 (about 10-30 us here; the window is wide, for a shared machine).
USAGE   python3 test_delay_precision.py PATH/TO/mockserver"""
import statistics
import time
import unittest

from msutil import Server, binary, request

MOCKSERVER = None
SAMPLES = 100
SLACK_US = 500  # allowed median lateness beyond /delay/0's round trip, in microseconds


def sample(conn, path, n):
    """Round trips of n requests on one keep-alive connection, in microseconds."""
    data = request(path)
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        conn.send(data)
        conn.response()
        out.append((time.perf_counter_ns() - t) / 1000)
    return out


class DelayPrecision(unittest.TestCase):
    def test_sub_millisecond_delays(self):
        with Server(MOCKSERVER) as srv:
            with srv.connect() as c:
                sample(c, "/delay/0", 20)  # warm-up, not measured
                base = statistics.median(sample(c, "/delay/0", SAMPLES))
                medians = {}
                for ms in ("0.05", "0.3", "0.999", "2.125"):
                    got = sample(c, "/delay/" + ms, SAMPLES)
                    want = float(ms) * 1000
                    early = [x for x in got if x < want]
                    self.assertEqual(early, [], ms)  # never early
                    late = statistics.median(got) - want - base
                    self.assertLess(late, SLACK_US, "/delay/%s: %.0f us late" % (ms, late))
                    medians[ms] = statistics.median(got)
            # The differences are the delays themselves: 0.3 ms is not rounded to 0 or 1 ms.
            self.assertAlmostEqual(medians["0.3"] - medians["0.05"], 250, delta=SLACK_US / 2)
            self.assertAlmostEqual(medians["2.125"] - medians["0.3"], 1825, delta=SLACK_US)


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

"""NAME    test_send_progress.py
PURPOSE The send timeout counts time without progress, not the time a whole write takes: a client
        reading a 4 MiB body slowly but steadily for several idle timeouts gets all of it, and a
        client that stops reading a 10 MiB body after 1 MiB is still dropped about one idle
        timeout later.
USAGE   python3 test_send_progress.py PATH/TO/mockserver"""
import hashlib
import socket
import time
import unittest

from msutil import Server, binary, request, wait_until

MOCKSERVER = None
IDLE_MS = 500
SIZE = 4 << 20  # bytes: four of the writer's 1 MiB writes
RATE = 1.25e6  # bytes per second: 1 MiB takes 0.84 s, longer than the idle timeout


def slow_client(port):
    """A connection whose small receive buffer makes the server wait on us."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)  # before connect: a small window
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def read_steadily(s, limit, rate):
    """Reads up to limit bytes at about rate bytes/s; returns (bytes, EOF or reset seen)."""
    got = []
    n = 0
    start = time.monotonic()
    while n < limit:
        ahead = n / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
        try:
            data = s.recv(min(8192, limit - n))
        except ConnectionResetError:
            return b"".join(got), True
        if not data:
            return b"".join(got), True
        got.append(data)
        n += len(data)
    return b"".join(got), False


class SendProgress(unittest.TestCase):
    def test_slow_steady_reader_gets_everything(self):
        with Server(MOCKSERVER, "--idle-timeout-ms", str(IDLE_MS)) as srv:
            want = srv.get("/bytes/%d" % SIZE)[2]
            self.assertEqual(len(want), SIZE)
            s = slow_client(srv.port)
            try:
                s.sendall(request("/bytes/%d" % SIZE, headers={"Connection": "close"}))
                head = b""
                while b"\r\n\r\n" not in head:
                    head += s.recv(1)
                t = time.monotonic()
                body, closed = read_steadily(s, SIZE, RATE)
                secs = time.monotonic() - t
            finally:
                s.close()
            self.assertFalse(closed, "cut off after %d of %d bytes" % (len(body), SIZE))
            self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(want).digest())
            self.assertGreater(secs, 4 * IDLE_MS / 1000)  # it did outlast the timeout, by far
            st = srv.stats()
            self.assertEqual(st["errors"]["send_timeout"], 0)
            self.assertEqual(st["status"], {"200": 2})

    def test_reader_that_stops_is_dropped(self):
        with Server(MOCKSERVER, "--idle-timeout-ms", str(IDLE_MS)) as srv:
            s = slow_client(srv.port)
            try:
                # 10 MiB: more than the kernel's send buffer (4 MiB at most here) can swallow, so
                # the response is still the server's to write when we stop.
                s.sendall(request("/bytes/%d" % (10 << 20)))
                body, closed = read_steadily(s, 1 << 20, RATE)
                self.assertFalse(closed)
                stopped = time.monotonic()  # from here on we read nothing
                self.assertTrue(wait_until(
                    lambda: srv.stats()["errors"]["send_timeout"] == 1, 5, step=0.01))
                quiet = time.monotonic() - stopped
            finally:
                s.close()
            # The kernel may still take a few buffers after our last read, so the drop comes
            # at least one idle timeout after the stop, and within 1.25 of them after the last
            # progress (plus scheduling slack on a shared machine).
            self.assertGreaterEqual(quiet, IDLE_MS / 1000 * 0.9)
            self.assertLess(quiet, IDLE_MS / 1000 * 3)
            st = srv.stats()
            self.assertEqual((st["in_flight"], st["connections"]), (0, 1))


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

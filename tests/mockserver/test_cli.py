"""NAME    test_cli.py
PURPOSE The command line: --help, the start-up line, bad input (one line on stderr, exit 2),
        loopback-only by default, and SIGINT/SIGTERM shutdown with the final counters.
USAGE   python3 test_cli.py PATH/TO/mockserver"""
import json
import signal
import subprocess
import time
import unittest

from msutil import Server, binary, request

MOCKSERVER = None

BAD = [
    ["--port", "70000"], ["--port", "abc"], ["--port", "-1"], ["--port", ""], ["--port"],
    ["--error-rate", "2"], ["--reset-rate", "-0.1"], ["--stall-rate", "nan"],
    ["--error-rate", "0.6", "--stall-rate", "0.6"], ["--max-conns", "0"],
    ["--idle-timeout-ms", "0"], ["--max-bytes", "1e6"], ["--seed", "x"], ["--bogus"],
    ["extra"], ["--host", "10.1.2.3"], ["--host", "localhost"], ["--host", "0.0.0.0"],
    ["--port-file", ""],
]


class Cli(unittest.TestCase):
    def test_help(self):
        r = subprocess.run([MOCKSERVER, "--help"], capture_output=True, text=True, timeout=5)
        self.assertEqual(r.returncode, 0)
        for word in ("/delay/", "/status/", "/bytes/", "/stats", "/stats/reset", "--host",
                     "--allow-remote", "--port", "--port-file", "--max-conns", "--idle-timeout-ms",
                     "--max-delay-ms", "--max-bytes", "--seed", "--error-rate", "--reset-rate",
                     "--stall-rate", "414", "431", "413", "405", "400"):
            self.assertIn(word, r.stdout)

    def test_version(self):
        r = subprocess.run([MOCKSERVER, "--version"], capture_output=True, text=True, timeout=5)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("mockserver "), r.stdout)

    def test_bad_input(self):
        for args in BAD:
            r = subprocess.run([MOCKSERVER, *args], capture_output=True, text=True, timeout=5)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(r.stdout, "", args)
            self.assertEqual(len(r.stderr.splitlines()), 1, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("mockserver: "), r.stderr)

    def test_startup_line_and_sigint(self):
        srv = Server(MOCKSERVER)
        try:
            line = srv.proc.stdout.readline()
            self.assertEqual(line, "mockserver listening on 127.0.0.1:%d\n" % srv.port)
            self.assertEqual(srv.get("/")[0], 200)
            c = srv.connect()  # an open connection with a request in flight does not hold it up
            c.send(request("/delay/5000"))
            time.sleep(0.1)
            t = time.monotonic()
            srv.proc.send_signal(signal.SIGINT)
            self.assertEqual(srv.proc.wait(5), 0)
            self.assertLess(time.monotonic() - t, 1)
            c.close()
            out = srv.proc.stdout.read()
            self.assertTrue(out.startswith("mockserver stopped: "), out)
            final = json.loads(out[len("mockserver stopped: "):])
            self.assertEqual(final["requests"], 2)
            self.assertEqual(final["status"], {"200": 1})
            self.assertEqual(final["connections"], 0)
        finally:
            srv.stop()

    def test_sigterm(self):
        srv = Server(MOCKSERVER)
        code, out = srv.stop(signal.SIGTERM)
        self.assertEqual(code, 0)
        self.assertIn("mockserver stopped: {", out)

    def test_port_in_use(self):
        with Server(MOCKSERVER) as srv:
            r = subprocess.run([MOCKSERVER, "--port", str(srv.port)], capture_output=True,
                               text=True, timeout=5)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)


if __name__ == "__main__":
    MOCKSERVER = binary()
    unittest.main()

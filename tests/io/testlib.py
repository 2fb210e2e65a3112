"""NAME    testlib.py
PURPOSE What the I/O tests share: a mock server for the test (port 0, wait on its port file,
        kill only the process we started, also when the test fails), cvpbench runs parsed from
        JSON, and check/finish for the verdict."""
import json
import os
import signal
import sys
import subprocess
import tempfile
import time
import urllib.request


class MockServer:
    def __init__(self, binary, *args):
        self.dir = tempfile.TemporaryDirectory()
        port_file = os.path.join(self.dir.name, "port")
        self.proc = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("mockserver did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.base = f"http://127.0.0.1:{self.port}"

    def stats(self):
        with urllib.request.urlopen(self.base + "/stats", timeout=5) as r:
            return json.load(r)

    def reset(self):
        with urllib.request.urlopen(self.base + "/stats/reset", timeout=5) as r:
            r.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def free_port():
    """A loopback port with nothing listening on it (bound, then released)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


failures = []


def check(cond, what):
    """Records one verdict; the test goes on so that one run shows every failure."""
    print(("ok:   " if cond else "FAIL: ") + what, file=sys.stderr)
    if not cond:
        failures.append(what)


def finish(summary):
    if failures:
        print(f"{len(failures)} failed", file=sys.stderr)
        sys.exit(1)
    print(summary)


def bench(binary, *args, timeout=300):
    """Runs cvpbench with JSON output: (exit status, records, stderr)."""
    r = subprocess.run([binary, "--format", "json", "--quiet", *args], capture_output=True,
                       text=True, timeout=timeout)
    recs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    recs = [x for x in recs if x.get("type", "sample") == "sample"]
    return r.returncode, recs, r.stderr.strip()


def bench_in(binary, tmpdir, *args, env=None, timeout=120):
    """bench() with TMPDIR=tmpdir (where the file and sqlite workloads make their folders) and
    any other environment variables: (exit status, records, stderr)."""
    e = dict(os.environ)
    e.update({"TMPDIR": tmpdir, **(env or {})})
    r = subprocess.run([binary, "--format", "json", "--quiet", *args], capture_output=True,
                       text=True, timeout=timeout, env=e)
    recs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    recs = [x for x in recs if x.get("type", "sample") == "sample"]
    return r.returncode, recs, r.stderr.strip()

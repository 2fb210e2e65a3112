"""NAME    msutil.py
PURPOSE Helpers for the mock server tests: start a server on port 0 (killed in a finally, by its
        own PID only), raw HTTP/1.1 over sockets with hard timeouts, /stats, descriptor counts."""
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 5.0  # seconds: every socket operation in the tests has this hard limit


class Server:
    """A mockserver child process; use as a context manager so it is always stopped."""

    def __init__(self, binary, *args, nofile=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="mockserver-test-")
        port_file = os.path.join(self.tmp.name, "port")
        limit = None
        if nofile is not None:
            def limit():
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--port-file", port_file, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)
        self.pid = self.proc.pid
        self.stderr = ""
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("mockserver did not start: " + self.stderr)
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read())

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        code, _ = self.stop()
        # A clean shutdown exits 0; sanitizer reports (leaks included) make it non-zero.
        if exc_type is None and code != 0:
            raise AssertionError("mockserver exited %d: %s" % (code, self.stderr[-4000:]))

    def stop(self, sig=signal.SIGTERM):
        """Stops our own child only; returns (exit code, stdout). Idempotent."""
        if self.proc.returncode is not None and self.proc.stdout.closed:
            return self.proc.returncode, ""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, self.stderr = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, self.stderr = self.proc.communicate()
        self.tmp.cleanup()
        return self.proc.returncode, out

    def alive(self):
        return self.proc.poll() is None

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def quiet_fds(self):
        """The descriptor count once the connections just closed by clients are gone."""
        time.sleep(0.2)
        return self.fds()

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        s.settimeout(TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # split writes go out as split
        return Conn(s)

    def get(self, path, method="GET"):
        """One request on a fresh connection with Connection: close."""
        with self.connect() as c:
            c.send(request(path, method=method, headers={"Connection": "close"}))
            return c.response(head=method == "HEAD")

    def stats(self):
        status, _, body = self.get("/stats")
        assert status == 200, status
        return json.loads(body)

    def reset_stats(self):
        assert self.get("/stats/reset")[0] == 200


def request(path, method="GET", headers=None, version="HTTP/1.1"):
    h = {"Host": "127.0.0.1"}
    h.update(headers or {})
    lines = ["%s %s %s" % (method, path, version)] + ["%s: %s" % kv for kv in h.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Conn:
    """A client connection with a read buffer; every read has the socket's hard timeout."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def read_until(self, sep):
        while sep not in self.buf:
            self._fill()
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, head=False):
        """Returns (status, headers with lowercase names, body)."""
        lines = self.read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        assert parts[0] == "HTTP/1.1", lines[0]
        headers = {}
        for line in lines[1:]:
            if line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        n = 0 if head else int(headers.get("content-length", "0"))
        return int(parts[1]), headers, self.read_exact(n)

    def closed(self):
        """True when the peer closed (FIN or RST) before sending anything more."""
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            return True
        self.buf += data
        return not data


def wait_until(cond, timeout=TIMEOUT, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def binary():
    if len(sys.argv) < 2:
        sys.exit("usage: %s PATH/TO/mockserver" % sys.argv[0])
    return sys.argv.pop(1)

"""NAME    rawserver.py
PURPOSE A deliberately misbehaving HTTP/1.1 server for the two client-side faults the strict mock
        server will not commit: a body dribbled out slowly, and a body longer than its
        Content-Length. It counts what it did, so a test can compare the client's outcomes with
        the server's own account, as it does with the mock server's /stats.

Why not a mock-server route: the mock server is the strict, fuzzed product every benchmark runs
against; a route that lies about Content-Length would make it non-conforming on purpose. These
faults test the client only, so a few lines of test code serve better than a server feature.
Loopback only, port 0, one daemon thread per connection, every socket with a hard timeout."""
import socket
import socketserver
import threading
import time

TIMEOUT = 10.0  # seconds: no connection thread can outlive a stuck client by more than this


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {"connections": 0, "requests": 0, "completed": 0, "aborted": 0}

    def add(self, key):
        with self.lock:
            self.c[key] += 1

    def snapshot(self):
        with self.lock:
            return dict(self.c)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        srv = self.server
        s = self.request
        s.settimeout(TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        srv.counts.add("connections")
        buf = b""
        while True:  # keep-alive: one response per request head, until the client goes
            try:
                while b"\r\n\r\n" not in buf:
                    data = s.recv(4096)
                    if not data:
                        return
                    buf += data
            except OSError:
                return
            buf = buf[buf.index(b"\r\n\r\n") + 4:]
            srv.counts.add("requests")
            try:
                srv.respond(s)
            except OSError:  # the client gave up (its timeout) in the middle of our answer
                srv.counts.add("aborted")
                return
            srv.counts.add("completed")


class RawServer(socketserver.ThreadingTCPServer):
    """mode "drip": Content-Length `size`, sent `chunk` bytes every `gap_ms` ms.
    mode "oversize": Content-Length `size`, then `size + extra` body bytes: in one write, or with
    the `extra` bytes `late_ms` later, when the client may already have reused the connection."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode, size=1000, chunk=100, gap_ms=20, extra=1000,
                 late_ms=0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode, self.size, self.chunk, self.gap_ms, self.extra = mode, size, chunk, gap_ms, extra
        self.late_ms = late_ms
        self.counts = Counts()
        self.port = self.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def respond(self, s):
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {self.size}\r\n\r\n").encode()
        if self.mode == "drip":
            s.sendall(head)
            for off in range(0, self.size, self.chunk):
                if off:
                    time.sleep(self.gap_ms / 1000)
                s.sendall(b"d" * min(self.chunk, self.size - off))
        elif self.late_ms == 0:
            s.sendall(head + b"o" * (self.size + self.extra))
        else:
            s.sendall(head + b"o" * self.size)
            time.sleep(self.late_ms / 1000)
            s.sendall(b"o" * self.extra)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

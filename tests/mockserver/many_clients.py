"""NAME    many_clients.py
PURPOSE Opens N connections at once, one request each (Connection: close), on one epoll loop;
        reports how many got a 200 and how long the whole batch took. Used by the 1000-connection
        test and by scripts/bench-mockserver.sh for 10,000.
USAGE   python3 many_clients.py PORT N PATH [TIMEOUT_S] [--hold-pid PID]
        --hold-pid: also print the server's RSS once every request is in flight."""
import errno
import select
import socket
import sys
import time


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run(port, n, path, timeout=10.0, on_all_sent=None):
    """Returns (count of 200 responses, seconds from the first connect to the last response)."""
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode()
    ep = select.epoll()
    socks, bufs, sent = {}, {}, set()
    ok = 0
    start = time.monotonic()
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            err = s.connect_ex(("127.0.0.1", port))
            if err not in (0, errno.EINPROGRESS):
                s.close()
                continue
            socks[s.fileno()] = s
            bufs[s.fileno()] = b""
            ep.register(s.fileno(), select.EPOLLOUT | select.EPOLLIN)
        notified = False
        deadline = start + timeout
        while socks and time.monotonic() < deadline:
            for fd, ev in ep.poll(0.1):
                s = socks[fd]
                if ev & select.EPOLLOUT and fd not in sent:
                    try:
                        s.send(req)
                    except OSError:
                        ev |= select.EPOLLERR
                    sent.add(fd)
                    ep.modify(fd, select.EPOLLIN)
                if ev & (select.EPOLLIN | select.EPOLLERR | select.EPOLLHUP):
                    try:
                        data = s.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    bufs[fd] += data
                    if data:
                        continue
                    if bufs[fd].startswith(b"HTTP/1.1 200 "):
                        ok += 1
                    ep.unregister(fd)
                    s.close()
                    del socks[fd]
            if on_all_sent and not notified and len(sent) == n:
                notified = True
                on_all_sent()
        return ok, time.monotonic() - start
    finally:
        for s in socks.values():
            s.close()
        ep.close()


def main():
    args = sys.argv[1:]
    pid = None
    if "--hold-pid" in args:
        i = args.index("--hold-pid")
        pid = int(args[i + 1])
        del args[i:i + 2]
    port, n, path = int(args[0]), int(args[1]), args[2]
    timeout = float(args[3]) if len(args) > 3 else 30.0
    base = rss_kib(pid) if pid else 0
    peak = []

    def sample():
        time.sleep(0.05)  # let the server read the last requests
        peak.append(rss_kib(pid))

    ok, secs = run(port, n, path, timeout, sample if pid else None)
    print("connections=%d ok=%d seconds=%.3f" % (n, ok, secs))
    if pid and peak:
        print("rss_base_kib=%d rss_loaded_kib=%d rss_per_conn_bytes=%.0f"
              % (base, peak[0], (peak[0] - base) * 1024.0 / n))
    return 0 if ok == n else 1


if __name__ == "__main__":
    sys.exit(main())

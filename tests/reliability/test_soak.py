#!/usr/bin/env python3
"""NAME    test_soak.py
PURPOSE A bounded soak: cvpbench's event loop holds 10,000 keep-alive connections to the mock
        server, each carrying one 2 s request after another, for CVP_SOAK_SECONDS (default 10;
        30 for the full soak). Every request is answered, no connection is dropped or reopened,
        and the server's memory stays flat once every connection is open.
USAGE   test_soak.py CVPBENCH MOCKSERVER
        CVP_SOAK_SECONDS=30 for the long form; sanitizer builds shrink the connection count
        with CVP_TEST_SCALE (set by the Makefile)."""
import os
import resource
import sys
import threading
import time

from rellib import bench, check, finish, msutil, scaled
from many_clients import rss_kib

BIN, MOCK = sys.argv[1], sys.argv[2]
DELAY_MS = 2000
SECONDS = float(os.environ.get("CVP_SOAK_SECONDS", "10"))
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
if hard == resource.RLIM_INFINITY:
    hard = 1 << 20
# Each side needs one descriptor per connection, plus a margin for everything else.
CONNS = min(scaled(10000, least=500), hard - 300)
ROUNDS = max(1, round(SECONDS * 1000 / DELAY_MS))
TASKS = CONNS * ROUNDS


print(f"soak: {CONNS} connections x {ROUNDS} rounds of {DELAY_MS} ms = {TASKS} requests "
      f"(~{ROUNDS * DELAY_MS / 1000:.0f} s)")
with msutil.Server(MOCK, "--max-conns", str(CONNS + 100), nofile=min(hard, CONNS + 1000)) as srv:
    base = rss_kib(srv.pid)
    samples = []  # (seconds since start, server RSS in KiB, open connections)
    stop = threading.Event()
    stats_calls = [0]

    def sample():
        t0 = time.monotonic()
        while not stop.wait(0.5):
            st = srv.stats()
            stats_calls[0] += 1
            samples.append((time.monotonic() - t0, rss_kib(srv.pid), st["connections"] - 1))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        rc, rec, err = bench(BIN, "-w", "http", "-e", "event-loop", "--concurrency", str(CONNS),
                             "--tasks", str(TASKS), "--latency-ms", str(DELAY_MS),
                             "--url-base", f"http://127.0.0.1:{srv.port}",
                             timeout=ROUNDS * DELAY_MS / 1000 + 300)
    finally:
        stop.set()
        sampler.join()
    st = srv.stats()
    stats_calls[0] += 1

check(rec is not None and rc == 0, f"cvpbench ran the soak (exit {rc}, {err.strip()[:200]})")
if rec:
    check(rec["ok"] == TASKS, f"every request answered: ok {rec['ok']} of {TASKS}, "
                              f"errors {rec['errors']}")
check(st["status"].get("200", 0) == TASKS, f"server answered {st['status'].get('200', 0)} "
                                            f"== {TASKS}")
check(st["peak_connections"] >= CONNS, f"server held {st['peak_connections']} connections at "
                                       f"once (>= {CONNS})")
# Keep-alive held: each of the CONNS connections opened once, plus the /stats probes' own.
check(st["accepted"] - stats_calls[0] == CONNS,
      f"no connection dropped or reopened: {st['accepted'] - stats_calls[0]} opened for {CONNS}")
check(sum(st["errors"].values()) == 0, f"no server-side errors: {st['errors']}")

# Memory flat: once all connections are open (a sample sees them all), no later sample grows
# beyond 10% + 2 MiB of the first full one. A leak per request (TASKS of them) would exceed it.
full = [s for s in samples if s[2] >= CONNS]
check(len(full) >= 2, f"{len(full)} samples with every connection open")
if full:
    first, peak = full[0][1], max(s[1] for s in full)
    check(peak <= first * 1.10 + 2048,
          f"server RSS flat: {first} KiB with all connections open, peak {peak} KiB after "
          f"{len(full)} samples over {full[-1][0] - full[0][0]:.1f} s")
    print("soak figures: %d connections held %.1f s, %d requests, server RSS %d KiB loaded, "
          "peak %d KiB "
          "(%.0f bytes per connection), cvpbench peak RSS %s KiB, wall %.1f s"
          % (CONNS, full[-1][0] - full[0][0], TASKS, first, peak,
             (first - base) * 1024 / CONNS,
             rec["max_rss_kib"] if rec else "?", rec["wall_s"] if rec else 0))
finish("soak: every connection held and answered, memory flat")

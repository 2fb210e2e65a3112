#!/usr/bin/env python3
"""NAME    test_mixed.py
PURPOSE The mixed workload (wait, then compute) validates under every executor; the hybrid
        executor holds both its cap (server peak in flight) and its thread count (peak of
        concurrent compute parts); the event loop computes one part at a time.
USAGE   test_mixed.py CVPBENCH MOCKSERVER"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, bench, check, finish  # noqa: E402

BIN, MOCK = sys.argv[1], sys.argv[2]




with MockServer(MOCK) as srv:
    common = ["-w", "mixed", "--url-base", srv.base, "--tasks", "40", "--latency-ms", "10",
              "--work-us", "500"]
    for ex, extra in [("sequential", []), ("event-loop", []), ("hybrid", ["--threads", "3"]),
                      ("thread-pool", ["--threads", "8"]), ("openmp", ["--threads", "8"])]:
        rc, recs, err = bench(BIN, *common, "-e", ex, *extra)
        rec = recs[0] if recs else {}
        m = rec.get("workload_metrics", {})
        check(rc == 0 and rec.get("valid") and rec.get("ok") == 40, f"mixed under {ex}: valid ({err})")
        check(rec.get("latency_us", {}).get("min", 0) >= 10000, f"mixed under {ex}: no task under its wait")
        limit = {"sequential": 1, "event-loop": 1, "hybrid": 3}.get(ex, 8)
        check(1 <= m.get("peak_concurrent_compute", 0) <= limit,
              f"{ex}: at most {limit} compute parts at once (saw {m.get('peak_concurrent_compute')})")

    # Hybrid: the cap bounds requests in flight exactly; the threads bound compute parts.
    srv.reset()
    rc, recs, err = bench(BIN, *common, "-e", "hybrid", "--threads", "2", "--concurrency", "7",
                          "--tasks", "100")
    rec = recs[0] if recs else {}
    peak = srv.stats()["peak_in_flight"]
    check(rc == 0 and peak <= 7, f"hybrid cap 7: server peak in flight {peak}")
    check(rec.get("threads") == 2 and rec.get("concurrency") == 7, "hybrid reports threads 2, cap 7")
    check(rec["workload_metrics"]["peak_concurrent_compute"] <= 2, "hybrid computes on at most 2 threads")

    # Pure CPU under hybrid: the pool plus a hop; it still validates.
    rc, recs, _ = bench(BIN, "-w", "matmul", "-e", "hybrid", "--size", "200", "--tasks", "20")
    rec = recs[0] if recs else {}
    check(rc == 0 and rec["valid"], "matmul under hybrid validates")

finish("all mixed/hybrid checks passed")

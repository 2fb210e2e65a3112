#!/usr/bin/env python3
"""NAME    test_http.py
PURPOSE The http workload under every executor against the mock server: outcomes, the cap,
        injected errors, an absent server, timeouts, connection reuse, and the lesson itself
        (overlapped waits are much faster), checked with wide, model-based margins.
USAGE   test_http.py CVPBENCH MOCKSERVER"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, bench, check, finish, free_port  # noqa: E402

BIN, MOCK = sys.argv[1], sys.argv[2]




EXECUTORS = [("sequential", []), ("event-loop", []), ("thread-pool", ["--threads", "50"]),
             ("openmp", ["--threads", "50"]), ("process", ["--threads", "50"])]

with MockServer(MOCK) as srv:
    url = ["--url-base", srv.base]

    # Every executor: 200 requests at /delay/50, 200 outcomes, all valid.
    for ex, extra in EXECUTORS:
        rc, recs, err = bench(BIN, "-w", "http", "-e", ex, "--tasks", "200", "--latency-ms", "50",
                              *url, *extra)
        rec = recs[0] if recs else {}
        check(rc == 0 and rec.get("valid") and rec.get("ok") == 200,
              f"{ex}: 200 requests valid (exit {rc}, ok {rec.get('ok')}, {err.strip()})")
        check(rec.get("latency_us", {}).get("min", 0) >= 50000, f"{ex}: no request under 50 ms")

    # The cap holds exactly: the server never sees more than C requests at once, and sees C.
    for ex, extra in [("event-loop", ["--concurrency", "20"]), ("thread-pool", ["--threads", "20"]),
                      ("openmp", ["--threads", "20"]), ("process", ["--threads", "20"])]:
        srv.reset()
        rc, recs, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", "200", "--latency-ms", "20", *url,
                            *extra)
        peak = srv.stats()["peak_in_flight"]
        check(rc == 0 and peak == 20, f"{ex}: cap 20 gives server peak in flight {peak}")
        check(recs and recs[0]["concurrency"] == 20, f"{ex}: result says concurrency 20")

    # Reuse: --no-reuse opens one connection per request; --reuse at most one per worker.
    for ex, extra, workers in [("event-loop", ["--concurrency", "10"], 10),
                               ("thread-pool", ["--threads", "8"], 8),
                               ("process", ["--threads", "8"], 8),
                               ("sequential", [], 1)]:
        srv.reset()
        bench(BIN, "-w", "http", "-e", ex, "--tasks", "60", "--latency-ms", "1", "--no-reuse", *url,
              *extra)
        opened = srv.stats()["accepted"] - 1  # less the /stats request's own connection
        check(opened == 60, f"{ex} --no-reuse: 60 requests opened {opened} connections")
        srv.reset()
        bench(BIN, "-w", "http", "-e", ex, "--tasks", "60", "--latency-ms", "1", "--reuse", *url,
              *extra)
        opened = srv.stats()["accepted"] - 1
        check(1 <= opened <= workers, f"{ex} --reuse: opened {opened} connections (<= {workers})")

    # Above 256 in flight the loop spreads transfers over several curl multi handles; a task
    # takes over the slot (and idle connection) of the one that ended, so reuse still holds.
    srv.reset()
    rc, recs, _ = bench(BIN, "-w", "http", "-e", "event-loop", "--tasks", "1800", "--latency-ms",
                        "20", "--concurrency", "600", "--reuse", *url)
    opened = srv.stats()["accepted"] - 1
    check(rc == 0 and opened <= 600, f"event-loop cap 600, 3 multi handles: opened {opened} (<= 600)")

    # A delay beyond --timeout-ms is a timeout outcome, under every executor.
    for ex, extra in EXECUTORS:
        rc, recs, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", "4", "--latency-ms", "2000",
                            "--timeout-ms", "100", *url, *extra)
        rec = recs[0] if recs else {"errors": {}}
        check(rc == 1 and rec["errors"].get("timeout") == 4 and not rec["valid"],
              f"{ex}: 4 requests past the timeout are 4 timeouts (exit {rc}, {rec['errors']})")

    # The lesson: 40 requests of 50 ms overlap on one thread. Model: 40x; demand 5x.
    _, seq, _ = bench(BIN, "-w", "http", "-e", "sequential", "--tasks", "40", "--latency-ms", "50", *url)
    _, loop, _ = bench(BIN, "-w", "http", "-e", "event-loop", "--tasks", "40", "--latency-ms", "50", *url)
    ratio = seq[0]["wall_s"] / loop[0]["wall_s"]
    check(ratio >= 5, f"event-loop is {ratio:.1f}x faster than sequential (model 40x, need 5x)")

    # --blocking on the loop thread serialises the waits: the stall (model: 10 x 20 ms).
    rc, recs, _ = bench(BIN, "-w", "http", "-e", "event-loop", "--blocking", "--tasks", "10",
                        "--latency-ms", "20", *url)
    check(rc == 0 and recs[0]["wall_s"] >= 0.2, f"--blocking stalls the loop: {recs[0]['wall_s']:.3f} s")

# Injected 500s: every task still has one outcome, and the errors equal the server's 500s.
with MockServer(MOCK, "--error-rate", "0.2", "--seed", "7") as srv:
    for ex, extra in EXECUTORS:
        srv.reset()
        rc, recs, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", "200", "--latency-ms", "1",
                            "--url-base", srv.base, *extra)
        rec = recs[0]
        errs = sum(rec["errors"].values())
        s500 = srv.stats()["status"].get("500", 0)
        check(rec["ok"] + errs == 200, f"{ex}: ok {rec['ok']} + errors {errs} == 200")
        check(rec["errors"]["http_status"] == s500 > 0,
              f"{ex}: http_status errors {rec['errors']['http_status']} == server 500s {s500}")
        check(rc == 1 and not rec["valid"], f"{ex}: a batch with errors is invalid, exit 1")

# No server: every task is a connect error, the run exits 1 and does not crash.
dead = f"http://127.0.0.1:{free_port()}"
for ex, extra in EXECUTORS:
    rc, recs, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", "20", "--url-base", dead, *extra)
    rec = recs[0] if recs else {"errors": {}}
    check(rc == 1 and rec["errors"].get("connect") == 20,
          f"{ex}: no server gives 20 connect errors, exit 1 (got exit {rc}, {rec['errors']})")

finish("all http checks passed")

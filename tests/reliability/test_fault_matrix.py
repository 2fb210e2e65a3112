#!/usr/bin/env python3
"""NAME    test_fault_matrix.py
PURPOSE Every executor x every fault: N tasks give exactly N outcomes, ok plus each error class
        adds up to N, each fault lands in its own class, and the counts equal the server's own
        account of what it did (/stats, its final counters, or the raw server's counts).
        Prints the matrix (one row per fault and executor) for the reliability note.
USAGE   test_fault_matrix.py CVPBENCH MOCKSERVER"""
import json
import os
import signal
import sys
import time

from rellib import CLASSES, bench, bounded, check, finish, msutil, record_of, scaled, \
    start_bench
from rawserver import RawServer

BIN, MOCK = sys.argv[1], sys.argv[2]
N = scaled(20, least=8)  # tasks per cell: small (2 cores, others benchmarking), never vacuous
# Every executor cvpbench offers, each with at most 4 tasks in flight so batches overlap but
# stay small.
EXECUTORS = bounded(BIN, 4)
ROWS = []  # (fault, executor, record, server's account, cell passed)


def cell(fault, ex, rec, server, checks):
    """Checks the invariants every cell shares, then the fault's own, and records the row."""
    if not check(rec is not None, f"{fault} x {ex}: a JSON record was written"):
        ROWS.append((fault, ex, None, server, False))
        return
    errs = rec["errors"]
    ok = all([
        check(rec["tasks"] == N, f"{fault} x {ex}: {rec['tasks']} tasks reported, {N} run"),
        check(rec["ok"] + sum(errs.values()) == N,
              f"{fault} x {ex}: ok {rec['ok']} + errors {sum(errs.values())} == {N}"),
        check(errs["not_run"] == 0, f"{fault} x {ex}: no task left unrun"),
        check(rec["valid"] == (rec["ok"] == N),
              f"{fault} x {ex}: valid exactly when every task succeeded"),
        # Each error class present has a sample message, so the class is explained in the JSON.
        check(all(c in rec["error_samples"] for c in CLASSES if errs[c]),
              f"{fault} x {ex}: every error class seen has a sample message"),
    ] + [check(c, f"{fault} x {ex}: {w}") for c, w in checks(rec, errs)])
    ROWS.append((fault, ex, rec, server, ok))


def mock_fault(fault, opts, extra, expect):
    """One mock server per fault; its counters are reset before each executor's batch."""
    with msutil.Server(MOCK, "--seed", "7", *opts) as srv:
        base = f"http://127.0.0.1:{srv.port}"
        for ex, exargs in EXECUTORS:
            srv.reset_stats()
            rc, rec, err = bench(BIN, "-w", "http", "-e", ex, "--tasks", str(N), "--url-base",
                                 base, *extra, *exargs)
            st = srv.stats()
            cell(fault, ex, rec, st, lambda r, e: expect(r, e, st) + [
                (rc == (0 if r["ok"] == N else 1), f"exit {rc} matches validity ({err.strip()[:80]})")])


def status(st, code):
    return st["status"].get(str(code), 0)


# 500s at a rate: exactly the server's injected 500s are http_status errors, the rest ok.
mock_fault("500s 25%", ["--error-rate", "0.25"], ["--latency-ms", "1"], lambda r, e, st: [
    (e["http_status"] == st["errors"]["injected_error"] == status(st, 500) > 0,
     f"http_status {e['http_status']} == server's injected 500s {status(st, 500)}"),
    (r["ok"] == status(st, 200), f"ok {r['ok']} == server's 200s {status(st, 200)}"),
    (r["ok"] + e["http_status"] == N, "no other class"),
])

# Abrupt resets mid-response (head and half the body, then RST): each one is a reset error.
mock_fault("reset mid-body 25%", ["--reset-rate", "0.25"], ["--latency-ms", "1"], lambda r, e, st: [
    (e["reset"] == st["errors"]["injected_reset"] > 0,
     f"reset {e['reset']} == server's injected resets {st['errors']['injected_reset']}"),
    (r["ok"] == status(st, 200), f"ok {r['ok']} == server's 200s {status(st, 200)}"),
    (r["ok"] + e["reset"] == N, "no other class"),
])

# Stalls beyond --timeout-ms: the server never answers; each is a timeout at the client.
mock_fault("stall > timeout 25%", ["--stall-rate", "0.25"],
           ["--latency-ms", "1", "--timeout-ms", "300"], lambda r, e, st: [
    (e["timeout"] == st["errors"]["injected_stall"] > 0,
     f"timeout {e['timeout']} == server's stalls {st['errors']['injected_stall']}"),
    (r["ok"] == status(st, 200), f"ok {r['ok']} == server's 200s {status(st, 200)}"),
    (r["ok"] + e["timeout"] == N, "no other class"),
])


def killed(sig):
    """The server stops (SIGTERM: closes every connection, prints its final counters; SIGKILL:
    the kernel closes them) once a first round of answers is out. Answered tasks are ok, the
    ones in flight and the rest fail as reset or connect, never lost."""
    fault = "server killed (%s)" % signal.Signals(sig).name
    for ex, exargs in EXECUTORS:
        srv = msutil.Server(MOCK)
        try:
            proc = start_bench(BIN, "-w", "http", "-e", ex, "--tasks", str(N), "--latency-ms",
                               "300", "--url-base", f"http://127.0.0.1:{srv.port}", *exargs)
            # Model-based, not a sleep: wait until the batch is under way (first answers out).
            msutil.wait_until(lambda: status(srv.stats(), 200) >= 1, timeout=30)
            seen = status(srv.stats(), 200)
            code, out = srv.stop(sig)
        finally:
            srv.stop()
        rc, rec, err = record_of(proc)
        final = None
        for line in out.splitlines():
            if line.startswith("mockserver stopped: "):
                final = json.loads(line[len("mockserver stopped: "):])
        account = final if sig == signal.SIGTERM else {"status": {"200": seen}}

        def expect(r, e, st=account, sig=sig, rc=rc):
            fails = e["reset"] + e["connect"]
            out = [(rc == 1, f"exit {rc} == 1"),
                   (r["ok"] >= 1 and fails >= 1, f"ok {r['ok']} >= 1 and reset+connect {fails} >= 1"),
                   (r["ok"] + fails == N, "only reset and connect besides ok")]
            if sig == signal.SIGTERM:
                out.append((st is not None and r["ok"] == status(st, 200),
                            f"ok {r['ok']} == server's final 200s "
                            f"{status(st, 200) if st else None}"))
            else:  # no final counters: the answers seen before the kill are a lower bound
                out.append((r["ok"] >= status(st, 200), f"ok {r['ok']} >= 200s seen {seen}"))
            return out
        cell(fault, ex, rec, account, expect)


killed(signal.SIGTERM)
killed(signal.SIGKILL)

# No server at all: every task is a connect error, quickly.
port = msutil.socket.socket()
port.bind(("127.0.0.1", 0))
dead = f"http://127.0.0.1:{port.getsockname()[1]}"  # bound, never listening: refused
for ex, exargs in EXECUTORS:
    rc, rec, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", str(N), "--url-base", dead, *exargs)
    cell("server absent", ex, rec, None,
         lambda r, e: [(e["connect"] == N, f"connect {e['connect']} == {N}"), (rc == 1, "exit 1")])
port.close()


def raw_fault(fault, server_args, extra, expect):
    for ex, exargs in EXECUTORS:
        with RawServer(**server_args) as srv:
            rc, rec, _ = bench(BIN, "-w", "http", "-e", ex, "--tasks", str(N), "--url",
                               srv.base + "/fault", *extra, *exargs)
            time.sleep(0.1)  # the raw server's threads notice the client's last close
            counts = srv.counts.snapshot()
        cell(fault, ex, rec, counts, lambda r, e: expect(r, e, counts))


# A slow body: 6 chunks 30 ms apart (150 ms). Within the timeout every task succeeds and none
# can have taken less than the dribble; beyond it every task is a timeout, and the server sees
# each of those clients go away in the middle of its body.
DRIP = {"mode": "drip", "size": 600, "chunk": 100, "gap_ms": 30}
raw_fault("slow body < timeout", DRIP, ["--timeout-ms", "5000"], lambda r, e, c: [
    (r["ok"] == N == c["completed"], f"ok {r['ok']} == bodies completed {c['completed']} == {N}"),
    (r["latency_us"]["min"] >= 150000, f"min latency {r['latency_us']['min']} us >= 150 ms"),
])
raw_fault("slow body > timeout", DRIP, ["--timeout-ms", "50"], lambda r, e, c: [
    (e["timeout"] == N == c["aborted"], f"timeout {e['timeout']} == bodies abandoned "
                                        f"{c['aborted']} == {N}"),
])

# A body longer than its Content-Length. In the same write: curl takes the announced bytes and
# discards the connection (one connection per task, all ok). Arriving late, on a connection
# curl has already reused: the next task reads the leftovers as its response and fails as
# "other" (never lost, never ok); every connection gives exactly one good answer.
raw_fault("oversize body", {"mode": "oversize", "size": 100, "extra": 1000}, [],
          lambda r, e, c: [
    (r["ok"] == N == c["completed"], f"ok {r['ok']} == responses {c['completed']} == {N}"),
    (c["connections"] == N, f"a new connection per task ({c['connections']}): excess detected"),
])
raw_fault("oversize, late excess", {"mode": "oversize", "size": 100, "extra": 1000, "late_ms": 100},
          [], lambda r, e, c: [
    (r["ok"] == c["connections"], f"ok {r['ok']} == connections {c['connections']}"),
    (e["other"] == N - r["ok"] >= 1, f"other {e['other']} == {N} - ok, and >= 1"),
])

# The matrix, for the reliability note.
print("\nfault matrix: %d tasks per cell; server = the server's own account" % N)
hdr = "%-24s %-12s %4s %5s %4s %4s %4s %4s %4s %4s  %-36s %s"
print(hdr % ("fault", "executor", "N", "ok", "conn", "tout", "http", "rst", "oth", "nrun",
             "server", "cell"))
for fault, ex, rec, srv, ok in ROWS:
    if rec is None:
        print("%-24s %-12s  (no record)  FAIL" % (fault, ex))
        continue
    e = rec["errors"]
    if srv is None:
        acct = "-"
    elif "status" in srv:
        acct = "200:%d 500:%d rst:%d stall:%d" % (
            srv["status"].get("200", 0), srv["status"].get("500", 0),
            srv.get("errors", {}).get("injected_reset", 0),
            srv.get("errors", {}).get("injected_stall", 0))
    else:
        acct = "conns:%d done:%d aborted:%d" % (srv["connections"], srv["completed"],
                                                srv["aborted"])
    print(hdr % (fault, ex, rec["tasks"], rec["ok"], e["connect"], e["timeout"], e["http_status"],
                 e["reset"], e["other"], e["not_run"], acct, "pass" if ok else "FAIL"))

finish("fault matrix: every task accounted for, in its class, matching the server")

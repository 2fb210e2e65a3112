#!/usr/bin/env python3
"""NAME    test_fd_limit.py
PURPOSE Caps beyond the descriptor limit fail up front: under `ulimit -n 256`, every executor that
        keeps many connections open exits 2 with one line naming the limit, having sent the
        server nothing; the same run with a cap that fits succeeds without a single error (so
        the check is neither missing nor over-cautious). tests/io/test_loop.py checks the
        event loop's default cap; this covers each executor's own cap.
USAGE   test_fd_limit.py CVPBENCH MOCKSERVER"""
import os
import resource
import subprocess
import sys

import json

from rellib import check, finish, msutil, registry

BIN, MOCK = sys.argv[1], sys.argv[2]
LIMIT = 256


def run(*args):
    """cvpbench under the low limit; returns (exit code, first JSON record or None, stderr)."""
    p = subprocess.run(WRAP + [BIN, "--format", "json", "--quiet", *args], capture_output=True,
                       text=True, timeout=60, preexec_fn=limited)
    recs = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    return p.returncode, (recs[0] if recs else None), p.stderr


def limited():
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


# As root with CAP_SYS_RESOURCE, cvpbench may raise its own hard limit; drop that capability so
# the limit holds as it would for any user.
WRAP = ["setpriv", "--inh-caps=-sys_resource", "--bounding-set=-sys_resource"] \
    if os.geteuid() == 0 and os.path.exists("/usr/bin/setpriv") else []

# Every executor that keeps many connections open, by its published capabilities: too many for
# the limit (1000 in flight on a loop, 300 threads of 3 descriptors each), and a number that fits.
CASES = []
for e in registry(BIN)["executors"]:
    if e["cap"]:
        CASES.append((e["name"], ["--concurrency", "1000"], ["--concurrency", "50"]))
    elif e["threads"] and e["waits_at_once"] == "ranks":  # mpi: its ranks' inner pools
        CASES.append((e["name"], ["--inner", "thread-pool", "--threads", "300"],
                      ["--inner", "thread-pool", "--threads", "40"]))
    elif e["threads"]:
        CASES.append((e["name"], ["--threads", "300"], ["--threads", "40"]))
check(len(CASES) >= 4, f"every executor with a cap or threads is tried: {[c[0] for c in CASES]}")

with msutil.Server(MOCK) as srv:
    url = ["--url-base", f"http://127.0.0.1:{srv.port}"]
    for ex, too_many, fits in CASES:
        srv.reset_stats()
        rc, rec, err = run("-w", "http", "-e", ex, "--tasks", "1000", "--latency-ms", "1", *url,
                           *too_many)
        lines = err.strip().splitlines()
        sent = srv.stats()["requests"]
        check(rc == 2 and len(lines) == 1 and "ulimit -n" in lines[0] and rec is None
              and sent == 0,
              f"{ex} {' '.join(too_many)} under ulimit -n {LIMIT}: exit {rc}, "
              f"{len(lines)} line(s), {sent} requests sent: {lines[:1]}")
        rc, rec, err = run("-w", "http", "-e", ex, "--tasks", "200", "--latency-ms", "1", *url,
                           *fits)
        check(rc == 0 and rec and rec["ok"] == 200,
              f"{ex} {' '.join(fits)} fits under the same limit and runs clean (exit {rc}, {err.strip()[:120]})")
finish("descriptor limits enforced before the run")

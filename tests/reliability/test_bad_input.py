#!/usr/bin/env python3
"""NAME    test_bad_input.py
PURPOSE Bad command lines that tests/cli/test_cli.py's table does not cover: the network options
        (missing server, non-http or non-loopback URLs, negative timeout), options that do not
        apply to the chosen executor, and counts out of range. Each gives exit 2 and one stderr
        line naming the problem, prints nothing else, and a live mock server named on the
        command line receives no request (so nothing ran before the refusal).
USAGE   test_bad_input.py CVPBENCH MOCKSERVER"""
import subprocess
import sys

from rellib import check, finish, msutil

BIN, MOCK = sys.argv[1], sys.argv[2]

with msutil.Server(MOCK) as srv:
    live = f"http://127.0.0.1:{srv.port}"
    BAD = [
        (["-w", "http", "-e", "sequential"], "--url-base"),
        (["-w", "http", "-e", "sequential", "--url", f"https://127.0.0.1:{srv.port}/"], "http://"),
        (["-w", "http", "-e", "sequential", "--url", "http://10.0.0.1/"], "loopback"),
        (["-w", "http", "-e", "sequential", "--url-base", "http://example.com"], "loopback"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--timeout-ms", "-5"],
         "--timeout-ms"),
        (["-w", "http", "-e", "event-loop", "--url-base", live, "--concurrency", "-1"],
         "--concurrency"),
        (["-w", "http", "-e", "thread-pool", "--url-base", live, "--blocking", "--strict"],
         "--blocking"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--pin", "--strict"], "--pin"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--work-us", "5", "--strict"],
         "--work-us"),
        (["-w", "mixed", "-e", "hybrid", "--url-base", live, "--work-us", "x"], "--work-us"),
        (["-w", "http", "-e", "hybrid", "--url-base", live, "--threads", "0"], "--threads"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--tasks", "0"], "--tasks"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--latency-ms", "1e3"],
         "--latency-ms"),
        (["-w", "http", "-e", "sequential", "--url-base", live, "--reps"], "--reps"),
    ]
    for args, needle in BAD:
        srv.reset_stats()
        r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)
        lines = r.stderr.strip().splitlines()
        sent = srv.stats()["requests"]
        check(r.returncode == 2 and len(lines) == 1 and needle in r.stderr and r.stdout == ""
              and sent == 0,
              f"{' '.join(args)}: exit {r.returncode}, {len(lines)} line(s) naming {needle!r}, "
              f"{sent} requests: {lines[:1]}")
finish("bad input refused up front")

#!/usr/bin/env python3
"""NAME    test_leaks.py
PURPOSE Starts a mock server for reliability_leaks (the C program that counts this process's
        descriptors and threads across repeated runs of every executor) and passes its verdict on.
USAGE   test_leaks.py RELIABILITY_LEAKS MOCKSERVER"""
import subprocess
import sys

from rellib import msutil

LEAKS, MOCK = sys.argv[1], sys.argv[2]
with msutil.Server(MOCK) as srv:
    p = subprocess.run([LEAKS, f"http://127.0.0.1:{srv.port}"], timeout=300)
    st = srv.stats()
# Not vacuous: the program really loaded the server (2 workloads x 5 executors x 4 x 3 x 40).
print("server answered %d requests" % st["status"].get("200", 0))
if p.returncode == 0 and st["status"].get("200", 0) != 5 * 4 * 3 * 40:
    sys.exit("expected %d answered requests" % (5 * 4 * 3 * 40))
sys.exit(p.returncode)

#!/usr/bin/env python3
"""NAME    test_leaks.py
PURPOSE Starts a mock server for reliability_leaks (the C program that counts this process's
        descriptors and threads across repeated runs of every executor) and passes its verdict on.
USAGE   test_leaks.py RELIABILITY_LEAKS MOCKSERVER"""
import re
import subprocess
import sys

from rellib import msutil

LEAKS, MOCK = sys.argv[1], sys.argv[2]
with msutil.Server(MOCK) as srv:
    p = subprocess.run([LEAKS, f"http://127.0.0.1:{srv.port}"], timeout=300, stdout=subprocess.PIPE,
                       text=True)
    st = srv.stats()
print(p.stdout, end="")
# Not vacuous: the program really loaded the server (one "http x EXECUTOR" line per executor of
# the registry, each 4 cycles x 3 batches x 40 tasks).
executors = sum(1 for line in p.stdout.splitlines() if re.match(r"http\s+x ", line))
print("server answered %d requests" % st["status"].get("200", 0))
if p.returncode == 0 and (executors < 5 or st["status"].get("200", 0) != executors * 4 * 3 * 40):
    sys.exit("expected %d answered requests" % (executors * 4 * 3 * 40))
sys.exit(p.returncode)

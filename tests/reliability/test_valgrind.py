#!/usr/bin/env python3
"""NAME    test_valgrind.py
PURPOSE Memory errors inside libraries the sanitizers cannot see: libuv and libcurl are not
        instrumented, so ASan misses a handle freed before libuv's close callback ran (such a bug
        once passed every sanitizer run here). valgrind's memcheck checks every access: small
        batches of the loop executors (curl on the loop, timers, several loop arms in one
        process, the hybrid pool) must run with no error and no definite leak.
USAGE   test_valgrind.py CVPBENCH MOCKSERVER      (exit 77 = skipped: valgrind not installed)"""
import shutil
import subprocess
import sys

from rellib import check, finish, msutil

BIN, MOCK = sys.argv[1], sys.argv[2]
if not shutil.which("valgrind"):
    print("skip: valgrind is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)
VG = ["valgrind", "--error-exitcode=99", "--leak-check=full",
      "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite", "--quiet"]

with msutil.Server(MOCK) as srv:
    url = f"http://127.0.0.1:{srv.port}"
    runs = [
        ["-w", "http", "-e", "event-loop:concurrency=8,hybrid:concurrency=8:threads=2",
         "--tasks", "20", "--latency-ms", "1", "--url-base", url, "--reps", "2"],
        ["-w", "http", "-e", "event-loop", "--tasks", "600", "--latency-ms", "1",
         "--url-base", url],  # several curl multi handles: slot hand-over and their close
        ["-w", "mixed", "-e", "sequential,event-loop,hybrid", "--tasks", "10", "--latency-ms",
         "0", "--work-us", "50", "--url-base", url, "--reps", "2"],
        ["-w", "sleep", "-e", "event-loop,thread-pool:threads=4", "--tasks", "50",
         "--latency-ms", "1", "--reps", "2"],
    ]
    for args in runs:
        p = subprocess.run(VG + [BIN, "--format", "json", "--quiet", *args],
                           capture_output=True, text=True, timeout=300)
        errors = [l for l in p.stderr.splitlines() if l.startswith("==")]
        check(p.returncode == 0 and not errors,
              f"valgrind clean: cvpbench {' '.join(args[:4])} ... (exit {p.returncode}) "
              + " | ".join(errors[:6]))
finish("no memory error under valgrind, inside libuv and libcurl included")

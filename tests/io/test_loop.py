#!/usr/bin/env python3
"""NAME    test_loop.py
PURPOSE The event-loop executor without a network: timers overlap, --blocking stalls, the cap
        holds for timers, CPU work gets no speed-up, and the descriptor check fails up front.
USAGE   test_loop.py CVPBENCH"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import bench, check, finish  # noqa: E402

BIN = sys.argv[1]




# 1000 timers of 50 ms overlap: model 50 ms, demand < 0.5 s; none returns early.
rc, recs, _ = bench(BIN, "-w", "sleep", "-e", "event-loop", "--tasks", "1000", "--latency-ms", "50")
r = recs[0]
check(rc == 0 and r["valid"] and r["latency_us"]["min"] >= 50000, "1000 timers valid, none early")
check(r["wall_s"] < 0.5, f"1000 x 50 ms timers overlap: {r['wall_s']:.3f} s (model 0.05 s)")

# Cap 10 on 100 tasks of 20 ms: ceil(100/10) x 20 ms = 0.2 s at least.
rc, recs, _ = bench(BIN, "-w", "sleep", "-e", "event-loop", "--tasks", "100", "--latency-ms", "20",
                    "--concurrency", "10")
check(rc == 0 and recs[0]["wall_s"] >= 0.2, f"cap 10: {recs[0]['wall_s']:.3f} s >= 0.2 s")
check(recs[0]["wall_s"] < 2.0, f"cap 10: {recs[0]['wall_s']:.3f} s well under sequential 2 s")

# --blocking: a blocking sleep on the loop thread serialises: 10 x 20 ms = 0.2 s at least.
rc, recs, _ = bench(BIN, "-w", "sleep", "-e", "event-loop", "--tasks", "10", "--latency-ms", "20",
                    "--blocking")
check(rc == 0 and recs[0]["wall_s"] >= 0.2, f"--blocking stalls: {recs[0]['wall_s']:.3f} s")
check(recs[0]["concurrency"] == 1, "--blocking reports concurrency 1")

# matmul on the loop validates (it runs inline, one task after another).
rc, recs, _ = bench(BIN, "-w", "matmul", "-e", "event-loop", "--size", "130", "--tasks", "13")
check(rc == 0 and recs[0]["valid"], "matmul on the event loop validates")

# A cap that cannot fit in the descriptor limit fails before the run with one clear line.
r = subprocess.run(["sh", "-c", f"ulimit -n 256; exec {BIN} -w http -e event-loop --tasks 1000 "
                    "--url-base http://127.0.0.1:9"], capture_output=True, text=True, timeout=60)
check(r.returncode == 2 and "descriptors" in r.stderr and r.stdout == "",
      f"descriptor limit checked up front (exit {r.returncode}: {r.stderr.strip()})")

# Only loopback: a remote URL is refused as bad input.
r = subprocess.run([BIN, "-w", "http", "-e", "sequential", "--url-base", "http://10.0.0.1:80"],
                   capture_output=True, text=True, timeout=30)
check(r.returncode == 2 and "loopback" in r.stderr, "non-loopback URL refused with exit 2")

finish("all event-loop checks passed")

#!/usr/bin/env python3
"""NAME    test_hybrid_stress.py
PURPOSE Over a thousand short batches that fail, under the hybrid executor, each run with a hard
        timeout: a 404, a 500, a delay the server refuses, dbfetch's 404, a deadline that cancels
        every request in flight, and an open loop whose tasks fail as they arrive. Each run must
        end (no hang), report every batch, and give every task exactly one outcome.
        It catches the lost wake-up of issue 24: a batch whose last task ended inside a timer
        callback (curl's 0 ms timer answering over a kept-alive connection, the deadline timer)
        left uv_run polling with no timeout, the pool's uv_async handle keeping the loop alive,
        and the run hung in about 4 of 5 such runs of 300 batches. The same runs under the
        event loop are checked for the milder form: a batch stretched to its deadline.
USAGE   test_hybrid_stress.py CVPBENCH MOCKSERVER"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, check, finish  # noqa: E402

BIN, MOCK = sys.argv[1], sys.argv[2]

# A sanitizer build is several times slower; the hard timeout grows with it, the batch counts do
# not (the point is the number of batches).
SANITIZED = json.loads(subprocess.run(
    [BIN, "-w", "noop", "-e", "sequential", "--tasks", "1", "--format", "json", "--quiet"],
    capture_output=True, text=True, timeout=60).stdout.splitlines()[0])["context"]["sanitize"]
HARD_TIMEOUT = 60 if SANITIZED else 20


def run(tmpdir, *args):
    """One cvpbench run with a hard timeout: (exit status or None on a hang, samples, the end of
    its stderr, seconds taken)."""
    env = dict(os.environ, TMPDIR=tmpdir)
    t0 = time.monotonic()
    try:
        r = subprocess.run([BIN, "--format", "json", "--quiet", *args], capture_output=True,
                           text=True, timeout=HARD_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the process it started
        return None, [], f"no exit after {HARD_TIMEOUT} s", time.monotonic() - t0
    recs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    recs = [x for x in recs if x.get("type", "sample") == "sample"]
    return r.returncode, recs, r.stderr.strip()[-200:], time.monotonic() - t0


def one_outcome_each(recs, tasks):
    """Every sample's outcomes (summed over its batches): exactly one per task, none not run."""
    for r in recs:
        e = r.get("errors", {})
        if (r.get("ok", 0) + sum(e.values()) != tasks * r.get("batches", 1)
                or e.get("not_run", 0) != 0):
            return False
    return True


with MockServer(MOCK) as srv, tempfile.TemporaryDirectory() as tmp:
    b = srv.base
    # (name, arguments, tasks, batches, expected exit status). Exit 1: the batches are invalid
    # (every task failed); the deadline's cancellations are not failures (exit 0).
    cases = [
        ("404", ["-w", "mixed", "--url", b + "/nope", "--work-us", "10"], 1, 250, 1),
        ("500", ["-w", "mixed", "--url", b + "/status/500", "--work-us", "10"], 1, 200, 1),
        ("dbfetch 404", ["-w", "dbfetch", "--url", b + "/nope", "--db-rows", "100"], 1, 150, 1),
        ("delay refused", ["-w", "mixed", "--url-base", b, "--latency-ms", "20000",
                           "--work-us", "10"], 1, 150, 1),
        ("deadline", ["-w", "mixed", "--url-base", b, "--latency-ms", "50", "--work-us", "10",
                      "--deadline-ms", "2"], 2, 200, 0),
        ("open loop", ["-w", "mixed", "--url", b + "/nope", "--work-us", "10", "--rate", "2000",
                       "--duration", "2ms"], 4, 100, 1),
    ]
    total = 0
    for name, args, tasks, reps, want in cases:
        tasks_arg = [] if "--duration" in args else ["--tasks", str(tasks)]
        rc, recs, err, took = run(tmp, *args, *tasks_arg, "-e", "hybrid", "--threads", "2",
                                  "--reps", str(reps))
        check(rc is not None, f"hybrid, {name}: {reps} batches end ({took:.1f} s)")
        if rc is None:
            continue
        total += len(recs)
        check(rc == want and len(recs) == reps,
              f"hybrid, {name}: exit {rc} (want {want}), {len(recs)} of {reps} batches reported"
              + ("" if rc == want else f" ({err})"))
        check(one_outcome_each(recs, tasks), f"hybrid, {name}: every task has exactly one outcome")
        if name == "deadline":
            stopped = [r for r in recs if r.get("stop", {}).get("reason") == "deadline"]
            check(len(stopped) == reps, f"hybrid, deadline: {len(stopped)} of {reps} stopped at it")
    check(total >= 1000, f"{total} failing batches ran under hybrid")

    # --min-time-ms repeats batches for that much timed work: a few thousand failing ones.
    rc, recs, err, took = run(tmp, "-w", "mixed", "-e", "hybrid", "--url-base", b, "--latency-ms",
                              "20000", "--min-time-ms", "300")
    batches = sum(r.get("batches", 1) for r in recs)
    check(rc == 1 and len(recs) >= 1 and one_outcome_each(recs, 100),
          f"hybrid, --min-time-ms over refused delays: exit {rc}, {batches} batches ({took:.1f} s)")

    # The event loop: a batch that fails at once is not held open until its deadline (it was,
    # whenever its last task ended inside curl's timer callback: 100 us batches measured 500 ms).
    rc, recs, err, took = run(tmp, "-w", "mixed", "-e", "event-loop", "--url", b + "/nope",
                              "--tasks", "1", "--work-us", "10", "--deadline-ms", "2000",
                              "--reps", "100")
    slow = [r["wall_s"] for r in recs if r["wall_s"] >= 1.0]
    check(rc == 1 and len(recs) == 100 and not slow,
          f"event-loop, 404 with --deadline-ms 2000: exit {rc}, {len(recs)} batches, "
          f"{len(slow)} held to the deadline ({took:.1f} s)")

finish("all hybrid stress checks passed")

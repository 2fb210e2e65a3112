#!/usr/bin/env python3
"""NAME    test_process_stop.py
PURPOSE A stopped batch reaches every worker process (issue 24): one worker stopped by SIGSTOP
        no longer holds the batch past its deadline (or past --fail-fast's first error) until
        someone continues it. The batch ends at the stop, the stopped worker is killed, its task
        becomes one `other` outcome naming it (exactly one outcome per task), the sample is
        invalid and says why, the executor reports workers_killed, and no process is left. A
        worker busy past the grace (a call that ignores the stop) is killed likewise.
        Signals go only to the worker processes of the cvpbench this test started, found among
        its children in /proc, by PID.
USAGE   test_process_stop.py CVPBENCH"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish  # noqa: E402

BIN = sys.argv[1]
SANITIZED = json.loads(subprocess.run(
    [BIN, "-w", "noop", "-e", "sequential", "--tasks", "1", "--format", "json", "--quiet"],
    capture_output=True, text=True, timeout=60).stdout.splitlines()[0])["context"]["sanitize"]
HARD_TIMEOUT = 60 if SANITIZED else 30
GRACE_S = 2.0  # process.c's STOP_GRACE_MS


def children(pid):
    """The child PIDs of our own process pid (every thread's), from /proc."""
    kids = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def run_stopping(args, nworkers, stop_after):
    """Starts cvpbench, waits for its nworkers worker processes, and stop_after seconds later
    sends SIGSTOP to the first (never SIGCONT). Returns (exit status or None on a hang, samples,
    stderr, seconds from the SIGSTOP to the exit, the worker PIDs)."""
    p = subprocess.Popen([BIN, "--format", "json", "--quiet", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    kids, t_stop = [], None
    try:
        until = time.monotonic() + HARD_TIMEOUT
        while len(kids) < nworkers and time.monotonic() < until and p.poll() is None:
            time.sleep(0.01)
            kids = children(p.pid)
        if len(kids) >= nworkers:
            time.sleep(stop_after)
            if p.poll() is None:
                os.kill(kids[0], signal.SIGSTOP)  # our own grandchild, by PID
                t_stop = time.monotonic()
        out, err = p.communicate(timeout=HARD_TIMEOUT)
        took = time.monotonic() - t_stop if t_stop else None
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()  # our own child; its workers die with it (PR_SET_PDEATHSIG)
        out, err = p.communicate()
        rc, took = None, None
    finally:
        for k in kids:  # whatever is left of what we started (SIGKILL ends a stopped one too)
            if alive(k):
                try:
                    os.kill(k, signal.SIGKILL)
                except ProcessLookupError:
                    pass
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    recs = [x for x in recs if x.get("type", "sample") == "sample"]
    return rc, recs, err.strip()[-300:], took, kids


def one_each(rec, n):
    return rec.get("ok", 0) + sum(rec.get("errors", {}).values()) == n and \
        rec["errors"]["not_run"] == 0


# --- The case: 20 sleeps of 200 ms on two workers, a deadline at 1.5 s, one worker
# stopped 0.4 s in. The batch stops at 1.5 s: the other worker's sleep in flight finishes (up
# to 200 ms), the stopped one is killed at once; later batches run on one worker.
N = 20
rc, recs, err, took, kids = run_stopping(
    ["-w", "sleep", "-e", "process:threads=2", "--tasks", str(N), "--latency-ms", "200",
     "--deadline-ms", "1500", "--reps", "2"], 2, 0.4)
check(rc is not None, f"SIGSTOP + deadline: the run ends without SIGCONT ({err})")
if rc is not None:
    check(len(recs) == 2, f"SIGSTOP + deadline: both samples reported ({len(recs)})")
    first = recs[0] if recs else {}
    m = first.get("executor_metrics", {})
    check(first.get("stop", {}).get("reason") == "deadline" and
          first["stop"]["to_return_ms"] < 500 and first["wall_s"] < 2.0,
          f"SIGSTOP + deadline: stopped at the deadline, returned "
          f"{first.get('stop', {}).get('to_return_ms')} ms after it (wall {first.get('wall_s')} s)")
    check(all(one_each(r, N) for r in recs), "SIGSTOP + deadline: exactly one outcome per task")
    other = first.get("errors", {}).get("other")
    check(m.get("workers_killed") == 1 and other in (0, 1),
          f"SIGSTOP + deadline: one worker killed ({m.get('workers_killed')}), its task "
          f"other ({other})")
    # A worker stopped between two tasks held none: then the sample has no failure to show.
    check(other == 0 or (rc == 1 and not first["valid"] and "was stopped" in
                         (first.get("invalid_reason") or "")),
          f"SIGSTOP + deadline: the sample is invalid and says why ({first.get('invalid_reason')})")
    later = recs[1] if len(recs) > 1 else {}
    check(later.get("valid") and later.get("executor_metrics", {}).get("workers_lost") == 1,
          "SIGSTOP + deadline: the next batch runs, valid, on the worker left")
    check(took is not None and took < 5, f"SIGSTOP + deadline: exit {took:.2f} s after the SIGSTOP"
          if took is not None else "SIGSTOP + deadline: exit after the SIGSTOP")
check(kids and not any(alive(k) for k in kids), f"SIGSTOP + deadline: no worker left ({kids})")

# --- --fail-fast with no deadline: the first error stops the batch, and that stop reaches the
# stopped worker too. Task 12 fails when a worker reaches it (after the SIGSTOP at 0.3 s).
rc, recs, err, took, kids = run_stopping(
    ["-w", "sleep", "-e", "process:threads=2", "--tasks", str(N), "--latency-ms", "100",
     "--fail-fast", "--fail-task", "12"], 2, 0.3)
first = recs[0] if recs else {}
check(rc is not None and first.get("stop", {}).get("reason") == "first error" and
      one_each(first, N) and first.get("executor_metrics", {}).get("workers_killed") == 1,
      f"SIGSTOP + fail-fast: stopped by the error, one outcome each, worker killed "
      f"(exit {rc}, {first.get('stop')}, {first.get('errors')})")
check(kids and not any(alive(k) for k in kids), f"SIGSTOP + fail-fast: no worker left ({kids})")

# --- A worker busy past the grace: two sleeps of 6 s, a deadline at 0.2 s. Both are killed
# GRACE_S after it, their tasks fail naming why, and the run ends then, not at 6 s.
t0 = time.monotonic()
r = subprocess.run([BIN, "--format", "json", "--quiet", "-w", "sleep", "-e", "process:threads=2",
                    "--tasks", "2", "--latency-ms", "6000", "--deadline-ms", "200"],
                   capture_output=True, text=True, timeout=HARD_TIMEOUT)
took = time.monotonic() - t0
recs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
rec = next((x for x in recs if x.get("type") == "sample"), {})
check(r.returncode == 1 and rec.get("errors", {}).get("other") == 2 and one_each(rec, 2) and
      "still busy" in (rec.get("invalid_reason") or "") and
      rec.get("executor_metrics", {}).get("workers_killed") == 2,
      f"busy past the grace: both killed, their tasks other ({r.returncode}, {rec.get('errors')}, "
      f"{rec.get('invalid_reason')})")
check(GRACE_S <= rec.get("stop", {}).get("to_return_ms", 0) / 1e3 < GRACE_S + 1.5 and took < 5.5,
      f"busy past the grace: returned {rec.get('stop', {}).get('to_return_ms')} ms after the "
      f"deadline, the run took {took:.1f} s (not the 6 s sleeps)")

finish("all process stop checks passed")

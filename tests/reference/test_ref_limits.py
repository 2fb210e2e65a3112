#!/usr/bin/env python3
"""NAME    test_ref_limits.py
PURPOSE reference/py-multiprocessing refuses a pool this machine cannot take before forking any
        process (issue 24: --threads 100000 forked 871 processes in 3 s, then printed nothing for
        60 s): exit 2, one line with the figures (the processes RLIMIT_NPROC, the cores and the
        memory allow). RLIMIT_NPROC does not bind root: as root the limited run drops to nobody.
USAGE   test_ref_limits.py"""
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.normpath(os.path.join(HERE, "..", "..", "reference"))
sys.path.insert(0, os.path.join(HERE, "..", "io"))
from testlib import check, finish  # noqa: E402

PROG = os.path.join(REF, "py-multiprocessing")
NOBODY = 65534
ROOT = os.getuid() == 0
CORES = len(os.sched_getaffinity(0))


def user_tasks(uid):
    total = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/status") as f:
                    fields = dict(x.split(":", 1) for x in f if ":" in x)
                if int(fields["Uid"].split()[0]) == uid:
                    total += int(fields["Threads"])
            except (OSError, KeyError, ValueError):
                pass
    return total


def run(args, preexec=None, timeout=60):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", HOME="/tmp")
    t = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd="/",
                       preexec_fn=preexec)
    r.elapsed = time.monotonic() - t
    return r


def refused(args, needles, preexec=None):
    r = run(args, preexec)
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and r.stdout == "" and r.elapsed < 5 and
          all(x in r.stderr for x in needles),
          f"{' '.join(os.path.basename(a) for a in args[:1]) + ' ' + ' '.join(args[1:])}: exit "
          f"{r.returncode}, {len(lines)} line(s), {r.elapsed:.2f} s, naming {needles}: "
          f"{r.stderr.strip()[:300]!r}")


# The case: refused at once, with the figures, before the Pool forks anything.
refused([PROG, "-w", "spin", "--threads", "100000"],
        ["100000 worker processes asked for", "can take about", "cores", "lower --threads"])
refused([PROG, "-w", "matmul", "--threads", str(64 * CORES + 1)],
        [f"{64 * CORES + 1} worker processes", f"at most 64 per core, {CORES} cores"])

# RLIMIT_NPROC: a limit 20 above what the user (nobody, as root) runs now; 40 processes then
# exceed it while the cores allow them (64 per core).
UID = NOBODY if ROOT else os.getuid()
NPROC = user_tasks(UID) + 20


def limited():
    resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))
    if ROOT:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def can_run_limited():
    try:
        return run([PROG, "--describe"], limited).returncode == 0
    except OSError:
        return False


if not can_run_limited():  # the program's interpreter (its #! line) or folder closed to nobody
    print("skip: cannot run the program as a limited user")
else:
    refused([PROG, "-w", "spin", "--threads", "40"],
            ["40 worker processes asked for", f"RLIMIT_NPROC (ulimit -u) is {NPROC}",
             "this user runs"], limited)
    r = run([PROG, "-w", "spin", "--threads", "2", "--tasks", "4", "--work-us",
             "100", "--reps", "1"], limited)
    check(r.returncode == 0, f"2 processes under ulimit -u {NPROC} still run: {r.stderr[-200:]}")

# Memory: a worker said to hold 1 PiB cannot fit, with MemAvailable's figure.
r = run([sys.executable, "-c", f"import sys; sys.path.insert(0, {REF!r}); import cvplimits; "
         "cvplimits.check_workers('x', 4, 1 << 50)"])
check(r.returncode == 2 and "4 worker processes asked for, but this machine can take about 0"
      in r.stderr and "at about 1048576.0 GiB each" in r.stderr,
      f"memory: refused with the figures: {r.stderr.strip()[:200]!r}")
r = run([sys.executable, "-c", f"import sys; sys.path.insert(0, {REF!r}); import cvplimits; "
         "cvplimits.check_workers('x', 4, 1 << 20)"])
check(r.returncode == 0 and r.stderr == "", f"what fits passes: {r.stderr.strip()[:200]!r}")

finish("all reference limit checks passed")

#!/usr/bin/env python3
"""NAME    test_ref_limits.py
PURPOSE reference/py-multiprocessing refuses a pool this machine cannot take before forking any
        process (issue 24: --threads 100000 forked 871 processes in 3 s, then printed nothing for
        60 s): exit 2, one line with the figures (the processes RLIMIT_NPROC, the cores and the
        memory allow). RLIMIT_NPROC does not bind root: as root the limited run drops to nobody.
        The limit is set a little above the threads that user runs as cvplimits reads them; the
        room the refusal then names must be the room the kernel gives under that limit (threads
        started until one is refused), so a wrong count of the user's threads fails here.
USAGE   test_ref_limits.py"""
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.normpath(os.path.join(HERE, "..", "..", "reference"))
sys.path.insert(0, os.path.join(HERE, "..", "io"))
sys.path.insert(0, REF)
sys.dont_write_bytecode = True  # nothing written into reference/ when run by hand
import cvplimits  # noqa: E402
from testlib import check, finish  # noqa: E402

PROG = os.path.join(REF, "py-multiprocessing")
NOBODY = 65534
ROOT = os.getuid() == 0
# The test's own reading, not cvplimits': the per-core refusal below is checked against it.
CORES = len(os.sched_getaffinity(0))
# Threads started as the limited user until the kernel refuses one (at most 1000, should the
# limit not bind): the room RLIMIT_NPROC leaves, found without counting anything in /proc.
PROBE = """import threading
stop = threading.Event()
n = 0
try:
    while n < 1000:
        threading.Thread(target=stop.wait).start()
        n += 1
except RuntimeError:
    pass
stop.set()
print(n)"""


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
    return r


# The case: refused at once, with the figures, before the Pool forks anything.
refused([PROG, "-w", "spin", "--threads", "100000"],
        ["100000 worker processes asked for", "can take about", "cores", "lower --threads"])
refused([PROG, "-w", "matmul", "--threads", str(64 * CORES + 1)],
        [f"{64 * CORES + 1} worker processes", f"at most 64 per core, {CORES} cores"])

# RLIMIT_NPROC: a limit 20 above what the user (nobody, as root) runs now; 40 processes then
# exceed it while the cores allow them (64 per core).
UID = NOBODY if ROOT else os.getuid()
NPROC = cvplimits.user_tasks(UID) + 20


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


def kernel_room():
    """Threads the kernel lets the limited user start besides the one process asking."""
    with open(PROG) as f:
        interp = f.readline()[2:].split()  # the program's own, which nobody can run
    r = run([*interp, "-c", PROBE], limited)
    return int(r.stdout) if r.returncode == 0 and r.stdout.strip().isdigit() else None


if not can_run_limited():  # the program's interpreter (its #! line) or folder closed to nobody
    print("skip: cannot run the program as a limited user")
else:
    before = kernel_room()
    r = refused([PROG, "-w", "spin", "--threads", "40"],
                ["40 worker processes asked for", f"RLIMIT_NPROC (ulimit -u) is {NPROC}",
                 "this user runs"], limited)
    after = kernel_room()
    # The limit less the threads it says the user runs (itself among them) is what the kernel
    # leaves a process of that user, before and after, give or take two that came or went.
    m = re.search(r"RLIMIT_NPROC \(ulimit -u\) is (\d+) and this user runs (\d+) thread",
                  r.stderr)
    free = int(m[1]) - int(m[2]) if m else None
    check(free is not None and before is not None and after is not None and
          min(before, after) - 2 <= free <= max(before, after) + 2,
          f"the room it counts under ulimit -u {NPROC} ({free}) is the kernel's ({before} "
          f"before, {after} after)")
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

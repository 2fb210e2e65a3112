#!/usr/bin/env python3
"""NAME    test_proc_limits.py
PURPOSE Worker processes and MPI ranks this machine cannot give are refused before anything
        starts (issue 24), as threads are: exit 2, one line with the figures, no mpirun, no
        fork. RLIMIT_NPROC (ulimit -u) counts every thread and process of the user's real id,
        and root is exempt from it: as root the limited runs drop to nobody first, or the
        limit would test nothing. The limit is set a little above what that user runs now, as
        reference/cvplimits.py reads it; cvpbench counts the same threads itself
        (bench/headroom.c), and the count its refusal names must agree with that reading.
USAGE   test_proc_limits.py CVPBENCH"""
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "io"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "reference"))
sys.dont_write_bytecode = True  # nothing written into reference/ when run by hand
import cvplimits  # noqa: E402
from testlib import check, finish  # noqa: E402

BIN = sys.argv[1]
NOBODY = 65534
ROOT = os.getuid() == 0
UID = NOBODY if ROOT else os.getuid()

# Room for about 40 more: a few for the test's own processes, not 4096 ranks or 500 workers.
# The user's threads are read by cvplimits, not by a copy of it here.
NPROC = cvplimits.user_tasks(UID) + 40


def as_limited_user():
    resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))
    if ROOT:  # root is exempt from RLIMIT_NPROC: drop to nobody, limit and all
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def run(args, limited=True, timeout=60):
    t = time.monotonic()
    env = dict(os.environ, HOME="/tmp") if ROOT else None
    r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=env,
                       cwd="/", preexec_fn=as_limited_user if limited else None)
    r.elapsed = time.monotonic() - t
    return r


def refused(args, needles, limited=True):
    r = run(args, limited)
    lines = r.stderr.splitlines()
    ok = (r.returncode == 2 and len(lines) == 1 and r.stdout == "" and r.elapsed < 5 and
          all(x in r.stderr for x in needles))
    check(ok, f"{' '.join(args)}: exit {r.returncode}, {len(lines)} line(s), {r.elapsed:.2f} s, "
              f"naming {needles}: {r.stderr.strip()[:300]!r}")
    return r


if not os.access(BIN, os.X_OK) or (ROOT and subprocess.run(
        ["true"], preexec_fn=as_limited_user).returncode != 0):
    print("skip: cannot run the binary as a limited user")
    sys.exit(77)
if ROOT and run(["--version"]).returncode != 0:
    print(f"skip: nobody cannot run {BIN} (a folder on its path is not open to others)")
    sys.exit(77)
print(f"RLIMIT_NPROC {NPROC} for uid {UID}", file=sys.stderr)

# The case: 4096 ranks (each with Open MPI's threads, and mpirun) against ulimit -u. The
# check runs before mpirun would be looked for, so it holds in a build without MPI too.
r = refused(["-w", "sleep", "-e", "mpi", "--ranks", "4096", "--tasks", "10"],
            ["4096 MPI ranks", "processes and threads", f"RLIMIT_NPROC (ulimit -u) is {NPROC}",
             "--ranks"])
check("ORTE" not in r.stderr and "OPAL" not in r.stderr, "no Open MPI line: mpirun never started")
# 40 ranks: 124 threads and processes with Open MPI's 2 per rank and mpirun's 4.
refused(["-w", "sleep", "-e", "mpi", "--ranks", "40", "--tasks", "10"],
        ["40 MPI ranks", "124 processes and threads"])
# Worker processes: each is a thread to RLIMIT_NPROC. The threads cvpbench says the user runs
# are the ones cvplimits reads, before and after, and cvpbench's own one; the room it names is
# the limit less those.
before = cvplimits.user_tasks(UID)
r = refused(["-w", "sleep", "-e", "process", "--threads", "500", "--tasks", "10"],
            ["500 worker processes", "RLIMIT_NPROC", "this user runs", "--threads"])
after = cvplimits.user_tasks(UID)
m = re.search(r"about (\d+) more threads \(RLIMIT_NPROC \(ulimit -u\) is (\d+) and this user "
              r"runs (\d+) thread", r.stderr)
room, limit, runs = map(int, m.groups()) if m else (None, None, None)
check(m is not None and limit == NPROC and room == limit - runs and
      min(before, after) + 1 - 2 <= runs <= max(before, after) + 1 + 2,
      f"cvpbench counts {runs} threads of uid {UID} (cvplimits: {before} before, {after} after, "
      f"+1 for cvpbench) and names {room} of {limit} free")
refused(["-w", "sleep", "-e", "thread-pool:threads=30,process:threads=30", "--tasks", "10"],
        ["60 worker threads and processes", "30 of them processes"])
# What fits still runs, under the same limit.
r = run(["-w", "sleep", "-e", "process", "--threads", "4", "--tasks", "8", "--latency-ms", "5",
         "--quiet"])
check(r.returncode == 0,
      f"4 worker processes under ulimit -u {NPROC} run: {r.stderr.strip()[:200]}")

# Memory: worker processes whose stacks and private memory exceed MemAvailable, refused with
# those figures (no lowered ulimit -u here). Sized for stacks of 2 MiB or more. MemAvailable,
# pid_max and this process's ulimit -u are read here, not through cvplimits: cvpbench's rooms
# (bench/headroom.c) also take cgroup v1 limits, which cvplimits' rooms leave out, so they are
# not the same quantity; these three only size a request that must exceed memory and stay
# clear of the task limits.
with open("/proc/meminfo") as f:
    avail = int(next(x for x in f if x.startswith("MemAvailable:")).split()[1]) << 10
with open("/proc/sys/kernel/pid_max") as f:
    pid_max = int(f.read())
n = int(avail / ((2 << 20) + (256 << 10))) + 64
own = resource.getrlimit(resource.RLIMIT_NPROC)[0]
if n < min(pid_max, 30000) - 2000 and (ROOT or own == resource.RLIM_INFINITY or own > 2 * n):
    refused(["-w", "noop", "-e", "process", "--threads", str(n)],
            [f"{n} worker processes x 256 KiB + {n} threads x", "available", "lower --threads"],
            limited=False)
else:
    print(f"skip: memory case ({n} worker processes would meet a PID or process limit first)")

finish("all process and rank limit checks passed")

#!/usr/bin/env python3
"""NAME    test_process.py
PURPOSE The process executor's own promises: outputs that cross the process boundary (matmul's C
        checked element by element, the server's request count for http), what a run records
        (processes, start-up, worker memory, the workers' CPU), a worker that dies by a signal or
        an exit (test hook, and a real SIGKILL from outside) turning exactly its unfinished task
        into an `other` error with the cause while the batch completes, and no worker left
        behind: after a normal exit, after a death, after the parent itself is killed.
USAGE   test_process.py CVPBENCH MOCKSERVER"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, bench, check, finish  # noqa: E402

BIN, MOCK = os.path.abspath(sys.argv[1]), sys.argv[2]


def children(pid):
    """PIDs of pid's children (every thread's list), or [] once it is gone."""
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return sorted(set(out))


def alive(pid):
    """1 while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone_within(pids, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.02)
    return not any(alive(p) for p in pids)


def start(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.Popen([BIN, "--format", "json", "--quiet", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e)


def workers_of(proc, want, seconds=10):
    """The worker processes of a running cvpbench, once want of them exist."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        kids = children(proc.pid)
        if len(kids) >= want:
            return kids
        time.sleep(0.01)
    return children(proc.pid)


def records(out):
    import json
    recs = [json.loads(x) for x in out.splitlines() if x.strip()]
    return [r for r in recs if r.get("type", "sample") == "sample"]


# --- matmul's C crosses the boundary: every element checked in the parent ---------------------
rc, recs, err = bench(BIN, "-w", "matmul", "-e", "process:threads=3,thread-pool:threads=3",
                      "--size", "192", "--tasks", "12", "--reps", "2")
by = {r["executor"]: r for r in recs}
check(rc == 0 and len(recs) == 4 and all(r["valid"] and r["ok"] == 12 for r in recs),
      f"matmul n=192 under process and thread-pool: every sample valid ({rc}, {err})")
p = by.get("process", {})
check(p.get("procs") == 3 and p.get("threads") == 3 and p.get("cpu_threads") == 3,
      f"process records 3 worker processes ({p.get('procs')}, {p.get('threads')})")
check(p.get("worker_kib", 0) > 0 and p.get("setup_us", 0) > 0,
      f"worker memory {p.get('worker_kib')} KiB and start-up {p.get('setup_us')} us recorded")
m = p.get("executor_metrics", {})
check(m.get("procs") == 3 and m.get("ready_us", 0) > 0 and m.get("workers_lost") == 0,
      f"executor_metrics: {m}")
check(by.get("thread-pool", {}).get("procs") == 0, "thread-pool records no worker process")
# The workers' CPU is counted: the same product costs about the CPU it costs on threads (the
# parent alone spends almost none of it); whatever the machine's load, not under half.
t = by.get("thread-pool", {})
check(p.get("user_s", 0) > 0.5 * t.get("user_s", 1),
      f"the workers' CPU is in user_s ({p.get('user_s')} s; threads {t.get('user_s')} s)")

# --- http: the server saw exactly what the processes report ------------------------------------
with MockServer(MOCK) as srv:
    srv.reset()
    rc, recs, err = bench(BIN, "-w", "http", "-e", "process", "--threads", "6", "--tasks", "90",
                          "--latency-ms", "2", "--url-base", srv.base, "--reps", "2",
                          "--warmup", "0")
    got = srv.stats()["status"].get("200", 0)
    check(rc == 0 and len(recs) == 2 and sum(r["ok"] for r in recs) == 180 == got,
          f"http under 6 processes: 2 x 90 ok == the server's 200s ({got}) ({rc}, {err})")

# --- a worker dies: its task is an `other` error naming the cause; the batch completes ---------
for hook, cause in (("7", "signal 9"), ("7:exit", "exited with status 3"),
                    ("7:segv", "signal 11")):
    proc = start("-w", "sleep", "-e", "process:threads=3", "--tasks", "30", "--latency-ms", "5",
                 "--reps", "2", "--warmup", "0", env={"CVP_TEST_WORKER_DIES": hook})
    kids = workers_of(proc, 3)
    out, err = proc.communicate(timeout=60)
    recs = records(out)
    first = recs[0] if recs else {"errors": {}, "error_samples": {}}
    check(proc.returncode == 1 and len(recs) == 2 and first["ok"] == 29
          and first["errors"]["other"] == 1 and sum(first["errors"].values()) == 1,
          f"hook {hook}: 29 ok + 1 other in the batch it hit, exit 1 ({proc.returncode}, "
          f"{first['errors']})")
    said = first["error_samples"].get("other", "")
    if "Sanitizer" in err and hook.endswith("segv"):
        cause = "exited with status"  # a sanitizer's handler reports the fault and exits (ASan 1, TSan 66)
    check(cause in said,
          f"hook {hook}: the error says why: {first['error_samples'].get('other')}")
    later = recs[1] if len(recs) > 1 else {}
    check(later.get("ok") == 30 and later.get("executor_metrics", {}).get("workers_lost") == 1,
          f"hook {hook}: the next batch runs whole on the 2 workers left ({later.get('ok')})")
    check(len(kids) == 3 and gone_within(kids, 5), f"hook {hook}: no worker outlives the run")

# A real SIGKILL from outside, mid-batch: 4 workers sleeping 300 ms each task; one is killed.
proc = start("-w", "sleep", "-e", "process:threads=4", "--tasks", "16", "--latency-ms", "300",
             "--reps", "1", "--warmup", "0")
kids = workers_of(proc, 4)
time.sleep(0.15)
if kids:
    os.kill(kids[0], signal.SIGKILL)  # our own grandchild, by its PID
out, err = proc.communicate(timeout=60)
recs = records(out)
r = recs[0] if recs else {"errors": {}, "error_samples": {}}
check(proc.returncode == 1 and r.get("ok") == 15 and r["errors"].get("other") == 1,
      f"SIGKILL of one worker mid-task: 15 ok, 1 other ({proc.returncode}, {r.get('ok')}, "
      f"{r['errors']})")
check("signal 9" in r["error_samples"].get("other", ""), "the killed worker's task says signal 9")
check(r.get("wall_s", 9) < 3.0, f"the batch still ends on time ({r.get('wall_s')} s; model 1.2 s)")
check(gone_within(kids, 5), "no worker left after the run")

# Every worker killed: no task is left unrun; each is an error with the first cause.
proc = start("-w", "sleep", "-e", "process:threads=2", "--tasks", "8", "--latency-ms", "400",
             "--reps", "1", "--warmup", "0")
kids = workers_of(proc, 2)
time.sleep(0.15)
for k in kids:
    os.kill(k, signal.SIGKILL)
out, err = proc.communicate(timeout=60)
recs = records(out)
r = recs[0] if recs else {"errors": {}}
check(proc.returncode == 1 and r.get("ok") == 0 and r["errors"].get("other") == 8
      and r["errors"].get("not_run") == 0,
      f"both workers killed: 8 other errors, none unrun ({proc.returncode}, {r['errors']})")

# --- the parent killed: its workers die with it (no orphans) ------------------------------------
proc = start("-w", "sleep", "-e", "process:threads=3", "--tasks", "30", "--latency-ms", "200",
             "--reps", "5")
kids = workers_of(proc, 3)
time.sleep(0.1)
proc.kill()
proc.communicate(timeout=30)
check(len(kids) == 3 and gone_within(kids, 5), "parent killed: its 3 workers die with it")

# --- bad input before any fork ------------------------------------------------------------------
with tempfile.TemporaryDirectory() as d:
    r = subprocess.run([BIN, "-w", "sleep", "-e", "process", "--threads", "0"],
                       capture_output=True, text=True, cwd=d)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          f"--threads 0: one line, exit 2 ({r.returncode}: {r.stderr.strip()})")

finish("all process checks passed")

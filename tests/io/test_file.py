#!/usr/bin/env python3
"""NAME    test_file.py
PURPOSE The file workload: it validates under every executor (reads and writes, cold and warm,
        whole files and blocks; libuv's pool and io_uring on the loop), a damaged byte fails the
        run, the private temporary folder is gone after a normal exit, an error and SIGINT or
        SIGTERM, and a missing or full temporary folder is one clear line with exit 1, never a
        crash. io_uring checks are skipped (and the "not measured" line checked) where the kernel
        refuses io_uring.
USAGE   test_file.py CVPBENCH"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import bench_in, check, finish  # noqa: E402

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="cvp-test-file-")


def leftovers():
    return [n for n in os.listdir(TMP) if n.startswith("cvpbench-")]


def run(*args, env=None):
    """cvpbench with its temporary folders in ours: (exit, records, stderr)."""
    return bench_in(BIN, TMP, *args, env=env)


listing = json.loads(subprocess.run([BIN, "--list", "--format", "json"], capture_output=True,
                                    text=True, check=True).stdout)
executors = {e["name"]: e for e in listing["executors"]}
check("file" in {w["name"] for w in listing["workloads"]}, "the file workload is listed")

rc, _, err = run("-w", "file", "-e", "event-loop", "--io", "uring", "--tasks", "2")
uring = rc == 0
if not uring:
    check(rc == 1 and err.count("\n") == 0 and "not measured" in err,
          f"io_uring unavailable: one line, exit 1, 'not measured' ({rc}: {err})")
    print("note: io_uring is not available here; its checks are skipped", file=sys.stderr)

# Every executor, every mode: valid, and the engine the executor's form implies.
modes = [["--cache", "cold"], ["--cache", "warm", "--block", "1000", "--file-size", "10000"],
         ["--write"], ["--write", "--fsync", "--cache", "warm"]]
for name, ex in executors.items():
    loop = ex["overlap"] == "loop"
    engines = ["uv", "uring"] if loop and uring else ["uv"]
    for io in engines:
        for m in modes:
            rc, recs, err = run("-w", "file", "-e", name, "--io", io, "--tasks", "12", "--reps",
                                "2", "--fs-threads", "3", *m)
            ok = rc == 0 and len(recs) == 2 and all(r["valid"] for r in recs)
            met = recs[0]["workload_metrics"] if recs else {}
            want = ({"uv": "uv_fs", "uring": "io_uring"}[io]) if loop else "pread"
            check(ok and met.get("engine") == want,
                  f"file x {name} --io {io} {' '.join(m)}: valid, engine {met.get('engine')} "
                  f"({rc}: {err[-200:]})")
            if loop and io == "uv" and met:
                check(met.get("fs_threads") == 3 and met.get("fs_threads_from") == "--fs-threads",
                      f"{name}: libuv's pool size recorded ({met.get('fs_threads')})")
            if loop and io == "uring" and met:
                check(met.get("uring_depth") == 12, f"{name}: io_uring depth = tasks in flight "
                                                    f"({met.get('uring_depth')})")
check(leftovers() == [], f"no temporary folder left after the runs ({leftovers()})")

# The pool size from the environment, and a cap as io_uring's depth.
rc, recs, _ = run("-w", "file", "-e", "event-loop", "--tasks", "4", env={"UV_THREADPOOL_SIZE": "5"})
m = recs[0]["workload_metrics"] if recs else {}
check(rc == 0 and m.get("fs_threads") == 5 and m.get("fs_threads_from") == "UV_THREADPOOL_SIZE",
      f"UV_THREADPOOL_SIZE=5 recorded ({m})")
if uring:
    rc, recs, _ = run("-w", "file", "-e", "event-loop", "--io", "uring", "--tasks", "20",
                      "--concurrency", "4")
    check(rc == 0 and recs[0]["workload_metrics"].get("uring_depth") == 4,
          "--concurrency 4 is io_uring's queue depth")

# Cold means cold: the first file's pages are gone after the drop (unless the folder is tmpfs).
rc, recs, _ = run("-w", "file", "-e", "sequential", "--tasks", "4", "--file-size", "65536")
m = recs[0]["workload_metrics"]
check(m["tmp_fs"] == "tmpfs" or m["resident_after_drop"] == 0,
      f"cold: nothing of file 0 cached after the drop ({m['resident_after_drop']}, {m['tmp_fs']})")

# A damaged byte is caught, by every engine; the message names the file and the byte.
for name, io in [("sequential", "uv"), ("thread-pool", "uv"), ("event-loop", "uv")] + \
        ([("event-loop", "uring")] if uring else []):
    rc, recs, err = run("-w", "file", "-e", name, "--io", io, "--tasks", "6", "--reps", "3",
                        env={"CVP_TEST_CORRUPT": "2"})
    valid = [r["valid"] for r in recs]
    check(rc == 1 and valid[0] and not valid[1] and "byte" in err and "pattern" in err,
          f"{name} --io {io}: a damaged byte fails the batch after it ({valid}; {err[-160:]})")
check(leftovers() == [], "no temporary folder left after invalid runs")

# Bad parameters: exit 2, one line.
rc, _, err = run("-w", "file", "-e", "sequential", "--fsync")
check(rc == 2 and "--fsync" in err, f"--fsync without --write: exit 2 ({err})")

# A temporary folder that cannot be made: exit 1, one line naming it.
rc, _, err = run("-w", "file", "-e", "sequential", "--tasks", "2",
                 env={"TMPDIR": "/nonexistent/cvp"})
check(rc == 1 and "/nonexistent/cvp" in err and err.count("\n") == 0,
      f"TMPDIR=/nonexistent: exit 1, one line ({rc}: {err})")

# A full disk: a 64 KiB tmpfs in a private mount namespace (needs unshare; else skipped).
probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
if probe.returncode == 0:
    script = ("mkdir -p \"$1\" && mount -t tmpfs -o size=64k tmpfs \"$1\" && TMPDIR=\"$1\" "
              "\"$2\" -w \"$3\" -e sequential --quiet $4; rc=$?; "
              "ls \"$1\"; exit $rc")
    for wl, extra in (("file", "--tasks 64 --file-size 8192"), ("sqlite", "--tasks 64")):
        r = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh",
                            os.path.join(TMP, "full"), BIN, wl, extra], capture_output=True,
                           text=True, timeout=60)
        check(r.returncode == 1 and ("space" in r.stderr or "full" in r.stderr)
              and r.stdout.strip() == "",
              f"{wl} on a full disk: exit 1, one clear line, its folder removed "
              f"({r.returncode}: {r.stderr.strip()}; left: {r.stdout.strip()!r})")
else:
    print("note: unshare -rm is not permitted here; the full-disk check is skipped",
          file=sys.stderr)


def interrupted(sig, workload, *args):
    """Starts a long run, waits for its folder, sends sig: the folder must go with it."""
    p = subprocess.Popen([BIN, "-w", workload, "-e", "sequential", "--reps", "100000", "--quiet",
                          *args], env=dict(os.environ, TMPDIR=TMP), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not leftovers() and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.01)
    seen = leftovers()
    time.sleep(0.3)  # into the batches
    p.send_signal(sig)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    check(seen and rc == -sig and leftovers() == [],
          f"{workload}: {signal.Signals(sig).name} ends the run ({rc}) and removes "
          f"{seen} ({leftovers()} left)")


# A kernel that refuses io_uring: cvpbench says "not measured" in one line and exits 1, and the
# suite shows those rows as not measured while the others are timed.
rc, _, err = run("-w", "file", "-e", "event-loop", "--io", "uring", "--tasks", "2",
                 env={"CVP_TEST_NO_URING": "1"})
check(rc == 1 and err.startswith("cvpbench: not measured: ") and err.count("\n") == 0,
      f"io_uring refused: one 'not measured' line, exit 1 ({rc}: {err})")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
suite = os.path.join(TMP, "suite.txt")
with open(suite, "w") as f:
    f.write("ci 0\nruns 2\nwarmup 0\nmin-time 1ms\nprocess-runs 0\n\ncase f\n  workload file\n"
            "  params tasks=8\n  executor sequential\n  executor event-loop io=uring\n"
            "  claims C9\n")
r = subprocess.run([os.path.join(ROOT, "scripts", "bench.sh"), "--no-build", "--build-dir",
                    os.path.dirname(os.path.dirname(os.path.abspath(BIN))), "--results-dir",
                    os.path.join(TMP, "results"), "--suite", suite, "--server", "never"],
                   capture_output=True, text=True, timeout=120,
                   env=dict(os.environ, TMPDIR=TMP, CVP_TEST_NO_URING="1"))
case = os.path.join(TMP, "results", "latest", "cases", "01-f", "case.json")
rec = json.load(open(case)) if os.path.exists(case) else {}
nm = rec.get("not_measured", [])
summary = os.path.join(TMP, "results", "latest", "summary.md")
md = open(summary).read() if os.path.exists(summary) else ""
check(r.returncode == 0 and len(rec.get("commands", [])) == 1 and len(nm) == 1
      and "io_uring" in nm[0]["reason"] and "not measured: io_uring" in md and "error" not in rec,
      f"the suite shows the io_uring row as not measured, the other timed ({r.returncode}: "
      f"{nm}; {r.stderr[-300:]})")
import shutil  # noqa: E402
shutil.rmtree(os.path.join(TMP, "results"), ignore_errors=True)
os.remove(suite)

interrupted(signal.SIGINT, "file", "--tasks", "50")
interrupted(signal.SIGTERM, "file", "--tasks", "50", "--write")
interrupted(signal.SIGINT, "sqlite", "--tasks", "200", "--db-rows", "5000")
os.rmdir(TMP) if not os.listdir(TMP) else None
finish("all file workload checks passed")

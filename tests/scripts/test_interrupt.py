#!/usr/bin/env python3
"""NAME    test_interrupt.py
PURPOSE SIGINT to scripts/bench.sh mid-run: it exits non-zero, marks the run incomplete, stops the
        mock server it started (that PID is gone) and leaves no cvpbench or hyperfine behind,
        while the case that finished keeps files that parse.
USAGE   test_interrupt.py CVPBENCH MOCKSERVER      (exit 77 = skipped: no mock server built)"""
import json
import os
import signal
import subprocess
import sys
import time

from fixture import ROOT, check, tmpdir

SUITE = """
ci 0
process-runs 1

case quick
  workload  sleep
  params    tasks=2 latency-ms=5
  executor  sequential
  runs      1
  warmup    0

case io
  workload  http
  params    tasks=4 latency-ms=5
  executor  event-loop
  runs      1
  warmup    0

case slow
  note      Long enough (>= 20 s) to be interrupted in the middle.
  workload  sleep
  params    tasks=200 latency-ms=100
  executor  sequential
  runs      1
  warmup    0
"""


def wait_for(pred, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return None


def status(results):
    try:
        with open(os.path.join(results, "latest", "status.json")) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def alive(pid):
    """True while the PID exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def procs_mentioning(text):
    """PIDs whose command line mentions text (our private results folder): our leftovers only."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read() and alive(int(pid)):
                    out.append(int(pid))
        except OSError:
            pass
    return out


def main():
    cvpbench, mockserver = sys.argv[1], sys.argv[2]
    if not os.access(mockserver, os.X_OK):
        print(f"skip: {mockserver} is not built yet")
        return 77
    tmp = tmpdir(prefix="bench-int-")
    suite, results = os.path.join(tmp, "suite.txt"), os.path.join(tmp, "results")
    with open(suite, "w") as f:
        f.write(SUITE)
    build_dir = os.path.dirname(os.path.dirname(os.path.abspath(cvpbench)))
    proc = subprocess.Popen([os.path.join(ROOT, "scripts", "bench.sh"), "--no-build",
                             "--build-dir", build_dir, "--results-dir", results, "--suite", suite,
                             "--server", "always"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        st = wait_for(lambda: (s := status(results)) and s.get("cases_done", 0) >= 2
                      and s.get("server_pid") and s, 30)
        check(st is not None, "the driver started the server and finished the first two cases")
        server = st["server_pid"]
        check(alive(server), f"mock server {server} runs during the suite")
        time.sleep(0.5)  # into the slow case: hyperfine and cvpbench are running now
        check(procs_mentioning(tmp) != [], "hyperfine/cvpbench are running the slow case")
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(out)
    check(proc.returncode == 130, f"interrupted run exits 130 (got {proc.returncode})")
    check(wait_for(lambda: not alive(server), 5) is not None or not alive(server),
          f"mock server {server} is gone")
    check(wait_for(lambda: procs_mentioning(tmp) == [], 5) is not None,
          "no cvpbench or hyperfine of this run is left")
    st = status(results)
    check(st["state"] == "incomplete" and st["cases_done"] == 2, "status.json: incomplete, 2 done")
    case_dir = os.path.join(results, "latest", "cases", "01-quick")
    with open(os.path.join(case_dir, "hyperfine.json")) as f:
        hf = json.load(f)
    with open(os.path.join(case_dir, "point-0.jsonl")) as f:
        detail = [json.loads(l) for l in f]
    check(len(hf["results"]) == 1 and detail and detail[0]["valid"],
          "the completed case's files parse")
    with open(os.path.join(results, "latest", "cases", "02-io", "case.json")) as f:
        io = json.load(f)
    check(len(io["commands"]) + len(io["not_measured"]) == 1, "the I/O case's record parses")
    check(not os.path.exists(os.path.join(results, "latest", "cases", "03-slow")),
          "the interrupted case does not look finished")
    return 0


def test_start_is_shielded():
    """A signal that lands while a child is being started waits until the child's handle is
    held, so the child is stopped, not left running in its own session: procs.run_bounded with
    the driver's handler, the signal sent from inside the start."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from cvp import procs
    old = signal.signal(signal.SIGTERM, procs.on_signal)
    tmp = tmpdir(prefix="shield-")
    real_popen, started = subprocess.Popen, []

    def popen_then_signal(*a, **k):  # the signal lands after the fork, before the handle
        p = real_popen(*a, **k)
        started.append(p)
        os.kill(os.getpid(), signal.SIGTERM)
        return p
    subprocess.Popen = popen_then_signal
    try:
        procs.run_bounded(["sleep", "30"], os.path.join(tmp, "log"), 60)
        raised = False
    except procs.Interrupted:
        raised = True
    finally:
        subprocess.Popen = real_popen
        signal.signal(signal.SIGTERM, old)
    child = started[0] if started else None
    check(raised and child is not None and child.poll() is not None,
          f"a signal during a child's start raises after it, and the child is stopped "
          f"(raised: {raised}, child: {child and child.returncode})")


if __name__ == "__main__":
    test_start_is_shielded()
    sys.exit(main())

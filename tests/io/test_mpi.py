#!/usr/bin/env python3
"""NAME    test_mpi.py
PURPOSE The mpi executor with 2 ranks on this host over Open MPI's TCP transport (loopback,
        --mca btl tcp,self: the path a run across machines takes): matmul's C gathered and
        validated at rank 0 (the other rank's inputs are poisoned, so only moved data
        validates), exactly one outcome per task, http against one mock server whose counts
        equal the gathered outcomes, every inner executor, a stop on another rank, the JSON's
        ranks, hosts and inner executor; without a launcher one rank; a rank killed mid-run ends
        the job in bounded time with no rank left; an mpirun that cannot start says so and leaves
        nothing; bad input exits 2 with one line.
        Open MPI refuses to start ranks as root unless told: this harness (not the user's
        environment) sets OMPI_ALLOW_RUN_AS_ROOT and its confirmation for its own commands.
        Exit 77 (skipped) only when cvpbench was built without MPI or mpirun is missing.
USAGE   test_mpi.py CVPBENCH MOCKSERVER"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, check, finish  # noqa: E402

BIN, MOCK = os.path.abspath(sys.argv[1]), sys.argv[2]
MPIRUN = shutil.which("mpirun")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_btl="tcp,self", OMPI_MCA_btl_tcp_if_include="lo",
           OMPI_MCA_oob_tcp_if_include="lo")
LAUNCH = [MPIRUN or "mpirun", "--oversubscribe", "--mca", "btl", "tcp,self"]

reg = json.loads(subprocess.run([BIN, "--list", "--format", "json"], capture_output=True,
                                text=True, check=True).stdout)
names = [e["name"] for e in reg["executors"]]
if "mpi" not in names:
    print("no mpi executor in this build", file=sys.stderr)
    sys.exit(1)
probe = subprocess.run([BIN, "-w", "noop", "-e", "mpi", "--ranks", "2", "--tasks", "4"],
                       capture_output=True, text=True, env=ENV, timeout=120)
if not MPIRUN or "built without MPI" in probe.stderr:
    print("skipped: MPI not installed (scripts/install-deps.sh test installs it)")
    sys.exit(77)


MARK = str(os.getpid() * 1000 + 7)  # a --seed only this test's commands carry


def ranks_alive():
    """cvpbench ranks of this test's marked commands that are still running."""
    out = subprocess.run(["pgrep", "-f", f"^{BIN} .*--seed {MARK}"], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def mpirun(np, *args, timeout=180, extra=()):
    t = time.monotonic()
    r = subprocess.run([*LAUNCH, *extra, "-np", str(np), BIN, "--format", "json", "--quiet",
                        *args], capture_output=True, text=True, env=ENV, timeout=timeout)
    recs = []
    for line in r.stdout.splitlines():
        try:
            recs.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    recs = [x for x in recs if x.get("type", "sample") == "sample"]
    return r.returncode, recs, r.stderr.strip(), time.monotonic() - t


# --- matmul: B broadcast, A scattered, C gathered and checked at rank 0 ------------------------
rc, recs, err, _ = mpirun(2, "-w", "matmul", "-e", "mpi", "--size", "256", "--tasks", "8",
                          "--reps", "2")
check(rc == 0 and len(recs) == 2 and all(r["valid"] and r["ok"] == 8 for r in recs),
      f"matmul n=256 over 2 ranks: 2 samples, 8 tasks ok, C validated ({rc}, {err[-300:]})")
r = recs[0] if recs else {}
m = r.get("executor_metrics", {})
check(m.get("ranks") == 2 and len(m.get("hosts", [])) == 2 and m.get("inner") == "sequential"
      and m.get("mpi") is True and r.get("procs") == 2,
      f"JSON: ranks, hosts, inner executor ({m})")
# What moved per batch: B (packed, 256 x 256) to rank 1, half of A to it, half of C back.
n = 256
check(m.get("moved_bytes", 0) >= n * n * 8 * 2, f"moved at least B and half of A and C "
      f"({m.get('moved_bytes')} bytes)")
check(m.get("compute_s", 0) > 0 and m.get("comm_s", -1) >= 0 and m.get("bandwidth_gbs", 0) > 0,
      f"compute and communication timed apart, bandwidth measured ({m})")

# --- every inner executor: one outcome per task, 2 ranks, threads per rank --------------------
with MockServer(MOCK) as srv:
    for inner, extra in (("sequential", []), ("thread-pool", ["--threads", "3"]),
                         ("openmp", ["--threads", "3"]), ("event-loop", [])):
        srv.reset()
        rc, recs, err, _ = mpirun(2, "-w", "http", "-e", "mpi", "--inner", inner, *extra,
                                  "--tasks", "60", "--latency-ms", "2", "--url-base", srv.base,
                                  "--reps", "2", "--warmup", "0")
        got = srv.stats()["status"].get("200", 0)
        ok = sum(x["ok"] for x in recs)
        check(rc == 0 and len(recs) == 2 and ok == 120 == got,
              f"http, inner {inner}: 2 x 60 outcomes ok == the server's 200s ({got}) ({rc}, "
              f"{err[-200:]})")
        t = 3 if extra else 1
        check(recs and recs[0]["threads"] == 2 * t and
              recs[0]["executor_metrics"]["threads_per_rank"] == t,
              f"inner {inner}: {2 * t} threads over 2 ranks")
    # mixed: a request then compute, the loop on each rank; the server counts every request.
    srv.reset()
    rc, recs, err, _ = mpirun(2, "-w", "mixed", "-e", "mpi", "--inner", "event-loop", "--tasks",
                              "40", "--latency-ms", "1", "--work-us", "100", "--url-base",
                              srv.base, "--reps", "1", "--warmup", "0")
    got = srv.stats()["status"].get("200", 0)
    check(rc == 0 and recs and recs[0]["ok"] == 40 == got,
          f"mixed over 2 ranks: 40 ok == server's {got} ({rc}, {err[-200:]})")
    # Injected 500s: each rank's errors come back with their message; counts match the server.
    srv.reset()

with MockServer(MOCK, "--error-rate", "0.2", "--seed", "7") as srv:
    rc, recs, err, _ = mpirun(2, "-w", "http", "-e", "mpi", "--tasks", "100", "--latency-ms",
                              "1", "--url-base", srv.base, "--reps", "1", "--warmup", "0")
    s500 = srv.stats()["status"].get("500", 0)
    r = recs[0] if recs else {"errors": {}, "error_samples": {}}
    check(rc == 1 and r.get("ok", 0) + sum(r["errors"].values()) == 100 and
          r["errors"].get("http_status") == s500 > 0 and "http_status" in r["error_samples"],
          f"500s over 2 ranks: {r['errors'].get('http_status')} == the server's {s500}, "
          f"messages came back ({r['error_samples']})")

# --- sleep: a failure on rank 1 stops its share; a deadline per rank --------------------------
rc, recs, err, _ = mpirun(2, "-w", "sleep", "-e", "mpi", "--tasks", "20", "--latency-ms", "5",
                          "--fail-fast", "--fail-task", "13", "--reps", "1", "--warmup", "0")
r = recs[0] if recs else {"errors": {}, "stop": {}}
check(rc == 0 and r.get("ok") == 13 and r["errors"].get("other") == 1 and
      r["errors"].get("cancelled") == 6 and r["stop"].get("reason") == "first error",
      f"fail-task 13 (rank 1's 4th task): rank 0's 10 + rank 1's 3 ok, 6 cancelled "
      f"({r.get('ok')}, {r['errors']}, {r['stop']})")
rc, recs, err, _ = mpirun(2, "-w", "sleep", "-e", "mpi", "--inner", "thread-pool", "--threads",
                          "2", "--tasks", "40", "--latency-ms", "20", "--deadline-ms", "50",
                          "--reps", "1", "--warmup", "0")
r = recs[0] if recs else {"errors": {}, "stop": {}}
check(rc == 0 and r.get("ok") == 12 and r["errors"].get("cancelled") == 28 and
      r["stop"].get("reason") == "deadline",
      f"deadline 50 ms, 2 ranks x 2 threads x 20 ms: 3 waves of 4 ok, 28 cancelled "
      f"({r.get('ok')}, {r['errors']})")

# --- without a launcher: one rank, no MPI -------------------------------------------------------
r = subprocess.run([BIN, "-w", "matmul", "-e", "mpi", "--size", "128", "--format", "json",
                    "--quiet", "--reps", "1"], capture_output=True, text=True, timeout=60)
recs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
recs = [x for x in recs if x.get("type", "sample") == "sample"]
check(r.returncode == 0 and recs and recs[0]["executor_metrics"]["ranks"] == 1 and
      recs[0]["executor_metrics"]["mpi"] is False, f"singleton: one rank ({r.returncode})")
# --ranks 2 without mpirun: cvpbench starts the job itself.
r = subprocess.run([BIN, "-w", "noop", "-e", "mpi", "--ranks", "2", "--tasks", "100",
                    "--format", "json", "--quiet", "--reps", "1"], capture_output=True,
                   text=True, timeout=120, env=ENV)
recs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
recs = [x for x in recs if x.get("type", "sample") == "sample"]
check(r.returncode == 0 and recs and recs[0]["ok"] == 100 and recs[0]["procs"] == 2,
      f"--ranks 2 starts mpirun itself: 100 ok on 2 ranks ({r.returncode}, {r.stderr[-200:]})")
# As root without Open MPI's two variables: not measured, one line, nothing started.
env = {k: v for k, v in os.environ.items() if not k.startswith("OMPI_ALLOW")}
if os.geteuid() == 0:
    r = subprocess.run([BIN, "-w", "noop", "-e", "mpi", "--ranks", "2"], capture_output=True,
                       text=True, timeout=60, env=env)
    check(r.returncode == 1 and r.stderr.startswith("cvpbench: not measured: ") and
          len(r.stderr.strip().splitlines()) == 1, f"root without OMPI_ALLOW_*: {r.stderr}")

# --- --output: rank 0 writes it; no rank leaves a temporary file behind -------------------------
with tempfile.TemporaryDirectory() as d:
    target = os.path.join(d, "out.jsonl")
    rc, _, err, _ = mpirun(2, "-w", "matmul", "--size", "128", "-e", "mpi", "--reps", "2",
                           "--output", target)
    left = sorted(os.listdir(d))
    with open(target) as f:
        lines = [x for x in f if '"type":"sample"' in x]
    check(rc == 0 and left == ["out.jsonl"] and len(lines) == 2,
          f"--output over 2 ranks: 2 samples, nothing else left in the folder ({rc}, {left})")

# --- bad input: one line, exit 2, on every rank before any work -------------------------------
for args, what in ((["--inner", "process"], "--inner process"),
                   (["--ranks", "3"], "--ranks 3 under -np 2")):
    rc, _, err, _ = mpirun(2, "-w", "noop", "-e", "mpi", "--tasks", "4", *args, timeout=60)
    # Every rank prints the line and exits 2; mpirun aborts the job at the first such exit and
    # may drop the others' output in the race, but it always names the exit code.
    check(rc == 2 and ("cvpbench:" in err or re.search(r"Exit code:\s+2", err)),
          f"{what}: exit 2 ({rc}: {err[:160]})")
r = subprocess.run([BIN, "-w", "noop", "-e", "mpi,sequential"], capture_output=True, text=True)
check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
      f"mpi beside another executor: one line, exit 2 ({r.stderr.strip()})")

# --- a rank killed mid-run: the job ends, bounded, and no rank is left -------------------------
before = set(ranks_alive())
proc = subprocess.Popen([*LAUNCH, "-np", "2", BIN, "-w", "sleep", "-e", "mpi", "--tasks", "40",
                         "--latency-ms", "100", "--reps", "20", "--quiet", "--seed", MARK],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
victim = None
end = time.monotonic() + 30
while time.monotonic() < end and victim is None:
    mine = [p for p in ranks_alive() if p not in before]
    if len(mine) >= 2:
        time.sleep(1.0)  # well inside a batch (20 tasks of 100 ms per rank)
        try:
            os.kill(max(mine), signal.SIGKILL)  # one of our own ranks, by its PID
            victim = max(mine)
        except ProcessLookupError:
            continue
    time.sleep(0.05)
t = time.monotonic()
try:
    _, err = proc.communicate(timeout=120)
    took = time.monotonic() - t
    check(victim is not None and proc.returncode != 0,
          f"a rank killed: mpirun exits non-zero ({proc.returncode}) after {took:.1f} s")
except subprocess.TimeoutExpired:
    proc.kill()
    proc.communicate()
    check(False, "a rank killed: the job did not end within 120 s")
time.sleep(0.5)
left = [p for p in ranks_alive() if p not in before]
check(not left, f"no rank left after the kill ({left})")

# --- an mpirun that cannot start: more ranks than slots, no --oversubscribe --------------------
t = time.monotonic()
r = subprocess.run([MPIRUN, "-np", "512", BIN, "-w", "noop", "-e", "mpi", "--seed", MARK],
                   capture_output=True, text=True, env=ENV, timeout=120)
check(r.returncode != 0 and "slots" in r.stdout + r.stderr and time.monotonic() - t < 60,
      f"mpirun -np 512 on this host: a clear error ({(r.stdout + r.stderr).strip()[:120]!r}), "
      f"exit {r.returncode}")
time.sleep(0.5)
left = [p for p in ranks_alive() if p not in before]
check(not left, f"no rank left after the failed start ({left})")

finish("all mpi checks passed")

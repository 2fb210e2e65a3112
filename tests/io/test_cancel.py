#!/usr/bin/env python3
"""NAME    test_cancel.py
PURPOSE Batches that stop early or run open loop, under every executor: --fail-fast with the
        first error at a known task (--fail-task), a deadline landing mid-batch, K blocking
        calls among many on the loop, and --rate. Exact outcome counts where the schedule fixes
        them, the mock server's own counts for http, and timings only with wide, model-based
        margins (the waits are 50 ms; the margins are tens of ms).
USAGE   test_cancel.py CVPBENCH MOCKSERVER"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import MockServer, bench, check, finish  # noqa: E402

BIN, MOCK = sys.argv[1], sys.argv[2]
L_MS = 50  # every wait; the schedules below are whole multiples of it


def one(*args):
    rc, recs, err = bench(BIN, *args)
    return rc, (recs[0] if recs else {}), err


def accounted(rec, n, what):
    """Exactly one outcome per task: ok + errors (cancelled among them) == n."""
    total = rec.get("ok", 0) + sum(rec.get("errors", {}).values())
    check(total == n and rec["cancelled"]["total"] == rec["errors"]["cancelled"],
          f"{what}: ok {rec.get('ok')} + errors {rec.get('errors')} == {n} tasks")


# --- fail-fast: task 3 fails at once; the rest never start or are cancelled ------------------
# sequential: 0..2 ran, 3 failed, 4.. never started. A loop had 0..2 in flight: cancelled at
# once. Threads asleep cannot be interrupted: they finish, and stop about L after the error.
N = 40
for ex, extra, model in [
        ("sequential", [], dict(ok=3, before=36, inflight=0, stop_max=0.005)),
        ("event-loop", [], dict(ok=0, before=36, inflight=3, stop_max=0.005)),
        ("event-loop", ["--concurrency", "8"], dict(ok=0, before=36, inflight=3, stop_max=0.005)),
        ("hybrid", [], dict(ok=0, before=36, inflight=3, stop_max=0.005)),
        ("thread-pool", ["--threads", "4"], dict(inflight=0, stop_max=0.120)),
        ("openmp", ["--threads", "4"], dict(inflight=0, stop_max=0.120)),
        ("process", ["--threads", "4"], dict(inflight=0, stop_max=0.120))]:
    what = f"sleep fail-fast {ex} {' '.join(extra)}".strip()
    rc, r, err = one("-w", "sleep", "-e", ex, *extra, "--tasks", str(N), "--latency-ms",
                     str(L_MS), "--fail-fast", "--fail-task", "3")
    if not r:
        check(False, f"{what}: no record (exit {rc}: {err})")
        continue
    check(rc == 0 and r["valid"], f"{what}: the asked-for failure alone leaves it valid ({rc})")
    accounted(r, N, what)
    check(r["errors"]["other"] == 1, f"{what}: exactly one failure, the injected one")
    check(r["stop"]["reason"] == "first error", f"{what}: stopped by the first error")
    c = r["cancelled"]
    if "ok" in model:
        check(r["ok"] == model["ok"] and c["before_start"] == model["before"] and
              c["in_flight"] == model["inflight"],
              f"{what}: ok {r['ok']}, never started {c['before_start']}, in flight "
              f"{c['in_flight']} (model {model})")
    else:
        # Threads: what they had started they finish (a sleeping thread cannot be cancelled);
        # how many that is depends on when the thread that took task 3 got to it.
        check(c["in_flight"] == 0 and r["ok"] + c["before_start"] == N - 1,
              f"{what}: ok {r['ok']} + never started {c['before_start']} == {N - 1}, none "
              "cancelled in flight")
    ret = r["stop"]["to_return_ms"] / 1e3
    check(ret <= model["stop_max"], f"{what}: returned {ret * 1e3:.2f} ms after the error "
          f"(model: at most {model['stop_max'] * 1e3:.0f} ms)")

# --- a deadline at 2.4 L, mid-wave -------------------------------------------------------------
# Ten tasks, two at a time: waves end at L, 2L, 3L; at 2.4 L the third wave is in flight.
# A loop cancels it; threads (and the sequential task) finish it and return about 0.6 L late.
N = 10
LD_MS = 100  # waves of 100 ms: the deadline is 40 ms from either edge of a wave
deadline = int(2.4 * LD_MS)
for ex, extra, ok, before, inflight, late in [
        ("sequential", [], 3, 7, 0, True),
        ("event-loop", ["--concurrency", "2"], 4, 4, 2, False),
        ("hybrid", ["--concurrency", "2"], 4, 4, 2, False),
        ("thread-pool", ["--threads", "2"], 6, 4, 0, True),
        ("openmp", ["--threads", "2"], 6, 4, 0, True),
        ("process", ["--threads", "2"], 6, 4, 0, True)]:
    what = f"sleep deadline {deadline} ms {ex}"
    rc, r, err = one("-w", "sleep", "-e", ex, *extra, "--tasks", str(N), "--latency-ms",
                     str(LD_MS), "--deadline-ms", str(deadline))
    if not r:
        check(False, f"{what}: no record (exit {rc}: {err})")
        continue
    c = r["cancelled"]
    accounted(r, N, what)
    check(rc == 0 and r["valid"] and r["stop"]["reason"] == "deadline",
          f"{what}: valid, stopped at the deadline ({rc}, {r['stop']})")
    check(r["ok"] == ok and c["before_start"] == before and c["in_flight"] == inflight,
          f"{what}: ok {r['ok']}/{ok}, never started {c['before_start']}/{before}, in flight "
          f"{c['in_flight']}/{inflight}")
    ret = r["stop"]["to_return_ms"]
    # Late: the wave in flight ends 0.6 L after the deadline; a loaded 2-core machine (or a
    # sanitizer build) adds scheduling delay on top, never takes any away: [0.4 L, 2 L].
    lo, hi = (0.4 * LD_MS, 2.0 * LD_MS) if late else (0, 5)
    check(lo <= ret <= hi, f"{what}: returned {ret:.2f} ms after the deadline ({lo:.0f}..{hi:.0f})")
    check(abs(r["stop"]["at_ms"] - deadline) < 5, f"{what}: stopped at {r['stop']['at_ms']:.1f} ms")

# A deadline no task reaches changes nothing.
rc, r, _ = one("-w", "sleep", "-e", "event-loop", "--tasks", "20", "--latency-ms", "20",
               "--deadline-ms", "2s")
check(rc == 0 and r["ok"] == 20 and r["stop"]["reason"] == "none", "a late deadline stops nothing")

# --- K blocking calls among many on the loop: the others wait max(L, K x L) -------------------
for ex in ("event-loop", "hybrid"):
    for k in (0, 2, 4):
        rc, r, _ = one("-w", "sleep", "-e", ex, "--tasks", "20", "--latency-ms", str(L_MS),
                       "--blocking-tasks", str(k))
        nb = r.get("response_nonblocking_us") or r.get("response_us", {})
        model = max(1, k) * L_MS * 1000
        check(rc == 0 and model <= nb.get("p50", 0) <= model * 1.2 + 30000,
              f"{ex} --blocking-tasks {k}: the others' median response {nb.get('p50')} us "
              f"(model {model} us)")
rc = subprocess.run([BIN, "-w", "sleep", "-e", "thread-pool", "--blocking-tasks", "2", "--strict"],
                    capture_output=True).returncode
check(rc == 2, f"--blocking-tasks means nothing to a thread pool: --strict refuses it ({rc})")
for args in (["--blocking-tasks", "21"], ["--fail-task", "20"]):
    rc = subprocess.run([BIN, "-w", "sleep", "-e", "event-loop", "--tasks", "20", *args],
                        capture_output=True).returncode
    check(rc == 2, f"{' '.join(args)} beyond 20 tasks: exit 2 ({rc})")

# --- queue wait in a closed loop: 20 tasks of 10 ms, one at a time --------------------------
rc, r, _ = one("-w", "sleep", "-e", "event-loop", "--concurrency", "1", "--tasks", "20",
               "--latency-ms", "10")
check(r["latency_us"]["p99"] < r["queue_us"]["max"] / 4 and r["queue_us"]["max"] >= 180000 and
      r["response_us"]["max"] >= 190000,
      f"cap 1: service p99 {r['latency_us']['p99']} us, but the last task queued "
      f"{r['queue_us']['max']} us and answered after {r['response_us']['max']} us")

# --- open loop ----------------------------------------------------------------------------------
# 200 tasks/s of 10 ms waits for 1 s. The loop and a pool of 4 sustain it (capacity 400/s and
# more); one thread (capacity 100/s) cannot: it says so, and the run still ends on time.
for ex, extra, sustains in [("event-loop", [], True), ("thread-pool", ["--threads", "4"], True),
                            ("hybrid", [], True), ("openmp", ["--threads", "4"], True),
                            ("process", ["--threads", "4"], True), ("sequential", [], False)]:
    what = f"rate 200/s {ex}"
    rc, r, err = one("-w", "sleep", "-e", ex, *extra, "--latency-ms", "10", "--rate", "200",
                     "--duration", "1s")
    if not r:
        check(False, f"{what}: no record ({rc}: {err})")
        continue
    accounted(r, 200, what)
    ach = r["rate"]["achieved"]
    check(r["wall_s"] <= 1.5 + 0.1, f"{what}: ended on time ({r['wall_s']:.3f} s <= 1.6 s)")
    if sustains:
        check(ach >= 180 and r["response_us"]["p50"] < 250000,
              f"{what}: achieved {ach:.0f}/s, response p50 {r['response_us']['p50']} us")
    else:
        check(ach <= 110 and r["stop"]["reason"] == "deadline" and
              r["response_us"]["p99"] > 200000,
              f"{what}: achieved {ach:.0f}/s of 200 (capacity 100/s), stopped at the deadline, "
              f"response p99 {r['response_us']['p99']} us")
out = subprocess.run([BIN, "-w", "sleep", "-e", "sequential", "--latency-ms", "10", "--rate", "200",
                      "--duration", "0.5s", "--quiet"], capture_output=True, text=True).stdout
check("offered 200.0/s, achieved" in out and "not sustained" in out,
      "the text report says offered, achieved, not sustained")
# Poisson arrivals are seeded: the same seed gives the same schedule (same task count done).
runs = [one("-w", "sleep", "-e", "event-loop", "--latency-ms", "1", "--rate", "500",
            "--duration", "0.4s", "--arrivals", "poisson", "--seed", "5")[1] for _ in range(2)]
check(all(x.get("valid") and x["tasks"] == 200 for x in runs), "poisson: 200 tasks, valid")
for args in (["--duration", "1s"], ["--arrivals", "poisson"]):
    rc = subprocess.run([BIN, "-w", "sleep", "-e", "sequential", *args],
                        capture_output=True).returncode
    check(rc == 2, f"{args[0]} without --rate: exit 2 ({rc})")

# --- http: the server's own counts ---------------------------------------------------------------
# What the server saw equals what the client says reached it: the requests that ended ok, plus
# the cancelled ones whose bytes were sent (the failing task never asks the server anything).
with MockServer(MOCK) as srv:
    url = ["--url-base", srv.base]
    for ex, extra in [("sequential", []), ("event-loop", []), ("hybrid", []),
                      ("thread-pool", ["--threads", "8"]), ("openmp", ["--threads", "8"]),
                      ("process", ["--threads", "8"])]:
        for stop in (["--fail-fast", "--fail-task", "3"], ["--deadline-ms", "130"]):
            what = f"http {ex} {' '.join(stop)}"
            srv.reset()
            rc, r, err = one("-w", "http", "-e", ex, *extra, "--tasks", "40", "--latency-ms",
                             str(L_MS), *url, *stop)
            if not r:
                check(False, f"{what}: no record ({rc}: {err})")
                continue
            accounted(r, 40, what)
            check(rc == 0 and r["valid"], f"{what}: valid ({rc}, {r.get('invalid_reason')})")
            s = srv.stats()
            seen = s["requests"]  # the /stats request counts once it is answered
            sent = r["ok"] + r["cancelled"]["reached_server"]
            check(seen == sent, f"{what}: server saw {seen} requests, client says {r['ok']} ok + "
                                f"{r['cancelled']['reached_server']} cancelled after sending")

finish("cancel: fail-fast, deadlines, blocking calls among many, open loop")

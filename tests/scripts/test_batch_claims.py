#!/usr/bin/env python3
"""NAME    test_batch_claims.py
PURPOSE C11-C13 (claims/c11.py-c13.py) on fixture runs, and the open-loop model they use: stop
        times, blocked responses and open-loop rates that follow the models hold; a thread that
        "stops at once", a loop that is not held back by blocking calls, or a rate beyond the
        capacity C/L do not hold. The D/D/C model itself: no queue below capacity, capacity
        above it, a loop cancels at the deadline while threads finish.
USAGE   test_batch_claims.py PATH/TO/cvpbench"""
import json
import os
import sys

from fixture import build, check, script, tmpdir

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts"))
from cvp import openloop  # noqa: E402

CTX = {"cpu_model": "Fixture CPU", "cores": 2, "nproc": 2, "git_rev": "fixture"}
STATUS = {"state": "complete", "cores": 2, "cases_total": 3, "cases_done": 3}


def stop(ms, reason="first error"):
    return {"stop": {"reason": reason, "at_ms": 1.0, "to_return_ms": ms}}


def run(thread_stop_ms, k4_p50_us, rate600_achieved):
    ff = {"tasks": 40, "latency-ms": 20, "fail-fast": "yes", "fail-task": 1}
    blocking = [{"executor": "event-loop", "params": {"tasks": 20, "latency-ms": 20},
                 "own": {"blocking-tasks": k}, "wall_in": 0.02 * max(1, k),
                 "extra": {"response_us": {"p50": p50}, "response_nonblocking_us": {"p50": p50}}}
                for k, p50 in ((0, 20150), (2, 40200), (4, k4_p50_us))]
    openl = []
    for rate, ach in ((100, None), (600, rate600_achieved)):
        n = int(rate * 0.3)
        model = openloop.simulate(n, rate, 0.0202, 4, 0.45, True)
        openl.append({"executor": "event-loop", "own": {"concurrency": 4},
                      "params": {"latency-ms": 20, "duration": 300, "rate": rate, "tasks": n},
                      "wall_in": model.wall_s,
                      "extra": {"rate": {"offered": rate, "achieved": ach or model.achieved},
                                "response_us": {"p50": model.p50_s * 1e6}}})
    spec = {"context": CTX, "status": STATUS, "cases": [
        {"name": "fail-fast", "workload": "sleep", "claims": ["C11"], "rows": [
            {"executor": "sequential", "params": ff, "wall_in": 0.02, "extra": stop(0.003)},
            {"executor": "event-loop", "params": ff, "wall_in": 1e-5, "extra": stop(0.002)},
            {"executor": "thread-pool", "params": ff, "own": {"threads": 4}, "wall_in": 0.02,
             "extra": stop(thread_stop_ms)}]},
        {"name": "blocking", "workload": "sleep", "claims": ["C12"], "rows": blocking},
        {"name": "open-loop", "workload": "sleep", "claims": ["C13"], "rows": openl}]}
    d = tmpdir(prefix="batch-claims-")
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(spec, f)
    build(os.path.join(d, "spec.json"), os.path.join(d, "run"))
    rc, out, err = script("claims", os.path.join(d, "run"), "--json")
    check(rc == 0, f"scripts/claims runs ({err.strip()[-300:]})")
    return {v["id"]: v for v in json.loads(out)}


def main():
    # The model: below capacity no task waits; above it, capacity; the deadline cuts the queue.
    below = openloop.simulate(30, 100, 0.02, 4)
    check(abs(below.p50_s - 0.02) < 1e-9 and below.completed == 30, "below C/L: response = L")
    check(abs(below.achieved - 30 / (29 / 100 + 0.02)) < 1e-6, "below C/L: n / (last due + L)")
    above = openloop.simulate(600, 600, 0.02, 4, deadline_s=1.5)
    check(abs(above.achieved - 200) < 5 and above.p50_s > 0.3, f"above C/L: capacity 200/s, "
          f"a growing queue ({above.achieved:.1f}/s, p50 {above.p50_s:.3f} s)")
    loop = openloop.simulate(600, 600, 0.02, 4, deadline_s=1.0, on_loop=True)
    threads = openloop.simulate(600, 600, 0.02, 4, deadline_s=1.0, on_loop=False)
    check(loop.wall_s <= 1.0 < threads.wall_s <= 1.02, "at the deadline a loop cancels, "
          f"threads finish their calls ({loop.wall_s:.3f} s, {threads.wall_s:.3f} s)")
    check(openloop.capacity(4, 0.02) == 200, "capacity C/L")

    good = run(20.2, 80300, None)
    for cid in ("C11", "C12", "C13"):
        check(good[cid]["verdict"] == "holds", f"{cid} holds on data that follows its model "
              f"({good[cid]['reason']}; {good[cid]['measured']})")
        check(all(p["measured"] and len(p["band"]) == 2 for p in good[cid]["points"]),
              f"{cid}: every point carries its interval and band")
    bad = run(0.002, 20150, 590)
    check(bad["C11"]["verdict"] == "does not hold", "C11: threads cannot stop at once")
    check(bad["C12"]["verdict"] == "does not hold", "C12: four blocking calls must hold the "
          "others back")
    check(bad["C13"]["verdict"] == "does not hold", "C13: 590/s is beyond 4 / 20 ms")
    print("batch claims: C11-C13 and the open-loop model")


if __name__ == "__main__":
    main()

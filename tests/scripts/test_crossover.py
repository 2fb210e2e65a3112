#!/usr/bin/env python3
"""NAME    test_crossover.py
PURPOSE The crossover map (claim C8): the model function on hand-worked numbers; C8 on fixture runs
        whose times follow the model (holds) or contradict it (does not hold), with the cores taken
        from the run's context; summary.md's map and measured/model tables, which-should-i-use.md
        and the heat-map plot."""
import json
import os
import shutil
import sys

from fixture import SCRIPTS, build, check, registry_doc, script, tmpdir

sys.path.insert(0, SCRIPTS)
from cvp import models, registry  # noqa: E402

REG = registry.Registry(registry_doc())

N = 100
# Extra seconds each executor pays beyond its model in the fixture, so every cell has one winner.
EXTRA_S = {"sequential": 0.003, "event-loop": 0.001, "thread-pool": 0.004, "openmp": 0.004,
           "hybrid": 0.002}
SETTINGS = [("sequential", {}), ("event-loop", {"concurrency": N}), ("thread-pool", {"threads": 2}),
            ("thread-pool", {"threads": N}), ("openmp", {"threads": 2}),
            ("hybrid", {"concurrency": N, "threads": 2})]


def close(a, b):
    return abs(a - b) < 1e-9


def model_s(executor, n, lat, work, cores, threads=None, cap=None):
    """The model at an executor's published rule, as a suite command would set it."""
    params = {k: v for k, v in (("threads", threads), ("concurrency", cap)) if v}
    rule = REG.rule(executor)
    return models.time_s(models.schedule_before(rule, params, n, cores), n, lat, work, cores)


def test_model():
    # sequential: every wait and every compute in a row.
    check(close(model_s("sequential", 10, 0.1, 0.001, 2), 1.01), "sequential = N(L+W)")
    # event-loop: L + N*W without a cap; the cap adds rounds of waiting.
    check(close(model_s("event-loop", 100, 0.01, 0.001, 2, cap=100), 0.11), "event-loop L + NW")
    check(close(model_s("event-loop", 100, 0.01, 0.001, 2, cap=0), 0.11), "cap 0 means no cap")
    check(close(model_s("event-loop", 100, 0.01, 0.001, 2, cap=1), 1.001),
          "event-loop cap 1: ceil(N/C)L + W")
    # thread-pool: T = cores waits in rounds; T = N overlaps the waits and shares the cores.
    check(close(model_s("thread-pool", 100, 0.01, 0.001, 2, threads=2), 0.55),
          "thread-pool T=2: ceil(N/T)(L+W)")
    check(close(model_s("thread-pool", 100, 0.01, 0.001, 2, threads=100), 0.06),
          "thread-pool T=N: L + ceil(N/P)W")
    check(close(model_s("openmp", 100, 0.01, 0.001, 2, threads=4), 0.275),
          "openmp T=4 on 2 cores: rounds of L+W dominate")
    check(close(model_s("thread-pool", 100, 0.0, 0.001, 2), 0.05), "threads default to cores")
    check(close(model_s("thread-pool", 100, 0.01, 0.0, 2, cap=10), 0.1),
          "a pool's --concurrency is its thread count")
    check(close(model_s("thread-pool", 3, 0.0, 0.001, 2, threads=2), 0.002),
          "whole tasks: 3 tasks on 2 cores take 2W")
    # hybrid: the loop overlaps the waits, min(T, P) workers compute.
    check(close(model_s("hybrid", 100, 0.01, 0.001, 2, threads=2, cap=100), 0.06),
          "hybrid L + ceil(N/P)W")
    check(close(model_s("hybrid", 100, 0.01, 0.001, 4, threads=8, cap=100), 0.035),
          "hybrid: more threads than cores compute on the cores only")
    check(close(model_s("hybrid", 100, 0.01, 0.0, 2, threads=2, cap=10), 0.1),
          "hybrid with a cap: ceil(N/C)L")
    check(model_s("hybrid", 0, 0.01, 0.001, 2) == 0.0, "no tasks, no time")
    check(models.time_s(models.schedule_before(None, {}, 10, 2), 10, 0.1, 0, 2) is None,
          "an executor without a rule has no model (never an exception)")
    check(models.colour("sequential") == "#999999" and models.colour("x", ["x", "y"])
          != models.colour("y", ["x", "y"]), "colours: one per executor, unknown ones differ")


# Round-to-round noise of +-3%, in a different order for each setting: rows a few percent apart
# do not separate (a tie), rows 9% apart do.
NOISE = (0.97, 1.03, 1.0, 0.99, 1.02, 1.01, 0.98, 1.0)


def spec(cores, measured=None, lats=(0, 10), works=(0, 1000)):
    """A run with a 2 x 2 map (L = 0, 10 ms; W = 0, 1 ms; or lats x works) whose times follow
    the model plus EXTRA_S, unless measured[(L, W, executor)] says otherwise."""
    rows = {}
    for lat in lats:
        for work in works:
            for k, (ex, own) in enumerate(SETTINGS):
                ideal = model_s(ex, N, lat / 1e3, work / 1e6, cores, threads=own.get("threads"),
                                cap=own.get("concurrency"))
                t = (measured or {}).get((lat, work, ex), ideal * 1.05 + EXTRA_S[ex])
                rows.setdefault(lat, []).append(
                    {"executor": ex, "params": {"tasks": N, "latency-ms": lat, "work-us": work},
                     "own": own, "times": [t + 0.03, t + 0.031], "wall_in": t,
                     "samples": [t * f for f in NOISE[3 * k % 8:] + NOISE[:3 * k % 8]]})
    return {"context": {"cpu_model": "Fixture CPU", "cores": cores, "nproc": cores},
            "status": {"state": "complete", "suite": "bench/suite.txt",
                       "started_utc": "2026-01-01T00:00:00Z"},
            "cases": [{"name": f"crossover-L{lat}", "workload": "mixed", "claims": ["C8"],
                       "rows": r} for lat, r in rows.items()]}


def run_dir(s):
    d = tmpdir(prefix="xo-")
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(s, f)
    return build(os.path.join(d, "spec.json"), os.path.join(d, "run"))


def c8_of(d, *extra):
    rc, out, err = script("claims", d, "--json", *extra)
    check(out.startswith("["), f"claims --json prints JSON ({err.strip()[:200]})")
    return rc, next(v for v in json.loads(out) if v["id"] == "C8")


def test_claim():
    d = run_dir(spec(2))
    rc, v = c8_of(d, "--check")
    check(rc == 0 and v["verdict"] == "holds", f"C8 holds when times follow the model "
                                               f"({v['measured']})")
    check("(usable cores P = 2)" in v["title"] and v["tolerance"], "C8 states cores and "
                                                                    "tolerance")
    cells = {(c["latency_ms"], c["work_us"]): c for c in v["cells"]}
    check(cells[(10, 0)]["winner"] == "event-loop" and cells[(0, 1000)]["winner"] == "hybrid",
          "winners: event-loop where it only waits, hybrid where it computes")
    check(cells[(0, 1000)]["setting"]["thread-pool"] == "threads=2",
          "thread-pool counts at its faster setting (threads = cores when it only computes)")
    check(cells[(10, 1000)]["setting"]["thread-pool"] == "threads=100",
          "... and threads = N when it waits too")
    check(close(cells[(0, 1000)]["predicted_s"]["hybrid"], 0.05), "predicted from 2 cores")
    check(abs(cells[(10, 0)]["margin"] - 0.0125 / 0.0115) < 1e-3, "margin = runner-up / winner")
    check(cells[(10, 1000)]["tied"] == ["hybrid", "thread-pool"],
          f"a cell whose best two do not separate is a tie ({cells[(10, 1000)]['tied']})")

    _, v4 = c8_of(run_dir(spec(4)))
    cells4 = {(c["latency_ms"], c["work_us"]): c for c in v4["cells"]}
    check(close(cells4[(0, 1000)]["predicted_s"]["thread-pool"], 0.025) and "(usable cores P = 4)"
          in v4["title"], "the cores come from the run's context, never a constant")
    check(close(cells4[(0, 1000)]["predicted_s"]["hybrid"], 0.05),
          "hybrid's 2 threads use 2 of the 4 cores")

    # The event loop "wins" a compute-heavy cell its model says it must lose by 2x.
    bad = spec(2, {(10, 1000, "event-loop"): 0.03})
    rc, v = c8_of(run_dir(bad), "--check")
    check(rc == 1 and v["verdict"] == "does not hold", "C8 fails when the model's pick loses")
    check("3/4 cells" in v["measured"] and "L=10 ms W=1 ms: the model's pick" in v["reason"],
          f"C8 names the cell it got wrong ({v['measured']}; {v['reason']})")
    # A tie the model cannot resolve (every ideal time 0) is not held against it.
    tie = spec(2, {(0, 0, "sequential"): 0.0005})
    _, v = c8_of(run_dir(tie))
    cells = {(c["latency_ms"], c["work_us"]): c for c in v["cells"]}
    check(cells[(0, 0)]["winner"] == "sequential" and cells[(0, 0)]["agrees"],
          "overhead-only cell: any winner agrees with a model that predicts 0 for all")


def test_outputs():
    # L = 5 ms besides 10 ms: waiting only and mostly computing in two cells each, enough for
    # the advice to name an executor (pick.PICK_MIN_CELLS); the rest of the map as spec(2).
    d = run_dir(spec(2, lats=(0, 5, 10)))
    rc, _, err = script("tabulate", d)
    check(rc == 0, f"tabulate exits 0 ({err.strip()})")
    with open(os.path.join(d, "summary.md")) as f:
        md = f.read()
    check("## The crossover map" in md and "| L \\ W | 0 us | 1 ms |" in md,
          "summary: map table with rows L and columns W")
    check("| **10 ms** | **event-loop** 1.09x ✓ (N=100) | tie: **hybrid**, thread-pool ✓ "
          "(N=100) |" in md, "cells: winner and margin, a tie when the intervals do not "
          "separate, the model's check")
    check("| 0 ms | 1 ms | 100 | 108 / 100 | 106 / 100 | 56.5 / 50 (threads=2) |" in md,
          "measured / model table per cell, with the pool's faster setting")
    check("![crossover map](plots/crossover-map.svg)" in md, "summary links the heat map")
    with open(os.path.join(d, "which-should-i-use.md")) as f:
        adv = f.read()
    check(adv.startswith("## Which should I use?") and "Fixture CPU (2 cores)" in adv,
          "which-should-i-use.md: the section, naming the machine")
    check("- **Only waiting** (W = 0; 2 cells): use **event-loop**" in adv
          and "- **Mostly computing** (N·W >= L > 0; 2 cells): no clear winner on this machine: "
          "**thread-pool**, **hybrid** within" in adv
          and "- **Next to nothing to do** (L = 0, W = 0: only each request's own cost; 1 cell)"
          in adv, "advice for waiting comes from the measured winner; L = W = 0 stands apart")
    check("- **Only computing** (L = 0: the request returns at once; 1 cell): no clear winner on "
          "this machine: **thread-pool**, **openmp**, **hybrid** within" in adv,
          "advice for computing comes from the measured map, a tie said as one, its executors "
          "in the run's order")
    check("Avoid: sequential" in adv and "claim C8 holds" in adv, "what to avoid; C8's verdict")

    # The map follows the data: make thread-pool win the compute cells and the advice follows.
    slow = spec(2, {(lat, 1000, "hybrid"): 0.2 for lat in (0, 5, 10)}, lats=(0, 5, 10))
    d2 = run_dir(slow)
    script("tabulate", d2)
    with open(os.path.join(d2, "which-should-i-use.md")) as f:
        adv = f.read()
    check("use **thread-pool**" in adv and "use **hybrid**" not in adv,
          "a different measured map gives different advice")

    if shutil.which("gnuplot"):
        rc, _, err = script("plot", d)
        check(rc == 0 and all(os.path.getsize(os.path.join(d, "plots", f"crossover-map.{e}")) > 0
                              for e in ("svg", "png")), f"heat map as SVG and PNG ({err.strip()})")
        with open(os.path.join(d, "plots", "crossover-map.dat")) as f:
            dat = f.read()
        check('"event-loop" "1.09x vs hybrid" "N=100"' in dat,
              "heat map cells carry winner, margin, runner-up and N")
        wins, ties = dat.split("\n\n\n")
        check('"tie" "hybrid, thread-pool" "N=100"' in ties and '"tie"' not in wins,
              "a tie is a cell of its own (drawn hatched), naming every tied executor")
        with open(os.path.join(d, "plots", "crossover-map.svg"), encoding="utf-8") as f:
            svg = f.read()
        check("1 ms" in svg and "0 µs" in svg and " us<" not in svg, "µs, not us, on the axis")
    else:
        print("skip: gnuplot not installed, no heat map")


def main():
    test_model()
    test_claim()
    test_outputs()


if __name__ == "__main__":
    main()

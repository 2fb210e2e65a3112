"""NAME    claims/cl.py
PURPOSE CL: the lesson's numbers with the lesson's own code (a reference program marked as the
        lesson's in its --describe): one after another N*L, gathered L, behind Semaphore(C)
        ceil(N/C)*L, each plus at most the client's own CPU, which the lesson leaves out."""
from ..fmt import est, s
from . import claim
from ._kit import Claim

ID = "CL"


@claim(ID, unit="s")
def judge(run, costs):
    c = Claim(ID, "the lesson's numbers with the lesson's own code (httpx): N calls one after "
              "another take N*L, gathered L, behind Semaphore(C) ceil(N/C)*L",
              "wall = ceil(N/C)*L (C = 1 one after another, N gathered), plus at most the "
              "client's own CPU (measured: the lesson leaves it out)",
              "in [ceil(N/C)*L, that + the row's CPU + each wait's lateness + two timer slacks]; "
              + costs.describe())
    lesson = {n for n, ref in run.registry.references.items() if ref.get("lesson")}
    for case in run.tagged(ID):
        for r in case.rows:
            if not (r.executor in lesson and r.valid and r.est and r.schedule):
                continue  # the lesson's own code only; the other tools are headlines
            n, lat = int(r.tasks), r.get("latency-ms", 0) / 1e3
            ideal = r.schedule.serial_waits(n) * lat
            cpu = r.cpu or 0.0
            hi = ideal + cpu + r.schedule.serial_waits(n) * costs.per_wait_s(r) + 2 * costs.slack_s
            c.point(case, f"{case.name} {r.label} N={n}", r.est, ideal, hi)
            c.text(f"{r.label} N={n}: {s(ideal)} (+ CPU {s(cpu)})",
                   f"{r.label} N={n}: {est(r.est)}")
    return c.done()

"""NAME    claims/c2.py
PURPOSE C2: with at most C in flight, N waits of L take about ceil(N/C)*L (event loop: C = its
        cap; a pool: C = its threads). Evidence: the io-cap plot."""
import math

from ..fmt import est, s
from ..stats import HOLDS
from . import claim
from ._kit import Claim, lat_s

ID = "C2"


@claim(ID, unit="s", plot="io-cap")
def judge(run, costs):
    c = Claim(ID, "with at most C in flight, N waits of L take about ceil(N/C)*L",
              "wall = ceil(N/C)*L (event-loop: C = cap; thread-pool: C = threads)",
              "in [ceil(N/C)*L, ceil(N/C)*L + the model's slack: each wait's lateness, per-task "
              "costs, waking the threads]; " + costs.describe())
    worst = None
    for case in run.tagged(ID):
        for r in case.rows:
            if not (r.valid and r.est and r.schedule) or "work-us" in r.params:
                continue
            n, lat = int(r.tasks), lat_s(r)
            ideal = math.ceil(n / max(1, min(r.schedule.waits, n))) * lat
            upper = ideal + costs.slack_for(r, run.cores)
            v = c.point(case, f"{case.name} {r.label}", r.est, ideal, upper)
            ratio = r.wall_in / upper
            if worst is None or (v != HOLDS, ratio) > (worst[0] != HOLDS, worst[1]):
                worst = (v, ratio, r, ideal, upper)
    if worst:
        _, _, r, ideal, upper = worst
        n = len(c.v["points"])
        c.text(f"{n} points on ceil(N/C)*L",
               f"{sum(p['verdict'] == HOLDS for p in c.v['points'])}/{n} points within; closest "
               f"to its bound: {r.case} {r.label}: {est(r.est)} vs [{s(ideal)}, {s(upper)}]")
    return c.done()

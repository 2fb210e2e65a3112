"""NAME    claims/c7.py
PURPOSE C7: reusing connections is cheaper than a new connection per request (client CPU and
        wall, no-reuse over reuse, per executor)."""
from .. import stats
from ..constants import CPU_MIN, WALL_MIN  # no-reuse / reuse client CPU, wall at least
from ..fmt import est, x
from . import claim
from ._kit import Claim

ID = "C7"


@claim(ID, unit="x")
def judge(run, costs):
    c = Claim(ID, "reusing connections is cheaper than a new connection per request",
              "per request: reuse = request; no-reuse = request + connect/accept/close",
              f"no-reuse / reuse: client CPU >= {CPU_MIN} and wall >= {WALL_MIN}")
    for case in run.tagged(ID):
        for ex in dict.fromkeys(r.executor for r in case.rows):
            yes = next((r for r in case.rows if r.executor == ex and r.get("reuse") == "yes"
                        and r.valid), None)
            no = next((r for r in case.rows if r.executor == ex and r.get("reuse") == "no"
                       and r.valid), None)
            if not yes or not no or not yes.cpu_est or not no.est:
                continue
            cpu_r = stats.ratio_of(no.cpu_est, yes.cpu_est)
            wall_r = stats.ratio_of(no.est, yes.est)
            c.point(case, f"{case.name} {ex} CPU", cpu_r, CPU_MIN, None)
            c.point(case, f"{case.name} {ex} wall", wall_r, WALL_MIN, None)
            per = lambda r: r.cpu / r.tasks * 1e6  # noqa: E731 - client CPU per request, us
            c.text(f"{ex}: CPU ratio > 1", f"{ex}: CPU {per(yes):.0f} -> {per(no):.0f} "
                                           f"us/request ({est(cpu_r, x)}), wall "
                                           f"{est(wall_r, x)}")
    return c.done()

"""NAME    claims/c1.py
PURPOSE C1: N waits of L take about N*L one after another and about L on the event loop.
        Evidence: its first case's table (the lesson)."""
from .. import baseline
from ..fmt import est, s
from . import claim
from ._kit import Claim, lat_s, loop_row

ID = "C1"


@claim(ID, unit="s", see_case=True)
def judge(run, costs):
    c = Claim(ID, "N waits of L take about N*L one after another and about L on the event loop",
              "sequential = N*L; event-loop (no cap) = L",
              "sequential in [N*L, N*(L + a wait's lateness)]; event-loop in [L, L + its model's "
              "slack]; " + costs.describe())
    for case in run.tagged(ID):
        seq = baseline.row(case, case.rows[0]) if case.rows else None
        # The loop with every wait in flight at once (no cap below N), not blocking.
        loop = loop_row(run, case, lambda r: r.get("blocking") != "yes"
                        and r.schedule and r.schedule.waits >= r.tasks)
        if not seq or not loop:
            continue
        n, lat = int(seq.tasks), lat_s(seq)
        c.point(case, f"{case.name} {seq.executor}", seq.est, n * lat,
                n * (lat + costs.per_wait_s(seq)))
        c.point(case, f"{case.name} {loop.executor}", loop.est, lat,
                lat + costs.slack_for(loop, run.cores))
        c.text(f"{case.name}: {s(n * lat)} vs {s(lat)} ({n}x)",
               f"{case.name}: {est(seq.est)} vs {est(loop.est)} "
               f"({seq.wall_in / loop.wall_in:.0f}x)")
    return c.done()

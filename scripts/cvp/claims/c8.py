"""NAME    claims/c8.py
PURPOSE C8: the models predict which executor wins each cell of the crossover map. Its record
        keeps every cell ("cells": winner, tie, margin, the model's verdict), which the map's
        table, its page section and the advice read. Evidence: the crossover map."""
from .. import crossover
from ..fmt import ms_label, s, us_label
from ..stats import HOLDS
from . import claim
from ._kit import Claim, exact

ID = "C8"


def _worst(points):
    bad = [p for p in points if p["verdict"] != HOLDS and p["measured"] and p["band"][1]]
    if not bad:
        return ""
    p = max(bad, key=lambda p: p["measured"][0] / p["band"][1])
    return f"; furthest {p['where']}: {s(p['measured'][0])} vs band up to {s(p['band'][1])}"


@claim(ID, unit="s", plot="crossover-map")
def judge(run, costs):
    return judge_map(run, costs, ID)


def judge_map(run, costs, cid, fits=True, what=""):
    """The map claim over the cases tagged cid: per cell, the model's pick against the winner;
    with fits, each executor's time against its model too. what: words after the title (the
    Python map's: 'in Python')."""
    ID = cid
    cores = run.cores
    pick, agree = crossover.PICK_WITHIN, crossover.AGREE_WITHIN
    lo, hi = crossover.LOW_FACTOR, crossover.HIGH_FACTOR
    c = Claim(ID, f"the models predict which executor wins each cell of the crossover map"
                  f"{what} (usable cores P = {cores})",
              "N tasks wait L then compute W; each executor as its rule schedules them "
              "(models.py): a pool of T threads max(ceil(N/T)(L+W), L + ceil(N/min(T,P))W); a "
              "loop with cap C and c compute threads max(ceil(N/C)L + W, L + ceil(N/min(c,P))W)",
              f"per cell: the model's pick (within {pick:g}x of the best prediction, or of the "
              f"per-task costs) measures within {agree:g}x of the winner (paired ratio); per "
              f"executor: measured in [{lo:g} x model, {hi:g} x model + the model's slack: "
              f"waits in series x lateness, tasks x per-task cost, threads x wake-up, the "
              f"measured first-task delay]; " + costs.describe())
    cell_map = crossover.cells(run, [c.name for c in run.tagged(ID)])
    for key in sorted(cell_map):
        cell = cell_map[key]
        if not cell.winner:
            continue
        where = f"L={ms_label(cell.lat_ms)} W={us_label(cell.work_us)}"
        case = cell.case
        picks = cell.model_picks(pick, costs.per_task_s(cell.best[cell.winner]))
        best = min(picks, key=lambda ex: cell.measured(ex)) if picks else None
        if best:
            r = cell.best[best].ratio(cell.best[cell.winner]) if best != cell.winner else \
                exact(1.0)
            # A ratio among the claim's times.
            cell.verdict = c.point(case, f"{where}: the model's pick {best} vs winner "
                                         f"{cell.winner}", r, None, agree, unit="x")
        for ex, row in cell.best.items():
            if not fits or ex not in cell.predicted:
                continue
            ideal = cell.predicted[ex]
            c.point(case, f"{where}: {row.label}", row.est, lo * ideal,
                    hi * ideal + costs.slack_for(row, cores))
    pts = c.v["points"]
    picks_ok = [p for p in pts if p.get("unit") == "x"]
    fits = [p for p in pts if p.get("unit") != "x"]
    if pts and not fits:
        c.text(f"{len(picks_ok)} cells: the winner from the models",
               f"{sum(p['verdict'] == HOLDS for p in picks_ok)}/{len(picks_ok)} cells won by "
               f"the model's pick (or within {agree:g}x)")
    elif pts:
        c.text(f"{len(picks_ok)} cells: winner and time of each executor from its model",
               f"{sum(p['verdict'] == HOLDS for p in picks_ok)}/{len(picks_ok)} cells won by "
               f"the model's pick (or within {agree:g}x); "
               f"{sum(p['verdict'] == HOLDS for p in fits)}/{len(fits)} executor-cells within "
               "their model" + _worst(fits))
    v = c.done()
    v["cells"] = [crossover.cell_json(cl) for _, cl in sorted(cell_map.items())]
    return v



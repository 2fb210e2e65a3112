"""NAME    maptable.py
PURPOSE The crossover map in summary.md: a table with rows L and columns W whose cells name the
        winner and its margin, and a table of each executor's measured time against its model
        (the crossover map's claim, C8 in the default suite), cell by cell; from its record.
"""
from . import crossover, fmt
from .costs import Costs


MARK = {"holds": " ✓", "does not hold": " ✗", "inconclusive": " ?"}


def cell_text(cell):
    """'**hybrid** 1.42x' (its margin over the runner-up, whose interval separates) or
    'tie: **a**, b, c' (every executor whose interval does not separate from the fastest's)."""
    if not cell.winner:
        return "-"
    if cell.is_tie:
        text = "tie: " + ", ".join(f"**{ex}**" if ex == cell.winner else ex for ex in cell.tied)
    elif cell.margin is None:
        text = f"**{cell.winner}** (alone)"
    else:
        text = f"**{cell.winner}** {cell.margin:.2f}x"
    return f"{text}{MARK.get(cell.verdict, '')} (N={cell.n})"


def section(run, verdict):
    """The markdown section, or '' when the run has no crossover cells."""
    cell_map = crossover.cells(run, verdict.get("cases") or [])
    if not cell_map:
        return ""
    costs = Costs(run.machine)
    verdicts = {(c["latency_ms"], c["work_us"]): c.get("verdict")
                for c in verdict.get("cells", [])}
    for key, c in cell_map.items():
        c.verdict = verdicts.get(key, c.verdict)
    lats, works = crossover.axes(cell_map)
    cid = verdict.get("id", "")
    lines = ["## The crossover map: which executor wins each mix of waiting and computing", "",
             "Each of N tasks waits L (rows: a `/delay/L` request) and then computes W (columns: a "
             "calibrated hash chain). Every executor runs at its best setting (event-loop and "
             "hybrid: cap = N; hybrid: threads = cores; thread-pool and openmp: the faster of "
             "threads = cores and threads = N). A cell names the fastest executor by in-process "
             "time and its margin over the runner-up, or, when their 95% intervals do not "
             "separate, a tie listing every executor tied for fastest. ✓ / ✗ / ?: the model of "
             f"claim {cid} picked it, did not, or the run cannot tell (usable cores P = "
             f"{run.cores}).", "",
             "| L \\ W | " + " | ".join(fmt.us_label(w) for w in works) + " |",
             "|---|" + "---|" * len(works)]
    for lat in lats:
        cells = [cell_text(cell_map[(lat, w)]) if (lat, w) in cell_map
                 else "not measured" for w in works]
        lines.append(f"| **{fmt.ms_label(lat)}** | " + " | ".join(cells) + " |")
    lines += ["", "![crossover map](plots/crossover-map.svg)", "",
              f"Measured / model, in milliseconds (in-process wall; the model of {cid} at the "
              "executor's fastest setting, which is named when it has several):", ""]
    timed = crossover.executors(cell_map)
    head = ["L", "W", "N"] + timed + ["winner", "model's pick"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c, each, picks in crossover.versus_model(run, cell_map, costs):
        row = [fmt.ms_label(c.lat_ms), fmt.us_label(c.work_us), str(c.n)]
        for ex in timed:
            if ex not in each:
                row.append("-")
                continue
            r, how, model = each[ex]
            model = "no model" if model is None else fmt.ms_bare(model)
            row.append(f"{fmt.ms_bare(r.wall_in)} / {model}" + (f" ({how})" if how else ""))
        row += [("tie: " + ", ".join(c.tied)) if c.is_tie else (c.winner or "-"),
                ", ".join(picks) + MARK.get(c.verdict, "")]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)

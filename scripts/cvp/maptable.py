"""NAME    maptable.py
PURPOSE The crossover map in summary.md: a table with rows L and columns W whose cells name the
        winner and its margin, and a table of each executor's measured time against its model
        (claim C8), cell by cell.
"""
from . import claims as claims_mod
from . import crossover
from .crossover import fmt_ms, fmt_us


def _ms(s):
    """Seconds as milliseconds with three significant digits: the map's times span 1e4."""
    if s is None:
        return "-"
    ms = s * 1e3
    return f"{ms:.3g}" if ms < 1000 else f"{ms:.0f}"


def cell_text(cell, agrees=None):
    """'**hybrid** 1.42x' (margin over the runner-up) or 'tie: a, b' under 5%."""
    if not cell.winner:
        return "-"
    m = cell.margin
    if m is None:
        text = f"**{cell.winner}** (alone)"
    elif m < crossover.TIE:
        text = f"tie: **{cell.winner}**, {cell.runner_up}"
    else:
        text = f"**{cell.winner}** {m:.2f}x"
    mark = {True: " ✓", False: " ✗"}.get(agrees, "")
    return f"{text}{mark} (N={cell.n})"


def section(run, verdict):
    """The markdown section, or '' when the run has no crossover cells."""
    cell_map = crossover.cells(run)
    if not cell_map:
        return ""
    agrees = {(c["latency_ms"], c["work_us"]): c["agrees"] for c in verdict.get("cells", [])}
    lats, works = crossover.axes(cell_map)
    lines = ["## The crossover map: which executor wins each mix of waiting and computing", "",
             "Each of N tasks waits L (rows: a `/delay/L` request) and then computes W (columns: a "
             "calibrated hash chain). Every executor runs at its best setting (event-loop and "
             "hybrid: cap = N; hybrid: threads = cores; thread-pool and openmp: the faster of "
             "threads = cores and threads = N). A cell names the fastest executor by in-process "
             "wall time and its margin over the runner-up; under 5% it is a tie. ✓ / ✗: the "
             f"model of claim C8 picked it or not (cores P = {run.cores}).", "",
             "| L \\ W | " + " | ".join(fmt_us(w) for w in works) + " |",
             "|---|" + "---|" * len(works)]
    for lat in lats:
        cells = [cell_text(cell_map[(lat, w)], agrees.get((lat, w))) if (lat, w) in cell_map
                 else "not measured" for w in works]
        lines.append(f"| **{fmt_ms(lat)}** | " + " | ".join(cells) + " |")
    lines += ["", "![crossover map](plots/crossover-map.svg)", "",
              "Measured / model, in milliseconds (in-process wall; the model of C8 at the "
              "executor's fastest setting, which is named when it has several):", ""]
    timed = crossover.executors(cell_map)
    head = ["L", "W", "N"] + timed + ["winner", "model's pick"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in sorted(cell_map):
        c = cell_map[key]
        row = [fmt_ms(c.lat_ms), fmt_us(c.work_us), str(c.n)]
        for ex in timed:
            r = c.best.get(ex)
            if r is None:
                row.append("-")
                continue
            # Pools wait on their threads, so their thread count is what the map chose for them.
            rule = run.registry.rule(ex) or {}
            how = crossover.setting(r) if rule.get("waits_at_once") == "threads" else ""
            model = _ms(c.predicted[ex]) if ex in c.predicted else "no model"
            row.append(f"{_ms(r.wall_in)} / {model}" + (f" ({how})" if how else ""))
        picks = c.model_picks(crossover.PICK_WITHIN, claims_mod.TASK_CPU_S)
        row += [c.winner or "-", ", ".join(picks) + {True: " ✓", False: " ✗"}.get(
            agrees.get(key), "")]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)

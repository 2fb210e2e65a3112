"""NAME    advice.py
PURPOSE results/<run>/which-should-i-use.md: the README's "Which should I use?" section, written
        from the run's measured crossover map, so the advice is what this machine measured.

The map's cells are grouped into regions by what dominates a batch (crossover.Cell.region); in
each region the advice names the executor that was fastest, or tied for fastest (95% intervals
that do not separate), in the most cells, with its record; when others are as often among the
fastest it says "tied", so a near-tie is never presented as firm advice.
"""
from . import crossover, fmt, maptable


REGIONS = (
    ("wait", "Only waiting", "W = 0"),
    ("mostly-wait", "Mostly waiting", "0 < N·W < L: one core's share of the compute is shorter "
                                      "than one wait"),
    ("mostly-compute", "Mostly computing", "N·W >= L > 0"),
    ("compute", "Only computing", "L = 0: the request returns at once"),
    ("neither", "Next to nothing to do", "L = 0, W = 0: only each request's own cost"),
)

WHY = ("Why, from the models of claim {cid} (P cores, cap C, T threads): sequential takes "
       "N·(L+W), "
       "every wait in a row. The event loop overlaps all waits but computes on its one thread: "
       "L + N·W. A pool of T threads overlaps T waits and computes on min(T, P) cores: "
       "ceil(N/T)·(L+W), at least L + N·W/P; with T = N it is as good as hybrid until N threads "
       "cost more than they save. Hybrid waits on the loop and computes on P workers: "
       "L + N·W/P, with a small hand-off per task.")


def record(cells, executor):
    """(cells where it was fastest or tied for fastest, cells it won outright, minus its mean
    time relative to each cell's fastest): sorts the most often fastest, then the quicker, first."""
    top = sum(1 for c in cells if executor in c.tied)
    won = sum(1 for c in cells if c.winner == executor and not c.is_tie)
    rel = [c.measured(executor) / c.measured(c.winner) for c in cells
           if c.measured(executor) is not None]
    return top, won, -(sum(rel) / len(rel)) if rel else float("-inf")


def region_line(title, rule, cells, executors):
    """The region's advice: the executor fastest or tied for fastest in the most cells. When
    others are as often among the fastest, the advice is a tie and says so, never a firm pick."""
    if not cells:
        return None
    ranked = sorted(executors, key=lambda ex: record(cells, ex), reverse=True)
    best = ranked[0]
    top, won, _ = record(cells, best)
    n = len(cells)
    margins = [c.margin for c in cells if c.winner == best and not c.is_tie and c.margin]
    by = f", by up to {max(margins):.2f}x" if margins else ""
    equal = [ex for ex in ranked[1:] if record(cells, ex)[0] == top]
    pick = " or ".join(f"**{ex}**" for ex in [best] + equal) + (" (tied)" if equal else "")
    line = (f"- **{title}** ({rule}; {n} cell{'s' if n > 1 else ''}): use {pick}: fastest or "
            f"tied for fastest in {top} of {n} (won outright {won}{by}).")
    also = [ex for ex in ranked[1:] if ex not in equal and record(cells, ex)[0] >= max(1, top - 1)
            and record(cells, ex)[0] > 0]
    if also:
        line += f" Nearly as often among the fastest: {', '.join(also)}."
    losers = [ex for ex in executors if all(
        c.measured(ex) is not None and c.measured(ex) > 2 * c.measured(c.winner) for c in cells)]
    if losers:
        line += f" Avoid: {', '.join(losers)} (more than 2x slower in every cell)."
    return line


def markdown(run, verdict):
    """The section's text, or None when the run has no crossover map."""
    cell_map = crossover.cells(run, verdict.get("cases") or [])
    if not cell_map:
        return None
    ctx = run.context
    lines = ["## Which should I use?", "",
             f"*Written by `scripts/tabulate` from the crossover map measured on "
             f"{ctx.get('cpu_model', 'this machine')} ({run.cores} cores), run "
             f"`{run.status.get('started_utc', '?')}`; `make bench` rewrites it for yours.*", "",
             "Each of N tasks waits L (a request) and then computes W (CPU work). The map names "
             "the fastest executor for each mix, with its margin over the runner-up:", ""]
    section = maptable.section(run, verdict).split("\n")
    start = section.index("| L \\ W | " + " | ".join(fmt.us_label(w) for w in
                                                      crossover.axes(cell_map)[1]) + " |")
    end = section.index("", start)
    lines += section[start:end] + [""]
    for key, title, rule in REGIONS:
        line = region_line(title, rule, [c for c in cell_map.values()
                                         if c.winner and c.region() == key],
                           crossover.executors(cell_map))
        if line:
            lines.append(line)
    cid = verdict.get("id", "of the crossover map")
    lines += ["", WHY.format(cid=cid), ""]
    v = verdict.get("verdict")
    if v == "holds":
        lines.append(f"These models predicted every cell's winner on this run (claim {cid} holds), "
                     "so they are a fair guide for other values of N, L and W.")
    elif v == "does not hold":
        lines.append(f"Claim {cid} does not hold on this run ({verdict.get('reason', '')}): "
                     "where the map and the models disagree, trust the map for this machine.")
    elif v:
        lines.append(f"Claim {cid} is inconclusive on this run ({verdict.get('reason', '')}): the "
                     "map is what was measured; the models could not be confirmed.")
    return "\n".join(lines) + "\n"

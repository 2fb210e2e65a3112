"""NAME    advice.py
PURPOSE results/<run>/which-should-i-use.md: the README's "Which should I use?" section, written
        from the run's measured crossover map, so the advice is what this machine measured; with
        the Python map (claim CM) the same advice in Python and where the two part
        (contrast.py), and with the lesson's scales (claim CS) who wins there, as the answer's
        first lines say them (answer.py).

The map's cells are grouped into regions by what dominates a batch (crossover.Cell.region); in
each region the advice names an executor only where the cells separate it from the others, else
says there is no clear winner and within how much (pick.decide: disturbed cells left out, the
event loop never advised for compute while C3 holds). The closing sentence about the models is
said only when it is true of the run (pick.models_sentence). In Python the advice is by the
answer's three kinds of batch (pick.KINDS), the decisions contrast.pairs hands over.
"""
from . import contrast, crossover, maptable, pick, scale
from .record import by_id


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


def decision_text(d, executors):
    """A Decision (pick.py) in words: the executor to use with its margin and reason, else "no
    clear winner" with how far apart the tied measured, and the executors to avoid."""
    if d.pick and d.nearest:
        lo, hi = d.by_range
        rng = f" ({lo:.2f}x to {hi:.2f}x)" if f"{lo:.2f}" != f"{hi:.2f}" else ""
        line = (f"use **{d.pick}**: fastest or tied for fastest in every cell, ahead of "
                f"**{d.nearest}** by {d.by:.2f}x{rng}, because {d.reason}.")
    elif d.pick:
        line = f"use **{d.pick}** (the only executor timed in every cell)."
    elif len(d.tied) == 1:
        line = f"{d.verdict()}: {d.reason}."
    elif d.tied:
        line = (f"no clear winner on this machine: {', '.join(f'**{ex}**' for ex in d.tied)} "
                f"within {pick.span(d.within)} of each other over its cells (at most "
                f"{pick.span(d.spread)} apart in one; {d.reason}).")
        if pick.span(d.spread) == pick.span(d.within):
            line = line.replace(f" (at most {pick.span(d.spread)} apart in one; ", " (")
    else:
        line = d.verdict() + "."
    if d.disturbed and d.advised:
        line += f" {d.disturbed} disturbed cell{'s' * (d.disturbed > 1)} left out."
    if d.others:
        line += "".join(f" {o[0].upper() + o[1:]}." for o in d.others)
    losers = [ex for ex in executors if d.cells and all(
        c.measured(ex) is not None and c.measured(ex) > 2 * c.measured(c.winner)
        for c in d.cells)]
    if losers:
        line += f" Avoid: {', '.join(losers)} (more than 2x slower in every cell)."
    return line


def _head(title, rule, n):
    return f"- **{title}** ({rule}; {n} cell{'s' if n != 1 else ''}): "


def region_line(run, title, rule, cells, executors, c3_holds=False, key=""):
    """The region's advice (pick.decide): an executor only where its cells separate it from the
    others, else "no clear winner" with how far apart the tied measured; never for disturbed
    cells, never the event loop for compute while C3 holds."""
    if not cells:
        return None
    d = pick.decide(run, cells, executors, key, title, rule, c3_holds, (key,))
    return _head(title, rule, len([c for c in cells if c.winner])) + decision_text(d, executors)


def map_table(run, verdict):
    """The map's table (rows L, columns W) as summary.md writes it (maptable.py), or []."""
    section = maptable.section(run, verdict).split("\n")
    start = next((i for i, x in enumerate(section) if x.startswith("| L \\ W | ")), None)
    return [] if start is None else section[start:section.index("", start)]


def python_part(run, verdicts):
    """### In Python: the Python map (claim CM) and, per kind of batch, its advice by the same
    rules and where it parts from C's, and why (contrast.pairs); [] without the Python map."""
    both = [p for p in contrast.pairs(run, verdicts) if p[4]]
    if not both:
        return []
    cm = by_id(verdicts, pick.PY_MAP)
    execs = crossover.executors(crossover.cells(run, cm.get("cases") or []))
    lines = ["### In Python", "",
             f"The same mixes timed with the Python reference programs (claim {pick.PY_MAP}: "
             "each task a `/delay/L` request, then W of pure-Python hashing), advised by the "
             "same rules for each kind of batch, and where C and Python part, why:", ""]
    lines += map_table(run, cm) + [""]
    for _key, title, rule, _c, py, note in both:
        line = _head(title[0].upper() + title[1:], rule, len(py.cells) + py.disturbed)
        line += decision_text(py, execs)
        lines.append(line + (f" {note[0].upper() + note[1:]}." if note else ""))
    return lines + [""]


def scales_part(run):
    """### At the lesson's scales (claim CS), as the answer says them; [] without its cases."""
    sc = scale.lines(run)
    if not sc:
        return []
    return (["### At the lesson's scales", "",
             f"Claim {scale.TAG}: N requests, the lesson's cap of 20 beside none:", ""]
            + [f"- {x}" for x in sc] + [""])


def markdown(run, verdict, verdicts=()):
    """The section's text, or None when the run has no crossover map. verdicts: the whole
    record, for the claims the advice must not contradict (C3), the Python map (CM) and the
    lesson's scales (CS)."""
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
    lines += map_table(run, verdict) + [""]
    c3 = by_id(verdicts, "C3").get("verdict") == "holds"
    for key, title, rule in REGIONS:
        line = region_line(run, title, rule, [c for c in cell_map.values()
                                              if c.winner and c.region() == key],
                           crossover.executors(cell_map), c3, key)
        if line:
            lines.append(line)
    cid = verdict.get("id", "of the crossover map")
    lines += ["", WHY.format(cid=cid), ""]
    v = verdict.get("verdict")
    sentence = pick.models_sentence(verdict)
    if sentence:
        lines.append(sentence)
    elif v == "does not hold":
        lines.append(f"Claim {cid} does not hold on this run ({verdict.get('reason', '')}): "
                     "where the map and the models disagree, trust the map for this machine.")
    elif v and v != "holds":
        lines.append(f"Claim {cid} is inconclusive on this run ({verdict.get('reason', '')}): the "
                     "map is what was measured; the models could not be confirmed.")
    extra = python_part(run, verdicts) + scales_part(run)
    return "\n".join(lines + ([""] + extra[:-1] if extra else [])) + "\n"

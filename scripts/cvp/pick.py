"""NAME    pick.py
PURPOSE Which executor to use for a kind of batch, decided from the crossover map's cells only as
        far as the data decide it: the answer's first lines (answer.py), report.html's first
        block (htmluse.py) and which-should-i-use.md (advice.py) all read decide().

The rule. Cells of a case disturbed by other processes (Case.disturbed) are left out: they give
no advice of their own. A kind measured in fewer than PICK_MIN_CELLS cells names no executor:
one setting of N, L and W is not a kind of batch. Among the executors timed in every remaining
cell (the event loop left out for compute while claim C3 holds: it gives compute no speed-up),
an executor is named only when it is fastest or tied for fastest (95% intervals, paired rounds)
in every cell and every other executor is slower beyond its interval in more than half of them;
its margin is over the nearest other, as a geometric mean over the cells (and its range).
Otherwise there is no clear winner: the executors tied for fastest in at least half of the
cells are named, in the run's order, with how far apart they measured (each one's time over
the cell's fastest, a geometric mean over the cells; and the most in any one cell), and what
else separates them where the run measured it (CPU time by its intervals, memory held per task
in flight). Decision.decision() is the advice without what moves from run to run (margins, the
executors at the edge of a tie): what make machines compares.
"""
import math

from . import baseline, crossover, fmt, stats
from .record import by_id, by_plot, cases_of
from .constants import PICK_MIN_CELLS
from .stats import HOLDS

# The answer's three kinds of batch: key, title, crossover.Cell.region()s, what it means.
KINDS = (("waits", "many waits", ("wait",), "W = 0: each task only waits"),
         ("mixed", "waits then compute", ("mostly-wait", "mostly-compute"),
          "L > 0 and W > 0: each task waits, then computes"),
         ("compute", "compute only", ("compute",), "L = 0: the request returns at once"))
COMPUTE = {"compute", "mostly-compute"}  # where C3 bars the event loop
PY_MAP = "CM"  # the claim whose cases are the crossover map in Python (claims/cm.py)
PY_EVIDENCE = {"waits": (), "mixed": (), "compute": ("CP",)}
# The claims whose verdicts are each kind's reason (their ids in the default suite): overlapping
# waits, threads computing on the cores; the map's own claim is found by its plot.
EVIDENCE = {"waits": ("C1",), "mixed": (), "compute": ("C4", "C3")}


class Decision:
    def __init__(self, key, title, rule):
        self.key, self.title, self.rule = key, title, rule
        self.cells, self.disturbed = [], 0
        self.pick = None  # the executor the data name, or None
        self.tied = []  # no clear winner: these, in the run's order
        self.nearest, self.by, self.by_range = None, None, None
        self.within = None  # how far apart the tied measured (geometric mean, a fraction)
        self.spread = None  # and at most, in one cell
        self.barred = []  # executors a claim that holds rules out here
        self.others = []  # what else separates them: short phrases
        self.bar_note = ""  # why a barred executor that measured among the fastest is not named
        self.reason = ""
        self.evidence = []  # [(claim id, in-page anchor, its verdict)]
        self.python = False  # from the Python map

    @property
    def advised(self):
        return bool(self.pick or self.tied)

    def decision(self):
        """What to use, without what varies from run to run (the margins, and which executors
        sit at the edge of a tie): 'use event-loop', 'no clear winner', 'no advice: disturbed',
        'not measured'. make machines compares runs on it (advice.json)."""
        if self.pick:
            return f"use {self.pick}"
        if self.tied:
            return "no clear winner"
        return "no advice: disturbed" if self.disturbed else "not measured"

    def verdict(self):
        """'event-loop, 1.04x faster than hybrid' or 'no clear winner on this machine: ...'."""
        if self.pick:
            if not self.nearest:
                return f"{self.pick} (nothing else timed)"
            return f"{self.pick}, {self.by:.2f}x faster than {self.nearest}"
        if len(self.tied) == 1:
            return (f"no clear winner on this machine: {self.tied[0]} was the fastest in its "
                    f"{len(self.cells)} cell{'s' * (len(self.cells) > 1)}")
        if self.tied:
            return (f"no clear winner on this machine: {', '.join(self.tied)} within "
                    f"{span(self.within)}")
        if self.disturbed:
            return (f"no advice: its {self.disturbed} cell{'s' * (self.disturbed > 1)} "
                    f"{'were' if self.disturbed > 1 else 'was'} disturbed by other processes")
        return "not measured"

    def why(self, one=False):
        """The one reason (one: for a tie, the first thing that separates the tied, else why it
        is a tie), or all of them."""
        if one:
            base = self.others[0] if self.tied and self.others else self.reason
            return base if not self.bar_note or self.bar_note == base else \
                f"{base}; {self.bar_note}"
        return "; ".join([x for x in [self.reason] + self.others if x])


def span(frac):
    """How far apart: '3%' below 2x, else '2.4x'."""
    if frac < 0.01:
        return f"{frac * 100:.1f}%"
    return f"{frac * 100:.0f}%" if frac < 1.0 else f"{frac + 1:.1f}x"


def _kib(v):
    return f"{v:.1f} KiB" if v < 10 else fmt.kib(v)


def _disturbed(cell):
    return bool(cell.case is not None and cell.case.disturbed)


def _top(cell, cands):
    """The candidates fastest or tied for fastest in the cell (among candidates only)."""
    return {ex for ex, _ in stats.tied({ex: cell.best[ex].est for ex in cands},
                                       lambda a, b: cell.best[a].ratio(cell.best[b]))}


def _gmean(vals):
    vals = [v for v in vals if v and v > 0]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def _reason(run, ex, key):
    rule = run.registry.rule(ex) or {}
    if run.registry.is_reference(ex):
        return _py_reason(run, rule, key)
    if baseline.is_baseline(rule):
        return "one task at a time, and nothing else was faster here"
    if key == "neither":
        return "it adds the least to each task's own cost"
    if baseline.is_loop(rule):
        return "one thread overlaps every wait"
    cores = f"the {run.cores} cores"
    if rule.get("overlap") == "loop":
        return f"its loop overlaps the waits and its workers compute on {cores}"
    if key == "compute":
        return f"its workers compute on {cores} at once"
    return f"its threads overlap the waits and compute on {cores}"


def _py_reason(run, rule, key):
    """The reason in Python's terms: the interpreter lock lets one thread run Python at a time,
    so only processes compute at once."""
    cores = f"the {run.cores} cores"
    many = rule.get("computes_at_once") not in (None, "1")
    if rule.get("overlap") == "loop":
        if many:
            return f"its loop overlaps the waits and its processes compute on {cores}"
        if key in ("compute", "neither"):
            return "one thread computes, as any Python thread would (the interpreter lock)"
        return "one thread overlaps every wait"
    if many:
        return (f"its processes overlap the waits and compute on {cores} (an interpreter lock "
                "each)")
    if key == "waits":
        return "its threads overlap the waits"
    return "its threads overlap the waits; the interpreter lock lets one compute at a time"


def _others(run, d, names):
    """CPU time and memory held per task in flight of the named executors, said only where the
    run measured them and they differ: CPU by intervals in more than half of the cells."""
    out, cells = [], d.cells
    cpu = {ex: sum(c.best[ex].cpu or 0 for c in cells) for ex in names}
    if all(v > 0 for v in cpu.values()) and len(names) > 1:
        low = min(names, key=lambda ex: cpu[ex])
        less = [ex for ex in names if ex != low and 2 * sum(
            1 for c in cells if (r := stats.ratio_of(c.best[ex].cpu_est, c.best[low].cpu_est))
            and r.lo > 1) > len(cells)]
        if less and len(less) == len(names) - 1:
            near = min(less, key=lambda ex: cpu[ex])
            out.append(f"CPU time: {low} uses the least ({cpu[near] / cpu[low]:.1f}x less than "
                       f"{near})")
    held = {}
    for ex in names:
        per = [c.best[ex].held_kib / c.best[ex].schedule.waits for c in cells
               if c.best[ex].held_kib is not None and c.best[ex].schedule]
        if per:
            held[ex] = sorted(per)[len(per) // 2]
    if len(held) == len(names) > 1 and min(held.values()) > 0 \
            and max(held.values()) >= 1.5 * min(held.values()):
        out.append("memory held per task in flight: " + ", ".join(
            f"{ex} {_kib(held[ex])}" for ex in sorted(names, key=lambda e: held[e])))
    return out


def decide(run, cells, executors, key, title, rule, c3_holds=False, regions=()):
    """The Decision for one kind of batch from its cells (crossover.Cell)."""
    d = Decision(key, title, rule)
    timed = [c for c in cells if c.winner]
    d.cells = [c for c in timed if not _disturbed(c)]
    d.disturbed = len(timed) - len(d.cells)
    if not d.cells:
        if d.disturbed:
            d.reason = ("a quarter of a core or more was busy elsewhere: run it again on a "
                        "quiet machine")
        return d
    if c3_holds and set(regions) & COMPUTE:
        d.barred = [ex for ex in executors if baseline.is_loop(run.registry.rule(ex))]
    cands = [ex for ex in executors if ex not in d.barred
             and all(c.measured(ex) is not None for c in d.cells)]
    if not cands:
        return d
    tops = [_top(c, cands) for c in d.cells]
    n = len(d.cells)
    often = {ex: sum(ex in t for t in tops) for ex in cands}
    rel = {ex: _gmean([c.measured(ex) / min(c.measured(x) for x in cands) for c in d.cells])
           for ex in cands}
    always = [ex for ex in cands if often[ex] == n]
    if n >= PICK_MIN_CELLS and len(always) == 1 and \
            all(2 * often[ex] < n for ex in cands if ex != always[0]):
        d.pick = best = always[0]
        rest = [ex for ex in cands if ex != best]
        if rest:
            ratios = {ex: [c.measured(ex) / c.measured(best) for c in d.cells] for ex in rest}
            d.nearest = min(rest, key=lambda ex: _gmean(ratios[ex]))
            d.by = _gmean(ratios[d.nearest])
            d.by_range = (min(ratios[d.nearest]), max(ratios[d.nearest]))
        d.reason = _reason(run, best, key)
        d.others = _others(run, d, [best, d.nearest] if d.nearest else [best])
    else:
        # The tied in the run's order, not their measured one: the line names the same
        # executors the same way on every run that ties them.
        d.tied = [ex for ex in cands if 2 * often[ex] >= n] or \
            [ex for ex in cands if often[ex]]
        # How far apart over the cells: each one's time relative to the cell's fastest, as a
        # geometric mean (as the pick's margin), the slowest of the tied over the quickest.
        d.within = max(rel[ex] for ex in d.tied) / min(rel[ex] for ex in d.tied) - 1
        d.spread = max(max(c.measured(ex) for ex in d.tied) / min(c.measured(ex) for ex in d.tied)
                       for c in d.cells) - 1
        d.reason = ("their 95% intervals do not separate in most cells" if len(d.tied) > 1
                    else f"one cell is too few to name a winner: at least {PICK_MIN_CELLS}"
                    if n < PICK_MIN_CELLS else "no executor was fastest in every cell")
        d.others = _others(run, d, d.tied)
    return d


def decisions(run, verdicts, kinds=KINDS, python=False):
    """[Decision] per kind, or [] when the run has no crossover map. verdicts: the record.
    python: from the Python map (the claim PY_MAP's cases: the reference programs), exactly as
    for C."""
    xo = by_id(verdicts, PY_MAP) if python else by_plot(verdicts, "crossover-map")
    evidence = PY_EVIDENCE if python else EVIDENCE
    cell_map = crossover.cells(run, cases_of(xo))
    if not cell_map:
        return []
    c3 = by_id(verdicts, "C3").get("verdict") == HOLDS
    execs = crossover.executors(cell_map)
    out = []
    for key, title, regions, rule in kinds:
        cells = [c for c in cell_map.values() if c.region() in regions]
        if not cells:
            continue
        d = decide(run, cells, execs, key, title, rule, c3, regions)
        ids = [cid for cid in evidence.get(key, ()) if by_id(verdicts, cid)]
        if xo.get("id"):
            ids.append(xo["id"])
        d.python = python
        d.evidence = [(cid, f"claim-{cid}", by_id(verdicts, cid).get("verdict")) for cid in ids]
        if d.barred and any(ex in c.tied for c in d.cells for ex in d.barred):
            d.bar_note = (f"C3 holds, so not {', '.join(d.barred)}: it gives compute no "
                          "speed-up")
            d.others.insert(0, d.bar_note)
        out.append(d)
    return out


def models_sentence(verdict):
    """The closing sentence about the map's models, true of the run or None: every cell's winner
    predicted only when the claim holds and each of its cells does."""
    cid, v = verdict.get("id", "of the crossover map"), verdict.get("verdict")
    cells = verdict.get("cells") or []
    held = sum(1 for c in cells if c.get("verdict") == HOLDS)
    if v == HOLDS and cells and held == len(cells):
        return (f"These models predicted every cell's winner on this run (claim {cid} holds), so "
                "they are a fair guide for other values of N, L and W.")
    if v == HOLDS and cells:
        return (f"These models predicted the winner of {held} of {len(cells)} cells on this run "
                f"(claim {cid} holds; the other cells the run cannot tell): a guide where they "
                "agree with the map, not beyond.")
    return None

"""NAME    claims (package)
PURPOSE The claims and their registry. A claim is one module here (c1.py ... cp.py) that
        registers, with the @claim decorator, its id, the case tags it reads (a suite file's
        `claims C3 C4` line tags a case), the unit of its numbers and its evidence plot
        (plots.py); modules whose name starts with "_" are shared helpers, not claims.
        Adding a claim = one module here + its tag on a case in a suite file.

judge(run) is the only place a verdict is decided: tabulate's judge step calls it and writes
claims.json; every renderer reads that file (record.py), never this.

Every time is the in-process timed region (the one time basis), its median with a 95%
interval. The models use this machine's measured costs (costs.py) and its usable cores, so they
predict this machine. A point whose interval lies inside the band holds, entirely outside it
does not hold, otherwise it is inconclusive ("too noisy"); a point of a disturbed case (other
processes busy, or its clock moved by more than 10%) can hold but never fail, nor can a point
with a severe outlier among its rows' rounds (Tukey's fences: "too noisy"). The numbers a band
takes from outside the machine are constants.py's one table. A claim fails when a point fails;
holds when none fails and at least half hold; is inconclusive otherwise, and when nothing was
measured ("not measured").
"""
import importlib
import pkgutil
import re

from .. import damage, selfcheck
from ..costs import Costs
from ..stats import FAILS, HOLDS, INCONCLUSIVE  # noqa: F401 (re-exported for scripts/claims)

_SPECS = {}
_found = False


class Spec:
    """What the registry knows of a claim: id, the function that judges it (run, costs) ->
    verdict, the case tags it reads, its unit, its evidence plot, and whether its first case
    is its evidence (a table, when it has no plot)."""

    def __init__(self, cid, judge, tags=None, unit="x", plot=None, see_case=False):
        self.id, self.judge, self.unit, self.plot = cid, judge, unit, plot
        self.tags = tuple(tags or (cid,))
        self.see_case = see_case


def register(cid, judge, tags=None, unit="x", plot=None, see_case=False):
    """Adds a claim to the registry (a later registration of the same id replaces it)."""
    _SPECS[cid] = Spec(cid, judge, tags, unit, plot, see_case)
    return judge


def claim(cid, **kw):
    """Decorator form of register: @claim("C1", unit="s", plot=None)."""
    return lambda fn: register(cid, fn, **kw)


def _order(cid):
    """C1 < C2 < ... < C16 < then lettered ids (CL, CP) in alphabetical order."""
    m = re.match(r"^C(\d+)$", cid)
    return (0, int(m.group(1)), "") if m else (1, 0, cid)


def specs():
    """Every registered claim, in id order; the package's modules are imported once."""
    global _found
    if not _found:
        _found = True
        for m in pkgutil.iter_modules(__path__):
            if not m.name.startswith("_"):
                importlib.import_module(f"{__name__}.{m.name}")
    return sorted(_SPECS.values(), key=lambda s: _order(s.id))


def judge(run):
    """Every claim's verdict on run, as claims.json stores it: each with its unit, evidence
    plot and the cases it read, each point with its unit."""
    costs = Costs(run.machine)
    verdicts = []
    for spec in specs():
        v = spec.judge(run, costs)
        v["unit"] = spec.unit
        v["plot"] = spec.plot
        v["see_case"] = spec.see_case
        v["cases"] = [c.name for c in run.cases if any(t in c.claims for t in spec.tags)]
        for p in v["points"]:
            p.setdefault("unit", spec.unit)
        verdicts.append(v)
    # A claim whose evidence the reader had to skip (damage.py) is "evidence lost", not judged.
    verdicts = damage.judge_lost(run, verdicts)
    return selfcheck.note_claims(run, verdicts)

"""NAME    record.py
PURPOSE Read a run's claims.json, the one record of its verdicts (written by tabulate's judge
        step, claims/__init__.py), for every renderer: the answer, summary.md, report.html, the
        plots, the advice and the README. No renderer judges; each reads this.

A missing or unreadable claims.json is one line naming the command that makes it
(Missing: the renderer prints it and exits 2).
"""
import json
import os

from . import claims

FILE = "claims.json"


class Missing(Exception):
    """claims.json is absent or unreadable: str(e) is the one line to print."""


def load(run_dir, run=None):
    """The verdicts of claims.json in run_dir: a list of claim records, in id order. A record
    written before claims carried their unit, plot and cases (an older run, the committed
    sample) gets them from the claims registry (and, given run, the cases its tags name)."""
    path = os.path.join(run_dir, FILE)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise Missing(f"{path} is missing: scripts/tabulate {run_dir} judges the claims and "
                      "writes it") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise Missing(f"{path} is unreadable ({type(e).__name__}: {e}): scripts/tabulate "
                      f"{run_dir} rewrites it") from None
    if not isinstance(doc, list) or not all(isinstance(v, dict) and "id" in v for v in doc):
        raise Missing(f"{path} is not a list of claims: scripts/tabulate {run_dir} rewrites it")
    return _fill(doc, run)


def _fill(doc, run):
    # The registry's static facts only (unit, plot, tags): nothing is judged here.
    specs = {s.id: s for s in claims.specs()}
    for v in doc:
        s = specs.get(v["id"])
        if s is None or "unit" in v:
            continue
        v.update(unit=s.unit, plot=s.plot, see_case=s.see_case)
        if run is not None:
            v["cases"] = [c.name for c in run.cases if any(t in c.claims for t in s.tags)]
        for p in v.get("points") or []:
            p.setdefault("unit", s.unit)
    return doc


def by_plot(verdicts, plot):
    """The first claim whose evidence is the plot named plot ({} when none is)."""
    return next((v for v in verdicts if v.get("plot") == plot), {})


def by_id(verdicts, cid):
    return next((v for v in verdicts if v.get("id") == cid), {})


def cases_of(verdict):
    """The case names a claim read (its record's "cases")."""
    return list(verdict.get("cases") or [])

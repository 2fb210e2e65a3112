"""NAME    claims/_refs.py
PURPOSE How a reference program (reference/: the reader's own code) computes, read from the rule
        it states in its --describe, in cvpbench's terms; nothing here names a program. Shared by
        CP and by the answer's headlines (headlines.py).
"""
from ._kit import rule


def rule_is(run, r, waits, computes):
    ru = rule(run, r)
    return ru.get("waits_at_once") == waits and ru.get("computes_at_once") == computes


def blas(run, r):
    """One call computed by T threads: a BLAS library (its rule: one task, threads compute)."""
    return r.reference and r.valid and rule_is(run, r, "1", "threads")


def interpreted(run, r):
    """A reference program that computes one task at a time whatever its threads: its rule
    says so (Python's interpreter lock)."""
    return r.reference and r.valid and r.est and r.schedule and \
        rule(run, r).get("computes_at_once") == "1"


def workers(run, r):
    """Computes on worker threads or processes (its published rule)."""
    ru = rule(run, r)
    return ru.get("overlap") == "workers" and ru.get("computes_at_once") in ("threads",
                                                                             "processes")

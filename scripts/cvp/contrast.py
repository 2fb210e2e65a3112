"""NAME    contrast.py
PURPOSE "In C" beside "in Python": for many waits, waits then compute and compute only, the
        decision from the C map (pick.decisions) and from the Python map (pick.decisions with
        python=True), and one sentence saying whether they agree and, where they part, why. The
        answer's first lines (answer.py) and report.html's first block (htmluse.py) read
        pairs(); nothing is judged here.

Each advised executor (the pick, or every tied one) is put in a class by its rule: the loop
alone, the loop with threads or processes that compute at once, threads or processes that
compute at once, threads that compute one task at a time (Python threads under the
interpreter lock). The two sides agree when their classes are the same.
"""
from . import baseline, pick


def _class(run, ex, key):
    """What kind of executor ex is, in words that say where the waits and the compute run."""
    rule = run.registry.rule(ex) or {}
    loop = rule.get("overlap") == "loop"
    many = rule.get("computes_at_once") not in (None, "1") and not baseline.is_baseline(rule)
    # Python computes at once only in processes (its threads, one at a time, are threads);
    # cvpbench's own executors use threads, except its process and MPI executors.
    procs = (run.registry.is_reference(ex) and many) or ex in ("process", "mpi")
    if key == "waits":
        return "one thread (a loop)" if loop else ("processes" if procs else "threads")
    if loop:
        return ("a loop with processes to compute" if procs else
                "a loop with threads to compute") if many else "one thread (a loop)"
    if many:
        return "processes on every core" if procs else "threads on every core"
    return "threads that compute one at a time"


def _advised(d):
    return [d.pick] if d and d.pick else (list(d.tied) if d else [])


def note(run, key, c, py):
    """One sentence: the same in both, or where and why they part ('' when a side has none)."""
    cs, ps = _advised(c), _advised(py)
    if not cs or not ps:
        return ""
    ccls = sorted({_class(run, ex, key) for ex in cs})
    pcls = sorted({_class(run, ex, key) for ex in ps})
    if ccls == pcls:
        return "the same in both: " + " or ".join(ccls)
    if key == "waits":
        why = ("each Python request costs the interpreter CPU of its own, and that decides the "
               "rest (see the map's times)")
    else:
        why = ("of the interpreter lock: Python threads give Python compute no speed-up, "
               "processes do")
    return (f"they differ: in C {' or '.join(ccls)}, in Python {' or '.join(pcls)}, "
            f"because {why}")


def pairs(run, verdicts):
    """[(key, title, rule, C's Decision or None, Python's or None, note)] per kind measured on
    either map; [] when neither was."""
    c = {d.key: d for d in pick.decisions(run, verdicts)}
    py = {d.key: d for d in pick.decisions(run, verdicts, python=True)}
    out = []
    for key, title, _regions, rule in pick.KINDS:
        if key in c or key in py:
            out.append((key, title, rule, c.get(key), py.get(key),
                        note(run, key, c.get(key), py.get(key))))
    return out

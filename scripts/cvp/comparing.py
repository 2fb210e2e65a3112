"""NAME    comparing.py
PURPOSE What scripts/compare judges, apart from its printing: the rows of two runs matched by
        case and label, each compared on a basis both sides share, and the warnings that the
        two runs ran on different machines or builds, or that one was disturbed.

A row is compared by its in-process time when both sides did the same work. When they did not,
a compute row (one that reports GFLOP/s: the matrix product) is compared by GFLOP/s, whatever its
matrix order or task count; a row whose work differs only in its task count by its time per task
(time / tasks); any other difference is "not comparable (different work)". Every change is new
over old in time per unit of work, so above 1 is slower on every basis.
"""
from . import stats

# What the machine and the build were: a difference makes every change below partly the machine's.
MACHINE = (("cpu_model", "CPU model"), ("cpu_vector_ext", "vector extensions"),
           ("cores", "cores"), ("build_march", "build -march"))
COMPUTE_FREE = {"size", "tasks"}  # work a GFLOP/s figure already divides out
TASK_FREE = {"tasks"}  # work a time per task divides out


def rows_by_key(run):
    """(case, label) -> row; the workload point is checked separately (sizes may differ)."""
    return {(c.name, r.label): r for c in run.cases for r in c.rows}


def verdict(change, threshold):
    """change = new / old as an estimate: slower when its whole interval lies above 1 + the noise
    threshold, faster when wholly below 1 - it, else no change. Two runs differ by more than
    either run's own noise (the host's state drifts between runs), so a verdict must clear the
    threshold, not just 1."""
    if change is None:
        return "not comparable"
    if change.lo > 1 + threshold:
        return "slower"
    if change.hi < 1 - threshold:
        return "faster"
    return "no change"


def _fact(run, key):
    """A machine or build fact of the run (context.json, else machine.json), None when not
    recorded; cores falls back on nproc."""
    v = run.context.get(key)
    if v in (None, "") and key == "cores":
        v = run.context.get("nproc")
    if v in (None, ""):
        v = (run.machine or {}).get(key)
    return None if v in (None, "") else v


def disturbed(run):
    """{case name: why} of the run's cases whose timings other processes disturbed."""
    return {c.name: c.disturbance for c in run.cases if c.disturbed}


def warnings(old, new):
    """Lines that must lead the comparison: each machine or build fact recorded on both sides
    that differs, and the cases disturbed on one side and not the other. A fact one side did not
    record is not a difference (an older run lacks the newer fields)."""
    out = []
    for key, name in MACHINE:
        a, b = _fact(old, key), _fact(new, key)
        if a is not None and b is not None and str(a) != str(b):
            out.append(f"{name}: OLD {a} / NEW {b}")
    do, dn = disturbed(old), disturbed(new)
    if set(do) != set(dn):
        for side, mine, other in (("OLD", do, dn), ("NEW", dn, do)):
            only = [n for n in mine if n not in other]
            if only:
                out.append(f"{side} was disturbed where the other was not, in {len(only)} "
                           f"case{'s' if len(only) != 1 else ''}: " + ", ".join(
                               f"{n} ({mine[n]})" for n in only[:6])
                           + (f" and {len(only) - 6} more" if len(only) > 6 else ""))
    return out


def _gflops(row):
    """The row's GFLOP/s as an estimate over its valid samples, or None."""
    return row.per_sample(lambda s: s.get("gflops")) if row.gflops else None


def _per_task(row):
    t = int(row.tasks or 0)
    return row.est.scaled(1 / t) if row.est and t > 0 else None


def compare(old, new, threshold):
    """One item per row both runs have: case, row, basis ("time", "GFLOP/s" or "per task"),
    old and new on that basis, change (new / old in time per unit of work, an estimate, or
    None), verdict, why (for a row that is not comparable, or the work that differs), and the
    sides whose case was disturbed."""
    out = []
    olds, news = rows_by_key(old), rows_by_key(new)
    hurt_o, hurt_n = disturbed(old), disturbed(new)
    for key in [k for k in news if k in olds]:
        o, n = olds[key], news[key]
        item = {"case": key[0], "row": key[1], "basis": "time", "old": o.est, "new": n.est,
                "why": "", "disturbed": [s for s, h in (("old", hurt_o), ("new", hurt_n))
                                         if key[0] in h]}
        po, pn = dict(o.point()), dict(n.point())
        differs = {k for k in set(po) | set(pn) if po.get(k) != pn.get(k)}
        work = ", ".join(f"{k}={po.get(k)} vs {pn.get(k)}" for k in sorted(differs))
        compute = bool(o.gflops and n.gflops) and differs <= COMPUTE_FREE
        if differs and not compute and not differs <= TASK_FREE:
            item.update(change=None, verdict="not comparable", why="different work: " + work)
        elif not (o.valid and n.valid and o.est and n.est):
            item.update(change=None, verdict="not comparable", why="a side is invalid")
        elif compute:
            go, gn = _gflops(o), _gflops(n)
            # Time per floating-point operation: new / old = old GFLOP/s / new GFLOP/s.
            ch = stats.ratio_of(go, gn)
            item.update(basis="GFLOP/s", old=go, new=gn, change=ch,
                        verdict=verdict(ch, threshold), why=work)
        elif differs:
            to, tn = _per_task(o), _per_task(n)
            ch = stats.ratio_of(tn, to)
            item.update(basis="per task", old=to, new=tn, change=ch,
                        verdict=verdict(ch, threshold), why=work)
        else:
            ch = stats.ratio_of(n.est, o.est)
            item.update(change=ch, verdict=verdict(ch, threshold))
        out.append(item)
    return out

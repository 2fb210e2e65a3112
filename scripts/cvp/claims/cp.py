"""NAME    claims/cp.py
PURPOSE CP: in Python, threads and asyncio give pure-Python compute no speed-up (the interpreter
        lock) while processes do; in C, threads do; NumPy and OpenBLAS beat pure Python by
        orders of magnitude. A reference program states how it schedules tasks (its rule), so
        the same schedule model gives its ideal."""
import math

from .. import baseline, stats
from ..fmt import est, x
from . import claim
from ._kit import C4_BAND, Claim
from ._refs import blas, interpreted

ID = "CP"
NO_SPEEDUP = 1.1  # "no speed-up": at most this much faster than one thread
ORDERS = 100.0  # "orders of magnitude": at least this many times the GFLOP/s


def _work(r):
    """The work one task of a reference row did (a pure-Python hash chain calibrates its rounds
    per microsecond in each program's own process), or None."""
    vals = [((d.get("workload_metrics") or {}).get("hash_rounds_per_task")) for d in r.samples]
    vals = [v for v in vals if isinstance(v, (int, float)) and v > 0]
    return sorted(vals)[len(vals) // 2] if vals else None


def _speedup(one, r):
    """one's time over r's, for the same work: when each program calibrated its own work per
    task, r's speed-up is scaled by the work it did per task over one's."""
    sp = one.ratio(r)
    wa, wb = _work(r), _work(one)
    return sp.scaled(wa / wb) if sp and wa and wb and r.reference and one.reference else sp


def _gflops(r):
    return r.per_sample(lambda d: d.get("gflops"))


@claim(ID, unit="x")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, "in Python, threads and asyncio give pure-Python compute no speed-up while "
              "processes do; in C threads do; NumPy and OpenBLAS beat pure Python by orders of "
              "magnitude",
              "a program whose rule computes one task at a time (the interpreter lock) gets no "
              "speed-up over one thread; one that computes on T processes or threads gets "
              "tasks / ceil(tasks / min(T, usable cores)); a BLAS call's GFLOP/s over pure "
              "Python's at the same n (each Python program sizes its hash chain by its own "
              "calibration: times are compared per unit of work)",
              f"no speed-up: at most {NO_SPEEDUP}x; speed-up: measured / predicted in "
              f"[{C4_BAND[0]}, {C4_BAND[1]}]; BLAS / pure Python >= {ORDERS:g}x")
    for case in run.tagged(ID):
        # The baseline: an interpreted program on one thread; the others that the interpreter
        # lock holds to one task at a time, and those that compute on several processes or
        # threads (a process pool; cvpbench's threads against cvpbench's baseline).
        interp = [r for r in case.rows if interpreted(run, r)]
        base = next((r for r in interp if r.schedule.waits == 1), None)
        interp = [r for r in interp if r is not base]
        parallel = [r for r in case.rows if r.valid and r.est and r.schedule
                    and r.schedule.computes > 1 and r.schedule.waits > 1]
        for r in interp if base else []:
            sp = _speedup(base, r)
            c.point(case, f"{case.name} {r.label}", sp, None, NO_SPEEDUP)
            c.text(f"{r.label}: 1x", f"{r.label}: {est(sp, x)}")
        for r in parallel:
            one = base if r.reference else baseline.row(case, r)
            if one is None:
                continue
            n, t = int(r.tasks), r.schedule.computes
            ideal = n / math.ceil(n / max(1, min(t, cores, n)))
            sp = _speedup(one, r)
            c.point(case, f"{case.name} {r.label}", sp, C4_BAND[0] * ideal, C4_BAND[1] * ideal)
            c.text(f"{r.label}: {ideal:.2f}x", f"{r.label}: {est(sp, x)}")
        fast = [(r, _gflops(r)) for r in case.rows if blas(run, r)]
        pure = [(r, _gflops(r)) for r in case.rows if interpreted(run, r)]
        pure = [(r, g) for r, g in pure if g and g.value > 0]
        if fast and pure:
            slow = max(pure, key=lambda y: y[1].value)
            for r, g in fast:
                if g:
                    ratio = stats.ratio_of(g, slow[1])
                    c.point(case, f"{case.name} {r.label} / {slow[0].label}", ratio, ORDERS)
                    c.text(f"{r.label}: >= {ORDERS:g}x {slow[0].label}",
                           f"{r.label}: {est(ratio, x)} {slow[0].label}")
    v = c.done()
    if not v["points"] and run.tagged(ID) and cores < 2:
        v["reason"] = "not measured: one usable core, so the case has no parallel rows"
    return v

"""NAME    claims/cp.py
PURPOSE CP: in Python, threads and asyncio give pure-Python compute no speed-up (the interpreter
        lock) while processes do; in C, threads do; NumPy and OpenBLAS beat pure Python by
        orders of magnitude. A reference program states how it schedules tasks (its rule), so
        the same schedule model gives its ideal; a program that records its own costs (a
        process pool: a task's round trip across the boundary) has its lower bound from a model
        of the pool built on them, its upper bound the ideal."""
import math

from .. import baseline, stats
from ..stats import FAILS, INCONCLUSIVE
from ..constants import NO_SPEEDUP, ORDERS, POOL_MAP_CHUNKS
from ..fmt import est, x
from . import claim
from ._kit import C4_BAND, Claim
from ._refs import blas, interpreted

ID = "CP"


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


def _metric(r, key):
    """The median over r's valid samples of one of its workload_metrics, or None."""
    e = r.per_sample(lambda d: (d.get("workload_metrics") or {}).get(key))
    return e.value if e else None


def _pool_model(run, costs, one, r, k):
    """A process pool's modelled time and its terms, from the costs the program measured before
    its timed region, or None when it records none (transfer_us_per_task). The one-thread time
    (one's, for r's work per task) on the processes, in the whole chunks pool.map hands out
    (POOL_MAP_CHUNKS per process: CPython's rule), at the clock all cores keep together
    (calibrate's fma_scaling over its threads); plus every task's round trip, paid serially by
    the parent that hands tasks out and collects them (added, not overlapped: an upper bound
    on the time); plus waking each process and two timer slacks (costs.py, as slack_for)."""
    tr = _metric(r, "transfer_us_per_task")
    if tr is None or one.wall_in is None:
        return None
    n, procs = int(r.tasks), max(1, int(r.threads or k))
    wa, wb = _work(r), _work(one)
    scale = wa / wb if wa and wb else 1.0
    one_s = one.wall_in * scale
    chunk = math.ceil(n / (POOL_MAP_CHUNKS * procs))
    last = min(n, math.ceil(math.ceil(n / chunk) / k) * chunk)  # tasks the busiest process runs
    m = run.machine or {}
    fs, ft = m.get("fma_scaling"), m.get("fma_threads")
    eff = min(1.0, fs / ft) if k > 1 and isinstance(fs, (int, float)) and \
        isinstance(ft, (int, float)) and fs > 0 and ft >= k else 1.0
    # The band's lower end divides the one-thread time's own lower bound (its 95% interval) by
    # the modelled time: the model inherits the noise of the time it is built from.
    one_lo_s = (one.est.lo if one.est else one.wall_in) * scale
    terms = {"one_s": one_s, "one_lo_s": one_lo_s, "compute_s": one_s * last / n / eff,
             "last": last, "chunk": chunk,
             "eff": eff, "transfer_s": n * tr / 1e6, "transfer_us": tr,
             "wake_s": k * costs.wake_s, "slack_s": 2 * costs.slack_s,
             "pool_start_s": _metric(r, "pool_start_s")}
    terms["time_s"] = terms["compute_s"] + terms["transfer_s"] + terms["wake_s"] + \
        terms["slack_s"]
    return terms


def _model_text(r, m, lo, ideal):
    start = m["pool_start_s"]
    return (f"{r.label}: {lo:.2f}x to {ideal:.2f}x (one thread {m['one_s'] * 1e3:.1f} ms x "
            f"{m['last']}/{int(r.tasks)} tasks on its busiest process (chunks of {m['chunk']})"
            + (f" / {m['eff']:.3f} all-core clock" if m["eff"] < 1 else "")
            + f" = {m['compute_s'] * 1e3:.1f} ms + {int(r.tasks)} x {m['transfer_us']:.0f} us "
            f"transfer = {m['transfer_s'] * 1e3:.1f} ms + wake-ups {m['wake_s'] * 1e3:.2f} ms "
            f"+ slack {m['slack_s'] * 1e3:.2f} ms = {m['time_s'] * 1e3:.1f} ms"
            + (f"; its start-up {start * 1e3:.0f} ms lies outside the timed region"
               if start is not None else "")
            + f"; the lower end from the one-thread time's lower bound, "
              f"{m['one_lo_s'] * 1e3:.1f} ms)")


def _rate_spread(case):
    """How far apart the case's Python processes ran the same hash chain (each records the rate
    it measured itself: hash_rounds_per_us_here), as a ratio >= 1: CPython processes here run
    it at rates that differ by chance, so a ratio between two of them is known no closer."""
    rates = [_metric(r, "hash_rounds_per_us_here") for r in case.rows if r.reference]
    rates = [x for x in rates if x]
    return max(rates) / min(rates) if len(rates) > 1 else 1.0


def _across(c, case, where, sp, lo, hi, spread):
    """c.point for a ratio between two processes: a point outside its band by no more than the
    spread of their speeds is inconclusive, with that reason, not a failure."""
    if c.point(case, where, sp, lo, hi) != FAILS or spread <= 1 or sp is None:
        return
    if (lo is None or sp.hi >= lo / spread) and (hi is None or sp.lo <= hi * spread):
        c.v["points"][-1].update(verdict=INCONCLUSIVE, reason=(
            f"the case's Python processes ran the same code {spread:.2f}x apart in speed (chance "
            "per process): a ratio across two of them is known no closer"))


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
              "Python's at the same n (a case's Python programs hash at the rate its first one "
              "calibrated; where one calibrated its own, times are compared per unit of work)",
              f"no speed-up: at most {NO_SPEEDUP}x; speed-up: a program that records its own "
              "costs (a process pool: its transfer per task) from its model, at least the "
              "one-thread time (the lower end of its interval) over the pool's modelled time "
              "(one-thread time / processes in "
              "whole chunks + tasks x transfer + wake-ups + timer slack), at most the ideal; "
              f"others measured / predicted in [{C4_BAND[0]}, {C4_BAND[1]}]; BLAS / pure "
              f"Python >= {ORDERS:g}x; " + costs.describe())
    for case in run.tagged(ID):
        # The baseline: an interpreted program on one thread; the others that the interpreter
        # lock holds to one task at a time, and those that compute on several processes or
        # threads (a process pool; cvpbench's threads against cvpbench's baseline).
        interp = [r for r in case.rows if interpreted(run, r)]
        base = next((r for r in interp if r.schedule.waits == 1), None)
        interp = [r for r in interp if r is not base]
        parallel = [r for r in case.rows if r.valid and r.est and r.schedule
                    and r.schedule.computes > 1 and r.schedule.waits > 1]
        spread = _rate_spread(case)
        for r in interp if base else []:
            sp = _speedup(base, r)
            _across(c, case, f"{case.name} {r.label}", sp, None, NO_SPEEDUP, spread)
            c.text(f"{r.label}: 1x", f"{r.label}: {est(sp, x)}")
        for r in parallel:
            one = base if r.reference else baseline.row(case, r)
            if one is None:
                continue
            n, t = int(r.tasks), r.schedule.computes
            ideal = n / math.ceil(n / max(1, min(t, cores, n)))
            sp = _speedup(one, r)
            m = _pool_model(run, costs, one, r, max(1, min(t, cores, n))) if r.reference \
                else None
            if m:
                lo = m["one_lo_s"] / m["time_s"]
                _across(c, case, f"{case.name} {r.label}", sp, lo, ideal, spread)
                c.text(_model_text(r, m, lo, ideal), f"{r.label}: {est(sp, x)}")
                continue
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

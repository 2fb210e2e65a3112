"""NAME    claims_ref.py
PURPOSE The claims about the reader's own code (issue 16), measured by the reference programs
        (reference/: the lesson's httpx + asyncio.gather, aiohttp, Node, threads, processes,
        NumPy, OpenBLAS) and judged like C1..C16 (claims.py):
          CL  the lesson's numbers with the lesson's code: one after another N*L, gathered L,
              behind Semaphore(C) ceil(N/C)*L, each plus at most the client's own CPU, which
              the lesson leaves out and which this run measures
          CP  in Python, threads and asyncio give pure-Python compute no speed-up (the
              interpreter lock) while processes do; in C, threads do; NumPy and OpenBLAS beat
              pure Python by orders of magnitude
A reference program states how it schedules tasks in cvpbench's terms (its --describe "rule"),
so the same schedule model (models.py) gives its ideal time; nothing here names a program.
Also the headline ratios of cvpbench against them (headlines()).
"""
import math

from . import stats
from .claimkit import C4_BAND, Claim, fmt_est, fmt_s

NO_SPEEDUP = 1.1  # "no speed-up": at most this much faster than one thread
ORDERS = 100.0  # "orders of magnitude": at least this many times the GFLOP/s


def _x(v):
    return f"{v:.2f}x"


def cl(run, costs):
    c = Claim("CL", "the lesson's numbers with the lesson's own code (httpx): N calls one after "
              "another take N*L, gathered L, behind Semaphore(C) ceil(N/C)*L",
              "wall = ceil(N/C)*L (C = 1 one after another, N gathered), plus at most the "
              "client's own CPU (measured: the lesson leaves it out)",
              "in [ceil(N/C)*L, that + the row's CPU + each wait's lateness + two timer slacks]; "
              + costs.describe())
    lesson = {n for n, ref in run.registry.references.items() if ref.get("lesson")}
    for case in run.tagged("CL"):
        for r in case.rows:
            if not (r.executor in lesson and r.valid and r.est and r.schedule):
                continue  # the lesson's own code only; the other tools are headlines
            n, lat = int(r.tasks), r.get("latency-ms", 0) / 1e3
            ideal = r.schedule.serial_waits(n) * lat
            cpu = r.cpu or 0.0
            hi = ideal + cpu + r.schedule.serial_waits(n) * costs.per_wait_s(r) + 2 * costs.slack_s
            c.point(case, f"{case.name} {r.label} N={n}", r.est, ideal, hi)
            c.text(f"{r.label} N={n}: {fmt_s(ideal)} (+ CPU {fmt_s(cpu)})",
                   f"{r.label} N={n}: {fmt_est(r.est)}")
    return c.done()


def _rule_is(run, r, waits, computes):
    rule = run.registry.rule(r.executor) or {}
    return rule.get("waits_at_once") == waits and rule.get("computes_at_once") == computes


def _blas(run, r):
    """One call computed by T threads: a BLAS library (its rule: one task, threads compute)."""
    return r.reference and r.valid and _rule_is(run, r, "1", "threads")


def _interpreted(run, r):
    """A reference program that computes one task at a time whatever its threads: its rule
    says so (Python's interpreter lock)."""
    return r.reference and r.valid and r.est and r.schedule and \
        (run.registry.rule(r.executor) or {}).get("computes_at_once") == "1"


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


def cp(run, costs):
    cores = run.cores
    c = Claim("CP", "in Python, threads and asyncio give pure-Python compute no speed-up while "
              "processes do; in C threads do; NumPy and OpenBLAS beat pure Python by orders of "
              "magnitude",
              "a program whose rule computes one task at a time (the interpreter lock) gets no "
              "speed-up over one thread; one that computes on T processes or threads gets "
              "tasks / ceil(tasks / min(T, usable cores)); a BLAS call's GFLOP/s over pure "
              "Python's at the same n (each Python program sizes its hash chain by its own "
              "calibration: times are compared per unit of work)",
              f"no speed-up: at most {NO_SPEEDUP}x; speed-up: measured / predicted in "
              f"[{C4_BAND[0]}, {C4_BAND[1]}]; BLAS / pure Python >= {ORDERS:g}x")
    for case in run.tagged("CP"):
        # The baseline: an interpreted program on one thread; the others that the interpreter
        # lock holds to one task at a time, and those that compute on several processes or
        # threads (a process pool; cvpbench's threads against cvpbench's sequential).
        interp = [r for r in case.rows if _interpreted(run, r)]
        base = next((r for r in interp if r.schedule.waits == 1), None)
        interp = [r for r in interp if r is not base]
        parallel = [r for r in case.rows if r.valid and r.est and r.schedule
                    and r.schedule.computes > 1 and r.schedule.waits > 1]
        for r in interp if base else []:
            sp = _speedup(base, r)
            c.point(case, f"{case.name} {r.label}", sp, None, NO_SPEEDUP)
            c.text(f"{r.label}: 1x", f"{r.label}: {fmt_est(sp, _x)}")
        for r in parallel:
            one = base if r.reference else case.sequential(r)
            if one is None:
                continue
            n, t = int(r.tasks), r.schedule.computes
            ideal = n / math.ceil(n / max(1, min(t, cores, n)))
            sp = _speedup(one, r)
            c.point(case, f"{case.name} {r.label}", sp, C4_BAND[0] * ideal, C4_BAND[1] * ideal)
            c.text(f"{r.label}: {ideal:.2f}x", f"{r.label}: {fmt_est(sp, _x)}")
        blas = [(r, _gflops(r)) for r in case.rows if _blas(run, r)]
        pure = [(r, _gflops(r)) for r in case.rows if _interpreted(run, r)]
        pure = [(r, g) for r, g in pure if g and g.value > 0]
        if blas and pure:
            slow = max(pure, key=lambda x: x[1].value)
            for r, g in blas:
                if g:
                    ratio = stats.ratio_of(g, slow[1])
                    c.point(case, f"{case.name} {r.label} / {slow[0].label}", ratio, ORDERS)
                    c.text(f"{r.label}: >= {ORDERS:g}x {slow[0].label}",
                           f"{r.label}: {fmt_est(ratio, _x)} {slow[0].label}")
    v = c.done()
    if not v["points"] and run.tagged("CP") and cores < 2:
        v["reason"] = "not measured: one usable core, so the case has no parallel rows"
    return v


def _what(case, r):
    lat = r.get("latency-ms")
    if case.workload == "http":
        return f"{int(r.tasks):,} GETs of /delay/{lat:g}"
    if case.workload == "sleep":
        return f"{int(r.tasks):,} sleeps of {lat:g} ms"
    return f"{int(r.tasks):,} {case.workload} tasks"


def _workers(run, r):
    rule = run.registry.rule(r.executor) or {}
    return rule.get("overlap") == "workers" and rule.get("computes_at_once") in ("threads",
                                                                                 "processes")


def _share(r):
    fr = [d.get("peak_fraction") for d in r.samples if d.get("valid")
          and isinstance(d.get("peak_fraction"), (int, float))]
    return sorted(fr)[len(fr) // 2] if fr else None


def headlines(run):
    """Lines for the answer: in every case with reference rows, cvpbench's fastest row at its
    largest point against the reference programs there; and each BLAS row (a library's one
    call on T threads) against our best matmul row at T threads."""
    out = []
    for case in run.cases:
        refs = [r for r in case.rows if r.reference and r.valid and r.est]
        ours = [r for r in case.rows if not r.reference and r.valid and r.est and r.tasks
                and "latency-ms" in r.params]
        if not refs or not ours:
            continue
        n = max(r.tasks for r in ours)
        mine = min((r for r in ours if r.tasks == n), key=lambda r: r.wall_in)
        same = [r for r in refs if r.tasks == n and r.get("latency-ms") == mine.get("latency-ms")]
        if same:
            parts = ", ".join(f"{r.label} {fmt_s(r.wall_in)} ({r.ratio(mine).value:.1f}x)"
                              for r in sorted(same, key=lambda r: r.wall_in))
            out.append(f"  {_what(case, mine)}: our {mine.label} {fmt_est(mine.est)}; {parts}")
    # The matrix product at the largest size measured beside a BLAS library.
    sized = [c for c in run.cases if any(_blas(run, r) and r.get("size") for r in c.rows)]
    for case in sorted(sized, key=lambda c: -max(r.get("size") or 0 for r in c.rows))[:1]:
        blas = {(int(r.schedule.computes), r.executor): r for r in case.rows if _blas(run, r)
                and r.est and r.schedule and r.gflops and r.get("size")}
        # "Ours" is the fastest of cvpbench's own executors that compute on worker threads or
        # processes (their published rule), at the same number of them: never the event loop,
        # whose one thread computes as sequential does.
        ours = [r for r in case.rows if not r.reference and r.valid and r.est and r.gflops
                and _workers(run, r)]
        for (t, _), ref in sorted(blas.items()):
            mine = [r for r in ours if int(r.threads or 1) == t and r.get("size") == ref.get("size")]
            if mine:
                best = max(mine, key=lambda r: r.gflops)
                sp = best.ratio(ref)
                share = _share(best)
                out.append(f"  matmul n={ref.get('size')}, {t} thread{'s' * (t > 1)}: "
                           f"{best.label} {best.gflops:.1f} GFLOP/s"
                           + (f" ({share:.0%} of peak)" if share else "")
                           + f", {ref.label} {ref.gflops:.1f}: ours takes {fmt_est(sp, _x)} "
                           "its time")
    return out

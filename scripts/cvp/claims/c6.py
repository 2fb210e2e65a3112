"""NAME    claims/c6.py
PURPOSE C6: an in-flight task costs far less memory on the event loop than on a thread: the
        memory an executor holds, fitted per task over N. Its record keeps every row it read
        ("series") and where the fit starts ("fit_from"): the memory plot draws those."""
from ..constants import LOOP_TASK_KIB, MIN_TASKS, STACK_PAGE_KIB
from ..stats import slope
from . import claim
from ._kit import Claim, exact

ID = "C6"


def held_rows(run):
    """(case, row) of the tagged cases whose tasks were all in flight at once, with the memory
    the executor held known: the claim fits its slopes to those with N >= MIN_TASKS."""
    for case in run.tagged(ID):
        for r in case.rows:
            if r.valid and r.tasks and r.held_kib is not None and r.schedule \
                    and r.schedule.waits >= r.tasks:
                yield case, r


@claim(ID, unit="KiB", plot="memory")
def judge(run, costs):
    c = Claim(ID, "an in-flight task costs far less memory on the event loop than on a thread",
              f"the memory an executor holds for N tasks in flight (what its set-up added to the "
              f"resident set, plus how far a batch rises above it) grows per task by >= "
              f"{STACK_PAGE_KIB:g} KiB with a thread each (one touched stack page) and by <= "
              f"{LOOP_TASK_KIB:g} KiB on the loop", f"slope over N (N >= {MIN_TASKS}, all "
                                                    "tasks in flight)")
    loop, threads, where, series = [], [], None, []
    for case, r in held_rows(run):
        series.append({"executor": r.executor, "tasks": int(r.tasks), "kib": r.held_kib,
                       "latency_ms": r.get("latency-ms")})
        if r.tasks < MIN_TASKS:
            continue
        if r.schedule.on_loop and r.schedule.computes == 1:
            loop.append((r.tasks, r.held_kib))
        elif not r.schedule.on_loop:
            threads.append((r.tasks, r.held_kib))
        where = case
    sl, st = slope(loop), slope(threads)
    if sl is not None and st is not None:
        c.point(where, "KiB per thread", exact(st), STACK_PAGE_KIB, None)
        c.point(where, "KiB per loop task", exact(sl), None, LOOP_TASK_KIB)
        ratio = f"{st / sl:.0f}x" if sl > 0 else "loop ~0"
        c.text(f">= {STACK_PAGE_KIB:g} KiB per thread, <= {LOOP_TASK_KIB:g} KiB per loop task",
               f"{st:.1f} KiB per thread, {sl:.2f} KiB per loop task ({ratio})")
    v = c.done()
    v["series"], v["fit_from"] = series, MIN_TASKS
    return v

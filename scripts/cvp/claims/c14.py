"""NAME    claims/c14.py
PURPOSE C14: in C, worker processes give compute the speed-up threads give (no interpreter lock
        here), but cost more to start and more memory per worker: slopes over the worker count
        by regression, as C6 does; noop shows the per-task cost of crossing the process
        boundary (reported, not judged: the model predicts the same cost as a thread's)."""
from ..constants import COSTLIER  # a process costs at least this x a thread
from ..constants import PROCESS_SAME as SAME  # process / threads on the same compute
from ..fmt import est, s, x
from ..stats import slope
from . import claim
from ._kit import Claim, exact, rule, threaded

ID = "C14"


def _forks(run, r):
    return not r.reference and bool(rule(run, r).get("forks"))


def _pool(run, r):
    """cvpbench's own pools of threads, without a cap (their published rule)."""
    return threaded(run, r) and rule(run, r).get("cap") is False


def _med(r, fn):
    e = r.per_sample(fn)
    return e.value if e else None


def _empty(wl):
    """Empty tasks (what dispatching one costs): a workload whose only parameter is how many."""
    return set(wl.get("defaults") or {}) <= {"tasks"}


def _fit(rows, fn):
    pts = [(int(r.threads), fn(r)) for r in rows if r.threads]
    return slope([(a, b) for a, b in pts if b is not None])


@claim(ID, unit="x")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, "worker processes give compute the speed-up of threads, but cost more to "
                  "start and more memory per worker",
              "the same tasks on P processes and on P threads take the same time; start-up "
              "(fork to ready) and the memory each worker holds alone grow by more per process "
              "than per thread (slopes over the worker count)",
              f"process / thread-pool wall in [{SAME[0]}, {SAME[1]}] at P = usable cores "
              f"({cores}); per-worker slopes: process >= {COSTLIER:g}x thread")
    for case in run.tagged(ID):
        procs = [r for r in case.rows if r.valid and r.est and _forks(run, r)]
        pools = [r for r in case.rows if r.valid and r.est and _pool(run, r)]
        if not procs or not pools:
            continue
        wl = run.registry.workloads.get(case.workload) or {}
        # Compute (not the empty tasks that time dispatching): the same tasks, the same speed.
        if wl.get("kind") == "cpu" and not _empty(wl):
            p = max((r for r in procs if r.threads and r.threads <= cores), default=None,
                    key=lambda r: r.threads)
            t = next((r for r in pools if p and r.threads == p.threads), None)
            if p and t:
                ratio = p.ratio(t)
                c.point(case, f"{case.name}: process/thread-pool at {int(p.threads)}", ratio, *SAME)
                c.text(f"{case.name}: ratio 1.00", f"{case.name} ({int(p.threads)} workers): "
                       f"{s(p.wall_in)} vs {s(t.wall_in)} ({est(ratio, x)})")
            continue
        # Start-up and memory against the worker count (empty tasks: nothing else is held).
        start = lambda r: _med(r, lambda d: d["setup_us"])  # noqa: E731
        mem = lambda r: _med(r, lambda d: max(0, d["setup_rss_kib"]) +  # noqa: E731
                             d.get("procs", 0) * d.get("worker_kib", 0))
        sp, st = _fit(procs, start), _fit(pools, start)
        mp, mt = _fit(procs, mem), _fit(pools, mem)
        if sp is not None and st is not None and st > 0:
            c.point(case, "start-up per worker, process / thread", exact(sp / st), COSTLIER, None)
            c.text(f"start-up per process >= {COSTLIER:g}x per thread",
                   f"{sp:.0f} us per process, {st:.0f} us per thread")
        if mp is not None and mt is not None and mt > 0:
            c.point(case, "memory per worker, process / thread", exact(mp / mt), COSTLIER, None)
            c.text(f"memory per process >= {COSTLIER:g}x per thread",
                   f"{mp:.0f} KiB per process, {mt:.0f} KiB per thread")
        # The boundary's per-task cost: reported, not judged (the model predicts none).
        n = max((r.tasks or 0) for r in procs)
        p = max(procs, key=lambda r: r.threads or 0)
        t = next((r for r in pools if r.threads == p.threads), None)
        if t and n:
            c.text("per task: the same claim and outcome as a thread's",
                   f"per task {p.wall_in / n * 1e9:.0f} ns on {int(p.threads)} processes, "
                   f"{t.wall_in / n * 1e9:.0f} ns on as many threads")
    return c.done()

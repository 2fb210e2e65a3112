"""NAME    claims_procs.py
PURPOSE The claims about processes and machines (issue 15), judged like C1..C8 (claims.py: a
        model, a band, an interval per point):
          C14  in C, worker processes give compute the speed-up threads give (no interpreter
               lock here), but cost more to start and more memory per worker: slopes over the
               worker count by regression, as C6 does; noop shows the per-task cost of crossing
               the process boundary (a claim from a shared counter and an outcome in shared
               memory: the same work as a thread's, so the same cost is predicted)
          C15  matmul across R ranks (R = 1..usable cores): wall = compute / R + bytes moved /
               measured bandwidth; the speed-up and the communication share against it
"""
from . import stats
from .claimkit import Claim, fmt_est, fmt_s, fmt_x as _x, slope

SAME = (0.85, 1.18)   # process / threads on the same compute: the same speed within 15%
COSTLIER = 2.0        # a worker process costs at least twice a thread to start and to hold
C15_BAND = (0.75, 1.35)  # measured wall / modelled wall


def _forks(run, r):
    return not r.reference and bool((run.registry.rule(r.executor) or {}).get("forks"))


def _threads_pool(run, r):
    """cvpbench's own pools of threads: a reference program (OpenBLAS, NumPy) states a rule of
    threads too, but its time is another program's work, not the same tasks on threads."""
    rule = run.registry.rule(r.executor) or {}
    return not r.reference and rule.get("computes_at_once") == "threads" \
        and rule.get("overlap") == "workers" and rule.get("cap") is False


def _med(r, fn):
    e = r.per_sample(fn)
    return e.value if e else None


def c14(run, costs):
    cores = run.cores
    c = Claim("C14", "worker processes give compute the speed-up of threads, but cost more to "
                     "start and more memory per worker",
              "the same tasks on P processes and on P threads take the same time; start-up "
              "(fork to ready) and the memory each worker holds alone grow by more per process "
              "than per thread (slopes over the worker count)",
              f"process / thread-pool wall in [{SAME[0]}, {SAME[1]}] at P = usable cores "
              f"({cores}); per-worker slopes: process >= {COSTLIER:g}x thread")
    for case in run.tagged("C14"):
        procs = [r for r in case.rows if r.valid and r.est and _forks(run, r)]
        pools = [r for r in case.rows if r.valid and r.est and _threads_pool(run, r)]
        if not procs or not pools:
            continue
        kind = (run.registry.workloads.get(case.workload) or {}).get("kind")
        if kind == "cpu" and case.workload != "noop":
            p = max((r for r in procs if r.threads and r.threads <= cores), default=None,
                    key=lambda r: r.threads)
            t = next((r for r in pools if p and r.threads == p.threads), None)
            if p and t:
                ratio = p.ratio(t)
                c.point(case, f"{case.name}: process/thread-pool at {int(p.threads)}", ratio, *SAME)
                c.text(f"{case.name}: ratio 1.00", f"{case.name} ({int(p.threads)} workers): "
                       f"{fmt_s(p.wall_in)} vs {fmt_s(t.wall_in)} ({fmt_est(ratio, _x)})")
            continue
        # Start-up and memory against the worker count (noop: nothing else is held).
        def fit(rows, fn):
            pts = [(int(r.threads), fn(r)) for r in rows if r.threads]
            return slope([(x, y) for x, y in pts if y is not None])
        start = lambda r: _med(r, lambda d: d["setup_us"])  # noqa: E731
        mem = lambda r: _med(r, lambda d: max(0, d["setup_rss_kib"]) +  # noqa: E731
                             d.get("procs", 0) * d.get("worker_kib", 0))
        sp, st = fit(procs, start), fit(pools, start)
        mp, mt = fit(procs, mem), fit(pools, mem)
        point = lambda v: stats.Estimate(v, v, v, 1.0, 1)  # noqa: E731 - a slope of medians
        if sp is not None and st is not None and st > 0:
            c.point(case, "start-up per worker, process / thread", point(sp / st), COSTLIER, None)
            c.text(f"start-up per process >= {COSTLIER:g}x per thread",
                   f"{sp:.0f} us per process, {st:.0f} us per thread")
        if mp is not None and mt is not None and mt > 0:
            c.point(case, "memory per worker, process / thread", point(mp / mt), COSTLIER, None)
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


def c15(run, costs):
    cores = run.cores
    c = Claim("C15", f"matmul across R ranks: speed-up compute-bound up to the cores, less the "
                     f"data moved (R = 1..{cores})",
              "wall(R) = compute(1) / R + bytes moved / bandwidth (both measured: the bytes by "
              "the executor, the bandwidth between ranks 0 and 1 at set-up)",
              f"measured / modelled wall in [{C15_BAND[0]}, {C15_BAND[1]}]")
    for case in run.tagged("C15"):
        rows = sorted((r for r in case.rows if r.valid and r.est and r.get("ranks")),
                      key=lambda r: r.get("ranks"))
        one = next((r for r in rows if r.get("ranks") == 1), None)
        if not one:
            continue
        compute1 = _med(one, lambda d: d["executor_metrics"]["compute_s"]) or one.wall_in
        for r in rows:
            ranks = int(r.get("ranks"))
            moved = _med(r, lambda d: d["executor_metrics"]["moved_bytes"]) or 0
            bw = _med(r, lambda d: d["executor_metrics"]["bandwidth_gbs"] * 1e9) or 0
            comm = moved / bw if bw > 0 else 0.0
            model = compute1 / ranks + comm
            ratio = stats.Estimate(r.est.value / model, r.est.lo / model, r.est.hi / model,
                                   r.est.level, r.est.n)
            c.point(case, f"R = {ranks}", ratio, *C15_BAND)
            share = _med(r, lambda d: d["executor_metrics"]["comm_s"] / d["wall_s"]) or 0
            c.text(f"R = {ranks}: {fmt_s(model)} (speed-up {one.wall_in / model:.2f}, "
                   f"communication {comm / model:.0%})",
                   f"R = {ranks}: {fmt_s(r.wall_in)} (speed-up {one.wall_in / r.wall_in:.2f}, "
                   f"communication {share:.0%})")
    return c.done()

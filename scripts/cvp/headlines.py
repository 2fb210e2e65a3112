"""NAME    headlines.py
PURPOSE The answer's headline lines against the reader's own code: in every case with reference
        rows, cvpbench's fastest row at its largest point against the reference programs there;
        and each BLAS row (a library's one call on T threads) against our best matmul row at T
        threads. Read from the results, never judged.
"""
from .claims._refs import blas, workers
from .fmt import est, s, x


def _what(case, r):
    lat = r.get("latency-ms")
    kind = (r.registry.workloads.get(case.workload) or {})
    if kind.get("needs_server"):
        return f"{int(r.tasks):,} GETs of /delay/{lat:g}"
    if kind.get("kind") == "io" and lat is not None:
        return f"{int(r.tasks):,} sleeps of {lat:g} ms"
    return f"{int(r.tasks):,} {case.workload} tasks"


def _share(r):
    fr = [d.get("peak_fraction") for d in r.samples if d.get("valid")
          and isinstance(d.get("peak_fraction"), (int, float))]
    return sorted(fr)[len(fr) // 2] if fr else None


def lines(run):
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
            parts = ", ".join(f"{r.label} {s(r.wall_in)} ({r.ratio(mine).value:.1f}x)"
                              for r in sorted(same, key=lambda r: r.wall_in))
            out.append(f"  {_what(case, mine)}: our {mine.label} {est(mine.est)}; {parts}")
    # The matrix product at the largest size measured beside a BLAS library.
    sized = [c for c in run.cases if any(blas(run, r) and r.get("size") for r in c.rows)]
    for case in sorted(sized, key=lambda c: -max(r.get("size") or 0 for r in c.rows))[:1]:
        libs = {(int(r.schedule.computes), r.executor): r for r in case.rows if blas(run, r)
                and r.est and r.schedule and r.gflops and r.get("size")}
        # "Ours" is the fastest of cvpbench's own executors that compute on worker threads or
        # processes (their published rule), at the same number of them: never the event loop,
        # whose one thread computes as the baseline does.
        ours = [r for r in case.rows if not r.reference and r.valid and r.est and r.gflops
                and workers(run, r)]
        for (t, _), ref in sorted(libs.items()):
            mine = [r for r in ours
                    if int(r.threads or 1) == t and r.get("size") == ref.get("size")]
            if mine:
                best = max(mine, key=lambda r: r.gflops)
                sp = best.ratio(ref)
                share = _share(best)
                out.append(f"  {case.workload} n={ref.get('size')}, {t} thread{'s' * (t > 1)}: "
                           f"{best.label} {best.gflops:.1f} GFLOP/s"
                           + (f" ({share:.0%} of peak)" if share else "")
                           + f", {ref.label} {ref.gflops:.1f}: ours takes {est(sp, x)} "
                           "its time")
    return out

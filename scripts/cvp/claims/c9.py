"""NAME    claims/c9.py
PURPOSE C9: file I/O on an event loop overlaps only as far as its engine lets it (libuv's pool,
        io_uring's depth); warm reads are memory copies no executor speeds up beyond the cores."""
from ..constants import COLD_VS_WARM, OVERLAP_MAX, OVERLAP_MIN
from ..fmt import est, s, x
from . import claim
from ._files import base, batching, cap, metric_str, width
from ._kit import Claim

ID = "C9"


@claim(ID, unit="x")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, "file I/O on an event loop overlaps only as far as its engine lets it: "
                  "libuv's pool (UV_THREADPOOL_SIZE threads, the aiofiles way) or io_uring's "
                  "queue depth; warm reads are memory copies that no executor speeds up beyond "
                  f"the cores (usable cores here = {cores}), io_uring only by batching calls",
              "N cold reads take at least ceil(N/w) x t1, t1 = one cold read as the sequential "
              "row measured it, w = what overlaps: libuv's pool size (event-loop --io uv: every "
              "uv_fs call is a blocking call on a pool thread), io_uring's depth (--io uring), a "
              "pool's threads; warm reads at least ceil(N/min(w, P)) x t1 (copies need cores), "
              "on io_uring less each call's fixed cost (one submission carries many tasks' "
              "calls: t1 - calls x a cached file call); "
              "where a cold read is not 2x slower than a warm one (the host caches the disk) the "
              "model predicts no overlap benefit and cold is judged as warm",
              f"speed-up over sequential <= {OVERLAP_MAX} x N/ceil(N/w) (warm: w capped at the "
              f"cores); cold rows with w >= 2 also > {OVERLAP_MIN:g} (the reads do overlap)")
    for case in run.tagged(ID):
        seqs = {r.get("cache", "cold"): r for r in case.rows
                if r is base(case, r) and r.get("cache")}
        t1 = {k: r.wall_in / max(1, int(r.tasks)) for k, r in seqs.items()}
        cold_is_warm = "cold" in t1 and "warm" in t1 and t1["cold"] < COLD_VS_WARM * t1["warm"]
        if cold_is_warm:
            c.text(f"{case.name}: a cold read ({s(t1['cold'])}) is not {COLD_VS_WARM:g}x a "
                   f"warm one ({s(t1['warm'])}): no overlap benefit predicted",
                   f"{case.name}: cold judged as warm")
        shown = []
        for r in case.rows:
            seq = base(case, r)
            if not (r.valid and r.est) or seq is None or r is seq:
                continue
            n = int(r.tasks)
            w, what = width(r)
            cache = r.get("cache", "cold")
            warm = cache == "warm" or cold_is_warm
            ideal = cap(n, min(w, cores) if warm else w)
            if warm and metric_str(r, "engine") == "io_uring":
                gain = batching(r, t1.get("warm", t1.get(cache)), costs)
                ideal = min(cap(n, w), ideal * gain) if gain else cap(n, w)
            lo = OVERLAP_MIN if not warm and w >= 2 else None
            sp = seq.ratio(r)
            c.point(case, f"{case.name} {cache} {r.label} ({what})", sp, lo, OVERLAP_MAX * ideal)
            shown.append(f"{cache} {what}: {est(sp, x)} (<= {ideal:.1f}x)")
        if seqs:
            c.text(f"{case.name}: " + ", ".join(f"{k} t1 = {s(v)}" for k, v in t1.items())
                   + f", a cached file call {s(costs.file_call_s())}",
                   f"{case.name}: " + "; ".join(shown))
    return c.done()

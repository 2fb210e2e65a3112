"""NAME    fileio.py
PURPOSE Claims C9, C10 and C16, about the waits an event loop cannot poll: regular files and SQLite.

On Linux neither a regular file nor SQLite offers the readiness an event loop waits for, so an
"async" read is a blocking call on some thread: libuv's uv_fs_* and uv_queue_work run on its pool
of UV_THREADPOOL_SIZE threads (aiofiles and aiosqlite do the same with theirs). Only io_uring
overlaps file I/O without a thread per call. Each claim compares a row with the sequential row
at the same point (the engine and pool size aside: they only change how the loop form runs) and
judges the speed-up with its interval (paired where both shared rounds), as C3 and C4 do.

What overlaps (w) is read from what the run recorded: libuv's pool size in force
(workload_metrics.fs_threads), io_uring's queue depth (uring_depth), a pool's threads.
"""
import math
import statistics

from . import models
from .claimkit import Claim, fmt_est, fmt_s, fmt_x as _x

OVERLAP_MAX = 1.1   # measured speed-up / the most that w at once allow
OVERLAP_MIN = 1.0   # cold reads with w >= 2 do overlap: faster than one at a time
COLD_VS_WARM = 2.0  # a cold read this much slower than a warm one is a read from the device
READS_LOW = 0.7     # C10 reads: speed-up / min(threads, cores) at least ...
READS_HIGH = 1.1    # ... and at most
WRITES_MAX = 1.15   # C10 updates only: no executor beats one writer at a time by more
# C10: a query reading fewer rows than this is short enough that beginning and ending its read
# transaction (a lock on the WAL index that every connection of the process shares: ~2 us here,
# against ~0.5 us for the lookup itself) dominates; for those only the upper bound is judged.
ROW_BOUND = 100
C16_LOW, C16_HIGH = 0.8, 1.5  # C16: measured / model, as C8's


def _metric(row, key):
    vals = [(s.get("workload_metrics") or {}).get(key) for s in row.samples]
    vals = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(vals) if vals else None


def _engine_params(row):
    """Workload parameters that choose how the loop form runs, not what the work is."""
    return {"io", "fs-threads"}


def _same_work(a, b):
    skip = a.registry.executor_only_params | _engine_params(a)
    pa = {k: v for k, v in a.params.items() if k not in skip}
    pb = {k: v for k, v in b.params.items() if k not in skip}
    return pa == pb


def _sequential(case, row):
    """The one-at-a-time row that did the same work (any engine or pool size)."""
    for r in case.rows:
        if r.valid and r.est and r.schedule and r.schedule.waits == 1 \
                and r.schedule.computes == 1 and not r.schedule.on_loop \
                and r.get("blocking") != "yes" and _same_work(r, row):
            return r
    return None


def _width(row):
    """How many of the row's tasks can wait on the device at once, and what limits it."""
    s = row.schedule
    if s and s.on_loop:
        depth = _metric(row, "uring_depth")
        if _metric_str(row, "engine") == "io_uring" and depth:
            return int(depth), f"io_uring depth {int(depth)}"
        pool = _metric(row, "fs_threads")
        if pool:
            return int(pool), f"libuv pool {int(pool)}"
    if s:
        return max(1, min(s.waits, s.computes)), f"{max(1, min(s.waits, s.computes))} threads"
    return 1, "1"


def _metric_str(row, key):
    vals = [(s.get("workload_metrics") or {}).get(key) for s in row.samples]
    vals = [v for v in vals if isinstance(v, str)]
    return vals[0] if vals else None


def _cap(n, w):
    """The most a batch of n tasks can speed up with w at once: n / ceil(n / w)."""
    return n / math.ceil(n / max(1, min(w, n)))


def _calls_per_task(row):
    """System calls one task makes in the blocking form: open, its reads or writes (one, or one
    per --block), an fsync when asked, close."""
    size = int(row.get("file-size", 4096) or 4096)
    block = int(row.get("block", 0) or 0)
    return 2 + (math.ceil(size / block) if block > 0 else 1) + (row.get("fsync") in ("yes", True))


def _batching(row, t1, costs):
    """How much faster io_uring can make a warm read than its blocking twin without overlapping
    anything: it submits the calls of many tasks at once, so at most each call's fixed cost
    (measured: a 1-byte pread of a cached file) leaves the task's time t1."""
    saved = _calls_per_task(row) * costs.file_call_s()
    return t1 / (t1 - saved) if t1 and t1 > saved else None


def c9(run, costs):
    cores = run.cores
    c = Claim("C9", "file I/O on an event loop overlaps only as far as its engine lets it: "
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
    for case in run.tagged("C9"):
        seqs = {r.get("cache", "cold"): r for r in case.rows
                if r is _sequential(case, r) and r.get("cache")}
        t1 = {k: r.wall_in / max(1, int(r.tasks)) for k, r in seqs.items()}
        cold_is_warm = "cold" in t1 and "warm" in t1 and t1["cold"] < COLD_VS_WARM * t1["warm"]
        if cold_is_warm:
            c.text(f"{case.name}: a cold read ({fmt_s(t1['cold'])}) is not {COLD_VS_WARM:g}x a "
                   f"warm one ({fmt_s(t1['warm'])}): no overlap benefit predicted",
                   f"{case.name}: cold judged as warm")
        shown = []
        for r in case.rows:
            seq = _sequential(case, r)
            if not (r.valid and r.est) or seq is None or r is seq:
                continue
            n = int(r.tasks)
            w, what = _width(r)
            cache = r.get("cache", "cold")
            warm = cache == "warm" or cold_is_warm
            ideal = _cap(n, min(w, cores) if warm else w)
            if warm and _metric_str(r, "engine") == "io_uring":
                gain = _batching(r, t1.get("warm", t1.get(cache)), costs)
                ideal = min(_cap(n, w), ideal * gain) if gain else _cap(n, w)
            lo = OVERLAP_MIN if not warm and w >= 2 else None
            sp = seq.ratio(r)
            c.point(case, f"{case.name} {cache} {r.label} ({what})", sp, lo, OVERLAP_MAX * ideal)
            shown.append(f"{cache} {what}: {fmt_est(sp, _x)} (<= {ideal:.1f}x)")
        if seqs:
            c.text(f"{case.name}: " + ", ".join(f"{k} t1 = {fmt_s(v)}" for k, v in t1.items())
                   + f", a cached file call {fmt_s(costs.file_call_s())}",
                   f"{case.name}: " + "; ".join(shown))
    return c.done()


def c10(run, costs):
    cores = run.cores
    c = Claim("C10", "an aiosqlite-style loop gives queries no speed-up beyond its threads: "
                     "reads scale with min(threads, cores); with updates every executor "
                     "serialises on SQLite's one writer",
              "reads: speed-up = N/ceil(N/min(w, P)), w = the threads that run queries (a "
              "pool's threads; on the loop, libuv's pool, which uv_queue_work uses); updates "
              "only: speed-up 1 (one writer at a time, the others wait in the busy handler)",
              f"reads of >= {ROW_BOUND} rows: measured / model in [{READS_LOW}, {READS_HIGH}]; "
              f"shorter reads (point lookups) only <= {READS_HIGH} x model: their read "
              "transaction's begin and end take a lock on the WAL index shared by every "
              f"connection of the process, which the model leaves out; updates: speed-up <= "
              f"{WRITES_MAX} (paired rounds where they shared them)")
    for case in run.tagged("C10"):
        pts = []
        for r in case.rows:
            seq = _sequential(case, r)
            if not (r.valid and r.est) or seq is None or r is seq:
                continue
            n, (w, what) = int(r.tasks), _width(r)
            sp = seq.ratio(r)
            wr = int(r.get("write-ratio", 0) or 0)
            busy = _metric(r, "busy_retries")
            if wr == 0:
                ideal = _cap(n, min(w, cores))
                point = int(r.get("rows", 1) or 1) < ROW_BOUND
                kind = "point lookups" if point else "reads"
                c.point(case, f"{case.name} {kind} {r.label} ({what})", sp,
                        None if point else READS_LOW * ideal, READS_HIGH * ideal)
                pts.append(f"{kind} {what}: {fmt_est(sp, _x)} (model {'<= ' if point else ''}"
                           f"{ideal:.2f}x)")
            elif wr == 100:
                c.point(case, f"{case.name} updates {r.label} ({what})", sp, None, WRITES_MAX)
                pts.append(f"updates {what}: {fmt_est(sp, _x)}, {busy or 0:.0f} busy waits")
        if pts:
            c.text(f"{case.name}: reads min(w, {cores})x, updates 1x", f"{case.name}: "
                   + "; ".join(pts))
    return c.done()


def c16(run, costs):
    cores = run.cores
    c = Claim("C16", "asynchronous database access pays when the loop has other waits to "
                     "overlap it with: alone, the query is work that only threads speed up",
              "dbfetch: N tasks wait L (a request) then query for Q (Q = the sequential row's "
              "own per-query time); each executor by C8's model with W = Q: event-loop runs the "
              "query on the loop thread (L + N Q), hybrid hands it to its threads, aiosqlite's "
              "way (L + ceil(N/min(T,P)) Q)",
              f"measured in [{C16_LOW} x model, {C16_HIGH} x model + the model's slack "
              "(per-request costs, lateness, wake-ups: costs.py)]; " + costs.describe())
    for case in run.tagged("C16"):
        by_lat = {}
        for r in case.rows:
            seq = _sequential(case, r)
            q_us = _metric(seq, "query_us") if seq else None
            if not (r.valid and r.est and r.schedule) or q_us is None:
                continue
            n, lat = int(r.tasks), r.get("latency-ms", 0) / 1e3
            model = models.time_s(r.schedule, n, lat, q_us / 1e6, cores)
            slack = costs.slack_for(r, cores) or 0
            c.point(case, f"{case.name} L={lat * 1e3:g}ms {r.label}", r.est, C16_LOW * model,
                    C16_HIGH * model + slack)
            if r is not seq:
                by_lat.setdefault(lat, []).append(f"{r.executor} {fmt_est(seq.ratio(r), _x)}")
        for lat, items in sorted(by_lat.items()):
            c.text(f"{case.name} L={lat * 1e3:g} ms: each executor on C8's model",
                   f"{case.name} L={lat * 1e3:g} ms, speed-up over sequential: "
                   + ", ".join(items))
    return c.done()


ALL = (c9, c10, c16)

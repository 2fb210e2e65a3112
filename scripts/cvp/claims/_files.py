"""NAME    claims/_files.py
PURPOSE What C9, C10 and C16 share, about the waits an event loop cannot poll (regular files,
        SQLite): the baseline row that did the same work, how many tasks overlap and what
        limits it, and the run's recorded per-sample workload metrics.

On Linux neither a regular file nor SQLite offers the readiness an event loop waits for, so an
"async" read is a blocking call on some thread: libuv's uv_fs_* and uv_queue_work run on its pool
of UV_THREADPOOL_SIZE threads (aiofiles and aiosqlite do the same with theirs). Only io_uring
overlaps file I/O without a thread per call. Each claim compares a row with the baseline row at
the same point (the engine and pool size aside: they only change how the loop form runs).
What overlaps (w) is read from what the run recorded: libuv's pool size in force
(workload_metrics.fs_threads), io_uring's queue depth (uring_depth), a pool's threads.
"""
import math
import statistics

from .. import baseline

# Workload parameters that choose how the loop form runs, not what the work is.
ENGINE_PARAMS = ("io", "fs-threads")


def metric(row, key):
    vals = [(s.get("workload_metrics") or {}).get(key) for s in row.samples]
    vals = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(vals) if vals else None


def metric_str(row, key):
    vals = [(s.get("workload_metrics") or {}).get(key) for s in row.samples]
    vals = [v for v in vals if isinstance(v, str)]
    return vals[0] if vals else None


def base(case, row):
    """The baseline row that did the same work as row (any engine or pool size)."""
    return baseline.row(case, row, ignore=ENGINE_PARAMS, need_est=True)


def width(row):
    """How many of the row's tasks can wait on the device at once, and what limits it."""
    s = row.schedule
    if s and s.on_loop:
        depth = metric(row, "uring_depth")
        if metric_str(row, "engine") == "io_uring" and depth:
            return int(depth), f"io_uring depth {int(depth)}"
        pool = metric(row, "fs_threads")
        if pool:
            return int(pool), f"libuv pool {int(pool)}"
    if s:
        return max(1, min(s.waits, s.computes)), f"{max(1, min(s.waits, s.computes))} threads"
    return 1, "1"


def cap(n, w):
    """The most a batch of n tasks can speed up with w at once: n / ceil(n / w)."""
    return n / math.ceil(n / max(1, min(w, n)))


def calls_per_task(row):
    """System calls one task makes in the blocking form: open, its reads or writes (one, or one
    per --block), an fsync when asked, close."""
    size = int(row.get("file-size", 4096) or 4096)
    block = int(row.get("block", 0) or 0)
    return 2 + (math.ceil(size / block) if block > 0 else 1) + (row.get("fsync") in ("yes", True))


def batching(row, t1, costs):
    """How much faster io_uring can make a warm read than its blocking twin without overlapping
    anything: it submits the calls of many tasks at once, so at most each call's fixed cost
    (measured: a 1-byte pread of a cached file) leaves the task's time t1."""
    saved = calls_per_task(row) * costs.file_call_s()
    return t1 / (t1 - saved) if t1 and t1 > saved else None

"""NAME    claims/c10.py
PURPOSE C10: an aiosqlite-style loop gives queries no speed-up beyond its threads: reads scale
        with min(threads, cores); with updates every executor serialises on SQLite's one writer."""
from ..constants import READS_HIGH, READS_LOW, ROW_BOUND, WRITES_MAX
from ..fmt import est, x
from . import claim
from ._files import base, cap, metric, width
from ._kit import Claim

ID = "C10"
# A query reading fewer rows than ROW_BOUND is short enough that beginning and ending its read
# transaction (a lock on the WAL index that every connection of the process shares: ~2 us here,
# against ~0.5 us for the lookup itself) dominates; for those only the upper bound is judged.


@claim(ID, unit="x")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, "an aiosqlite-style loop gives queries no speed-up beyond its threads: "
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
    for case in run.tagged(ID):
        pts = []
        for r in case.rows:
            seq = base(case, r)
            if not (r.valid and r.est) or seq is None or r is seq:
                continue
            n, (w, what) = int(r.tasks), width(r)
            sp = seq.ratio(r)
            wr = int(r.get("write-ratio", 0) or 0)
            busy = metric(r, "busy_retries")
            if wr == 0:
                ideal = cap(n, min(w, cores))
                point = int(r.get("rows", 1) or 1) < ROW_BOUND
                kind = "point lookups" if point else "reads"
                c.point(case, f"{case.name} {kind} {r.label} ({what})", sp,
                        None if point else READS_LOW * ideal, READS_HIGH * ideal)
                pts.append(f"{kind} {what}: {est(sp, x)} (model {'<= ' if point else ''}"
                           f"{ideal:.2f}x)")
            elif wr == 100:
                c.point(case, f"{case.name} updates {r.label} ({what})", sp, None, WRITES_MAX)
                pts.append(f"updates {what}: {est(sp, x)}, {busy or 0:.0f} busy waits")
        if pts:
            c.text(f"{case.name}: reads min(w, {cores})x, updates 1x", f"{case.name}: "
                   + "; ".join(pts))
    return c.done()

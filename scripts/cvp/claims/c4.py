"""NAME    claims/c4.py
PURPOSE C4: threads speed CPU-bound work up about min(cores, tasks) times. Evidence: the
        speed-up plot."""
import math

from .. import baseline
from ..fmt import est, x
from . import claim
from ._kit import C4_BAND, Claim, threaded

ID = "C4"


@claim(ID, unit="x", plot="cpu-speedup")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, f"threads speed CPU-bound work up about min(cores, tasks) times (usable "
                  f"cores here = {cores})",
              "speed-up at T threads = tasks / ceil(tasks / min(T, usable cores)) (whole tasks); "
              "usable cores: physical cores in the affinity set, within any CPU quota",
              f"measured / predicted in [{C4_BAND[0]}, {C4_BAND[1]}] (paired rounds)")
    for case in run.tagged(ID):
        pools = dict.fromkeys(r.executor for r in case.rows if threaded(run, r))
        for ex in pools:
            rows = [r for r in case.rows if r.executor == ex and r.valid and r.est
                    and r.threads and r.threads <= max(cores, 2)]
            if not rows:
                continue
            r = max(rows, key=lambda y: y.threads)
            seq = baseline.row(case, r)
            if not seq:
                continue
            t, n = int(r.threads), int(r.tasks)
            ideal = n / math.ceil(n / max(1, min(t, cores)))
            speedup = seq.ratio(r)
            c.point(case, f"{case.name} {ex} T={t}", speedup, C4_BAND[0] * ideal,
                    C4_BAND[1] * ideal)
            c.text(f"{case.name} {ex} T={t}: {ideal:.2f}x",
                   f"{case.name} {ex} T={t}: {est(speedup, x)}")
    return c.done()

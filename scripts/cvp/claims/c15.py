"""NAME    claims/c15.py
PURPOSE C15: matmul across R ranks (R = 1..usable cores): wall = compute / R + bytes moved /
        measured bandwidth; the speed-up and the communication share against it. The band of
        measured / modelled wall: at one rank MPI_BAND (the model is one rank's own compute);
        above one, no faster than the model allows (MPI_BAND's lower end) and faster than one
        rank measured (the upper end: what the model leaves out, the all-core clock, shared
        caches and MPI's busy polling, moves from run to run, so no tighter bound is the
        machine's)."""
from .. import stats
from ..constants import MPI_BAND
from ..fmt import s
from . import claim
from ._kit import Claim

ID = "C15"
BAND = MPI_BAND  # measured wall / modelled wall (constants.py)


def _med(r, fn):
    e = r.per_sample(fn)
    return e.value if e else None


@claim(ID, unit="x")
def judge(run, costs):
    cores = run.cores
    c = Claim(ID, f"matmul across R ranks: speed-up compute-bound up to the cores, less the "
                  f"data moved (R = 1..{cores})",
              "wall(R) = compute(1) / R + bytes moved / bandwidth (both measured: the bytes by "
              "the executor, the bandwidth between ranks 0 and 1 at set-up)",
              f"measured / modelled wall in [{BAND[0]}, {BAND[1]}] at one rank; above one, at "
              f"least {BAND[0]} and below one rank's measured wall")
    for case in run.tagged(ID):
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
            hi = BAND[1] if ranks == 1 else one.wall_in / model  # R ranks beat one rank
            c.point(case, f"R = {ranks}", ratio, BAND[0], hi)
            share = _med(r, lambda d: d["executor_metrics"]["comm_s"] / d["wall_s"]) or 0
            c.text(f"R = {ranks}: {s(model)} (speed-up {one.wall_in / model:.2f}, "
                   f"communication {comm / model:.0%})",
                   f"R = {ranks}: {s(r.wall_in)} (speed-up {one.wall_in / r.wall_in:.2f}, "
                   f"communication {share:.0%})")
    return c.done()

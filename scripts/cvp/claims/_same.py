"""NAME    claims/_same.py
PURPOSE Shared by C3 and C5: a row on the event loop takes as long as the baseline at the same
        point (a ratio in SAME, paired rounds)."""
from .. import baseline
from ..fmt import est, s, x
from ._kit import SAME, loop_row


def ratio_claim(run, c, tag, test):
    for case in run.tagged(tag):
        other = loop_row(run, case, test)
        seq = baseline.row(case, other) if other else None
        if seq and other:
            r = other.ratio(seq)
            c.point(case, case.name, r, *SAME)
            c.text(f"{case.name}: {s(seq.wall_in)} (ratio 1.00)",
                   f"{case.name}: {s(other.wall_in)} (ratio {est(r, x)})")
    return c.done()

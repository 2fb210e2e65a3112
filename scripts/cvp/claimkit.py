"""NAME    claimkit.py
PURPOSE What every claim module shares (claims.py, fileio.py, claims_batch.py, claims_ref.py):
        Claim, which collects a claim's points and decides its verdict, and the formatting of
        times and ratios. It imports none of them, so each can import it.
"""
from . import stats
from .stats import FAILS, HOLDS, INCONCLUSIVE

C4_BAND = (0.8, 1.1)  # measured speed-up / predicted (C4, CP)


class Claim:
    """Collects a claim's points and decides its verdict."""

    def __init__(self, cid, title, model, tolerance):
        self.v = {"id": cid, "title": title, "model": model, "tolerance": tolerance,
                  "predicted": "", "measured": "", "verdict": INCONCLUSIVE,
                  "reason": "not measured", "points": []}
        self.pred, self.meas = [], []

    def point(self, case, where, est, lo=None, hi=None, unit=None):
        """Judges est against [lo, hi]; returns the point's verdict."""
        verdict = stats.judge(est, lo, hi)
        reason = ""
        if verdict == INCONCLUSIVE:
            reason = "too noisy: the interval straddles the band"
        if case is not None and case.disturbed and verdict == FAILS:
            verdict, reason = INCONCLUSIVE, (
                f"disturbed: other processes kept {case.load.get('other_cores', 0):.1f} "
                "cores busy")
        self.v["points"].append({
            "case": case.name if case else None, "where": where, "verdict": verdict,
            "reason": reason, "measured": [est.value, est.lo, est.hi, est.level] if est else None,
            "band": [lo, hi]})
        return verdict

    def text(self, predicted, measured):
        self.pred.append(predicted)
        self.meas.append(measured)

    def done(self):
        pts = self.v["points"]
        self.v["predicted"], self.v["measured"] = "; ".join(self.pred), "; ".join(self.meas)
        if not pts:
            return self.v
        self.v["verdict"] = stats.combine(p["verdict"] for p in pts)
        undecided = [p for p in pts if p["verdict"] == INCONCLUSIVE]
        self.v["reason"] = f"{undecided[0]['where']}: {undecided[0]['reason']}" \
            if undecided and self.v["verdict"] == INCONCLUSIVE else ""
        if undecided and self.v["verdict"] == HOLDS:
            self.v["note"] = (f"{len(pts) - len(undecided)} of {len(pts)} points decided, all "
                              f"within; undecided: " + "; ".join(
                                  f"{p['where']} ({p['reason']})" for p in undecided))
        bad = [p for p in pts if p["verdict"] == FAILS]
        if bad:
            self.v["reason"] = f"{len(bad)} of {len(pts)} points outside the band, first " \
                               f"{bad[0]['where']}"
        return self.v


def fmt_s(s):
    if s is None:
        return "-"
    return f"{s * 1e6:.0f} µs" if s < 1e-3 else f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def fmt_est(e, f=fmt_s):
    return "-" if e is None else f"{f(e.value)} [{f(e.lo)}, {f(e.hi)}]"


def fmt_x(v):
    return f"{v:.2f}x"


def slope(points):
    """Least-squares slope of (x, y) pairs; None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)

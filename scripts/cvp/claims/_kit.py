"""NAME    claims/_kit.py
PURPOSE What every claim module shares: Claim, which collects a claim's points and decides its
        verdict, the speed-up band, and the finders every claim uses (a case's rows by rule).
        It imports no claim, so each can import it.
"""
from .. import baseline, stats
from ..constants import SAME  # noqa: F401 (re-exported: "as slow as", C3 and C5)
from ..constants import SPEEDUP_BAND as C4_BAND  # measured speed-up / predicted (C4, CP)
from ..stats import FAILS, HOLDS, INCONCLUSIVE
from ..stats import slope  # noqa: F401 (re-exported for the claims that fit slopes)


class Claim:
    """Collects a claim's points and decides its verdict."""

    def __init__(self, cid, title, model, tolerance):
        self.v = {"id": cid, "title": title, "model": model, "tolerance": tolerance,
                  "predicted": "", "measured": "", "verdict": INCONCLUSIVE,
                  "reason": "not measured", "points": []}
        self.pred, self.meas = [], []

    def point(self, case, where, est, lo=None, hi=None, unit=None):
        """Judges est against [lo, hi]; returns the point's verdict. unit: the point's own
        when it differs from its claim's (registered with the claim)."""
        verdict = stats.judge(est, lo, hi)
        reason = ""
        if verdict == INCONCLUSIVE:
            reason = "too noisy: the interval straddles the band"
        # A round beyond Tukey's outer fence (row.py) behind a point that would not hold: the
        # run cannot tell (the median is robust to it, so a point whose whole interval lies in
        # the band still holds).
        severe = getattr(est, "severe", 0)
        if severe and verdict != HOLDS:
            verdict, reason = INCONCLUSIVE, f"too noisy: {severe} severe outlier" + \
                ("s" if severe > 1 else "")
        if case is not None and case.disturbed and verdict == FAILS:
            verdict, reason = INCONCLUSIVE, f"disturbed: {case.disturbance}"
        p = {"case": case.name if case else None, "where": where, "verdict": verdict,
             "reason": reason, "measured": [est.value, est.lo, est.hi, est.level] if est else None,
             "band": [lo, hi]}
        if unit:
            p["unit"] = unit
        self.v["points"].append(p)
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


def exact(v):
    """A figure with no interval (a slope of medians, a ratio of two): level 1."""
    return stats.Estimate(v, v, v, 1.0, 1)


def rule(run, r):
    return run.registry.rule(r.executor) or {}


def loop_row(run, case, test=lambda r: True):
    """The first valid row of case on the event loop (by its rule) passing test."""
    return next((r for r in case.rows if baseline.is_loop(rule(run, r)) and not r.reference
                 and r.valid and r.est and test(r)), None)


def threaded(run, r):
    """cvpbench's own pools of worker threads (their published rule): a reference program
    (OpenBLAS, NumPy) states a rule of threads too, but its time is another program's work."""
    ru = rule(run, r)
    return not r.reference and ru.get("computes_at_once") == "threads" \
        and ru.get("overlap") == "workers"


def lat_s(r):
    return r.get("latency-ms", 0) / 1e3

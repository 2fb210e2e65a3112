"""NAME    sizing.py
PURPOSE Work sized by time, not by constants: find the value of a parameter (a matrix order, a
        task count) at which one core takes about the target time on this machine.

The probe times the workload on one core at a few values, growing fast while the region is too
short to time, then fits the local power law t ~ x^k from the last two timed points (k is measured,
not assumed: matmul's n gives k near 3, a task count near 1) and extrapolates to the target, then
checks once. No workload is named here: the law comes from the machine.
"""
import math

MEASURABLE_S = 1e-3  # below this a probe says little about the law
STEP = 8  # growth per probe while below MEASURABLE_S
STEEPEST = 3.0  # the law assumed from a single timed point: undershoots every gentler one


def _round(x):
    """Two significant figures: the size is a choice, not a measurement."""
    if x < 100:
        return max(1, int(round(x)))
    p = 10 ** (int(math.log10(x)) - 1)
    return int(round(x / p) * p)


def size_for(probe, target_s, start=1, lo=1, hi=None, max_probes=10):
    """(value, probes): the value whose probe time is near target_s, and every (value, seconds)
    probed. probe(x) returns the region's seconds at value x (on one core)."""
    probes = []
    x = max(lo, start)
    k = STEEPEST
    for _ in range(max_probes):
        t = probe(x)
        probes.append((x, t))
        if hi is not None and x >= hi:
            return hi, probes
        if t < MEASURABLE_S:
            x = x * STEP if hi is None else min(hi, x * STEP)
            continue
        timed = [(px, pt) for px, pt in probes if pt >= MEASURABLE_S]
        if len(timed) >= 2:
            (x0, t0), (x1, t1) = timed[-2], timed[-1]
            if x1 != x0 and t1 > t0:
                k = min(4.0, max(0.5, math.log(t1 / t0) / math.log(x1 / x0)))
        want = x * (target_s / t) ** (1 / k)
        if 0.8 * target_s <= t <= 1.25 * target_s:
            return _round(x), probes
        # From a single timed point the steepest law is assumed, so the next probe stays short of
        # the target whatever the real law; two points then measure k.
        nxt = _round(want)
        if hi is not None:
            nxt = min(hi, nxt)
        if nxt == x:
            return x, probes
        x = max(lo, nxt)
    best = min(probes, key=lambda p: abs(math.log(max(p[1], 1e-9) / target_s)))
    return best[0], probes

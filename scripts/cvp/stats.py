"""NAME    stats.py
PURPOSE Distribution-free statistics for small samples of times, and the three verdicts.

The interval of a median of n samples is [x_(k), x_(n+1-k)] (1-based order statistics) for the
largest k whose coverage 1 - 2 P(Bin(n, 1/2) < k) is at least the level (bench/stats.c computes
the same; tests check both on the same numbers). Below 6 samples 95% is out of reach: [min, max]
is returned with its real coverage (93.75% for 5), and every report states the level.

Ratios: of two executors timed in the same rounds of one process, the per-round ratios are
paired (drift hits both alike) and their median carries its own interval; of two rows from
different processes, the interval is [lo_a / hi_b, hi_a / lo_b], conservative (it holds at least
when both medians' intervals do).

A claim compares a measured interval with the band its model allows: it holds when the whole
interval lies inside the band, does not hold when the whole interval lies outside it, and is
inconclusive otherwise (the run cannot tell: too noisy) or when it was not measured.
"""
import math
from dataclasses import dataclass, field, replace

from .constants import LEVEL, MIN_SHIFT_SAMPLES, TUKEY_MILD, TUKEY_MIN_SAMPLES, TUKEY_SEVERE
HOLDS, FAILS, INCONCLUSIVE = "holds", "does not hold", "inconclusive"


@dataclass(frozen=True)
class Estimate:
    value: float  # the median (or ratio of medians)
    lo: float
    hi: float
    level: float  # coverage of [lo, hi]
    n: int
    # Severe outliers (Tukey's fences) among the samples of the rows it was read from (row.py):
    # a claim's point built on it is too noisy to decide (claims/_kit.py).
    severe: int = field(default=0, compare=False)

    def scaled(self, f):
        return Estimate(self.value * f, self.lo * f, self.hi * f, self.level, self.n, self.severe)

    def with_severe(self, n):
        """The same estimate, counting n severe outliers behind it."""
        return replace(self, severe=n)

    @property
    def rel_halfwidth(self):
        return (self.hi - self.lo) / 2 / self.value if self.value > 0 else math.inf

    def fmt(self, unit=lambda x: f"{x:.3g}"):
        """'102 ms [101-103 ms]'-style: the value and its interval (caller's unit)."""
        return f"{unit(self.value)} [{unit(self.lo)}, {unit(self.hi)}]"


def _binom_cdf_half(n, k):
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2.0**n


def median_ci(xs, level=LEVEL):
    """Estimate of the median of xs (None when empty)."""
    s = sorted(x for x in xs if x is not None)
    n = len(s)
    if n == 0:
        return None
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    k = 1
    while k + 1 <= (n + 1) // 2 and 1 - 2 * _binom_cdf_half(n, k) >= level:
        k += 1
    cov = 1 - 2 * _binom_cdf_half(n, k - 1) if n >= 2 else 0.0
    return Estimate(med, s[k - 1], s[n - k], cov, n)


def _mann_whitney_cdf(n, m):
    """P(U <= u) for u = 0..n*m under the null (no shift): the exact distribution of the
    Mann-Whitney statistic, counted by the classic recursion (small n, m; large ones use the
    normal approximation in shift_ratio)."""
    table = {(0, j): [1] for j in range(m + 1)}  # (i, j) -> count of arrangements per U
    for i in range(1, n + 1):
        table[(i, 0)] = [1]
        for j in range(1, m + 1):
            a, b = table[(i - 1, j)], table[(i, j - 1)]
            row = [0] * (i * j + 1)
            for u, c in enumerate(a):  # the largest of all is from the first sample: U + j
                row[u + j] += c
            for u, c in enumerate(b):
                row[u] += c
            table[(i, j)] = row
    row, total, out, run = table[(n, m)], math.comb(n + m, n), [], 0
    for c in row:
        run += c
        out.append(run / total)
    return out


def shift_ratio(a, b, level=LEVEL):
    """a/b for two independent samples (two processes, or rows that never shared a round): the
    Hodges-Lehmann estimate of the shift between their logarithms (the median of the n*m
    ratios a_i/b_j) and its distribution-free interval from the Mann-Whitney statistic (Bauer
    1972): the K-th smallest and largest of those ratios. Far narrower than the ratio of two
    medians' intervals, and with the same coverage. None below MIN_SHIFT_SAMPLES each."""
    la = [math.log(x) for x in a if x is not None and x > 0]
    lb = [math.log(x) for x in b if x is not None and x > 0]
    n, m = len(la), len(lb)
    if min(n, m) < MIN_SHIFT_SAMPLES:
        return None
    d = sorted(x - y for x in la for y in lb)
    nm = n * m
    if n * m <= 900:
        cdf = _mann_whitney_cdf(n, m)
        k = 0  # the largest k with 2 P(U <= k - 1) <= 1 - level
        while k + 1 <= nm // 2 and 2 * cdf[k] <= 1 - level:
            k += 1
        cov = 1 - 2 * cdf[k - 1] if k > 0 else 0.0
    else:
        z = 1.959963984540054 if level == 0.95 else _z(level)
        k = max(0, int(math.floor(nm / 2 - z * math.sqrt(nm * (n + m + 1) / 12))))
        cov = level
    if k == 0:
        return None
    med = d[nm // 2] if nm % 2 else (d[nm // 2 - 1] + d[nm // 2]) / 2
    return Estimate(math.exp(med), math.exp(d[k - 1]), math.exp(d[nm - k]), cov, min(n, m))


def _z(level):
    """The standard normal quantile for a two-sided level (bisection on erf)."""
    lo, hi = 0.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid / math.sqrt(2)) < level else (lo, mid)
    return (lo + hi) / 2


def paired_ratio(a, b, level=LEVEL):
    """a/b from {round: value} maps (or equal-length lists): the per-round ratios' median."""
    if isinstance(a, dict):
        keys = sorted(set(a) & set(b))
        pairs = [(a[k], b[k]) for k in keys]
    else:
        pairs = list(zip(a, b))
    return median_ci([x / y for x, y in pairs if x is not None and y], level)


def ratio_of(ea, eb):
    """a/b of two independent estimates: conservative interval."""
    if ea is None or eb is None or eb.value <= 0 or eb.lo <= 0:
        return None
    return Estimate(ea.value / eb.value, ea.lo / eb.hi, ea.hi / eb.lo,
                    max(0.0, ea.level + eb.level - 1), min(ea.n, eb.n), ea.severe + eb.severe)


def _quantile(s, q):
    """The q-quantile of sorted s, linear between order statistics (as criterion computes its
    quartiles)."""
    pos = q * (len(s) - 1)
    i = int(math.floor(pos))
    return s[i] if i + 1 >= len(s) else s[i] + (s[i + 1] - s[i]) * (pos - i)


def tukey(xs):
    """Outliers by Tukey's fences, as criterion counts them: {"mild": beyond 1.5 IQR from the
    quartiles but within 3, "severe": beyond 3 IQR}; None with fewer than 4 samples (quartiles
    of fewer say nothing)."""
    s = sorted(x for x in xs if x is not None)
    if len(s) < TUKEY_MIN_SAMPLES:
        return None
    q1, q3 = _quantile(s, 0.25), _quantile(s, 0.75)
    iqr = q3 - q1
    severe = sum(1 for x in s if x < q1 - TUKEY_SEVERE * iqr or x > q3 + TUKEY_SEVERE * iqr)
    mild = sum(1 for x in s if x < q1 - TUKEY_MILD * iqr or x > q3 + TUKEY_MILD * iqr) - severe
    return {"mild": mild, "severe": severe}


def judge(est, lo=None, hi=None):
    """holds / does not hold / inconclusive for an estimate against the band [lo, hi] (either
    side may be open)."""
    if est is None:
        return INCONCLUSIVE
    lo = -math.inf if lo is None else lo
    hi = math.inf if hi is None else hi
    if lo <= est.lo and est.hi <= hi:
        return HOLDS
    if est.hi < lo or est.lo > hi:
        return FAILS
    return INCONCLUSIVE


def combine(verdicts):
    """A claim's verdict from its points': any point outside its band fails the claim; with none
    failing, the claim holds when at least half its points hold (the others could not tell: too
    noisy or disturbed, and contradict nothing); otherwise it is inconclusive."""
    verdicts = list(verdicts)
    if not verdicts:
        return INCONCLUSIVE
    if FAILS in verdicts:
        return FAILS
    return HOLDS if 2 * verdicts.count(HOLDS) >= len(verdicts) else INCONCLUSIVE


def tied(estimates_by_name, paired=None):
    """The fastest and every name not separable from it: [(name, ratio to fastest or None)].

    paired(name, fastest) may return the paired ratio estimate (same rounds of one process);
    without it the conservative ratio of independent estimates is used. A name is tied when the
    ratio's interval reaches down to 1."""
    named = {k: v for k, v in estimates_by_name.items() if v is not None}
    if not named:
        return []
    fastest = min(named, key=lambda k: named[k].value)
    out = [(fastest, None)]
    for k in sorted(named, key=lambda k: named[k].value):
        if k == fastest:
            continue
        r = paired(k, fastest) if paired else None
        r = r or ratio_of(named[k], named[fastest])
        if r is None or r.lo <= 1.0:
            out.append((k, r))
    return out


def slope(points):
    """Least-squares slope of (x, y) pairs; None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)

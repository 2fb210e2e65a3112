#!/usr/bin/env python3
"""NAME    test_stats.py
PURPOSE The statistics behind every verdict, on hand-worked numbers (the same as tests/unit/
        test_stats.c, so C and Python agree): the order-statistic interval of a median, paired
        and independent ratios, the three-way judgement against a band, how a claim combines its
        points, ties; and the sizing of work by time on fixture machines (a cubic law like a
        matrix product, a linear one like a task count, one with a fixed overhead).
USAGE   test_stats.py [PATH/TO/cvpbench]   (the argument is accepted and unused)"""
import math
import os
import random
import sys

from fixture import SCRIPTS, check

sys.path.insert(0, SCRIPTS)
from cvp import sizing, stats  # noqa: E402
from cvp.stats import FAILS, HOLDS, INCONCLUSIVE  # noqa: E402


def near(a, b):
    return abs(a - b) < 1e-9


def test_intervals():
    e = stats.median_ci([5, 3, 1, 4, 2])
    check(near(e.value, 3) and near(e.lo, 1) and near(e.hi, 5) and near(e.level, 0.9375),
          "5 samples: [min, max] covering 93.75% (95% is out of reach)")
    e = stats.median_ci([6, 1, 5, 2, 4, 3])
    check(near(e.value, 3.5) and (e.lo, e.hi) == (1, 6) and near(e.level, 0.96875),
          "6 samples: [min, max] covers 96.9%")
    e = stats.median_ci(range(10, 0, -1))
    check((e.lo, e.hi) == (2, 9) and near(e.level, 1 - 2 * 11 / 1024), "10 samples: [x2, x9]")
    e = stats.median_ci(range(1, 21))
    check((e.lo, e.hi) == (6, 15) and near(e.level, 1 - 2 * 21700 / 2**20),
          "20 samples: [x6, x15]")
    check(stats.median_ci([]) is None and stats.median_ci([7]).level == 0, "no and one sample")


def test_ratios():
    a = {k: 2.0 * (k + 1) for k in range(6)}
    b = {k: 1.0 * (k + 1) for k in range(6)}
    r = stats.paired_ratio(a, b)
    check(near(r.value, 2) and near(r.lo, 2) and near(r.hi, 2), "paired by round: drift cancels")
    b.pop(0)
    check(stats.paired_ratio(a, b).n == 5, "only the rounds both took part in are paired")
    x = stats.Estimate(10, 9, 12, 0.96, 6)
    y = stats.Estimate(5, 4, 6, 0.97, 9)
    r = stats.ratio_of(x, y)
    check(near(r.value, 2) and near(r.lo, 1.5) and near(r.hi, 3) and near(r.level, 0.93),
          "independent estimates: the conservative bound")


def test_verdicts():
    e = stats.Estimate(1.9, 1.85, 1.95, 0.96, 6)
    check(stats.judge(e, 1.6, 2.2) == HOLDS, "inside the band: holds")
    check(stats.judge(stats.Estimate(1.2, 1.1, 1.3, .96, 6), 1.6, 2.2) == FAILS,
          "entirely outside: does not hold")
    check(stats.judge(stats.Estimate(1.6, 1.4, 1.9, .96, 6), 1.6, 2.2) == INCONCLUSIVE,
          "straddling the band: inconclusive (too noisy)")
    check(stats.judge(None, 1, 2) == INCONCLUSIVE, "nothing measured: inconclusive")
    check(stats.judge(e, None, 2.0) == HOLDS and stats.judge(e, 2.0, None) == FAILS,
          "open-ended bands")
    check(stats.combine([HOLDS, HOLDS, INCONCLUSIVE]) == HOLDS, "a minority undecided: holds")
    check(stats.combine([HOLDS, INCONCLUSIVE, INCONCLUSIVE]) == INCONCLUSIVE,
          "a majority undecided: inconclusive")
    check(stats.combine([HOLDS, FAILS, HOLDS]) == FAILS, "any point failing fails the claim")
    check(stats.combine([]) == INCONCLUSIVE, "no point: inconclusive")


def test_ties():
    ests = {"a": stats.Estimate(10, 9.8, 10.2, .96, 6), "b": stats.Estimate(10.1, 9.9, 10.4, .96, 6),
            "c": stats.Estimate(15, 14.8, 15.2, .96, 6)}
    check([k for k, _ in stats.tied(ests)] == ["a", "b"],
          "overlapping intervals tie; a clearly slower one does not")
    paired = lambda x, y: stats.Estimate(1.01, 1.005, 1.015, .96, 6)  # noqa: E731
    check([k for k, _ in stats.tied({"a": ests["a"], "b": ests["b"]}, paired)] == ["a"],
          "a paired ratio whose interval excludes 1 separates them")


def test_sizing():
    cubic = lambda n: 2 * n**3 / 50e9  # noqa: E731  a matrix product at 50 GFLOP/s
    n, probes = sizing.size_for(cubic, 0.2, start=128)
    check(0.8 * 0.2 <= cubic(n) <= 1.25 * 0.2 and max(t for _, t in probes) <= 0.25,
          f"cubic law: n = {n} takes {cubic(n):.3f} s, no probe beyond the target ({probes})")
    linear = lambda x: 4e-9 * x  # noqa: E731  a task count at 4 ns a task
    x, probes = sizing.size_for(linear, 0.05, start=1)
    check(0.8 * 0.05 <= linear(x) <= 1.25 * 0.05 and len(probes) <= 10,
          f"linear law from 1: {x} tasks in {len(probes)} probes")
    slow = lambda n: 2 * n**3 / 2e9  # noqa: E731  a machine 25 times slower
    n2, _ = sizing.size_for(slow, 0.2, start=128)
    check(n2 < n / 2 and 0.8 * 0.2 <= slow(n2) <= 1.25 * 0.2,
          f"a slower machine gets a smaller size ({n2} vs {n}): sized by time, not constants")
    capped, _ = sizing.size_for(cubic, 10.0, start=128, hi=1000)
    check(capped == 1000, "the parameter's maximum bounds the size")


def test_shift_ratio():
    """Two independent samples (two processes): the Hodges-Lehmann ratio and its Mann-Whitney
    interval, exact at small sizes (6 and 6: the 6th smallest and largest of the 36 ratios,
    95.9%), about 95% of intervals covering the true ratio, narrower than the ratio of the two
    medians' intervals, and none below 3 samples each."""
    import math
    import random
    a, b = [2.0 * (1 + i / 100) for i in range(6)], [1.0 * (1 + i / 100) for i in range(6)]
    e = stats.shift_ratio(a, b)
    pairs = sorted(x / y for x in a for y in b)
    check(abs(e.lo - pairs[5]) < 1e-9 and abs(e.hi - pairs[30]) < 1e-9
          and abs(e.level - (1 - 2 * 0.0206)) < 1e-3,
          f"6 and 6: the 6th smallest and largest ratio, 95.9% ({e})")
    rng = random.Random(7)
    hits, narrower, trials = 0, 0, 600
    for _ in range(trials):
        a = [1.5 * math.exp(rng.gauss(0, 0.1)) for _ in range(9)]
        b = [math.exp(rng.gauss(0, 0.1)) for _ in range(9)]
        e, wide = stats.shift_ratio(a, b), stats.ratio_of(stats.median_ci(a), stats.median_ci(b))
        hits += e.lo <= 1.5 <= e.hi
        narrower += (e.hi - e.lo) < (wide.hi - wide.lo)
    check(0.92 <= hits / trials <= 0.98, f"about 95% of intervals cover the ratio ({hits}/{trials})")
    check(narrower == trials, f"narrower than two medians' intervals ({narrower}/{trials})")
    check(stats.shift_ratio([1, 2], [1, 2, 3]) is None and stats.shift_ratio([1, 2, 3],
                                                                             [1, 2, 3]) is None,
          "too few samples for a 95% interval: none")


def test_coverage_shown():
    """An interval covering well below the 95% the headers promise says its coverage; a 95%
    one and an exact figure do not."""
    from cvp import fmt
    three = stats.median_ci([1.0, 1.1, 1.2])
    check(fmt.est(three).endswith("(75% interval)") and fmt.x_est(three).endswith(
        "(75% interval)"), f"three rounds: 75% said ({fmt.est(three)})")
    nine = stats.median_ci([1.0 + i / 100 for i in range(9)])
    exact = stats.Estimate(2.0, 2.0, 2.0, 1.0, 1)
    check("interval)" not in fmt.est(nine) + fmt.x_est(exact),
          f"95% and exact figures carry no note ({fmt.est(nine)}, {fmt.x_est(exact)})")


def main():
    test_coverage_shown()
    test_shift_ratio()
    test_intervals()
    test_ratios()
    test_verdicts()
    test_ties()
    test_sizing()


if __name__ == "__main__":
    main()

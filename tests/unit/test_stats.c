/* NAME    test_stats.c
 * PURPOSE The order-statistic interval of a median on hand-worked cases (scripts/cvp/stats.py
 *         is tested on the same numbers), the paired ratio, mean and standard deviation. */
#include <math.h>

#include "check.h"
#include "stats.h"

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

int main(void)
{
    /* 5 samples cannot reach 95%: [min, max], covering 1 - 2/32 = 93.75%. */
    double five[] = {5, 3, 1, 4, 2};
    struct estimate e = stats_median(five, 5, 0.95);
    CHECK(near(e.median, 3) && near(e.lo, 1) && near(e.hi, 5) && near(e.level, 0.9375));
    /* 6: [min, max] covers 1 - 2/64; the median of an even count is the mean of the middle. */
    double six[] = {6, 1, 5, 2, 4, 3};
    e = stats_median(six, 6, 0.95);
    CHECK(near(e.median, 3.5) && near(e.lo, 1) && near(e.hi, 6) && near(e.level, 0.96875));
    /* 10: P(B <= 1) = 11/1024 <= 2.5%, P(B <= 2) = 56/1024 > 2.5%: [x2, x9]. */
    double ten[10];
    for (int i = 0; i < 10; i++)
        ten[i] = 10 - i;
    e = stats_median(ten, 10, 0.95);
    CHECK(near(e.median, 5.5) && near(e.lo, 2) && near(e.hi, 9) &&
          near(e.level, 1 - 2 * 11.0 / 1024));
    /* 20: P(B <= 5) = 21700/2^20: [x6, x15]. */
    double twenty[20];
    for (int i = 0; i < 20; i++)
        twenty[i] = i + 1;
    e = stats_median(twenty, 20, 0.95);
    CHECK(near(e.lo, 6) && near(e.hi, 15) && near(e.level, 1 - 2 * 21700.0 / 1048576));
    CHECK(near(stats_rel_halfwidth(&e), 4.5 / 10.5));
    /* One sample: an estimate with no coverage to speak of. */
    double one[] = {7};
    e = stats_median(one, 1, 0.95);
    CHECK(near(e.median, 7) && near(e.lo, 7) && near(e.hi, 7) && e.level == 0);
    /* Paired ratios: round by round, so a drift shared by both cancels. */
    double a[] = {2, 4, 6, 8, 10, 12}, b[] = {1, 2, 3, 4, 5, 6};
    e = stats_paired_ratio(a, b, 6, 0.95);
    CHECK(near(e.median, 2) && near(e.lo, 2) && near(e.hi, 2));
    /* Independent estimates: the conservative bound, and rounds sat out (NAN) skipped. */
    struct estimate x = {.median = 10, .lo = 9, .hi = 12, .level = 0.96, .n = 6};
    struct estimate y = {.median = 5, .lo = 4, .hi = 6, .level = 0.97, .n = 9};
    e = stats_ratio_of(&x, &y);
    CHECK(near(e.median, 2) && near(e.lo, 1.5) && near(e.hi, 3) && near(e.level, 0.93));
    double an[] = {2, NAN, 6, 8, 10, 12, 14}, bn[] = {1, 2, 3, 4, 5, 6, 7};
    e = stats_paired_ratio(an, bn, 7, 0.95);
    CHECK(e.n == 6 && near(e.median, 2));
    CHECK(near(stats_mean(six, 6), 3.5) && near(stats_stddev(six, 6), sqrt(3.5)));
    CHECK(stats_stddev(one, 1) == 0);
    CHECK_DONE();
}

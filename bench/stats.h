/* NAME    stats.h
 * PURPOSE Distribution-free statistics for small samples of times: the median with an exact
 *         order-statistic confidence interval (no normality assumed), mean, standard deviation,
 *         and the ratio of two executors measured in the same rounds (paired: round k of one
 *         against round k of the other, so drift during a run hits both alike).
 *
 * The interval for a median of n samples is [x_(k), x_(n+1-k)] (1-based order statistics) for
 * the largest k whose coverage 1 - 2 P(Bin(n, 1/2) < k) is at least the level asked for. Below
 * 6 samples 95% cannot be reached; the widest interval, [min, max], is returned with its real
 * coverage (93.75% for 5), which every report states. scripts/cvp/stats.py implements the same
 * rule; tests check both on the same numbers. */
#ifndef CVP_STATS_H
#define CVP_STATS_H

#include <stddef.h>

struct estimate {
    double median;
    double lo, hi; /* the interval */
    double level;  /* its coverage, e.g. 0.969 */
    size_t n;
};

/* Median and interval at (at least, where n allows) `level` of x[0..n-1]; x is not changed. */
struct estimate stats_median(const double *x, size_t n, double level);
double stats_mean(const double *x, size_t n);
double stats_stddev(const double *x, size_t n); /* sample standard deviation; 0 when n < 2 */
/* The ratio a/b of paired samples (a[k] and b[k] from round k): the median of the per-round
 * ratios with its interval. Rounds where either is NAN (sat out) are left out. */
struct estimate stats_paired_ratio(const double *a, const double *b, size_t n, double level);
/* a/b of two independent estimates: [a.lo / b.hi, a.hi / b.lo], which covers the ratio at least
 * when both intervals cover their medians (level a.level + b.level - 1, conservative). */
struct estimate stats_ratio_of(const struct estimate *a, const struct estimate *b);
/* Half the interval's width relative to the median (0.03 = within +-3%). */
double stats_rel_halfwidth(const struct estimate *e);

#endif

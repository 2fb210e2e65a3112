/* NAME    stats.c
 * PURPOSE Medians with order-statistic intervals, mean and deviation, paired ratios (stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* P(Bin(n, 1/2) <= k), summed in logs so n in the thousands does not overflow. */
static double binom_cdf_half(size_t n, size_t k)
{
    double sum = 0, logc = 0; /* log C(n, 0) */
    for (size_t i = 0; i <= k && i <= n; i++) {
        if (i > 0) logc += log((double)(n - i + 1)) - log((double)i);
        sum += exp(logc - (double)n * log(2.0));
    }
    return sum;
}

struct estimate stats_median(const double *x, size_t n, double level)
{
    struct estimate e = {.n = n};
    if (n == 0) return e;
    double *s = malloc(n * sizeof *s);
    if (!s) return e;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    e.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    /* The largest k (1-based) with coverage >= level; k = 1 ([min, max]) when none reaches it. */
    size_t k = 1;
    while (k + 1 <= (n + 1) / 2 && 1 - 2 * binom_cdf_half(n, k) >= level)
        k++;
    e.lo = s[k - 1];
    e.hi = s[n - k];
    e.level = n >= 2 ? 1 - 2 * binom_cdf_half(n, k - 1) : 0;
    free(s);
    return e;
}

double stats_mean(const double *x, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return n ? sum / (double)n : 0;
}

double stats_stddev(const double *x, size_t n)
{
    if (n < 2) return 0;
    double m = stats_mean(x, n), ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (double)(n - 1));
}

struct estimate stats_paired_ratio(const double *a, const double *b, size_t n, double level)
{
    struct estimate e = {.n = n};
    double *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) return e;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) /* a round one of them sat out (NAN) pairs with nothing */
        if (b[i] > 0 && !isnan(a[i])) r[m++] = a[i] / b[i];
    e = stats_median(r, m, level);
    free(r);
    return e;
}

struct estimate stats_ratio_of(const struct estimate *a, const struct estimate *b)
{
    struct estimate e = {.n = a->n < b->n ? a->n : b->n};
    if (!(b->median > 0) || !(b->lo > 0)) return e;
    e.median = a->median / b->median;
    e.lo = a->lo / b->hi;
    e.hi = a->hi / b->lo;
    e.level = a->level + b->level - 1 > 0 ? a->level + b->level - 1 : 0;
    return e;
}

double stats_rel_halfwidth(const struct estimate *e)
{
    return e->median > 0 ? (e->hi - e->lo) / 2 / e->median : INFINITY;
}

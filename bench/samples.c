/* NAME    samples.c
 * PURPOSE Median and p90 of a few hundred samples, by nearest rank on the sorted values (the
 *         same definition as the histogram's quantiles, without its bucket rounding). */
#include "samples.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double quantile_sorted(const double *v, int n, double q)
{
    if (n <= 0) return 0;
    /* Nearest rank: the smallest value with at least q of all values at or below it. */
    long rank = (long)ceil(q * n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return v[rank - 1];
}

void stats_of(double *v, int n, struct stats *s)
{
    s->n = n > 0 ? n : 0;
    s->why[0] = '\0';
    if (n <= 0) {
        s->median = s->p90 = 0;
        snprintf(s->why, sizeof s->why, "no samples");
        return;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    s->median = quantile_sorted(v, n, 0.5);
    s->p90 = quantile_sorted(v, n, 0.9);
}

int stats_none(struct stats *s, int err, const char *fmt, ...)
{
    s->n = 0;
    s->median = s->p90 = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
    return -err;
}
